/**
 * The hall side of kiosk requests (hallLink/hallRequests.ts) over a real hall database (SQLite and PostgreSQL): a mutating request is
 * applied once per (kiosk, requestId), concurrently and after a restart (the answer is persisted in kiosk_requests);
 * reads are not recorded; refusals, a missing database and bad requests are answered, never thrown.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KioskLinkAnswer, KioskLinkRequest } from '@onedoor/protocol';
import { silentLogger } from '../../src/index.ts';
import { openKioskHall, type KioskHall } from '../../src/api/kioskHall.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { hallRequestHandler } from '../../src/hallLink/hallRequests.ts';
import { libraryHolder, seedBasics, STORE_BACKENDS } from '../hall/fixture.ts';
import type { StoreTarget } from '../store/backends.ts';

describe.each(STORE_BACKENDS)('on $name', (backend) => {
  let target: StoreTarget;
  let hall: KioskHall;
  const citizen = citizenFromHolder(libraryHolder('zhang-sanfeng'));
  const take = (requestId: string, category = 'A'): KioskLinkRequest => ({ requestId, op: 'queue.take', citizen, args: [category] });

  beforeEach(async () => {
    target = await backend.create();
    hall = await openKioskHall(target.dir, silentLogger(), { store: () => target.open(), demo: (store) => seedBasics(store) });
  });

  afterEach(async () => {
    await hall.close();
    await target.destroy();
  });

  const ticketsToday = async () => hall.store!.listTickets(hall.clock.today());

  describe('hall requests from linked kiosks', () => {
    it('applies a ticket request once: concurrent resends wait for it, later resends get the recorded answer', async () => {
      const applied: string[] = [];
      const handle = hallRequestHandler({ hall, onApplied: (_k, req) => applied.push(req.requestId) });
      const [a, b] = await Promise.all([handle('kiosk-1', take('r1')), handle('kiosk-1', take('r1'))]);
      expect(a.ok && b.ok).toBe(true);
      expect(applied).toEqual(['r1']);
      const again = await handle('kiosk-1', take('r1'));
      expect(again.replayed).toBe(true);
      expect(again.ok && (again.result as { number: string }).number).toBe(a.ok && (a.result as { number: string }).number);
      expect(await ticketsToday()).toHaveLength(1);
      expect(await hall.store!.countKioskRequests('kiosk-1')).toBe(1);
    });

    it('answers a resend after a hall restart from the database, not by applying it again', async () => {
      const first = await hallRequestHandler({ hall })('kiosk-2', take('r-restart', 'B'));
      await hall.close();
      hall = await openKioskHall(target.dir, silentLogger(), { store: () => target.open() });
      const applied: string[] = [];
      const resent = await hallRequestHandler({ hall, onApplied: (_k, r) => applied.push(r.requestId) })('kiosk-2', take('r-restart', 'B'));
      expect(resent).toEqual({ ...first, replayed: true });
      expect(applied).toEqual([]);
      expect(await ticketsToday()).toHaveLength(1);
    });

    it('keeps request ids apart per kiosk', async () => {
      const handle = hallRequestHandler({ hall });
      await handle('kiosk-1', take('same', 'A'));
      const other = await handle('kiosk-2', take('same', 'C'));
      expect(other.replayed).toBeUndefined();
      expect((await ticketsToday()).map((t) => t.category).sort()).toEqual(['A', 'C']);
    });

    it('records reads nowhere and answers them again each time', async () => {
      const handle = hallRequestHandler({ hall });
      const a = await handle('kiosk-1', { requestId: 'q', op: 'queue.categories', args: [] });
      const b = await handle('kiosk-1', { requestId: 'q', op: 'queue.categories', args: [] });
      expect(a.ok && (a.result as Array<{ letter: string }>).map((c) => c.letter)).toEqual(['A', 'B', 'C']);
      expect(b.replayed).toBeUndefined();
      expect(await hall.store!.countKioskRequests('kiosk-1')).toBe(0);
    });

    it('answers a rule refusal with its words, a bad request as invalid, and a missing database as paused', async () => {
      const handle = hallRequestHandler({ hall });
      const refused = await handle('kiosk-1', take('r-z', 'Z'));
      expect(refused.ok).toBe(false);
      expect(!refused.ok && refused.failure.kind).toBe('rule');
      expect(!refused.ok && refused.failure.kind === 'rule' && refused.failure.zh.length > 0).toBe(true);

      const noCitizen = await handle('kiosk-1', { requestId: 'x1', op: 'queue.take', args: ['A'] });
      expect(!noCitizen.ok && noCitizen.failure).toMatchObject({ kind: 'invalid', message: expect.stringContaining('citizen') });
      const badOp: KioskLinkAnswer = await handle('kiosk-1', { requestId: 'x2', op: 'queue.drop', args: [] });
      expect(!badOp.ok && badOp.failure.kind).toBe('invalid');
      expect(badOp.requestId).toBe('x2');
      const badArgs = await handle('kiosk-1', { requestId: 'x3', op: 'queue.take', citizen, args: [42] });
      expect(!badArgs.ok && badArgs.failure.kind).toBe('invalid');
      expect((await handle('kiosk-1', null)).ok).toBe(false);

      await hall.store!.close();
      const paused = await handle('kiosk-1', take('r-down'));
      expect(!paused.ok && paused.failure.kind).toBe('paused');
    });
  });
});
