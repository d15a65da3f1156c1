/**
 * The many-halls part of the HallStore contract (README "Running a district", "Many halls, one database"): two
 * stores on one database (the same SQLite file, the same PostgreSQL schema), bound to different halls, never see
 * each other's rows; numbers and natural keys (ticket numbers per day, counters, serials, certificate identifiers,
 * windows, kiosk requests) restart per hall; rows that existed before the migration adopt the migrating hall;
 * retention touches only its own hall; the district read sees every hall. Run by hallStore.contract.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewAccessAuditRecord } from '../../src/store/accessAuditRecords.ts';
import { DEFAULT_HALL_ID } from '../../src/store/hallScope.ts';
import type { SqliteHallStore } from '../../src/store/hallSqlite.ts';
import { openSqliteHallStore } from '../../src/store/hallSqlite.ts';
import type { HallRetentionCutoffs, HallStore, NewTicket } from '../../src/store/hallStore.ts';
import { seedBasics, SERVICE_A } from '../hall/fixture.ts';
import type { StoreBackend, StoreTarget } from './backends.ts';
import { join } from 'node:path';

const DAY = '2026-11-25';
const T0 = Date.UTC(2026, 10, 25, 1, 0);
const HOLDER = '440106199003071231';
const ticket = (over: Partial<NewTicket> = {}): NewTicket => ({
  day: DAY, category: 'A', seq: 1, number: 'A001', holderNumber: HOLDER, priority: null, issuedAt: T0, appointmentId: null, ...over,
});
const audit = (actor: string): NewAccessAuditRecord => ({
  at: T0, day: DAY, actorKind: 'staff', actor, role: 'counter', function: 'citizen.lookup', maskedNumber: null,
  result: 'success', code: null, detail: null,
});

/** Writes the same keys in the hall of `s`: everything a hall keeps, so the other hall can be shown to see none of it. */
async function fillHall(s: HallStore): Promise<{ ticketId: number; appointmentId: number }> {
  await seedBasics(s);
  const t = await s.insertTicket(ticket());
  await s.ensureSlots([{ serviceId: SERVICE_A, day: DAY, start: '09:00', minutes: 30, capacity: 2 }]);
  const [slot] = await s.listSlots(SERVICE_A, DAY);
  const a = await s.insertAppointment({ slotId: slot.id, holderNumber: HOLDER, createdAt: T0 });
  await s.insertApplication({ serial: '2026112500001', serviceId: SERVICE_A, applicantNumber: HOLDER, status: 'accepted',
    acceptedAt: T0, acceptedDay: DAY, result: null, commitments: [], updatedAt: T0 });
  await s.addApplicationEvent({ serial: '2026112500001', status: 'accepted', at: T0, day: DAY, note: null });
  await s.insertCertificate({ identifier: 'CERT-1', typeName: '营业执照', issuerName: '市监局', holderNumber: HOLDER,
    holderName: '张三', issuedOn: '2020-01-01', expiresOn: null, revokedAt: null, revokeReason: null });
  await s.setCalendarDay({ day: '2026-10-01', kind: 'holiday', name: '国庆节' });
  await s.saveCounterWindow({ window: 1, ticketId: t.id, recalls: 0, paused: false, ratingTicketId: null, updatedAt: T0 });
  await s.addAppliedCounterEvent({ eventId: 'e1', window: 1, key: 'next', outcome: 'called', appliedAt: T0 });
  await s.addCounterCall({ callId: `call-${s.hallId}`, ticketId: t.id, number: 'A001', window: 1, text: '请A001号到1号窗口', recall: 0, at: T0, day: DAY, reason: null });
  await s.addKioskRequest({ kioskId: 'k1', requestId: 'r1', op: 'queue.take', answer: '{}', appliedAt: T0 });
  await s.addPrintLog({ at: T0, kind: 'queueTicket', ref: 'A001', maskedNumber: '4401**********1231', detail: null });
  await s.appendAccessAudit(audit(`staff-${s.hallId}`));
  await s.upsertHallWindow({ window: 1, name: '1号窗口', deviceId: 'counters', unit: 1, categories: ['A'] });
  await s.addCatalogueLoad({ at: T0, hallId: null, files: ['catalogue.json'], summary: 'loaded' });
  await s.upsertLifeEvent({ code: 'marry', name: `结婚-${s.hallId}`, sortOrder: 1, services: [SERVICE_A] });
  await s.addTicketHold({ ticketId: t.id, window: 1, heldAt: T0, untilAt: T0 + 600_000, releasedAt: null });
  return { ticketId: t.id, appointmentId: a.id };
}

export function describeManyHallsContract(backend: StoreBackend): void {
  describe(`HallStore contract on ${backend.name}: many halls in one database`, () => {
    let target: StoreTarget;
    const opened: HallStore[] = [];
    const open = async (hallId?: string) => {
      const s = await target.open({ hallId });
      opened.push(s);
      return s;
    };

    beforeEach(async () => {
      target = await backend.create();
    });

    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
      await target.destroy();
    });

    it('a store is bound to the hall it was opened for; the default is the config default "hall"', async () => {
      expect((await open('gz-th-01')).hallId).toBe('gz-th-01');
      expect((await open()).hallId).toBe(DEFAULT_HALL_ID);
      await expect(target.open({ hallId: "x'; DROP TABLE tickets; --" })).rejects.toThrow(/hall id/);
    });

    it('two halls on one database keep the same keys apart and never see each other\'s rows', async () => {
      const a = await open('hall-a');
      const b = await open('hall-b');
      const inA = await fillHall(a);
      // Same ticket number, serial, certificate, window, kiosk request and event id in hall b: no clash.
      const inB = await fillHall(b);
      expect(inB.ticketId).not.toBe(inA.ticketId);

      for (const [s, own, other] of [[a, inA, inB], [b, inB, inA]] as const) {
        expect(await s.getTicket(other.ticketId)).toBeUndefined();
        expect((await s.getTicket(own.ticketId))?.number).toBe('A001');
        expect(await s.listTickets(DAY)).toHaveLength(1);
        expect(await s.getAppointment(other.appointmentId)).toBeUndefined();
        expect(await s.listAppointmentsOfHolder(HOLDER, DAY)).toHaveLength(1);
        expect(await s.listAppointmentsOfDay(DAY)).toHaveLength(1);
        expect(await s.listApplicationsOfApplicant(HOLDER)).toHaveLength(1);
        expect(await s.listApplicationEvents('2026112500001')).toHaveLength(1);
        expect(await s.listCertificatesOfHolder(HOLDER)).toHaveLength(1);
        expect(await s.listCalendarDays()).toHaveLength(1);
        expect(await s.listCounterWindows()).toEqual([expect.objectContaining({ window: 1, ticketId: own.ticketId })]);
        expect(await s.listCounterCalls(DAY, 10)).toEqual([expect.objectContaining({ callId: `call-${s.hallId}` })]);
        expect(await s.countKioskRequests('k1')).toBe(1);
        expect(await s.listPrintLog(10)).toHaveLength(1);
        expect((await s.queryAccessAudit({ limit: 10, offset: 0 })).entries.map((e) => e.actor)).toEqual([`staff-${s.hallId}`]);
        expect(await s.listHallWindows()).toHaveLength(1);
        expect(await s.listCatalogueLoads(10)).toEqual([expect.objectContaining({ hallId: s.hallId })]);
        expect(await s.listServiceItems()).toHaveLength(2);
        expect(await s.listDepartments()).toHaveLength((await a.listDepartments()).length);
        expect(await s.listQueueCategories()).toHaveLength(3);
        expect(await s.listMaterials(SERVICE_A)).toHaveLength(3);
        expect((await s.listLifeEvents()).map((e) => e.name)).toEqual([`结婚-${s.hallId}`]);
        expect((await s.listOpenTicketHolds(T0)).map((h) => h.ticketId)).toEqual([own.ticketId]);
        expect(await s.getTicketHold(other.ticketId)).toBeUndefined();
        expect((await s.serviceUseSince(DAY)).services[SERVICE_A]).toBe(2);
        // A write naming the other hall's row finds nothing to change.
        await expect(s.updateTicket(other.ticketId, { status: 'done' })).rejects.toThrow(/does not exist/);
        await expect(s.updateAppointment(other.appointmentId, { status: 'canceled', updatedAt: T0 })).rejects.toThrow(/does not exist/);
      }
      // One hall's change leaves the other's same-keyed rows alone.
      await a.revokeCertificate('CERT-1', T0, 'test');
      await a.updateApplication('2026112500001', { status: 'done', result: 'ok', updatedAt: T0 });
      expect((await b.getCertificate('CERT-1'))?.revokedAt).toBeNull();
      expect((await b.getApplication('2026112500001'))?.status).toBe('accepted');
      // The database holds both halls' rows (nothing was overwritten).
      expect((await target.sql("SELECT hall_id FROM tickets WHERE number = 'A001' ORDER BY hall_id")).map((r) => r.hall_id))
        .toEqual(['hall-a', 'hall-b']);
    });

    it('numbers restart per hall: counters and the one-waiting-ticket rule are per hall', async () => {
      const a = await open('hall-a');
      const b = await open('hall-b');
      expect([await a.nextCounterValue('ticket:2026-11-25:A'), await a.nextCounterValue('ticket:2026-11-25:A')]).toEqual([1, 2]);
      expect(await b.nextCounterValue('ticket:2026-11-25:A')).toBe(1);
      await seedBasics(a);
      await seedBasics(b);
      await a.insertTicket(ticket());
      await b.insertTicket(ticket());
      // Within one hall the number and the one-waiting-ticket rule still hold.
      await expect(a.insertTicket(ticket({ seq: 2, number: 'A001', holderNumber: null }))).rejects.toThrow();
      await expect(a.insertTicket(ticket({ seq: 2, number: 'A002' }))).rejects.toThrow();
      expect(await a.findWaitingTicket(DAY, 'A', HOLDER)).toBeDefined();
      expect((await b.findWaitingTicket(DAY, 'A', HOLDER))?.id).not.toBe((await a.findWaitingTicket(DAY, 'A', HOLDER))?.id);
    });

    it('rows from before the many-halls migration adopt the hall of the bridge that migrates', async () => {
      await target.migrateTo(7);
      await target.sql("INSERT INTO queue_categories (letter, name, default_service_minutes) VALUES ('A', '综合受理', 6)");
      await target.sql(`INSERT INTO tickets (day, category, seq, number, status, issued_at) VALUES ('${DAY}', 'A', 1, 'A001', 'waiting', ${T0})`);
      await target.sql("INSERT INTO counters (name, value) VALUES ('ticket:2026-11-25:A', 1)");
      const mine = await open('gz-th-01');
      expect((await mine.listTickets(DAY)).map((t) => t.number)).toEqual(['A001']);
      // The numbering goes on where it was: A001 is never issued again in that hall.
      expect(await mine.nextCounterValue('ticket:2026-11-25:A')).toBe(2);
      const other = await open('gz-th-02');
      expect(await other.listTickets(DAY)).toEqual([]);
      expect(await other.nextCounterValue('ticket:2026-11-25:A')).toBe(1);
    });

    it('retention applies to its own hall only', async () => {
      const a = await open('hall-a');
      const b = await open('hall-b');
      await fillHall(a);
      await fillHall(b);
      const now = { day: '2099-01-01', at: Date.UTC(2099, 0, 1) };
      const all: HallRetentionCutoffs = {
        maskTickets: now, deleteTickets: now, maskAppointments: now, deleteAppointments: now, deleteNoShows: now,
        maskClosedApplications: now, maskEndedCertificates: now, deleteKioskRequests: now, deleteAccessAudit: now,
      };
      await a.updateApplication('2026112500001', { status: 'done', result: 'ok', updatedAt: T0 });
      await b.updateApplication('2026112500001', { status: 'done', result: 'ok', updatedAt: T0 });
      const result = await a.applyRetention(all);
      expect(result).toMatchObject({ ticketsDeleted: 1, appointmentsDeleted: 1, applicationsMasked: 1, kioskRequestsDeleted: 1,
        accessAuditDeleted: 1 });
      expect(await a.listTickets(DAY)).toEqual([]);
      expect((await a.getApplication('2026112500001'))?.applicantNumber).toContain('*');
      // Hall b is untouched, its same-serial application included.
      expect(await b.listTickets(DAY)).toHaveLength(1);
      expect(await b.listAppointmentsOfDay(DAY)).toHaveLength(1);
      expect((await b.getApplication('2026112500001'))?.applicantNumber).toBe(HOLDER);
      expect(await b.countKioskRequests('k1')).toBe(1);
      expect((await b.queryAccessAudit({ limit: 10, offset: 0 })).total).toBe(1);
      expect(await b.applyRetention(all)).toEqual(result);
    });

    it('the district read gives every hall of the database its figures', async () => {
      const a = await open('hall-a');
      const b = await open('hall-b');
      await seedBasics(a);
      await seedBasics(b);
      await a.insertTicket(ticket());
      await a.insertTicket(ticket({ seq: 2, number: 'A002', holderNumber: null, issuedAt: T0 + 60_000 }));
      const done = await b.insertTicket(ticket());
      await b.updateTicket(done.id, { status: 'done', finishedAt: T0 });
      expect(await b.districtHalls(DAY)).toEqual([
        { hallId: 'hall-a', waiting: 2, servedToday: 0, oldestWaitingIssuedAt: T0, overdueFollowUps: 0 },
        { hallId: 'hall-b', waiting: 0, servedToday: 1, oldestWaitingIssuedAt: null, overdueFollowUps: 0 },
      ]);
    });

    if (backend.name === 'sqlite') {
      it('an online backup holds every hall; a store on the copy, bound to a hall, sees that hall', async () => {
        const a = await open('hall-a') as SqliteHallStore;
        const b = await open('hall-b');
        await fillHall(a);
        await fillHall(b);
        const copy = join(target.dir, 'copy.sqlite');
        await a.backupTo(copy);
        const restored = openSqliteHallStore(copy, { hallId: 'hall-b' });
        opened.push(restored);
        expect(await restored.listTickets(DAY)).toHaveLength(1);
        expect((await restored.queryAccessAudit({ limit: 10, offset: 0 })).entries.map((e) => e.actor)).toEqual(['staff-hall-b']);
      });
    }
  });
}
