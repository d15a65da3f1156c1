/**
 * The hall's audit of linked kiosks' requests (hallLink/auditedHallRequests.ts) over the real request handler and a
 * real hall database (SQLite and PostgreSQL): each op of one citizen is recorded under the kiosk id the link gave, with the number
 * masked although the request carries it in full; a replayed resend is marked; a refusal, a bad request and a made-up
 * number are recorded as refused; ops naming nobody are not recorded.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/index.ts';
import { openKioskHall, type KioskHall } from '../../src/api/kioskHall.ts';
import { AccessAuditLog } from '../../src/hall/accessAudit.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { linkAudit } from '../../src/hallLink/auditedHallRequests.ts';
import { hallRequestHandler } from '../../src/hallLink/hallRequests.ts';
import { libraryHolder, seedBasics, STORE_BACKENDS } from '../hall/fixture.ts';
import type { StoreTarget } from '../store/backends.ts';

const FULL_NUMBER_RE = /\d{17}[\dXx]|\d{15}/;
const citizen = citizenFromHolder(libraryHolder('zhang-sanfeng'));
const masked = `${citizen.number.slice(0, 4)}**********${citizen.number.slice(-4)}`;

describe.each(STORE_BACKENDS)('on $name', (backend) => {
  let target: StoreTarget;
  let hall: KioskHall;

  beforeEach(async () => {
    target = await backend.create();
    hall = await openKioskHall(target.dir, silentLogger(), { store: () => target.open(), demo: (store) => seedBasics(store) });
  });

  afterEach(async () => {
    await hall.close();
    await target.destroy();
  });

  const rows = async () => (await hall.store!.queryAccessAudit({ limit: 100, offset: 0 })).entries.reverse();

  describe('audit of linked kiosks\' requests at the hall', () => {
    it('records each citizen op under the link\'s kiosk id with the number masked; a resend is marked replayed', async () => {
      const handle = hallRequestHandler({ hall, audit: linkAudit(new AccessAuditLog(hall.store!, hall.clock, silentLogger())) });
      expect((await handle('kiosk-3', { requestId: 'r1', op: 'queue.take', citizen, args: ['A'] })).ok).toBe(true);
      expect((await handle('kiosk-3', { requestId: 'r1', op: 'queue.take', citizen, args: ['A'] })).replayed).toBe(true);
      expect((await handle('kiosk-3', { requestId: 'r2', op: 'certificates.list', citizen, args: [] })).ok).toBe(true);
      // Naming nobody: not audited.
      expect((await handle('kiosk-3', { requestId: 'r3', op: 'queue.categories', args: [] })).ok).toBe(true);
      expect((await rows()).map((r) => [r.actor, r.function, r.maskedNumber, r.result, r.code, r.detail])).toEqual([
        ['kiosk-3', 'queue.take', masked, 'success', null, null],
        ['kiosk-3', 'queue.take', masked, 'success', null, 'replayed'],
        ['kiosk-3', 'certificates.list', masked, 'success', null, null],
      ]);
    });

    it('records refusals: a hall rule, a bad request, a store that is gone; and never a full number', async () => {
      const handle = hallRequestHandler({ hall, audit: linkAudit(new AccessAuditLog(hall.store!, hall.clock, silentLogger())) });
      const rule = await handle('kiosk-1', { requestId: 'x1', op: 'applications.get', citizen, args: ['NO-SUCH'] });
      expect(rule).toMatchObject({ ok: false, failure: { kind: 'rule', code: 'unknownApplication' } });
      const bad = await handle('kiosk-1', { requestId: 'x2', op: 'queue.take', citizen: { ...citizen, number: '44010619900307123' }, args: [7] });
      expect(bad).toMatchObject({ ok: false, failure: { kind: 'invalid' } });
      const paused = await hallRequestHandler({ hall: { ...hall, queue: null }, audit: linkAudit(new AccessAuditLog(hall.store!, hall.clock, silentLogger())) })(
        'kiosk-2', { requestId: 'x3', op: 'queue.take', citizen, args: ['B'] });
      expect(paused).toMatchObject({ ok: false, failure: { kind: 'paused' } });
      const r = await rows();
      expect(r.map((x) => [x.actor, x.function, x.result, x.code])).toEqual([
        ['kiosk-1', 'applications.progress', 'refused', 'unknownApplication'],
        ['kiosk-1', 'queue.take', 'refused', 'invalid'],
        ['kiosk-2', 'queue.take', 'refused', 'paused'],
      ]);
      expect(r[1].maskedNumber).toBe('4401*********7123');
      expect(JSON.stringify(r)).not.toMatch(FULL_NUMBER_RE);
    });
  });
});
