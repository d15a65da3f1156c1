/**
 * The retention policy on real hall databases, SQLite files and PostgreSQL schemas (hall/retentionPolicy.ts, README
 * "Security", retention defaults): rows dated long ago are deleted or keep the masked number only, today's rows are
 * kept whole, and a finished print job's payload is emptied after a day while an unfinished one keeps it. On SQLite
 * the removed numbers are gone from the file bytes too (secure_delete, WAL checkpoint), not only from query results.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/index.ts';
import { runRetention } from '../../src/hall/retention.ts';
import { DEFAULT_RETENTION, hallRetentionCutoffs, retentionConfigSchema } from '../../src/hall/retentionPolicy.ts';
import { HallClock, addDays } from '../../src/hall/clock.ts';
import { SqlitePrintJobStore } from '../../src/store/printJobsSqlite.ts';
import { SERVICE_A, STORE_BACKENDS, openHallFixture, type HallFixture } from '../hall/fixture.ts';

const TODAY = '2026-11-25';
const DAY = 24 * 60 * 60_000;
/** Distinct 18-character numbers, one per seeded row, so the file bytes can be searched for each. */
const num = (n: number) => `44010619800101${String(n).padStart(4, '0')}`;

let fx: HallFixture;
afterEach(async () => {
  const done = fx as HallFixture | undefined;
  fx = undefined as unknown as HallFixture;
  await done?.cleanup();
});

async function ticket(day: string, seq: number, holder: string) {
  return fx.store.insertTicket({ day, category: 'A', seq, number: `A${String(seq).padStart(3, '0')}`, holderNumber: holder, priority: null,
    issuedAt: fx.clock.at(day, '09:00'), appointmentId: null });
}

async function appointment(day: string, holder: string) {
  await fx.store.ensureSlots([{ serviceId: SERVICE_A, day, start: '09:00', minutes: 30, capacity: 5 }]);
  const [slot] = await fx.store.listSlots(SERVICE_A, day);
  return fx.store.insertAppointment({ slotId: slot.id, holderNumber: holder, createdAt: fx.clock.at(day, '08:00') });
}

function fileBytes(file: string): string {
  return [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('');
}

describe.each(STORE_BACKENDS)('hall retention on $name', (backend) => {
  beforeEach(async () => {
    fx = await openHallFixture(TODAY, '10:00', true, backend);
  });

  it('old rows purged or masked, today kept whole; on SQLite the old numbers are gone from the file', async () => {
    const now = fx.clock.now();
    const old = addDays(TODAY, -200);
    // tickets: 200 days old (deleted, with its call, rating and follow-up), yesterday (masked), today (kept)
    const oldTicket = await ticket(old, 1, num(1));
    await fx.store.addCounterCall({ callId: 'c-old', ticketId: oldTicket.id, number: oldTicket.number, window: 1, text: '请A001号到1号窗口办理',
      recall: 0, at: fx.clock.at(old, '09:05'), day: old, reason: null });
    await fx.store.addTicketRating({ ticketId: oldTicket.id, window: 1, rating: 5, at: fx.clock.at(old, '09:30'), day: old });
    await fx.store.addRatingFollowUp({ ticketId: oldTicket.id, window: 1, rating: 5, openedAt: fx.clock.at(old, '09:30'), openedDay: old,
      deadlineDay: addDays(old, 20) });
    const yesterday = await ticket(addDays(TODAY, -1), 1, num(2));
    const today = await ticket(TODAY, 1, num(3));
    // appointments: 200 days old (deleted with its no-show), 40 days old (masked), today (kept)
    const oldAppt = await appointment(old, num(4));
    await fx.store.addNoShow({ holderNumber: num(4), day: old, appointmentId: oldAppt.id });
    const monthOld = await appointment(addDays(TODAY, -40), num(5));
    const todayAppt = await appointment(TODAY, num(6));
    // no-shows: 70 days old (deleted), 10 days old (kept: the lockout rule needs it)
    await fx.store.addNoShow({ holderNumber: num(7), day: addDays(TODAY, -70), appointmentId: null });
    await fx.store.addNoShow({ holderNumber: num(8), day: addDays(TODAY, -10), appointmentId: null });
    // applications: closed 400 days ago (masked), open since 400 days (kept), closed yesterday (kept)
    const app = (serial: string, holder: string, status: 'done' | 'review', updatedAt: number) => fx.store.insertApplication({
      serial, serviceId: SERVICE_A, applicantNumber: holder, status, acceptedAt: now - 500 * DAY, acceptedDay: addDays(TODAY, -500),
      result: null, commitments: [], updatedAt });
    await app('S-OLD-DONE', num(9), 'done', now - 400 * DAY);
    await app('S-OLD-OPEN', num(10), 'review', now - 400 * DAY);
    await app('S-NEW-DONE', num(11), 'done', now - DAY);
    // certificates: expired 400 days ago (masked, name too), valid (kept)
    const cert = (identifier: string, holder: string, expiresOn: string | null) => fx.store.insertCertificate({
      identifier, typeName: '测试证照', issuerName: '测试局', holderNumber: holder, holderName: '张三丰', issuedOn: addDays(TODAY, -900),
      expiresOn, revokedAt: null, revokeReason: null });
    await cert('CERT-EXPIRED', num(12), addDays(TODAY, -400));
    await cert('CERT-VALID', num(13), null);
    // kiosk request answers: 40 days old (deleted), now (kept)
    await fx.store.addKioskRequest({ kioskId: 'k2', requestId: 'old', op: 'queue.take', answer: '{}', appliedAt: now - 40 * DAY });
    await fx.store.addKioskRequest({ kioskId: 'k2', requestId: 'new', op: 'queue.take', answer: '{}', appliedAt: now });

    // access audit: 200 days old (deleted: past the six months the law asks), 100 days old (kept)
    const audit = (daysAgo: number) => fx.store.appendAccessAudit({ at: now - daysAgo * DAY, day: addDays(TODAY, -daysAgo), actorKind: 'kiosk',
      actor: 'kiosk-1', role: null, function: 'queue.take', maskedNumber: '4401**********0001', result: 'success', code: null, detail: `age ${daysAgo}` });
    await audit(200);
    await audit(100);

    const r = await runRetention({ policy: DEFAULT_RETENTION, clock: fx.clock, store: fx.store, printJobFiles: [], log: silentLogger() });
    expect(r.hall).toEqual({ ticketsMasked: 1, ticketsDeleted: 1, appointmentsMasked: 1, appointmentsDeleted: 1, noShowsDeleted: 2,
      applicationsMasked: 1, intakeFormsErased: 0, certificatesMasked: 1, resultAddressesErased: 0, kioskRequestsDeleted: 1, accessAuditDeleted: 1, noticesDeleted: 0 });
    expect((await fx.store.queryAccessAudit({ limit: 10, offset: 0 })).entries.map((e) => e.detail)).toEqual(['age 100']);

    expect(await fx.store.getTicket(oldTicket.id)).toBeUndefined();
    expect(await fx.store.listCounterCalls(old, 10)).toEqual([]);
    expect(await fx.store.getTicketRating(oldTicket.id)).toBeUndefined();
    expect((await fx.store.getTicket(yesterday.id))!.holderNumber).toBe('4401**********0002');
    expect((await fx.store.getTicket(today.id))!.holderNumber).toBe(num(3));

    expect(await fx.store.getAppointment(oldAppt.id)).toBeUndefined();
    expect((await fx.store.getAppointment(monthOld.id))!.holderNumber).toBe('4401**********0005');
    expect((await fx.store.getAppointment(todayAppt.id))!.holderNumber).toBe(num(6));

    expect(await fx.store.listNoShows(num(7), addDays(TODAY, -365))).toEqual([]);
    expect(await fx.store.listNoShows(num(8), addDays(TODAY, -365))).toHaveLength(1);

    expect((await fx.store.getApplication('S-OLD-DONE'))!.applicantNumber).toBe('4401**********0009');
    expect((await fx.store.getApplication('S-OLD-OPEN'))!.applicantNumber).toBe(num(10));
    expect((await fx.store.getApplication('S-NEW-DONE'))!.applicantNumber).toBe(num(11));

    expect(await fx.store.getCertificate('CERT-EXPIRED')).toMatchObject({ holderNumber: '4401**********0012', holderName: '张**' });
    expect(await fx.store.getCertificate('CERT-VALID')).toMatchObject({ holderNumber: num(13), holderName: '张三丰' });

    expect(await fx.store.getKioskRequest('k2', 'old')).toBeUndefined();
    expect(await fx.store.getKioskRequest('k2', 'new')).toBeDefined();

    if (backend.name === 'sqlite') {
      // Not only hidden from queries: the removed numbers are not in the database file or its WAL any more.
      const bytes = fileBytes(fx.file);
      for (const gone of [1, 2, 4, 5, 7, 9, 12]) expect(bytes.includes(num(gone)), `number ${gone} still in the file`).toBe(false);
      for (const kept of [3, 6, 8, 10, 11, 13]) expect(bytes.includes(num(kept)), `number ${kept} kept`).toBe(true);
    }

    // A second pass changes nothing (masking is idempotent).
    const again = await runRetention({ policy: DEFAULT_RETENTION, clock: fx.clock, store: fx.store, printJobFiles: [], log: silentLogger() });
    expect(Object.values(again.hall!).every((n) => n === 0)).toBe(true);
  });
});

describe('retention policy', () => {

  it('cut-offs: a row of day D is masked from D + N on (N = 1: yesterday and before)', () => {
    const c = hallRetentionCutoffs(DEFAULT_RETENTION, TODAY, 1_000 * DAY);
    expect(c.maskTickets.day).toBe(TODAY);
    expect(c.deleteTickets.day).toBe(addDays(TODAY, -179));
    expect(c.maskAppointments.day).toBe(addDays(TODAY, -30));
    expect(c.maskClosedApplications.at).toBe(1_000 * DAY - 365 * DAY);
  });

  it('config: sane defaults, and a policy that would break a hall rule is refused', () => {
    expect(DEFAULT_RETENTION).toEqual({
      ticketNumbersMaskedAfterDays: 1, ticketsDeletedAfterDays: 180, appointmentNumbersMaskedAfterDays: 31,
      appointmentsDeletedAfterDays: 180, noShowsDeletedAfterDays: 61, closedApplicationNumbersMaskedAfterDays: 365,
      endedCertificateHoldersMaskedAfterDays: 365, kioskRequestAnswersDeletedAfterDays: 30, printPayloadsDeletedAfterDays: 1,
      accessAuditDeletedAfterDays: 180,
    });
    expect(retentionConfigSchema.safeParse({ accessAuditDeletedAfterDays: 90 }).success).toBe(false);
    expect(retentionConfigSchema.safeParse({ noShowsDeletedAfterDays: 30 }).success).toBe(false);
    expect(retentionConfigSchema.safeParse({ ticketNumbersMaskedAfterDays: 0 }).success).toBe(false);
    expect(retentionConfigSchema.safeParse({ ticketsDeletedAfterDays: 1, ticketNumbersMaskedAfterDays: 2 }).success).toBe(false);
    expect(retentionConfigSchema.safeParse({ ticketsKeptForever: true }).success).toBe(false);
  });
});

describe('print job retention', () => {
  beforeEach(async () => {
    fx = await openHallFixture(TODAY, '10:00');
  });

  it('a finished job older than a day loses its payload; unfinished and recent ones keep theirs', async () => {
    const file = join(fx.dir, 'print-jobs.sqlite');
    const jobs = new SqlitePrintJobStore(file);
    const name = (s: string) => new TextEncoder().encode(`持证人 ${s}`);
    const oldConfirmed = jobs.add({ deviceId: 'printer', payload: name('OLD-CONFIRMED-王小明') }).job;
    const oldRecipe = jobs.add({ deviceId: 'printer', recipe: { kind: 'ticket', holder: 'OLD-RECIPE-李四' } }).job;
    const oldQueued = jobs.add({ deviceId: 'printer', payload: name('OLD-QUEUED-赵六') }).job;
    const newConfirmed = jobs.add({ deviceId: 'printer', payload: name('NEW-CONFIRMED-钱七') }).job;
    jobs.update(oldConfirmed.id, { state: 'confirmed', attempts: 1 });
    jobs.update(oldRecipe.id, { state: 'failed', message: 'not confirmed' });
    jobs.update(newConfirmed.id, { state: 'confirmed', attempts: 1 });
    jobs.close();
    // Date three of them two days back (the store stamps the real time).
    const db = new Database(file);
    db.prepare('UPDATE print_jobs SET updated_at = ?, created_at = ? WHERE seq IN (?, ?, ?)')
      .run(Date.now() - 2 * DAY, Date.now() - 2 * DAY, oldConfirmed.seq, oldRecipe.seq, oldQueued.seq);
    db.close();

    const r = await runRetention({ policy: DEFAULT_RETENTION, clock: new HallClock(), store: null, printJobFiles: [file, join(fx.dir, 'absent.sqlite')],
      log: silentLogger() });
    expect(r.printPayloadsPurged).toBe(2);

    const after = new SqlitePrintJobStore(file);
    try {
      expect(after.get(oldConfirmed.id)).toMatchObject({ state: 'confirmed', attempts: 1, payload: new Uint8Array(0), recipe: null });
      expect(after.get(oldRecipe.id)).toMatchObject({ state: 'failed', recipe: null });
      expect(after.get(oldQueued.id)!.payload).toEqual(name('OLD-QUEUED-赵六'));
      expect(after.get(newConfirmed.id)!.payload).toEqual(name('NEW-CONFIRMED-钱七'));
      expect(after.purgeFinishedPayloads(Date.now())).toBe(1); // the recent confirmed one, once its day is over
    } finally {
      after.close();
    }
    const bytes = fileBytes(file);
    expect(bytes.includes('OLD-CONFIRMED')).toBe(false);
    expect(bytes.includes('OLD-RECIPE')).toBe(false);
    expect(bytes.includes('OLD-QUEUED')).toBe(true);
  });
});
