// The day-boundary and abuse-limit records (store/dayBoundaryRecords.ts, migration 17) on both real stores: refusal
// counts add up across instances, the intake state is one row per hall shared by instances, the closing run is
// claimed once per hall day (also by concurrent instances where the backend has them), a ticket is closed at
// closing only while waiting and keeps its reason, and another hall sees none of it.
import { describe, expect, it } from 'vitest';
import type { HallStore } from '../../src/store/hallStore.ts';
import { freshTargetPerTest, STORE_BACKENDS } from './backends.ts';
import { seedBasics } from '../hall/fixture.ts';

const T0 = Date.UTC(2026, 10, 25, 9, 0);

describe.each(STORE_BACKENDS)('day boundary records on $name', (backend) => {
  const { open } = freshTargetPerTest(backend);

  it('counts refusals per day and kind, across instances, per hall', async () => {
    const a = await open();
    const b = await open();
    await a.countLimitRefusal('2026-11-25', 'openAppointments');
    await b.countLimitRefusal('2026-11-25', 'openAppointments');
    await a.countLimitRefusal('2026-11-25', 'ticketsPerDay');
    await a.countLimitRefusal('2026-11-24', 'ticketsPerDay');
    expect(await b.listLimitRefusals('2026-11-25')).toEqual([{ kind: 'openAppointments', count: 2 }, { kind: 'ticketsPerDay', count: 1 }]);
    expect(await a.listLimitRefusals('2026-11-26')).toEqual([]);
    const other = await open('hall-2');
    expect(await other.listLimitRefusals('2026-11-25')).toEqual([]);
  });

  it('keeps one intake state per hall, replaced by the last save and seen by every instance', async () => {
    const a = await open();
    const b = await open();
    expect(await a.getIntakeState()).toBeUndefined();
    await a.saveIntakeState({ mode: 'paused', message: '系统维护，暂停取号，请到咨询台', day: '2026-11-25', changedAt: T0, changedBy: 'mgr' });
    expect(await b.getIntakeState()).toEqual({ mode: 'paused', message: '系统维护，暂停取号，请到咨询台', day: '2026-11-25', changedAt: T0, changedBy: 'mgr' });
    await b.saveIntakeState({ mode: 'open', message: null, day: '2026-11-25', changedAt: T0 + 1, changedBy: 'mgr2' });
    expect((await a.getIntakeState())?.mode).toBe('open');
    expect(await (await open('hall-2')).getIntakeState()).toBeUndefined();
    await expect(a.saveIntakeState({ mode: 'bogus' as 'open', message: null, day: '2026-11-25', changedAt: T0, changedBy: 'x' })).rejects.toThrow();
  });

  it('claims the closing run of a day once', async () => {
    const a = await open();
    const b = await open();
    expect(await a.claimDayClosing({ day: '2026-11-25', waiting: 'carryOver', at: T0 })).toBe(true);
    expect(await b.claimDayClosing({ day: '2026-11-25', waiting: 'close', at: T0 + 5 })).toBe(false);
    expect(await b.getDayClosing('2026-11-25')).toEqual({ day: '2026-11-25', waiting: 'carryOver', at: T0 });
    expect(await b.claimDayClosing({ day: '2026-11-26', waiting: 'close', at: T0 })).toBe(true);
    expect(await (await open('hall-2')).claimDayClosing({ day: '2026-11-25', waiting: 'close', at: T0 })).toBe(true);
    if (backend.concurrentInstances) {
      const claims = await Promise.all([a, b, a, b].map((s) => s.withTransaction((tx) => tx.claimDayClosing({ day: '2026-11-27', waiting: 'close', at: T0 }))));
      expect(claims.filter(Boolean)).toHaveLength(1);
    }
  });

  it('closes a ticket at closing only while it waits, keeping the reason on the record', async () => {
    const s = await open();
    await seedBasics(s);
    const base = { day: '2026-11-25', category: 'A', holderNumber: null, priority: null, issuedAt: T0, appointmentId: null };
    const waiting = await s.insertTicket({ ...base, seq: 1, number: 'A001' });
    const done = await s.insertTicket({ ...base, seq: 2, number: 'A002' });
    await s.updateTicket(done.id, { status: 'done' });
    expect(waiting.closedReason).toBeUndefined();
    expect(await s.closeTicketAtClosing(waiting.id, 'closedAtClosing', T0 + 1)).toBe(true);
    expect(await s.closeTicketAtClosing(done.id, 'closedAtClosing', T0 + 1)).toBe(false);
    expect(await s.getTicket(waiting.id)).toMatchObject({ status: 'canceled', finishedAt: T0 + 1, closedReason: 'closedAtClosing' });
    expect((await s.getTicket(done.id))?.closedReason).toBeUndefined();
  });
});
