/**
 * Watches a hall database server (PostgreSQL) while the bridge runs (README "Running a district", faults). Unlike the
 * SQLite file watch (hallDbWatch.ts), a failed check is not the end: a server that cannot be reached is away for a
 * while (restarted, network down) and its data is still there when it returns. So every `intervalMs` (default 5 s,
 * the file watch's period) the watch asks the store for a read (`HallStore.checkReadable`):
 *
 * - it fails: the guard is paused (hallStoreGuard.ts): every hall call answers 暂停服务 at once instead of waiting
 *   for a connect timeout, health answers 503 with the reason;
 * - it succeeds: the guard is resumed, and the hall functions work again with no operator action.
 *
 * A call that fails for want of a connection asks for a check at once (`check`), so a stopped server is noticed
 * without waiting for the interval, while one dropped connection (the next one works) pauses nothing.
 */
import type { HallStoreGuard } from './hallStoreGuard.ts';
import type { HallStore } from './hallStore.ts';
import { HALL_DB_CHECK_MS } from './hallDbWatch.ts';

export interface HallServerWatchOptions {
  /** The store itself (not the guarded one, which refuses calls while paused): its read check. */
  store: Pick<HallStore, 'checkReadable'>;
  guard: HallStoreGuard;
  intervalMs?: number;
}

export interface HallServerWatch {
  /** Checks now (one check at a time); resolves to the outage found or null when the server answered. */
  check(): Promise<string | null>;
  stop(): void;
}

export function watchHallServer(o: HallServerWatchOptions): HallServerWatch {
  let running: Promise<string | null> | null = null;
  const check = (): Promise<string | null> => {
    running ??= (async () => {
      try {
        await o.store.checkReadable();
        o.guard.resume();
        return null;
      } catch (err) {
        const problem = (err as Error).message;
        o.guard.pause(problem);
        return problem;
      }
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => void check(), o.intervalMs ?? HALL_DB_CHECK_MS);
  // Never keeps the process alive on its own.
  timer.unref();
  return {
    check,
    stop: () => clearInterval(timer),
  };
}
