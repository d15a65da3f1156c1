/**
 * One authentication, many channels (hall-rules.md "One authentication"; README "The phone channel"): the kiosk hands
 * its signed-in citizen over to the phone, and the phone then keeps a session of its own.
 *
 * - The hand-off token (`H1.<43 base64url>`, 256 random bits) is shown as a QR on the kiosk. It is good once, for
 *   `HANDOFF_TTL_MS` (2 minutes), and bound to the kiosk session it came from: when that session ends before the
 *   phone scans, the hand-off is revoked with it (`revokeHandoffsOf`).
 * - Taking it opens a phone session (`PS1.<43 base64url>`, 256 random bits) that slides: each use moves its end to
 *   `PHONE_SESSION_IDLE_MS` (15 minutes) later; logout ends it at once. It does not depend on the kiosk session.
 * - Both live in the hall database (store/phoneSessionRecords.ts), so any instance serves them; only the SHA-256 of a
 *   token is stored (a database reader cannot act as the phone), and the holder goes with the row.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Citizen } from './citizen.ts';
import type { HallRepository } from '../store/hallStore.ts';
import type { PhoneHandoffTake } from '../store/phoneSessionRecords.ts';

export const HANDOFF_TTL_MS = 2 * 60_000;
export const PHONE_SESSION_IDLE_MS = 15 * 60_000;
export const HANDOFF_TOKEN_PATTERN = /^H1\.[A-Za-z0-9_-]{43}$/;
export const PHONE_SESSION_TOKEN_PATTERN = /^PS1\.[A-Za-z0-9_-]{43}$/;

/** The stored key of a token: its SHA-256 (tokens are 256 random bits, so no salt or stretching is needed). */
export function tokenHashOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const newToken = (tag: string): string => `${tag}.${randomBytes(32).toString('base64url')}`;

/** The hall database cannot be reached: the phone is told "暂停服务". */
export class PhoneSessionsPaused extends Error {}

export type HandoffRedeem = { ok: true; token: string; expiresAt: number; citizen: Citizen; kioskId: string } | Exclude<PhoneHandoffTake, { ok: true }>;

export interface PhoneSessionOptions {
  handoffTtlMs?: number;
  idleMs?: number;
}

export class PhoneSessions {
  readonly handoffTtlMs: number;
  readonly idleMs: number;

  constructor(private readonly store: () => HallRepository | null, private readonly now: () => number, opts: PhoneSessionOptions = {}) {
    this.handoffTtlMs = opts.handoffTtlMs ?? HANDOFF_TTL_MS;
    this.idleMs = opts.idleMs ?? PHONE_SESSION_IDLE_MS;
  }

  private repo(): HallRepository {
    const s = this.store();
    if (!s) throw new PhoneSessionsPaused('hall store unavailable');
    return s;
  }

  /**
   * A new hand-off of a kiosk session's citizen; `origin` is `tokenHashOf(kiosk session token)` (a linked kiosk sends
   * only that over the link). The QR carries the token returned.
   */
  async handOff(citizen: Citizen, origin: string, kioskId: string): Promise<{ token: string; expiresAt: number }> {
    const repo = this.repo();
    const now = this.now();
    await repo.purgePhoneSessions(now);
    const token = newToken('H1');
    const expiresAt = now + this.handoffTtlMs;
    await repo.addPhoneSession({ tokenHash: tokenHashOf(token), kind: 'handoff', holder: citizen, origin,
      kioskId, createdAt: now, expiresAt, usedAt: null });
    return { token, expiresAt };
  }

  /** The phone scanned a hand-off: once only, within its time; opens a phone session. */
  async redeem(handoffToken: string): Promise<HandoffRedeem> {
    const repo = this.repo();
    const now = this.now();
    const taken = await repo.takePhoneHandoff(tokenHashOf(handoffToken), now);
    if (!taken.ok || !taken.record.holder) return taken.ok ? { ok: false, reason: 'unknown' } : taken;
    const token = newToken('PS1');
    const expiresAt = now + this.idleMs;
    await repo.addPhoneSession({ tokenHash: tokenHashOf(token), kind: 'session', holder: taken.record.holder, origin: taken.record.tokenHash,
      kioskId: taken.record.kioskId, createdAt: now, expiresAt, usedAt: null });
    return { ok: true, token, expiresAt, citizen: taken.record.holder, kioskId: taken.record.kioskId };
  }

  /** The citizen of a live phone session, its end slid forward; null when none is live (expired, logged out, unknown). */
  async open(token: string): Promise<{ citizen: Citizen; expiresAt: number } | null> {
    const repo = this.repo();
    const now = this.now();
    const r = await repo.touchPhoneSession(tokenHashOf(token), now, now + this.idleMs);
    return r?.holder ? { citizen: r.holder, expiresAt: r.expiresAt } : null;
  }

  /** Ends a phone session (its holder is deleted with it); false when it was not live. */
  async logout(token: string): Promise<boolean> {
    return this.repo().deletePhoneSession(tokenHashOf(token));
  }

  /** The kiosk session ended (`origin` as in `handOff`): its hand-offs not yet scanned die with it. */
  async revokeHandoffsOf(origin: string): Promise<number> {
    const s = this.store();
    return s ? s.deletePhoneHandoffsOf(origin) : 0;
  }

  /** Deletes expired rows and their holders (also done at every hand-off). */
  async purge(): Promise<number> {
    const s = this.store();
    return s ? s.purgePhoneSessions(this.now()) : 0;
  }
}
