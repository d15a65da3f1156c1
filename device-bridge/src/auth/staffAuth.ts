/**
 * Who may use the staff screens (README "For technicians: the console", access): the configured
 * users (name, role, scrypt hash), their sessions and the login rate limit, independent of express
 * and socket.io (api/techAuth.ts and api/socket.ts use it).
 *
 * Roles (documented decision, the table in accessTable.ts): a `technician` sees and acts on the technician console
 * (driver self-tests, simulator controls); a `manager` may look at it (devices, frames, tickets) but not act; `/hall`
 * takes managers (and technicians may look, for a device problem on a kiosk).
 */
import type { StaffRole, StaffSession } from '@onedoor/protocol';
import { staffMayAct, type StaffArea } from './accessTable.ts';
import { LoginLimiter } from './loginLimiter.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { StaffSessions, type StaffSessionRecord } from './sessions.ts';

export interface StaffUser {
  name: string;
  role: StaffRole;
  passwordHash: string;
}

export interface StaffAuthOptions {
  users: readonly StaffUser[];
  sessionMaxAgeMs: number;
  sessionIdleMs: number;
  loginFailuresPerMinute: number;
  /** Clock (tests). */
  now?: () => number;
}

export type LoginResult =
  | { ok: true; token: string; session: StaffSession }
  | { ok: false; status: 401; message: string }
  | { ok: false; status: 429; message: string; retryAfterSeconds: number };

// Who may look and who may act on each staff screen is read from the one roles table (accessTable.ts), so the
// login answer's `canAct` and the checks on REST and sockets cannot disagree.
export { staffMayAct, staffMayView, type StaffArea } from './accessTable.ts';

export class StaffAuth {
  readonly sessions: StaffSessions;
  readonly limiter: LoginLimiter;
  /**
   * Failures per address over all names (6x the per-user limit): trying many names from one address would otherwise
   * cost a scrypt computation each without ever meeting the per-user limit.
   */
  readonly addressLimiter: LoginLimiter;
  private readonly users = new Map<string, StaffUser>();
  /** Compared against for unknown names, so "no such user" costs the same scrypt time as a wrong password. */
  private decoyHash: Promise<string> | null = null;

  constructor(readonly options: StaffAuthOptions) {
    for (const u of options.users) this.users.set(u.name.toLowerCase(), u);
    this.sessions = new StaffSessions({ maxAgeMs: options.sessionMaxAgeMs, idleMs: options.sessionIdleMs, now: options.now });
    this.limiter = new LoginLimiter({ maxFailures: options.loginFailuresPerMinute, windowMs: 60_000, now: options.now });
    this.addressLimiter = new LoginLimiter({ maxFailures: options.loginFailuresPerMinute * 6, windowMs: 60_000, now: options.now });
  }

  get userCount(): number {
    return this.users.size;
  }

  /** Checks the rate limit, then the password; on success opens a session. `address` is the client's IP. */
  async login(name: string, password: string, address: string | undefined): Promise<LoginResult> {
    const key = LoginLimiter.key(address, name);
    const addressKey = LoginLimiter.key(address, '*');
    const userVerdict = this.limiter.check(key);
    const addressVerdict = this.addressLimiter.check(addressKey);
    const verdict = userVerdict.allowed ? addressVerdict : userVerdict;
    if (!verdict.allowed) {
      const retryAfterSeconds = Math.ceil(verdict.retryAfterMs / 1000);
      return {
        ok: false,
        status: 429,
        retryAfterSeconds,
        message: `too many failed logins ${userVerdict.allowed ? 'from this address' : 'for this user from this address'}: try again in ${retryAfterSeconds} s`,
      };
    }
    const user = this.users.get(name.trim().toLowerCase());
    const stored = user?.passwordHash ?? (await (this.decoyHash ??= hashPassword('decoy password, never matches')));
    const good = (await verifyPassword(password, stored)) && user !== undefined;
    if (!good || !user) {
      this.limiter.fail(key);
      this.addressLimiter.fail(addressKey);
      return { ok: false, status: 401, message: 'wrong user name or password' };
    }
    this.limiter.succeed(key);
    const { token, record } = this.sessions.create(user.name, user.role);
    return { ok: true, token, session: this.describe(record, 'tech') };
  }

  /** The session behind a cookie token, or null; touching it (use) by default. */
  session(token: string | undefined, touch = true): StaffSessionRecord | null {
    return this.sessions.get(token, touch);
  }

  logout(token: string | undefined): boolean {
    return this.sessions.revoke(token);
  }

  /** What `/api/me` and the login answer tell the UI. */
  describe(record: StaffSessionRecord, area: StaffArea): StaffSession {
    return {
      user: record.user,
      role: record.role,
      canAct: staffMayAct(area, record.role),
      expiresAt: record.expiresAt,
      idleMs: this.options.sessionIdleMs,
    };
  }
}

/** The bridge config's `users` and `auth` sections (config/schema.ts), as StaffAuth takes them. */
export interface StaffConfig {
  users: readonly StaffUser[];
  auth: { sessionMaxAgeMs: number; sessionIdleMs: number; loginFailuresPerMinute: number };
}

export function staffAuthFromConfig(config: StaffConfig): StaffAuth {
  return new StaffAuth({ users: config.users, ...config.auth });
}
