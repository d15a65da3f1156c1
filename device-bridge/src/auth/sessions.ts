/**
 * Staff sessions (README "For technicians: the console", access: sessions expire): an opaque random
 * token in an HttpOnly cookie maps to a user and role in memory. A session ends after its absolute
 * lifetime (default 8 h) or when unused for the idle time (default 30 min), at logout, or when the
 * bridge restarts. Tokens are kept only as SHA-256 digests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { StaffRole } from '@onedoor/protocol';

export interface StaffSessionRecord {
  user: string;
  role: StaffRole;
  createdAt: number;
  lastSeen: number;
  /** Absolute end (createdAt + maxAgeMs). */
  expiresAt: number;
}

export interface StaffSessionOptions {
  maxAgeMs: number;
  idleMs: number;
  /** At most this many live sessions; the least recently used is ended beyond it. Default 1000. */
  maxSessions?: number;
  /** Clock (tests). */
  now?: () => number;
}

export interface StaffSessionEvents {
  /** A session ended (logout, expiry noticed, evicted); `key` identifies it like `keyOf(token)`. */
  ended: [key: string, record: StaffSessionRecord];
}

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

export class StaffSessions extends EventEmitter<StaffSessionEvents> {
  private readonly byKey = new Map<string, StaffSessionRecord>();
  private readonly now: () => number;
  private readonly maxSessions: number;

  constructor(readonly options: StaffSessionOptions) {
    super();
    if (!(options.maxAgeMs > 0) || !(options.idleMs > 0)) throw new Error('StaffSessions: maxAgeMs and idleMs must be > 0');
    this.now = options.now ?? Date.now;
    this.maxSessions = options.maxSessions ?? 1000;
  }

  /** The map key of a token (what `ended` reports), so callers can match sockets without keeping tokens. */
  keyOf(token: string): string {
    return digest(token);
  }

  /** A new session; returns its token (32 random bytes, base64url) to put in the cookie. */
  create(user: string, role: StaffRole): { token: string; record: StaffSessionRecord } {
    const t = this.now();
    const token = randomBytes(32).toString('base64url');
    const record: StaffSessionRecord = { user, role, createdAt: t, lastSeen: t, expiresAt: t + this.options.maxAgeMs };
    this.byKey.set(digest(token), record);
    while (this.byKey.size > this.maxSessions) {
      const [oldestKey, oldest] = this.byKey.entries().next().value as [string, StaffSessionRecord];
      this.end(oldestKey, oldest);
    }
    return { token, record };
  }

  /**
   * The live session of a token, or null (unknown, expired: then it is ended). `touch` (default true) counts this
   * as use, pushing the idle limit back.
   */
  get(token: string | undefined, touch = true): StaffSessionRecord | null {
    if (!token) return null;
    const key = digest(token);
    const record = this.byKey.get(key);
    if (!record) return null;
    const t = this.now();
    if (this.expired(record, t)) {
      this.end(key, record);
      return null;
    }
    if (touch) {
      record.lastSeen = t;
      // Map order = least recently used first, for eviction.
      this.byKey.delete(key);
      this.byKey.set(key, record);
    }
    return record;
  }

  /** Ends the session of `token` (logout). Returns whether there was one. */
  revoke(token: string | undefined): boolean {
    if (!token) return false;
    const key = digest(token);
    const record = this.byKey.get(key);
    if (!record) return false;
    this.end(key, record);
    return true;
  }

  /** Ends every expired session (so live sockets of those sessions can be closed); returns how many. */
  sweep(): number {
    const t = this.now();
    let n = 0;
    for (const [key, record] of [...this.byKey]) {
      if (this.expired(record, t)) {
        this.end(key, record);
        n++;
      }
    }
    return n;
  }

  get size(): number {
    return this.byKey.size;
  }

  private expired(r: StaffSessionRecord, t: number): boolean {
    return t >= r.expiresAt || t - r.lastSeen >= this.options.idleMs;
  }

  private end(key: string, record: StaffSessionRecord): void {
    if (this.byKey.delete(key)) this.emit('ended', key, record);
  }
}
