/**
 * Ticket capabilities (README "The phone channel"): a capability opens its own ticket, that day, at its hall; any
 * changed character, another day, another hall or another hall key is refused, and none holds an ID number.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { APPOINTMENT_CODE_TAG, capabilityKeyOf, TicketCapabilities, TICKET_CAPABILITY_PATTERN } from '../../src/hall/ticketCapability.ts';

const keyOf = () => capabilityKeyOf({ privateKey: generateKeyPairSync('ed25519').privateKey, salt: randomBytes(16) });
const TODAY = '2026-12-04';

describe('TicketCapabilities', () => {
  const key = keyOf();
  const caps = new TicketCapabilities(key, 'tianhe');

  it('opens the ticket it was issued for, today', () => {
    const c = caps.issue({ id: 4711, day: TODAY });
    expect(c).toMatch(TICKET_CAPABILITY_PATTERN);
    expect(caps.check(c, TODAY)).toEqual({ ok: true, ticketId: 4711, day: TODAY });
  });

  it('refuses another day, even when genuine', () => {
    expect(caps.check(caps.issue({ id: 1, day: '2026-12-03' }), TODAY)).toEqual({ ok: false, reason: 'otherDay' });
  });

  it('refuses a capability with the ticket ID or the day changed, or any MAC character changed', () => {
    const c = caps.issue({ id: 12, day: TODAY });
    const [tag, id, day, mac] = c.split('.') as [string, string, string, string];
    expect(caps.check([tag, (parseInt(id, 36) + 1).toString(36), day, mac].join('.'), TODAY)).toEqual({ ok: false, reason: 'unknown' });
    expect(caps.check([tag, id, '20261205', mac].join('.'), '2026-12-05')).toEqual({ ok: false, reason: 'unknown' });
    for (let i = 0; i < mac.length; i++) {
      // Every other character in every place, the last one too (its low bits are padding when decoded).
      for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') {
        if (ch === mac[i]) continue;
        const changed = mac.slice(0, i) + ch + mac.slice(i + 1);
        expect(caps.check([tag, id, day, changed].join('.'), TODAY).ok).toBe(false);
      }
    }
  });

  it('refuses a capability of another hall id or another hall key', () => {
    const c = caps.issue({ id: 7, day: TODAY });
    expect(new TicketCapabilities(key, 'yuexiu').check(c, TODAY)).toEqual({ ok: false, reason: 'unknown' });
    expect(new TicketCapabilities(keyOf(), 'tianhe').check(c, TODAY)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('an appointment code (tag A1) is no ticket capability, nor the other way round', () => {
    const appointments = new TicketCapabilities(key, 'tianhe', APPOINTMENT_CODE_TAG);
    const a = appointments.issue({ id: 4711, day: TODAY });
    expect(a.startsWith('A1.')).toBe(true);
    expect(appointments.check(a, TODAY)).toEqual({ ok: true, ticketId: 4711, day: TODAY });
    expect(caps.check(a, TODAY)).toEqual({ ok: false, reason: 'malformed' });
    // The same id and day under the other tag: the MAC differs, so a relabelled code is refused.
    expect(caps.check(`T1${a.slice(2)}`, TODAY)).toEqual({ ok: false, reason: 'unknown' });
    expect(appointments.check(caps.issue({ id: 4711, day: TODAY }), TODAY)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('calls anything of another shape malformed', () => {
    for (const bad of ['', 'T1', 'T2.1.20261204.AAAAAAAAAAAAAAAAAAAAAA', 'T1.1.2026124.AAAAAAAAAAAAAAAAAAAAAA', 'T1.1.20261204.AAAA',
      '440106199003071234', `T1.1.20261204.${'A'.repeat(22)}.x`]) {
      expect(caps.check(bad, TODAY)).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});
