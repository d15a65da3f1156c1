// Sessions: one card read -> opaque token bound to the number; refusals with reasons; inactivity, extensions,
// new card and logout end it; at the end nothing personal is left in the session object.
import { inspect } from 'node:util';
import { maskIdNumber } from '@onedoor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionManager, type SessionEndReason } from '../../src/hall/session.ts';
import { HallRuleError } from '../../src/hall/errors.ts';
import { TestClock, libraryCards, libraryHolder } from './fixture.ts';

const ZHANG = libraryHolder('zhang-sanfeng');
const stop: Array<() => void> = [];
afterEach(() => stop.splice(0).forEach((f) => f()));

function manager(clock = new TestClock('2026-11-25', '10:00')) {
  const ended: Array<{ token: string; reason: SessionEndReason }> = [];
  const m = new SessionManager({ clock, onEnd: (e) => ended.push(e) });
  return { m, clock, ended };
}

describe('SessionManager', () => {
  it('starts a session for every valid library card with a masked view, and refuses the invalid ones with a reason', () => {
    const { m } = manager();
    for (const card of libraryCards()) {
      const r = m.start('kiosk-1', card.holder);
      const expectRefusal = card.invalid ?? (card.key === 'li-xiaoming' || card.key === 'chen-jiaming' ? 'expired' : undefined);
      if (expectRefusal) {
        expect(r.ok, card.key).toBe(false);
        if (!r.ok) {
          expect(r.reason).toBe(expectRefusal);
          expect(r.zh.length).toBeGreaterThan(4);
          expect(r.maskedNumber).toContain('*');
        }
        continue;
      }
      expect(r.ok, card.key).toBe(true);
      if (!r.ok) continue;
      const number = 'idNumber' in card.holder ? card.holder.idNumber : card.holder.permitNumber;
      expect(JSON.stringify(r.session)).not.toContain(number);
      expect(r.session.maskedNumber).toBe(maskIdNumber(number));
      expect(r.session.maskedNumber.split('*').length - 1).toBeGreaterThanOrEqual(number.length / 2);
      expect(r.session.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(r.session.token).not.toContain(number.slice(0, 6));
      expect(m.citizen(r.session.token).number).toBe(number);
    }
    const refusedBirth = m.start('k2', libraryHolder('zhang-wei'));
    expect(refusedBirth.ok === false && refusedBirth.reason).toBe('birthMismatch');
  });

  it('marks holders of 65 and over as elderly', () => {
    const { m } = manager();
    const r = m.start('k', libraryHolder('wang-guifen'));
    expect(r.ok && r.session.elderly).toBe(true);
    const y = m.start('k', ZHANG);
    expect(y.ok && y.session.elderly).toBe(false);
  });

  it('ends after 60 s without a touch; a touch starts the time again', () => {
    const { m, clock, ended } = manager();
    const r = m.start('k', ZHANG);
    if (!r.ok) throw new Error('refused');
    const token = r.session.token;
    expect(r.session.expiresAt - r.session.startedAt).toBe(60_000);
    expect(r.session.expiresAt - r.session.warnAt).toBe(20_000);
    clock.advance(59_000);
    m.touch(token);
    clock.advance(59_000);
    expect(m.sweep()).toBe(0);
    expect(m.view(token)?.maskedNumber).toBe('4401**********1231');
    clock.advance(1_000);
    expect(m.sweep()).toBe(1);
    expect(m.view(token)).toBeUndefined();
    expect(() => m.citizen(token)).toThrow(HallRuleError);
    expect(ended).toEqual([{ token, kioskId: 'k', reason: 'inactivity' }]);
  });

  it('allows 10 extensions and then says no more', () => {
    const { m, clock } = manager();
    const r = m.start('k', ZHANG);
    if (!r.ok) throw new Error('refused');
    for (let i = 1; i <= 10; i++) {
      clock.advance(50_000);
      expect(m.extend(r.session.token).extensionsLeft).toBe(10 - i);
    }
    try {
      m.extend(r.session.token);
      expect.unreachable();
    } catch (e) {
      expect((e as HallRuleError).code).toBe('extensionsExhausted');
    }
    expect(() => new SessionManager({ maxExtensions: 9 })).toThrow(/at least 10/);
  });

  it('a new card at the same kiosk ends the previous session; other kiosks keep theirs', () => {
    const { m, ended } = manager();
    const a = m.start('k1', ZHANG);
    const b = m.start('k2', libraryHolder('ayiguli'));
    const c = m.start('k1', libraryHolder('wei-xiulan'));
    if (!a.ok || !b.ok || !c.ok) throw new Error('refused');
    expect(m.view(a.session.token)).toBeUndefined();
    expect(m.view(b.session.token)).toBeDefined();
    expect(ended).toEqual([{ token: a.session.token, kioskId: 'k1', reason: 'newCard' }]);
    // A refused card also ends the session that was there.
    m.start('k2', libraryHolder('li-xiaoming'));
    expect(m.view(b.session.token)).toBeUndefined();
    expect(m.activeCount).toBe(1);
  });

  it('drops every personal datum when it ends (logout)', () => {
    const { m } = manager();
    const holder = structuredClone(ZHANG);
    const r = m.start('k', holder);
    if (!r.ok) throw new Error('refused');
    const session = m.get(r.session.token)!;
    const before = inspect(session, { depth: 10, showHidden: true });
    expect(before).toContain('张三丰');
    expect(before).toContain('440106199003071231');
    expect(m.end(r.session.token)).toBe(true);
    const after = inspect(session, { depth: 10, showHidden: true }) + JSON.stringify(session);
    for (const personal of ['张三丰', '440106199003071231', '1990-03-07', '体育西路']) expect(after).not.toContain(personal);
    expect(session.active).toBe(false);
    expect(() => session.citizen()).toThrow(/ended/);
    expect(m.get(r.session.token)).toBeUndefined();
    // The caller's own holder object is not ours to wipe.
    expect(JSON.stringify(holder)).toContain('张三丰');
    expect(m.end(r.session.token)).toBe(false);
  });

  it('ends and wipes every expired session even when the end listener throws', () => {
    const clock = new TestClock('2026-11-25', '10:00');
    const m = new SessionManager({ clock, onEnd: () => { throw new Error('listener broke'); } });
    const a = m.start('k1', ZHANG);
    const b = m.start('k2', libraryHolder('ayiguli'));
    if (!a.ok || !b.ok) throw new Error('refused');
    const sa = m.get(a.session.token)!;
    clock.advance(60_000);
    expect(() => m.sweep()).toThrow('listener broke');
    expect(m.activeCount).toBe(0);
    expect(JSON.stringify(sa)).not.toContain('张三丰');
  });

  it('a sweeper ends sessions on time without anyone asking', async () => {
    const { m, clock, ended } = manager();
    const r = m.start('k', ZHANG);
    if (!r.ok) throw new Error('refused');
    stop.push(m.startSweeper(5));
    clock.advance(60_000);
    await expect.poll(() => ended.map((e) => e.reason), { timeout: 10_000 }).toEqual(['inactivity']);
    expect(m.activeCount).toBe(0);
  });
});
