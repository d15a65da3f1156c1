/**
 * Rate limits of the phone routes per client address (README "The phone channel"): the phone is an untrusted peer
 * holding nothing but a capability, so an address may make `requestsPerMinute` requests (burst `requestBurst`) and
 * `failuresPerMinute` refused capabilities (burst `failureBurst`); one refusal too many shuts the address out for a
 * minute. Live streams are bounded per address and in all.
 */
import { TokenBucket } from '../hallLink/kioskRateLimits.ts';

export interface PhoneLimitConfig {
  requestsPerMinute: number;
  requestBurst: number;
  failuresPerMinute: number;
  failureBurst: number;
  streamsPerAddress: number;
  streams: number;
}

export const PHONE_LIMIT_DEFAULTS: Readonly<PhoneLimitConfig> = Object.freeze({
  requestsPerMinute: 60, requestBurst: 20, failuresPerMinute: 10, failureBurst: 5, streamsPerAddress: 6, streams: 2000,
});

/** Addresses remembered at most (oldest forgotten first): a flood of addresses cannot grow memory without bound. */
const MAX_ADDRESSES = 10_000;
const SHUT_OUT_MS = 60_000;

interface AddressState {
  requests: TokenBucket;
  failures: TokenBucket;
  shutUntil: number;
  streams: number;
}

export class PhoneRateLimiter {
  private readonly byAddress = new Map<string, AddressState>();
  private streams = 0;

  constructor(private readonly config: PhoneLimitConfig = PHONE_LIMIT_DEFAULTS, private readonly now: () => number = Date.now) {}

  /** One request from `address`: false when it must be refused (429). */
  admit(address: string): boolean {
    const s = this.state(address);
    if (s.shutUntil > this.now()) return false;
    return s.requests.take();
  }

  /** A refused capability from `address`; too many shut it out for a minute. */
  failed(address: string): void {
    const s = this.state(address);
    if (!s.failures.take()) s.shutUntil = this.now() + SHUT_OUT_MS;
  }

  /** A live stream opens: false when the address or the bridge has too many; else call `close` when it ends. */
  openStream(address: string): { close(): void } | null {
    const s = this.state(address);
    if (s.streams >= this.config.streamsPerAddress || this.streams >= this.config.streams) return null;
    s.streams++;
    this.streams++;
    let open = true;
    return {
      close: () => {
        if (!open) return;
        open = false;
        s.streams--;
        this.streams--;
      },
    };
  }

  private state(address: string): AddressState {
    let s = this.byAddress.get(address);
    if (!s) {
      if (this.byAddress.size >= MAX_ADDRESSES) {
        for (const [a, old] of this.byAddress) {
          if (old.streams === 0) {
            this.byAddress.delete(a);
            break;
          }
        }
      }
      const c = this.config;
      s = { requests: new TokenBucket(c.requestsPerMinute, c.requestBurst, this.now), failures: new TokenBucket(c.failuresPerMinute, c.failureBurst, this.now), shutUntil: 0, streams: 0 };
      this.byAddress.set(address, s);
    }
    return s;
  }
}
