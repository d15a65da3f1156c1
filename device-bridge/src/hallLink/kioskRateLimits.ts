/**
 * Per-kiosk rate limits at the hall: one kiosk token must not be able to use up a day's ticket numbers or walk the
 * citizen records. Two token buckets per kiosk, refilled continuously:
 * - `tickets`: ops that issue a ticket (`queue.take`, `appointments.checkIn`, `appointments.checkInByCode`,
 *   `intake.submit`); default 30 a minute, burst 10 (a kiosk serves one person at a time: a ticket every 2 s on
 *   average is already far beyond a queue of people);
 * - `lookups`: every other op about a citizen, and certificate verification; default 120 a minute, burst 30.
 * Reads that hold nobody's data (categories, guidance, slots, the print log entry) are not limited here.
 */
import type { KioskLinkOp } from '@onedoor/protocol';

export interface KioskRateLimitConfig {
  ticketsPerMinute: number;
  ticketBurst: number;
  lookupsPerMinute: number;
  lookupBurst: number;
}

export const KIOSK_RATE_LIMIT_DEFAULTS: Readonly<KioskRateLimitConfig> = Object.freeze({
  ticketsPerMinute: 30,
  ticketBurst: 10,
  lookupsPerMinute: 120,
  lookupBurst: 30,
});

export type RateLimitKind = 'tickets' | 'lookups';

// An application's submit may issue the ticket for its materials to bring (README "Applying at the kiosk (接件受理)").
const TICKET_OPS: readonly KioskLinkOp[] = ['queue.take', 'appointments.checkIn', 'appointments.checkInByCode', 'intake.submit'];
const UNLIMITED_OPS: readonly KioskLinkOp[] = [
  'queue.categories', 'appointments.bookableDays', 'appointments.slots', 'guidance.departments', 'guidance.servicesOf', 'guidance.finder', 'printLog.add',
  'intake.state', 'intake.items', 'intake.forget',
];

/** Which bucket an op draws from; null for ops that are not limited. */
export function rateLimitKindOf(op: KioskLinkOp): RateLimitKind | null {
  if (TICKET_OPS.includes(op)) return 'tickets';
  return UNLIMITED_OPS.includes(op) ? null : 'lookups';
}

/** A token bucket: `burst` tokens at most, refilled at `perMinute`. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(private readonly perMinute: number, private readonly burst: number, private readonly now: () => number = Date.now) {
    if (!(perMinute > 0) || !(burst >= 1)) throw new Error('token bucket: perMinute must be > 0 and burst >= 1');
    this.tokens = burst;
    this.at = now();
  }

  /** Takes one token; false (nothing taken) when the bucket is empty. */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, t - this.at) * this.perMinute) / 60_000);
    this.at = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class KioskRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly config: KioskRateLimitConfig = KIOSK_RATE_LIMIT_DEFAULTS, private readonly now: () => number = Date.now) {}

  /** True when `kioskId` may run `op` now (a token was taken from its bucket, if the op is limited). */
  allow(kioskId: string, op: KioskLinkOp): { ok: true } | { ok: false; kind: RateLimitKind } {
    const kind = rateLimitKindOf(op);
    if (kind === null) return { ok: true };
    const key = `${kind}\n${kioskId}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = kind === 'tickets'
        ? new TokenBucket(this.config.ticketsPerMinute, this.config.ticketBurst, this.now)
        : new TokenBucket(this.config.lookupsPerMinute, this.config.lookupBurst, this.now);
      this.buckets.set(key, b);
    }
    return b.take() ? { ok: true } : { ok: false, kind };
  }
}

export const RATE_LIMITED = {
  zh: '本机请求过于频繁，请稍后再试或咨询工作人员',
  en: 'this kiosk is sending too many requests; please try again in a moment or ask staff',
} as const;
