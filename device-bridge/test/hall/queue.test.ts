// Queue tickets on both real stores: daily numbering per category that survives restarts and restarts each day,
// one waiting ticket per person per category, green-channel priority, waiting estimate.
import { afterEach, describe, expect, it } from 'vitest';
import { citizenFromHolder, type Citizen } from '../../src/hall/citizen.ts';
import { HallRuleError } from '../../src/hall/errors.ts';
import { QueueService, medianOf } from '../../src/hall/queue.ts';
import { libraryHolder, hallFixtureOn, STORE_BACKENDS, type HallFixture } from './fixture.ts';

describe.each(STORE_BACKENDS)('on $name', (backend) => {
  const openHallFixture = hallFixtureOn(backend);

  let fx: HallFixture;
  afterEach(async () => fx?.cleanup());

  const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));
  const wei = citizenFromHolder(libraryHolder('wei-xiulan'));
  const liang = citizenFromHolder(libraryHolder('liang-junjie'));
  const elderly = citizenFromHolder(libraryHolder('wang-guifen'));
  const other = (n: number): Citizen => ({ number: `X${n}`, name: `n${n}`, birthDate: '1990-01-01' });

  describe('QueueService', () => {
    it('numbers letter + 3 digits per category and day, across restarts, and starts again the next day', async () => {
      fx = await openHallFixture('2026-11-25', '08:59');
      let q = new QueueService(fx.store, fx.clock);
      expect((await q.takeTicket(zhang, 'A')).number).toBe('A001');
      expect((await q.takeTicket(wei, 'A')).number).toBe('A002');
      expect((await q.takeTicket(wei, 'B')).number).toBe('B001');
      // Restart: close and reopen the file; the day's numbers continue.
      q = new QueueService(await fx.reopen(), fx.clock);
      expect((await q.takeTicket(liang, 'A')).number).toBe('A003');
      // Even when tickets were removed behind our back, a number is not issued twice in a day (the counter is its own row).
      await fx.store.close();
      await fx.target.sql('DELETE FROM tickets');
      q = new QueueService(await fx.reopen(), fx.clock);
      expect((await q.takeTicket(zhang, 'A')).number).toBe('A004');
      // Just after midnight hall time (UTC+8) it is a new day.
      fx.clock.set('2026-11-26', '00:01');
      const next = await q.takeTicket(zhang, 'A');
      expect(next.number).toBe('A001');
      expect(next.day).toBe('2026-11-26');
      expect(next.issuedAtText).toBe('2026-11-26 00:01');
    });

    it('returns the waiting ticket to a second request in the same category; a new one once it was called', async () => {
      fx = await openHallFixture();
      const q = new QueueService(fx.store, fx.clock);
      const first = await q.takeTicket(zhang, 'A');
      const again = await q.takeTicket(zhang, 'A');
      expect(again.id).toBe(first.id);
      expect(again.reused).toBe(true);
      expect(first.reused).toBe(false);
      expect((await q.takeTicket(zhang, 'B')).number).toBe('B001');
      await fx.store.updateTicket(first.id, { status: 'called', calledAt: fx.clock.now() });
      expect((await q.takeTicket(zhang, 'A')).number).toBe('A002');
      // Concurrent requests of one person still make one ticket.
      const same = await Promise.all([q.takeTicket(wei, 'C'), q.takeTicket(wei, 'C'), q.takeTicket(wei, 'C')]);
      expect(new Set(same.map((t) => t.number))).toEqual(new Set(['C001']));
    });

    it('puts the green channel (65+, disabled, pregnant) ahead of ordinary tickets and masks the number', async () => {
      fx = await openHallFixture();
      const q = new QueueService(fx.store, fx.clock);
      const a1 = await q.takeTicket(zhang, 'A');
      fx.clock.advance(1000);
      const a2 = await q.takeTicket(wei, 'A');
      fx.clock.advance(1000);
      const old = await q.takeTicket(elderly, 'A');
      fx.clock.advance(1000);
      const dis = await q.takeTicket(liang, 'A', { disabled: true });
      fx.clock.advance(1000);
      const preg = await q.takeTicket(other(1), 'A', { pregnant: true });
      expect([a1.priority, old.priority, dis.priority, preg.priority]).toEqual([null, 'elderly', 'disabled', 'pregnant']);
      expect(old.ahead).toBe(0);
      expect(dis.ahead).toBe(1);
      expect(preg.ahead).toBe(2);
      expect((await q.ticket(a1.id)).ahead).toBe(3);
      expect((await q.ticket(a2.id)).ahead).toBe(4);
      expect(a1.maskedNumber).toBe('4401**********1231');
      expect(JSON.stringify([a1, a2, old, dis, preg])).not.toMatch(/\d{17}[\dX]/);
    });

    it('estimates the wait as tickets ahead x the median recent service time, with the category default before any history', async () => {
      fx = await openHallFixture();
      const q = new QueueService(fx.store, fx.clock);
      for (let i = 0; i < 3; i++) await q.takeTicket(other(i), 'A');
      const t = await q.takeTicket(zhang, 'A');
      expect(t.ahead).toBe(3);
      expect(t.estimatedWaitMinutes).toBe(18); // 3 x default 6 min
      // History: three finished tickets of 4, 10 and 8 minutes -> median 8.
      const start = fx.clock.now();
      const ids = (await fx.store.listTickets(t.day, { category: 'A' })).slice(0, 3).map((x) => x.id);
      for (const [i, min] of [4, 10, 8].entries()) {
        await fx.store.updateTicket(ids[i], { status: 'done', startedAt: start + i, finishedAt: start + i + min * 60_000 });
      }
      const now = await q.ticket(t.id);
      expect(now.ahead).toBe(0);
      const late = await q.takeTicket(wei, 'A');
      expect(late.ahead).toBe(1);
      expect(late.estimatedWaitMinutes).toBe(8);
      expect(medianOf([1, 2, 3, 4])).toBe(2.5);
    });

    it('refuses a 1000th ticket of a category in a day: three digits end at 999', async () => {
      fx = await openHallFixture();
      const q = new QueueService(fx.store, fx.clock);
      for (let i = 0; i < 998; i++) await fx.store.nextCounterValue('ticket:2026-11-25:C');
      expect((await q.takeTicket(zhang, 'C')).number).toBe('C999');
      await expect(q.takeTicket(wei, 'C')).rejects.toMatchObject({ code: 'categoryFull' });
      expect((await q.takeTicket(wei, 'A')).number).toBe('A001');
    });

    it('refuses an unknown category with a reason', async () => {
      fx = await openHallFixture();
      const q = new QueueService(fx.store, fx.clock);
      await expect(q.takeTicket(zhang, 'Q')).rejects.toMatchObject({ code: 'unknownCategory' });
      await expect(q.takeTicket(zhang, 'Q')).rejects.toBeInstanceOf(HallRuleError);
    });
  });
});
