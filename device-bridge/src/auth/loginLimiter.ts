/**
 * Wrong credentials are rate-limited (README "For technicians: the console", access): per client
 * address and user name, at most `maxFailures` failed logins in a sliding `windowMs` (default 5 per
 * minute); beyond that every attempt for that pair, right or wrong, is refused until the oldest
 * failure leaves the window. A successful login clears the pair.
 */
export interface LoginLimiterOptions {
  maxFailures: number;
  windowMs: number;
  /** Pairs remembered at most (oldest forgotten first), so a flood of names cannot grow memory. Default 10,000. */
  maxKeys?: number;
  now?: () => number;
}

export type LoginVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(readonly options: LoginLimiterOptions) {
    if (!(options.maxFailures >= 1) || !(options.windowMs > 0)) throw new Error('LoginLimiter: maxFailures must be >= 1 and windowMs > 0');
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** The key for a client address and a user name (names compare case-insensitively). */
  static key(address: string | undefined, user: string): string {
    return `${address ?? '?'}|${user.trim().toLowerCase()}`;
  }

  check(key: string): LoginVerdict {
    const recent = this.recent(key);
    if (recent.length < this.options.maxFailures) return { allowed: true };
    return { allowed: false, retryAfterMs: Math.max(1, recent[0] + this.options.windowMs - this.now()) };
  }

  fail(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    this.failures.delete(key);
    this.failures.set(key, recent);
    while (this.failures.size > this.maxKeys) this.failures.delete(this.failures.keys().next().value as string);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.options.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }
}
