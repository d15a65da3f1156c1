/**
 * Result notices on both real stores (README "Result notices (结果反馈)", docs/notification-gateway.md): the outbox
 * row exists exactly when the status change committed (transactional outbox), once per application and outcome; the
 * words of each outcome; a phone from the application form; the holder's unread list and marking read; the
 * dispatcher retrying a failing gateway and sending each notice once, and giving up as configured.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalogueFiles } from '../../src/catalogue/loadCatalogue.ts';
import { AppointmentService } from '../../src/hall/appointments.ts';
import { ApplicationService } from '../../src/hall/applications.ts';
import { citizenFromHolder, type Citizen } from '../../src/hall/citizen.ts';
import { IntakeService } from '../../src/hall/intake.ts';
import { NoticeDispatcher } from '../../src/hall/notify/dispatcher.ts';
import { FileNotificationGateway } from '../../src/hall/notify/fileGateway.ts';
import { PermanentDeliveryError, type NotificationGateway, type NotificationMessage } from '../../src/hall/notify/gateway.ts';
import { messageOf, noticeText, ResultNotices } from '../../src/hall/notify/resultNotices.ts';
import { QueueService } from '../../src/hall/queue.ts';
import { DEFAULT_HALL_ID } from '../../src/store/hallScope.ts';
import type { NewNotice } from '../../src/store/noticeRecords.ts';
import { hallFixtureOn, libraryHolder, SERVICE_A, STORE_BACKENDS, type HallFixture } from '../hall/fixture.ts';

const CATALOGUE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../config/examples/catalogue/catalogue.json');
const HUKOU = 'D35-02';
const FORM = { relation: '夫妻投靠', moveFrom: '广州市越秀区北京路1号', address: '广州市天河区体育西路100号', phone: '13800138000' };

/** A gateway that refuses the first `failures` sends, then records each message. */
class FlakyGateway implements NotificationGateway {
  readonly name = 'flaky';
  readonly delivered: NotificationMessage[] = [];
  calls = 0;
  constructor(private failures: number, private readonly permanent = false) {}
  async send(m: NotificationMessage): Promise<void> {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      throw this.permanent ? new PermanentDeliveryError('no phone number') : new Error('operator unreachable');
    }
    this.delivered.push(m);
  }
}

describe.each(STORE_BACKENDS)('result notices on $name', (backend) => {
  const openHallFixture = hallFixtureOn(backend);
  let fx: HallFixture;
  let apps: ApplicationService;
  let zhang: Citizen;
  let wei: Citizen;

  beforeEach(async () => {
    fx = await openHallFixture('2026-11-25', '10:00');
    apps = new ApplicationService(fx.store, fx.clock);
    zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));
    wei = citizenFromHolder(libraryHolder('wei-xiulan'));
  });
  afterEach(async () => fx.cleanup());

  const toDone = async (serial: string) => {
    await apps.advance(serial, 'review');
    await apps.advance(serial, 'decided', '准予许可');
    return apps.advance(serial, 'done');
  };

  it('the store: one row per idempotency key, claimed with a lease, finished only while pending, read per holder', async () => {
    const n: NewNotice = { idempotencyKey: 'GD20261125000001:done', serial: 'GD20261125000001', serviceName: '测试事项甲',
      holderNumber: zhang.number, phone: null, outcome: 'done', text: noticeText('done', '测试事项甲', null),
      createdAt: fx.clock.now(), createdDay: '2026-11-25' };
    const first = await fx.store.addNotice(n);
    expect(first).toMatchObject({ status: 'pending', attempts: 0, readAt: null, nextAttemptAt: n.createdAt, text: '您申请的《测试事项甲》已办结，可领取' });
    expect(await fx.store.addNotice({ ...n, text: 'other' })).toEqual(first);
    const now = fx.clock.now();
    const claimed = await fx.store.claimNotices(now, 60_000, 10);
    expect(claimed.map((c) => [c.id, c.attempts, c.nextAttemptAt])).toEqual([[first.id, 1, now + 60_000]]);
    // Leased: not claimed again until the lease runs out.
    expect(await fx.store.claimNotices(now + 59_999, 60_000, 10)).toEqual([]);
    expect(await fx.store.finishNoticeAttempt(first.id, { status: 'sent', at: now + 5 })).toBe(true);
    expect(await fx.store.finishNoticeAttempt(first.id, { status: 'failed', error: 'late' })).toBe(false);
    expect(await fx.store.claimNotices(now + 120_000, 60_000, 10)).toEqual([]);
    expect((await fx.store.listNotices({ serial: n.serial }))[0]).toMatchObject({ status: 'sent', sentAt: now + 5, lastError: null });
    // Read marks only the holder's own notices.
    expect(await fx.store.markNoticesRead(wei.number, [first.id], now)).toBe(0);
    expect(await fx.store.listNotices({ holderNumber: zhang.number, unreadOnly: true })).toHaveLength(1);
    expect(await fx.store.markNoticesRead(zhang.number, [first.id], now)).toBe(1);
    expect(await fx.store.markNoticesRead(zhang.number, [first.id], now)).toBe(0);
    expect(await fx.store.listNotices({ holderNumber: zhang.number, unreadOnly: true })).toEqual([]);
    expect(await fx.store.listNotices({ holderNumber: zhang.number })).toHaveLength(1);
  });

  it('transactional: a notice queued in a transaction that rolls back is not there; one that commits is', async () => {
    const a = await apps.submit(zhang, SERVICE_A);
    await apps.advance(a.serial, 'review');
    await apps.advance(a.serial, 'decided', '准予许可');
    await expect(fx.store.withTransaction(async (tx) => {
      await tx.updateApplication(a.serial, { status: 'done', result: '准予许可', updatedAt: fx.clock.now() });
      await ResultNotices.queueIn(tx, fx.clock, { ...a, applicantNumber: zhang.number }, 'done', null, fx.clock.now());
      throw new Error('crash before the commit');
    })).rejects.toThrow('crash before the commit');
    expect(await fx.store.listNotices()).toEqual([]);
    expect((await fx.store.getApplication(a.serial))?.status).toBe('decided');
    // A refused change (no reason for a return) queues nothing either.
    const b = await apps.submit(wei, SERVICE_A);
    await expect(apps.advance(b.serial, 'returned')).rejects.toMatchObject({ code: 'reasonRequired' });
    expect(await fx.store.listNotices()).toEqual([]);
    await apps.advance(a.serial, 'done');
    expect((await fx.store.listNotices()).map((n) => [n.serial, n.outcome])).toEqual([[a.serial, 'done']]);
  });

  it('an end reached by advance queues the plain Chinese notice once; review and decided queue none; closed ones are refused', async () => {
    const a = await apps.submit(zhang, SERVICE_A);
    await apps.advance(a.serial, 'review');
    await apps.advance(a.serial, 'decided', '准予许可');
    expect(await fx.store.listNotices()).toEqual([]);
    await apps.advance(a.serial, 'done');
    await expect(apps.advance(a.serial, 'done')).rejects.toMatchObject({ code: 'alreadyClosed' });
    const b = await apps.submit(wei, SERVICE_A);
    // A clerk's reason quoting a full ID number is masked in the text.
    await apps.advance(b.serial, 'returned', `申请表缺少签名（申请人${wei.number}）`);
    const c = await apps.submit(wei, SERVICE_A);
    await apps.advance(c.serial, 'rejected', '不属于本部门职权范围');
    await expect(apps.advance(c.serial, 'review', null, undefined, 'other-hall')).rejects.toMatchObject({ code: 'otherHall' });
    const notices = new ResultNotices(fx.store, fx.clock);
    expect((await notices.listFor(zhang.number)).map((n) => n.text)).toEqual(['您申请的《测试事项甲》已办结，可领取']);
    const weis = await notices.listFor(wei.number);
    expect(weis.map((n) => n.text)).toEqual([
      `您申请的《测试事项甲》已退回：申请表缺少签名（申请人${wei.number.slice(0, 4)}**********${wei.number.slice(-4)}），请补正后重新提交`,
      '您申请的《测试事项甲》不予受理：不属于本部门职权范围',
    ]);
    expect(JSON.stringify(weis)).not.toContain(wei.number);
    expect(await notices.markRead(wei.number, [weis[0].id])).toBe(1);
    expect((await notices.unreadOf(wei)).map((n) => n.serial)).toEqual([c.serial]);
    expect(await notices.acknowledge(wei, [weis[1].id, (await notices.listFor(zhang.number))[0].id])).toEqual({ marked: 1 });
    expect(await notices.unreadOf(wei)).toEqual([]);
    expect(await notices.unreadOf(zhang)).toHaveLength(1);
  });

  it('the clerk\'s return of a kiosk application queues its notice with the phone from the form', async () => {
    const f2 = await openHallFixture('2026-11-25', '09:00', false);
    try {
      await loadCatalogueFiles(f2.store, [CATALOGUE]);
      const queue = new QueueService(f2.store, f2.clock);
      const intake = new IntakeService(f2.store, queue, new AppointmentService(f2.store, queue, f2.clock), f2.clock);
      const submitted = await intake.submit({ sessionKey: 's1', citizen: zhang, kioskId: 'kiosk-1', requestId: 'r1', serviceId: HUKOU,
        form: FORM, bringBy: 'ticket' });
      await intake.decide(submitted.serial, { decision: 'return', reason: '迁出地址不完整' }, { user: 'clerk1', hallId: DEFAULT_HALL_ID });
      const [n] = await f2.store.listNotices({ holderNumber: zhang.number });
      expect(n).toMatchObject({ serial: submitted.serial, outcome: 'returned', phone: '13800138000',
        text: '您申请的《户口迁移（投靠）》已退回：迁出地址不完整，请补正后重新提交' });
    } finally {
      await f2.cleanup();
    }
  });

  it('the dispatcher retries a failing gateway with backoff and sends each notice once', async () => {
    const a = await apps.submit(zhang, SERVICE_A);
    await toDone(a.serial);
    const gateway = new FlakyGateway(2);
    const d = new NoticeDispatcher(fx.store, gateway, { clock: fx.clock, baseDelayMs: 30_000 });
    expect(await d.runOnce()).toEqual({ sent: 0, retried: 1, failed: 0 });
    // Not due yet: nothing is tried before the backoff.
    expect(await d.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(gateway.calls).toBe(1);
    fx.clock.set('2026-11-25', '10:01');
    expect(await d.runOnce()).toEqual({ sent: 0, retried: 1, failed: 0 });
    const [pending] = await fx.store.listNotices();
    expect(pending).toMatchObject({ status: 'pending', attempts: 2, lastError: 'operator unreachable' });
    expect(pending.nextAttemptAt).toBe(fx.clock.now() + 60_000);
    fx.clock.set('2026-11-25', '10:03');
    expect(await d.runOnce()).toEqual({ sent: 1, retried: 0, failed: 0 });
    fx.clock.set('2026-11-25', '12:00');
    expect(await d.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(gateway.delivered).toHaveLength(1);
    expect(gateway.delivered[0]).toMatchObject({ idempotencyKey: `${DEFAULT_HALL_ID}:${a.serial}:done`, serial: a.serial, outcome: 'done',
      text: '您申请的《测试事项甲》已办结，可领取', recipient: { maskedNumber: '4401**********1231', phone: null } });
    expect(JSON.stringify(gateway.delivered)).not.toContain(zhang.number);
    expect((await fx.store.listNotices())[0]).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('the dispatcher gives up after maxAttempts, or at once on a permanent refusal', async () => {
    const a = await apps.submit(zhang, SERVICE_A);
    await toDone(a.serial);
    const b = await apps.submit(wei, SERVICE_A);
    await apps.advance(b.serial, 'rejected', '不属于本部门职权范围');
    const d = new NoticeDispatcher(fx.store, new FlakyGateway(1, true), { clock: fx.clock });
    expect(await d.runOnce()).toEqual({ sent: 1, retried: 0, failed: 1 });
    const c = await apps.submit(wei, SERVICE_A);
    await toDone(c.serial);
    const down = new NoticeDispatcher(fx.store, new FlakyGateway(100), { clock: fx.clock, maxAttempts: 2, baseDelayMs: 1000 });
    expect(await down.runOnce()).toEqual({ sent: 0, retried: 1, failed: 0 });
    fx.clock.set('2026-11-25', '10:05');
    expect(await down.runOnce()).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect((await fx.store.listNotices()).map((n) => [n.serial, n.status, n.attempts])).toEqual([
      [a.serial, 'failed', 1], [b.serial, 'sent', 1], [c.serial, 'failed', 2]]);
  });

  it('retention deletes notices queued before the closed applications\' cut-off, and only those', async () => {
    const a = await apps.submit(zhang, SERVICE_A);
    await toDone(a.serial);
    fx.clock.set('2026-11-26', '10:00');
    const b = await apps.submit(wei, SERVICE_A);
    await apps.advance(b.serial, 'rejected', '不属于本部门职权范围');
    const never = { day: '2000-01-01', at: 0 };
    const cut = { day: '2026-11-26', at: fx.clock.at('2026-11-26', '00:00') };
    const result = await fx.store.applyRetention({ maskTickets: never, deleteTickets: never, maskAppointments: never, deleteAppointments: never,
      deleteNoShows: never, maskClosedApplications: cut, maskEndedCertificates: never, deleteKioskRequests: never, deleteAccessAudit: never });
    expect(result.noticesDeleted).toBe(1);
    expect((await fx.store.listNotices()).map((n) => n.serial)).toEqual([b.serial]);
  });

  it('the file gateway appends one JSON line per notice, masked, and writes a key it has seen no second time', async () => {
    const a = await apps.submit(zhang, SERVICE_A);
    await toDone(a.serial);
    const file = join(fx.dir, 'notices.jsonl');
    const gateway = new FileNotificationGateway(file);
    await new NoticeDispatcher(fx.store, gateway, { clock: fx.clock }).runOnce();
    const [n] = await fx.store.listNotices();
    // A crash between the append and the outbox update: the retry sends the same key again.
    await new FileNotificationGateway(file).send(messageOf(n, fx.store.hallId));
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ serial: a.serial, text: '您申请的《测试事项甲》已办结，可领取', recipient: { maskedNumber: '4401**********1231' } });
    expect(lines[0]).not.toContain(zhang.number);
  });
});
