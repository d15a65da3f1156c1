/**
 * 接件受理 at the kiosk (README "Applying at the kiosk (接件受理)") on both stores, with the example catalogue's
 * self-service items: the form fills itself from the card and earlier applications, each bad field is refused with
 * what to change, a commitment is signed only with the session's own card, materials to bring get a ticket or the
 * earliest slot, submit is idempotent per (kiosk, requestId), the clerk's decisions and their refusals, and the
 * post-hoc checks with their consequence.
 */
import { DEFAULT_HALL_ID } from '../../src/store/hallScope.ts';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalogueFiles } from '../../src/catalogue/loadCatalogue.ts';
import { AppointmentService } from '../../src/hall/appointments.ts';
import { ApplicationService } from '../../src/hall/applications.ts';
import { commitmentCheckAlerts } from '../../src/hall/alerts.ts';
import { citizenFromHolder, type Citizen } from '../../src/hall/citizen.ts';
import { HallRuleError } from '../../src/hall/errors.ts';
import { IntakeFormRefused, IntakeService } from '../../src/hall/intake.ts';
import { QueueService } from '../../src/hall/queue.ts';
import { hallFixtureOn, libraryHolder, STORE_BACKENDS, type HallFixture } from './fixture.ts';

const CATALOGUE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../config/examples/catalogue/catalogue.json');
// The fixture's store is bound to the default hall (README "Running a district"); the service takes the store's.
const HALL = DEFAULT_HALL_ID;
const HUKOU = 'D35-02';
const COMMIT = '共同居住承诺';
const FORM = { relation: '夫妻投靠', moveFrom: '广州市越秀区北京路1号', address: '广州市天河区体育西路100号', phone: '13800138000' };

async function rule(p: Promise<unknown>): Promise<HallRuleError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(HallRuleError);
  return err as HallRuleError;
}

describe.each(STORE_BACKENDS)('kiosk intake on $name', (backend) => {
  const openHallFixture = hallFixtureOn(backend);
  let fx: HallFixture;
  let intake: IntakeService;
  let applications: ApplicationService;
  let zhang: Citizen;
  let wang: Citizen;
  const clerk = { user: 'clerk1', hallId: HALL };

  beforeEach(async () => {
    fx = await openHallFixture('2026-11-25', '09:00', false);
    await loadCatalogueFiles(fx.store, [CATALOGUE]);
    const queue = new QueueService(fx.store, fx.clock);
    intake = new IntakeService(fx.store, queue, new AppointmentService(fx.store, queue, fx.clock), fx.clock);
    applications = new ApplicationService(fx.store, fx.clock);
    zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));
    wang = citizenFromHolder(libraryHolder('wang-guifen'));
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  const submit = (over: Partial<Parameters<IntakeService['submit']>[0]> = {}) => intake.submit({ sessionKey: 's1', citizen: zhang,
    kioskId: 'kiosk-1', requestId: 'r1', serviceId: HUKOU, form: FORM, bringBy: 'ticket', ...over });

  it('lists the self-service items with what is needed and how long it takes; others are refused', async () => {
    const items = await intake.items();
    expect(items.map((i) => i.serviceId)).toEqual(['D27-02', 'D34-01', 'D35-02', 'D37-01', 'D37-03', 'D40-01']);
    const hukou = items.find((i) => i.serviceId === HUKOU)!;
    expect(hukou.materials.map((m) => [m.name, m.kind])).toEqual([['居民身份证', 'shared'], ['居民户口簿', 'shared'], ['结婚证', 'shared'],
      [COMMIT, 'commitment'], ['户主同意投靠书（原件）', 'bring']]);
    expect(hukou.estimatedMinutes).toBeGreaterThanOrEqual(2);
    expect((await rule(intake.start(zhang, 'D01-01'))).code).toBe('notSelfService');
  });

  it('fills the form from the card and offers what the citizen gave in an earlier application', async () => {
    const first = await intake.start(zhang, HUKOU);
    expect(first.fields.find((f) => f.key === 'name')).toMatchObject({ value: '张三丰', origin: 'card' });
    expect(first.fields.find((f) => f.key === 'idNumber')).toMatchObject({ value: '4401**********1231', origin: 'card' });
    expect(first.fields.find((f) => f.key === 'phone')).toMatchObject({ value: '', origin: null });
    await submit();
    const social = await intake.start(zhang, 'D37-01');
    expect(social.fields.find((f) => f.key === 'phone')).toMatchObject({ value: '13800138000', origin: 'earlier', offered: '13800138000' });
    // Another citizen is offered nothing of Zhang's.
    expect((await intake.start(wang, 'D37-01')).fields.find((f) => f.key === 'phone')).toMatchObject({ value: '', origin: null });
  });

  it('refuses bad fields one by one with what to change, and submits nothing', async () => {
    const err = await rule(submit({ form: { relation: '朋友', moveFrom: '广州', address: 'x'.repeat(61), phone: '1380013800a',
      extra: 'y' } }));
    expect(err).toBeInstanceOf(IntakeFormRefused);
    const byField = Object.fromEntries((err as IntakeFormRefused).fields.map((f) => [f.field, f.zh]));
    expect(byField).toEqual({
      extra: '表单没有此项',
      relation: '投靠关系请从选项中选择：夫妻投靠、子女投靠父母、父母投靠子女',
      moveFrom: '迁出地址至少4个字，现为2个',
      address: '现住址最多60个字，现为61个，请删减',
      phone: '联系电话只能填数字',
    });
    const ctl = await rule(submit({ form: { ...FORM, moveFrom: '广州市\u0007越秀区', phone: '' } })) as IntakeFormRefused;
    expect(ctl.fields.map((f) => [f.field, f.zh])).toEqual([['moveFrom', '迁出地址含有不可见的控制字符，请删除后重新输入'], ['phone', '请填写联系电话']]);
    const short = await rule(submit({ form: { ...FORM, phone: '1380013800' } })) as IntakeFormRefused;
    expect(short.fields.map((f) => f.zh)).toEqual(['联系电话须为11位，现为10位']);
    expect(await fx.store.listIntakes()).toEqual([]);
  });

  it('signs a commitment only with the session\'s own card; a different card is refused and nothing is recorded', async () => {
    expect((await rule(intake.sign('s1', zhang, HUKOU, COMMIT, wang.number, 'kiosk-1'))).code).toBe('cardMismatch');
    const a = await submit();
    expect(a.materials.find((m) => m.name === COMMIT)).toEqual({ name: COMMIT, how: 'bring', ticket: 'E001' });
    expect(await fx.store.listCommitments()).toEqual([]);
    expect((await rule(intake.sign('s1', zhang, HUKOU, '居民身份证', zhang.number, 'kiosk-1'))).code).toBe('noCommitment');
  });

  it('submits with one material shared, one by commitment, one to bring (ticket): 待预审, commitment recorded as a check item', async () => {
    fx.clock.set('2026-11-25', '09:10');
    const signed = await intake.sign('s1', zhang, HUKOU, COMMIT, zhang.number, 'kiosk-1');
    expect(signed).toMatchObject({ material: COMMIT, textVersion: 'v1', signedAtText: '2026-11-25 09:10' });
    fx.clock.set('2026-11-25', '09:12');
    const a = await submit();
    expect(a).toMatchObject({ serial: 'GD20261125000001', state: 'pending', stateName: '待预审', maskedNumber: '4401**********1231',
      repeated: false, timeLimitDays: 20, nextStep: '请凭E001号到窗口提交需提交的材料，窗口预审后受理' });
    expect(a.materials).toEqual([
      { name: '居民身份证', how: 'shared', source: '电子证照库：居民身份证' },
      { name: '居民户口簿', how: 'shared', source: '共享数据：公安人口信息' },
      { name: '结婚证', how: 'shared', source: '电子证照库：结婚证' },
      { name: COMMIT, how: 'commitment' },
      { name: '户主同意投靠书（原件）', how: 'bring', ticket: 'E001' },
    ]);
    expect(a.commitments).toEqual([{ material: COMMIT, textVersion: 'v1', signedAtText: '2026-11-25 09:10' }]);
    const [c] = await fx.store.listCommitments();
    expect(c).toMatchObject({ serial: a.serial, kioskId: 'kiosk-1', textVersion: 'v1', cardMasked: '4401**********1231', checkState: 'open',
      signedAt: fx.clock.at('2026-11-25', '09:10') });
    expect(c.dueDay > '2026-11-25').toBe(true);
    const stored = (await fx.store.getIntake(a.serial))!;
    expect(stored.form).toEqual({ name: '张三丰', idNumber: '4401**********1231', ...FORM });
    expect((await fx.store.listTickets('2026-11-25')).map((t) => t.number)).toEqual(['E001']);
  });

  it('drops the signatures of a session whose end never came (a linked kiosk that crashed) after 30 minutes, not before', async () => {
    fx.clock.set('2026-11-25', '09:10');
    await intake.sign('crashed', zhang, HUKOU, COMMIT, zhang.number, 'kiosk-1');
    fx.clock.set('2026-11-25', '09:39');
    await intake.sign('s1', wang, HUKOU, COMMIT, wang.number, 'kiosk-2');
    expect(intake.heldSignatureSessions).toBe(2);
    fx.clock.set('2026-11-25', '09:41');
    // The submit of the forgotten session is refused as lost, never turned silently into a material to bring.
    expect((await rule(submit({ sessionKey: 'crashed', signedAtKiosk: [COMMIT] }))).code).toBe('commitmentLost');
    expect(intake.heldSignatureSessions).toBe(1);
    const a = await submit({ citizen: wang, requestId: 'r2', signedAtKiosk: [COMMIT] });
    expect(a.materials.find((m) => m.name === COMMIT)).toEqual({ name: COMMIT, how: 'commitment' });
  });

  it('books the earliest slot for materials to bring when asked', async () => {
    const a = await submit({ bringBy: 'slot' });
    expect(a.materials.at(-1)).toEqual({ name: '户主同意投靠书（原件）', how: 'bring', slot: '2026-11-26 09:00' });
    expect(a.nextStep).toBe('请于2026-11-26 09:00到窗口提交需提交的材料，窗口预审后受理');
    expect((await rule(submit({ requestId: 'r2', bringBy: undefined }))).code).toBe('bringChoiceRequired');
  });

  it('makes one application of a double submit (same kiosk and requestId), and refuses that requestId for another citizen', async () => {
    const [x, y] = await Promise.all([submit(), submit()]);
    const z = await submit();
    expect(new Set([x.serial, y.serial, z.serial]).size).toBe(1);
    expect([x.repeated, y.repeated].sort()).toEqual([false, true]);
    expect(z.repeated).toBe(true);
    expect(await fx.store.listIntakes()).toHaveLength(1);
    expect((await fx.store.listTickets('2026-11-25'))).toHaveLength(1);
    expect((await rule(submit({ citizen: wang }))).code).toBe('requestReused');
    // The same requestId from another kiosk is another application.
    expect((await submit({ kioskId: 'kiosk-2' })).serial).not.toBe(x.serial);
  });

  it('the clerk sees waiting applications oldest first; accepting starts the time limit in the progress tracking', async () => {
    const a = await submit();
    fx.clock.set('2026-11-25', '09:30');
    const b = await submit({ citizen: wang, requestId: 'r2', sessionKey: 's2' });
    expect((await intake.pending()).map((p) => p.serial)).toEqual([a.serial, b.serial]);
    expect((await intake.pending())[0].form).toContainEqual({ key: 'phone', label: '联系电话', value: '13800138000' });
    fx.clock.set('2026-11-26', '10:00');
    const done = await intake.decide(a.serial, { decision: 'accept' }, clerk);
    expect(done).toMatchObject({ state: 'accepted', stateName: '受理' });
    const progress = await applications.get(zhang, a.serial);
    expect(progress).toMatchObject({ status: 'accepted', statusName: '受理', acceptedDay: '2026-11-26', timeLimitDays: 20 });
    expect(progress.timeLimit.state).toBe('onTime');
    expect(progress.timeLimit.dueDay > '2026-12-20').toBe(true);
    expect((await intake.pending()).map((p) => p.serial)).toEqual([b.serial]);
    expect(await intake.listOf(zhang)).toEqual([]);
  });

  it('refuses acting on a decided application, on another hall\'s, and a return or rejection without a reason', async () => {
    const a = await submit();
    expect((await rule(intake.decide(a.serial, { decision: 'accept' }, { user: 'x', hallId: 'OTHER-HALL' }))).code).toBe('otherHall');
    expect((await rule(intake.decide(a.serial, { decision: 'reject', reason: '  ' }, clerk))).code).toBe('reasonRequired');
    const returned = await intake.decide(a.serial, { decision: 'return', reason: '迁出地址与户籍信息不符，请核对' }, clerk);
    expect(returned).toMatchObject({ state: 'returned', reason: '迁出地址与户籍信息不符，请核对' });
    expect((await rule(intake.decide(a.serial, { decision: 'accept' }, clerk))).code).toBe('alreadyDecided');
    expect(await applications.listOf(zhang)).toEqual([]);
    const mine = await intake.listOf(zhang);
    expect(mine[0]).toMatchObject({ stateName: '退回', nextStep: '申请被退回：迁出地址与户籍信息不符，请核对。请按要求修改后重新申请' });
  });

  it('post-hoc checks: overdue ones counted, a check recorded once, a false one flags the applicant\'s later commitments', async () => {
    await intake.sign('s1', zhang, HUKOU, COMMIT, zhang.number, 'kiosk-1');
    await submit();
    const [check] = await intake.checks({ openOnly: true });
    expect(check).toMatchObject({ material: COMMIT, maskedNumber: '4401**********1231', state: 'open', overdue: false });
    expect(await intake.overdueChecks()).toBe(0);
    expect(commitmentCheckAlerts(await intake.overdueChecks())).toEqual([]);
    fx.clock.set('2027-01-30', '09:00');
    expect(await intake.overdueChecks()).toBe(1);
    expect(commitmentCheckAlerts(await intake.overdueChecks())).toEqual([expect.objectContaining({ kind: 'commitmentChecksOverdue',
      severity: 'warning', message: '1项告知承诺已过核查期限，请尽快核查 / 1 commitment check(s) overdue' })]);
    expect((await rule(intake.recordCheck(check.id, { found: 'false', note: null }, clerk))).code).toBe('reasonRequired');
    const found = await intake.recordCheck(check.id, { found: 'false', note: '经核查未共同居住' }, { user: 'mgr', hallId: HALL });
    expect(found).toMatchObject({ state: 'false', checkedBy: 'mgr', overdue: false });
    expect((await rule(intake.recordCheck(check.id, { found: 'confirmed', note: null }, clerk))).code).toBe('alreadyChecked');
    expect(await intake.overdueChecks()).toBe(0);
    // Zhang's next application with a commitment goes to manual review; one without a commitment does not.
    await intake.sign('s3', zhang, 'D37-01', '社会保障卡遗失声明', zhang.number, 'kiosk-1');
    const next = await intake.submit({ sessionKey: 's3', citizen: zhang, kioskId: 'kiosk-1', requestId: 'r3', serviceId: 'D37-01',
      form: { reason: '遗失', bank: '工商银行', mailAddress: '广州市天河区体育西路100号', phone: '13800138000' } });
    expect((await fx.store.getIntake(next.serial))!.commitmentReview).toBe(true);
    const plain = await intake.submit({ sessionKey: 's4', citizen: zhang, kioskId: 'kiosk-1', requestId: 'r4', serviceId: 'D40-01',
      form: { fromDate: '2026-01-01', toDate: '2026-10-31', purpose: '购房', phone: '13800138000' } });
    expect((await fx.store.getIntake(plain.serial))!.commitmentReview).toBe(false);
  });
});
