/**
 * Collecting results (README "Collecting results (领取结果)") on both real hall stores, with the counter workflow over
 * recorded terminals: only the applicant's own finished application, among the ways its item offers; a pickup ticket
 * in the pickup category that a window serving it calls before its other tickets, and whose finish records the
 * result collected with the window; post with the address offered from earlier forms, listed until marked posted;
 * electronic issuing the item's certificate into the citizen's list; a second tap answers the same record; the
 * managers' list of results nobody collected after N days.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CertificateService } from '../../src/hall/certificates.ts';
import type { Citizen } from '../../src/hall/citizen.ts';
import { HallRuleError } from '../../src/hall/errors.ts';
import { ResultCollectionService } from '../../src/hall/resultCollection.ts';
import { loadOrCreateHallKeys } from '../../src/hall/signing.ts';
import { SERVICE_A, SERVICE_B, STORE_BACKENDS } from './fixture.ts';
import { BUS, openWorkflowRig, type WorkflowRig } from '../counter/workflowRig.ts';

const ZHANG: Citizen = { number: '440106199003071231', name: '张三', birthDate: '1990-03-07' };
const LI: Citizen = { number: '440106198805051234', name: '李四', birthDate: '1988-05-05' };
const CERT = { typeName: '测试证书', typeCode: '11100000000013338W099', issuerName: '测试发证机关', issuerCode: '11440100MB2C12345X', validYears: 5 };
const DAY_MS = 86_400_000;

async function rule(p: Promise<unknown>): Promise<HallRuleError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(HallRuleError);
  return err as HallRuleError;
}

describe.each(STORE_BACKENDS)('result collection on $name', (backend) => {
  let rig: WorkflowRig;
  let results: ResultCollectionService;
  let certificates: CertificateService;

  /** A finished application of `c` for `serviceId`, 办结 `daysAgo` days ago. */
  async function done(c: Citizen, serial: string, serviceId = SERVICE_A, daysAgo = 1, status: 'done' | 'review' = 'done'): Promise<void> {
    const at = rig.fx.clock.now() - daysAgo * DAY_MS;
    await rig.fx.store.insertApplication({ serial, serviceId, applicantNumber: c.number, status, acceptedAt: at - 5 * DAY_MS,
      acceptedDay: rig.fx.clock.dayOf(at - 5 * DAY_MS), result: null, commitments: [], updatedAt: at });
  }

  beforeEach(async () => {
    // Window 1 serves A and the pickup category R; window 2 serves A only.
    rig = await openWorkflowRig({ windows: [{ window: 1, deviceId: BUS, unit: 1, categories: ['A', 'R'] },
      { window: 2, deviceId: BUS, unit: 2, categories: ['A'] }] }, undefined, backend);
    const s = rig.fx.store;
    await s.upsertQueueCategory({ letter: 'R', name: '领取结果', defaultServiceMinutes: 2 });
    const a = (await s.getServiceItem(SERVICE_A))!;
    await s.upsertServiceItem({ ...a, resultCollection: ['counter', 'post', 'electronic'], resultCertificate: CERT }, await s.listMaterials(SERVICE_A));
    certificates = new CertificateService(s, loadOrCreateHallKeys(rig.fx.dir), rig.fx.clock);
    results = new ResultCollectionService(s, rig.queue, certificates, rig.fx.clock, { uncollectedAfterDays: 10 });
  });
  afterEach(async () => rig?.close());

  it('offers the finished applications only, with the item\'s ways (counter only by default) and the address of an earlier form', async () => {
    await done(ZHANG, 'GD20261120000001');
    await done(ZHANG, 'GD20261120000002', SERVICE_B);
    await done(ZHANG, 'GD20261120000003', SERVICE_A, 1, 'review');
    await done(LI, 'GD20261120000004');
    await rig.fx.store.insertIntake({ serial: 'GD20261101000009', hallId: rig.fx.store.hallId, requestId: 'r', kioskId: 'k', serviceId: SERVICE_A,
      applicantNumber: ZHANG.number, state: 'accepted', form: { address: '广州市天河区体育西路100号', phone: '13800138000' }, materials: [],
      commitmentReview: false, submittedAt: rig.fx.clock.now() - 30 * DAY_MS, submittedDay: '2026-10-26', decidedAt: null, decidedBy: null, reason: null });
    const offers = await results.offers(ZHANG);
    expect(offers.map((o) => [o.serial, o.modes, o.state])).toEqual(expect.arrayContaining([
      ['GD20261120000001', ['counter', 'post', 'electronic'], null], ['GD20261120000002', ['counter'], null]]));
    expect(offers).toHaveLength(2);
    const a = offers.find((o) => o.serial === 'GD20261120000001')!;
    expect([a.earlierAddress, a.earlierPhone]).toEqual(['广州市天河区体育西路100号', '13800138000']);
    // Counter only: nothing to prefill.
    expect(offers.find((o) => o.serial === 'GD20261120000002')!.earlierAddress).toBeNull();
  });

  it('refuses another citizen\'s application, an unfinished one and a way the item does not offer', async () => {
    await done(ZHANG, 'GD20261120000001');
    await done(ZHANG, 'GD20261120000002', SERVICE_B);
    await done(ZHANG, 'GD20261120000003', SERVICE_A, 1, 'review');
    expect((await rule(results.collect({ citizen: LI, serial: 'GD20261120000001', mode: 'counter' }))).code).toBe('unknownApplication');
    expect((await rule(results.collect({ citizen: ZHANG, serial: 'GD20261120000003', mode: 'counter' }))).code).toBe('resultNotReady');
    expect((await rule(results.collect({ citizen: ZHANG, serial: 'GD20261120000002', mode: 'post', address: '广州市天河区体育西路1号', phone: '13800138000' }))).code)
      .toBe('resultModeNotOffered');
    expect(await rig.fx.store.getResultCollection('GD20261120000001')).toBeUndefined();
  });

  it('counter: a pickup ticket in R, the same on a second tap; the window serving R calls it first and finishing it records the pickup with the window', async () => {
    await done(ZHANG, 'GD20261120000001');
    const walkIn = await rig.take(LI, 'A');
    rig.fx.clock.advance(60_000);
    const first = await results.collect({ citizen: ZHANG, serial: 'GD20261120000001', mode: 'counter' });
    expect(first.ticket).toMatchObject({ number: 'R001', category: 'R', categoryName: '领取结果' });
    expect(first.offer).toMatchObject({ mode: 'counter', state: 'ticketIssued', ticketNumber: 'R001' });
    // A double tap, at once and after: one ticket, one record; another way is refused.
    const [again, third] = await Promise.all([
      results.collect({ citizen: ZHANG, serial: 'GD20261120000001', mode: 'counter' }),
      results.collect({ citizen: ZHANG, serial: 'GD20261120000001', mode: 'counter' })]);
    expect([again.ticket?.number, third.ticket?.number, again.repeated, third.repeated]).toEqual(['R001', 'R001', true, true]);
    expect((await rule(results.collect({ citizen: ZHANG, serial: 'GD20261120000001', mode: 'electronic' }))).code).toBe('resultAlreadyChosen');
    expect((await rig.fx.store.listTickets(rig.fx.clock.today(), { category: 'R' }))).toHaveLength(1);

    // Window 2 does not serve R: it calls the earlier walk-in; window 1 calls the pickup before any A ticket.
    await rig.take(LI, 'B');
    const other = await rig.take({ ...LI, number: '440106197001011111' }, 'A');
    expect((await rig.press(1, 'callNext'))?.outcome).toBe('called R001');
    expect(rig.calls.at(-1)?.reason).toMatch(/^R类优先/);
    expect((await rig.press(2, 'callNext'))?.outcome).toBe(`called ${walkIn.number}`);
    rig.fx.clock.advance(90_000);
    expect((await rig.press(1, 'finish'))?.outcome).toBe('finished R001: result of GD20261120000001 collected');
    const rec = (await rig.fx.store.getResultCollection('GD20261120000001'))!;
    expect(rec).toMatchObject({ state: 'collected', window: 1, finishedBy: 'counter', finishedAt: rig.fx.clock.now() });
    expect((await results.offers(ZHANG))[0]).toMatchObject({ state: 'collected', window: 1, collectedAtText: rig.fx.clock.stamp() });
    // Handed out already: the clerk's record is refused; an ordinary ticket's finish records nothing.
    expect((await rule(results.recordPickup('GD20261120000001', 2, 'clerk1'))).code).toBe('resultNotPending');
    expect((await rig.press(1, 'callNext'))?.outcome).toBe(`called ${other.number}`);
    expect((await rig.press(1, 'finish'))?.outcome).toBe(`finished ${other.number}`);
  });

  it('a pickup ticket that can no longer be called (no-show, or an earlier day\'s) is replaced by a new one when the citizen asks again', async () => {
    await done(ZHANG, 'GD20261120000001', SERVICE_A, 3);
    const first = await results.collect({ citizen: ZHANG, serial: 'GD20261120000001', mode: 'counter' });
    expect((await rig.press(1, 'callNext'))?.outcome).toBe(`called ${first.ticket!.number}`);
    expect((await rig.press(1, 'noShow'))?.outcome).toMatch(/^no-show R001/);
    expect((await results.offers(ZHANG))[0]).toMatchObject({ state: 'ticketIssued', ticketNumber: null });
    const again = await results.collect({ citizen: ZHANG, serial: 'GD20261120000001', mode: 'counter' });
    expect([again.ticket?.number, again.repeated]).toEqual(['R002', false]);
    expect((await rig.fx.store.getResultCollection('GD20261120000001'))?.ticketId).toBe(again.ticket!.id);
    // The next day: yesterday's waiting R002 cannot be called any more; a new number of the day.
    rig.fx.clock.set('2026-11-26', '09:00');
    const nextDay = await results.collect({ citizen: ZHANG, serial: 'GD20261120000001', mode: 'counter' });
    expect([nextDay.ticket?.number, nextDay.ticket?.day]).toEqual(['R001', '2026-11-26']);
    expect((await rig.press(1, 'callNext'))?.outcome).toBe('called R001');
    expect((await rig.press(1, 'finish'))?.outcome).toBe('finished R001: result of GD20261120000001 collected');
  });

  it('the clerk records a pickup at a window, with or without the kiosk\'s choice; not for an unfinished application', async () => {
    await done(ZHANG, 'GD20261120000001');
    await done(ZHANG, 'GD20261120000002');
    await done(ZHANG, 'GD20261120000003', SERVICE_A, 1, 'review');
    await results.collect({ citizen: ZHANG, serial: 'GD20261120000001', mode: 'counter' });
    expect(await results.recordPickup('GD20261120000001', 3, 'clerk1')).toEqual({ serial: 'GD20261120000001', mode: 'counter',
      state: 'collected', window: 3, finishedAtText: rig.fx.clock.stamp() });
    expect(await results.recordPickup('GD20261120000002', 4, 'clerk1')).toMatchObject({ mode: 'counter', state: 'collected', window: 4 });
    expect((await rig.fx.store.getResultCollection('GD20261120000002'))?.finishedBy).toBe('clerk1');
    expect((await rule(results.recordPickup('GD20261120000003', 4, 'clerk1'))).code).toBe('resultNotReady');
    expect((await rule(results.recordPickup('GD20261120999999', 4, 'clerk1'))).code).toBe('unknownApplication');
  });

  it('post: a full address and a mobile number, listed for managers until marked posted; the slip has the number and phone masked', async () => {
    await done(ZHANG, 'GD20261120000001');
    const bad = await rule(results.collect({ citizen: ZHANG, serial: 'GD20261120000001', mode: 'post', address: '广州', phone: '13800138000' }));
    expect(bad.code).toBe('addressInvalid');
    expect((await rule(results.collect({ citizen: ZHANG, serial: 'GD20261120000001', mode: 'post', address: '广州市天河区体育西路100号', phone: '12345' }))).code)
      .toBe('addressInvalid');
    const out = await results.collect({ citizen: ZHANG, serial: 'GD20261120000001', mode: 'post', address: ' 广州市天河区体育西路100号 ', phone: '13800138000' });
    expect(out.offer).toMatchObject({ mode: 'post', state: 'waiting' });
    expect(out.postSlip).toEqual({ serial: 'GD20261120000001', serviceName: '测试事项甲', maskedNumber: '4401**********1231', recipient: '张三',
      address: '广州市天河区体育西路100号', maskedPhone: '138****8000', chosenAtText: rig.fx.clock.stamp() });
    const board = await results.board();
    expect(board.parcels).toEqual([{ serial: 'GD20261120000001', serviceName: '测试事项甲', maskedNumber: '4401**********1231', recipient: '张三',
      address: '广州市天河区体育西路100号', phone: '13800138000', chosenAtText: rig.fx.clock.stamp() }]);
    expect(board.counts.parcelsToSend).toBe(1);
    expect((await rule(results.recordPickup('GD20261120000001', 1, 'clerk1'))).code).toBe('resultNotPending');
    expect(await results.markPosted('GD20261120000001', 'manager')).toMatchObject({ state: 'posted', finishedAtText: rig.fx.clock.stamp() });
    expect((await results.board()).parcels).toEqual([]);
    expect((await rule(results.markPosted('GD20261120000001', 'manager'))).code).toBe('resultNotPending');
  });

  it('electronic: the item\'s certificate is issued into the citizen\'s list, once', async () => {
    await done(ZHANG, 'GD20261120000001');
    const before = (await certificates.list(ZHANG)).length;
    const out = await results.collect({ citizen: ZHANG, serial: 'GD20261120000001', mode: 'electronic' });
    expect(out.offer).toMatchObject({ mode: 'electronic', state: 'issued', certificateTypeName: '测试证书' });
    expect(out.certificate).toMatchObject({ typeName: '测试证书', issuerName: '测试发证机关', holderName: '张三', state: 'valid',
      issuedOn: rig.fx.clock.today(), maskedNumber: '4401**********1231' });
    const again = await results.collect({ citizen: ZHANG, serial: 'GD20261120000001', mode: 'electronic' });
    expect(again.certificate?.identifier).toBe(out.certificate?.identifier);
    const list = await certificates.list(ZHANG);
    expect(list).toHaveLength(before + 1);
    expect(list.map((c) => c.identifier)).toContain(out.certificate!.identifier);
  });

  it('lists results nobody collected N days after 办结 (not parcels, not handed over), counted', async () => {
    await done(ZHANG, 'GD20261101000001', SERVICE_A, 12);
    await done(ZHANG, 'GD20261101000002', SERVICE_A, 11);
    await done(ZHANG, 'GD20261101000003', SERVICE_A, 15);
    await done(ZHANG, 'GD20261101000004', SERVICE_A, 3);
    await results.collect({ citizen: ZHANG, serial: 'GD20261101000002', mode: 'counter' });
    await results.collect({ citizen: ZHANG, serial: 'GD20261101000003', mode: 'electronic' });
    const board = await results.board();
    expect(board.uncollected.map((u) => [u.serial, u.days, u.mode, u.ticketNumber])).toEqual([
      ['GD20261101000001', 12, null, null], ['GD20261101000002', 11, 'counter', 'R001']]);
    expect(board.counts).toEqual({ parcelsToSend: 0, uncollected: 2 });
    expect(board.afterDays).toBe(10);
  });
});
