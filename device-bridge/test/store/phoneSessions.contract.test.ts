// The phone-session part of the HallStore contract (store/phoneSessionRecords.ts, migration 18) on both backends:
// a hand-off is taken once and then answers why not, a session slides and ends, expired rows go with their holder,
// and every row belongs to one hall.
import { describe, expect, it } from 'vitest';
import type { HallStore } from '../../src/store/hallStore.ts';
import type { PhoneSessionRecord } from '../../src/store/phoneSessionRecords.ts';
import { freshTargetPerTest, STORE_BACKENDS } from './backends.ts';

const T0 = Date.UTC(2026, 10, 25, 2, 0);
const HOLDER = { number: '440106199003071231', name: '张三', birthDate: '1990-03-07', validUntil: '2036-01-01' };

const handoff = (over: Partial<PhoneSessionRecord> = {}): PhoneSessionRecord => ({
  tokenHash: 'a'.repeat(64), kind: 'handoff', holder: HOLDER, origin: 'k'.repeat(64), kioskId: 'kiosk-1',
  createdAt: T0, expiresAt: T0 + 120_000, usedAt: null, ...over,
});
const session = (over: Partial<PhoneSessionRecord> = {}): PhoneSessionRecord =>
  handoff({ tokenHash: 'b'.repeat(64), kind: 'session', origin: 'a'.repeat(64), expiresAt: T0 + 900_000, ...over });

for (const backend of STORE_BACKENDS) {
  describe(`HallStore contract on ${backend.name}: phone sessions`, () => {
    const { open, target } = freshTargetPerTest(backend);

    it('a hand-off is taken once: the first take gets the holder, the second is told it was used', async () => {
      const store = await open();
      await store.addPhoneSession(handoff());
      const first = await store.takePhoneHandoff('a'.repeat(64), T0 + 1000);
      expect(first).toEqual({ ok: true, record: handoff() });
      expect(await store.takePhoneHandoff('a'.repeat(64), T0 + 2000)).toEqual({ ok: false, reason: 'used' });
      // The used hand-off keeps no holder (hall-rules.md "Privacy").
      const rows = await target().sql('SELECT holder, holder_number, used_at FROM phone_sessions');
      expect(rows.map((r) => [r.holder, r.holder_number, Number(r.used_at)])).toEqual([[null, null, T0 + 1000]]);
    });

    it('an expired hand-off, an unknown one and a session hash are refused with their reason', async () => {
      const store = await open();
      await store.addPhoneSession(handoff());
      await store.addPhoneSession(session());
      expect(await store.takePhoneHandoff('a'.repeat(64), T0 + 120_000)).toEqual({ ok: false, reason: 'expired' });
      expect(await store.takePhoneHandoff('c'.repeat(64), T0)).toEqual({ ok: false, reason: 'unknown' });
      expect(await store.takePhoneHandoff('b'.repeat(64), T0)).toEqual({ ok: false, reason: 'unknown' });
    });

    it('a session slides forward on use, never back, and is gone after its expiry or logout', async () => {
      const store = await open();
      await store.addPhoneSession(session());
      expect((await store.touchPhoneSession('b'.repeat(64), T0 + 60_000, T0 + 960_000))?.expiresAt).toBe(T0 + 960_000);
      expect((await store.touchPhoneSession('b'.repeat(64), T0 + 61_000, T0 + 100_000))?.expiresAt).toBe(T0 + 960_000);
      expect((await store.touchPhoneSession('b'.repeat(64), T0 + 61_000, T0 + 100_000))?.holder).toEqual(HOLDER);
      expect(await store.touchPhoneSession('b'.repeat(64), T0 + 960_000, T0 + 2_000_000)).toBeUndefined();
      // A hand-off is no session.
      await store.addPhoneSession(handoff());
      expect(await store.touchPhoneSession('a'.repeat(64), T0, T0 + 900_000)).toBeUndefined();
      expect(await store.deletePhoneSession('b'.repeat(64))).toBe(true);
      expect(await store.deletePhoneSession('b'.repeat(64))).toBe(false);
    });

    it('purges expired rows with their holder, and revokes the unused hand-offs of a kiosk session', async () => {
      const store = await open();
      await store.addPhoneSession(handoff());
      await store.addPhoneSession(handoff({ tokenHash: 'd'.repeat(64) }));
      await store.addPhoneSession(session());
      await store.takePhoneHandoff('d'.repeat(64), T0);
      // Only the unused one of that kiosk session; the used one stays to answer a replay until it expires.
      expect(await store.deletePhoneHandoffsOf('k'.repeat(64))).toBe(1);
      expect(await store.takePhoneHandoff('a'.repeat(64), T0)).toEqual({ ok: false, reason: 'unknown' });
      expect(await store.takePhoneHandoff('d'.repeat(64), T0)).toEqual({ ok: false, reason: 'used' });
      expect(await store.purgePhoneSessions(T0 + 120_000)).toBe(1);
      expect(await store.purgePhoneSessions(T0 + 900_000)).toBe(1);
      expect(await target().sql('SELECT token_hash FROM phone_sessions')).toEqual([]);
    });

    it('every row belongs to one hall: another hall neither takes, touches nor deletes it', async () => {
      const a = await open('hall-a');
      const b = await open('hall-b');
      await a.addPhoneSession(handoff());
      await a.addPhoneSession(session());
      expect(await b.takePhoneHandoff('a'.repeat(64), T0)).toEqual({ ok: false, reason: 'unknown' });
      expect(await b.touchPhoneSession('b'.repeat(64), T0, T0 + 900_000)).toBeUndefined();
      expect(await b.deletePhoneSession('b'.repeat(64))).toBe(false);
      expect(await b.purgePhoneSessions(T0 + 10_000_000)).toBe(0);
      expect((await a.takePhoneHandoff('a'.repeat(64), T0)).ok).toBe(true);
    });

    if (backend.concurrentInstances) {
      it('two instances taking one hand-off at once: exactly one wins', async () => {
        const a = await open();
        const b = await open();
        await a.addPhoneSession(handoff());
        const takes = await Promise.all([a.takePhoneHandoff('a'.repeat(64), T0 + 1), b.takePhoneHandoff('a'.repeat(64), T0 + 1)]);
        expect(takes.filter((t) => t.ok)).toHaveLength(1);
        expect(takes.filter((t) => !t.ok)).toEqual([{ ok: false, reason: 'used' }]);
      });
    }
  });
}
