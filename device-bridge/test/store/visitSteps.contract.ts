/**
 * The visit steps of the HallStore contract (store/visitRecords.ts; README "Running the hall floor", visits): a
 * ticket's steps advance window to window with the same number and the original issue time, so it keeps its place
 * relative to the other tickets of the next category; the last step closes nothing by itself (the caller does);
 * a transfer moves the current step. Run on both backends by hallStore.contract.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HallStore, NewTicket } from '../../src/store/hallStore.ts';
import { seedBasics } from '../hall/fixture.ts';
import type { StoreBackend, StoreTarget } from './backends.ts';

const T0 = Date.UTC(2026, 10, 25, 1, 0);
const DAY = '2026-11-25';
const NOW = '2026-11-25 09:30';

const ticket = (category: string, seq: number, issuedAt: number, holderNumber: string | null = null): NewTicket => ({
  day: DAY, category, seq, number: `${category}${String(seq).padStart(3, '0')}`, holderNumber, priority: null, issuedAt, appointmentId: null,
});

export function describeVisitStepsContract(backend: StoreBackend): void {
  describe(`HallStore visit steps on ${backend.name}`, () => {
    let target: StoreTarget;
    let store: HallStore;

    beforeEach(async () => {
      target = await backend.create();
      store = await target.open();
      await seedBasics(store);
    });

    afterEach(async () => {
      await store.close();
      await target.destroy();
    });

    it('a step finished moves the ticket to the next category: same number, original issue time, its place kept', async () => {
      const early = await store.insertTicket(ticket('B', 1, T0));
      const visit = await store.insertTicket(ticket('A', 1, T0 + 1_000, '440106199003071231'));
      const late = await store.insertTicket(ticket('B', 2, T0 + 2_000));
      expect(await store.listVisitSteps(early.id)).toEqual([]);
      const steps = await store.addVisitSteps(visit.id, ['A', 'B', 'C']);
      expect(steps.map((s) => [s.position, s.category, s.state])).toEqual([[1, 'A', 'waiting'], [2, 'B', 'waiting'], [3, 'C', 'waiting']]);
      await expect(store.addVisitSteps(visit.id, ['A'])).rejects.toThrow();

      await store.updateTicket(visit.id, { status: 'serving', calledAt: T0 + 60_000, startedAt: T0 + 70_000 });
      expect((await store.listVisitSteps(visit.id)).map((s) => s.state)).toEqual(['serving', 'waiting', 'waiting']);

      const next = await store.finishVisitStep({ ticketId: visit.id, window: 1, startedAt: T0 + 90_000 - 10_000, at: T0 + 90_000 });
      expect(next).toEqual({ ticketId: visit.id, position: 2, category: 'B', state: 'waiting', window: null, startedAt: null, finishedAt: null });
      expect(await store.getTicket(visit.id)).toEqual({ ...visit, category: 'B', status: 'waiting', calledAt: null, startedAt: null, finishedAt: null });
      expect((await store.listVisitSteps(visit.id)).map((s) => [s.state, s.window, s.startedAt, s.finishedAt]))
        .toEqual([['done', 1, T0 + 80_000, T0 + 90_000], ['waiting', null, null, null], ['waiting', null, null, null]]);
      // The step's service time counts for its category's wait estimate (no ticket of A is done).
      expect(await store.recentServiceDurations('A', 5)).toEqual([10_000]);
      // Between the ticket issued before it and the one issued after it, in B's queue.
      expect(await store.countWaitingAhead(visit.id, NOW)).toBe(1);
      expect(await store.countWaitingAhead(late.id, NOW)).toBe(2);
      expect((await store.nextWaitingTicket(DAY, ['B'], NOW))?.id).toBe(early.id);
      expect((await store.listTickets(DAY, { category: 'B', status: 'waiting' })).map((t) => t.number)).toEqual(['B001', 'A001', 'B002']);
      expect((await store.findWaitingTicket(DAY, 'B', '440106199003071231'))?.id).toBe(visit.id);

      expect((await store.finishVisitStep({ ticketId: visit.id, window: 2, startedAt: T0 + 120_000 - 10_000, at: T0 + 120_000 }))?.category).toBe('C');
      // The last step: finished, nothing follows, the ticket is left for the caller to close.
      await store.updateTicket(visit.id, { status: 'called', calledAt: T0 + 130_000 });
      expect(await store.finishVisitStep({ ticketId: visit.id, window: 3, startedAt: T0 + 150_000 - 10_000, at: T0 + 150_000 })).toBeNull();
      expect(await store.getTicket(visit.id)).toMatchObject({ category: 'C', number: 'A001', status: 'called' });
      expect((await store.listVisitSteps(visit.id)).map((s) => [s.category, s.state, s.window]))
        .toEqual([['A', 'done', 1], ['B', 'done', 2], ['C', 'done', 3]]);
      // The last step is the ticket's own duration once it is done: counted once, from the ticket.
      await store.updateTicket(visit.id, { status: 'done', startedAt: T0 + 140_000, finishedAt: T0 + 150_000 });
      expect(await store.recentServiceDurations('C', 5)).toEqual([10_000]);
      expect(await store.recentServiceDurations('B', 5)).toEqual([10_000]);
      expect(await store.finishVisitStep({ ticketId: visit.id, window: 3, startedAt: T0 + 160_000 - 10_000, at: T0 + 160_000 })).toBeNull();
      const ofDay = await store.listVisitStepsOfDay(DAY);
      expect(ofDay.map((s) => [s.ticketId, s.position, s.state, s.window])).toEqual([[visit.id, 1, 'done', 1], [visit.id, 2, 'done', 2], [visit.id, 3, 'done', 3]]);
      expect(await store.listVisitStepsOfDay('2026-11-26')).toEqual([]);
    });

    it('a ticket of one service has no steps: finishing a step changes nothing', async () => {
      const t = await store.insertTicket(ticket('A', 1, T0));
      await store.updateTicket(t.id, { status: 'serving', calledAt: T0, startedAt: T0 });
      expect(await store.finishVisitStep({ ticketId: t.id, window: 1, startedAt: T0 + 1 - 10_000, at: T0 + 1 })).toBeNull();
      expect(await store.getTicket(t.id)).toMatchObject({ category: 'A', status: 'serving' });
    });

    it('ending a visit early skips the steps left; a transfer moves the current step only', async () => {
      const t = await store.insertTicket(ticket('A', 1, T0));
      await store.addVisitSteps(t.id, ['A', 'B']);
      await store.transferTicket({ ticketId: t.id, fromCategory: 'A', toCategory: 'C', window: 1, at: T0 + 1 });
      expect((await store.listVisitSteps(t.id)).map((s) => [s.category, s.state])).toEqual([['C', 'waiting'], ['B', 'waiting']]);
      expect(await store.getTicket(t.id)).toMatchObject({ category: 'C', issuedAt: T0, number: 'A001' });
      expect(await store.finishVisitStep({ ticketId: t.id, window: 4, startedAt: T0 + 2 - 10_000, at: T0 + 2, endVisit: true })).toBeNull();
      expect((await store.listVisitSteps(t.id)).map((s) => [s.category, s.state, s.finishedAt])).toEqual([['C', 'done', T0 + 2], ['B', 'skipped', T0 + 2]]);
      // The visit ended there: the step is the ticket's own service time, not counted again from the step.
      expect(await store.recentServiceDurations('C', 5)).toEqual([]);
      expect((await store.getTicket(t.id))?.category).toBe('C');
    });

    it('a visit rolls back with its transaction and is seen by its hall only', async () => {
      const t = await store.insertTicket(ticket('A', 1, T0));
      await expect(store.withTransaction(async (tx) => {
        await tx.addVisitSteps(t.id, ['A', 'B']);
        throw new Error('stop');
      })).rejects.toThrow('stop');
      expect(await store.listVisitSteps(t.id)).toEqual([]);
      await store.addVisitSteps(t.id, ['A', 'B']);
      const other = await target.open({ hallId: 'hall-two' });
      try {
        expect(await other.listVisitSteps(t.id)).toEqual([]);
        expect(await other.finishVisitStep({ ticketId: t.id, window: 1, startedAt: T0 - 10_000, at: T0 })).toBeNull();
      } finally {
        await other.close();
      }
      expect((await store.listVisitSteps(t.id)).map((s) => s.state)).toEqual(['waiting', 'waiting']);
    });
  });
}
