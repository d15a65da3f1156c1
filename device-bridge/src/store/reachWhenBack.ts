/**
 * A database server that cannot be reached when the bridge starts (README "Running a district", faults: hall
 * functions paused with a clear message, devices keep working, resume on return). Its data is still there and it
 * will be back (restarted, network down): the bridge must not need a restart of its own to use it then.
 *
 * `reachWhenBack` stands a store in for the one not opened yet, with the hall id it will have: every call fails with
 * the last connection error (a `HallDatabaseError` with `unavailable`, which the kiosk answers as 暂停服务), while
 * the opener is tried again with a doubling delay (first `firstMs`, at most `maxMs`). The first open that succeeds
 * has run the migrations (openPostgresHallStore); from then on every call goes to the opened store and `opened`
 * resolves. A failure that is not an outage (a schema newer than this instance, a bad schema name) is not retried:
 * `opened` rejects with it, and the store keeps failing with that reason.
 */
import type { HallStore } from './hallStore.ts';
import { isDatabaseOutage } from './hallStoreGuard.ts';

export interface ReachWhenBackOptions {
  /** Opens the real store (connects and migrates); rejects with an outage while the server is away. */
  open: () => Promise<HallStore>;
  /** The error of the first attempt: what every call answers until the next attempt. */
  firstError: Error;
  hallId: string;
  /** The store's HallStore.groupLingerMs, known before it opens (the services read it when they are made). */
  groupLingerMs: number;
  /** Delay before the first retry (default 1 s); doubles after each failed attempt. */
  firstMs?: number;
  /** Longest delay between two attempts (default 15 s: a district's server restart is seconds, not minutes). */
  maxMs?: number;
  /** Told after each failed attempt (for the log); not after the last one. */
  onRetry?: (err: Error, nextInMs: number) => void;
}

export interface ReachWhenBack {
  /** Fails every call until the server is reached, then is that store. */
  store: HallStore;
  /** Resolves with the opened store; rejects when an attempt failed for another reason than an outage, or on close. */
  opened: Promise<HallStore>;
}

export const REACH_FIRST_MS = 1000;
export const REACH_MAX_MS = 15_000;

export function reachWhenBack(o: ReachWhenBackOptions): ReachWhenBack {
  let real: HallStore | null = null;
  let last: Error = o.firstError;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let settle!: { resolve: (s: HallStore) => void; reject: (e: Error) => void };
  const opened = new Promise<HallStore>((resolve, reject) => (settle = { resolve, reject }));
  // The composition may never wait on it; an unhandled rejection must not end the process.
  opened.catch(() => undefined);
  const maxMs = o.maxMs ?? REACH_MAX_MS;
  const attempt = (delayMs: number) => {
    timer = setTimeout(async () => {
      timer = null;
      try {
        const store = await o.open();
        if (closed) {
          await store.close().catch(() => undefined);
          return;
        }
        real = store;
        settle.resolve(store);
      } catch (err) {
        last = err as Error;
        if (closed) return;
        if (!isDatabaseOutage(err)) {
          settle.reject(last);
          return;
        }
        const next = Math.min(delayMs * 2, maxMs);
        o.onRetry?.(last, next);
        attempt(next);
      }
    }, delayMs);
    // Never keeps the process alive on its own.
    timer.unref();
  };
  attempt(Math.min(o.firstMs ?? REACH_FIRST_MS, maxMs));
  const fail = async () => {
    throw last;
  };
  const close = async () => {
    closed = true;
    if (timer) clearTimeout(timer);
    settle.reject(new Error('hall store is closed'));
    await real?.close();
  };
  const store = new Proxy({} as HallStore, {
    get(_t, prop) {
      if (prop === 'close') return close;
      if (real) {
        const value = Reflect.get(real, prop) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(real) : value;
      }
      if (prop === 'hallId') return o.hallId;
      if (prop === 'groupLingerMs') return o.groupLingerMs;
      // Not a thenable (an awaited store must stay a store), and no other symbol or property is known yet.
      if (typeof prop === 'symbol' || prop === 'then') return undefined;
      return fail;
    },
  });
  return { store, opened };
}
