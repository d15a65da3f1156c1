/**
 * Stops the hall using its database once the database is known to be gone or bad (README "Security", truthful
 * health). Ticket numbers are unique per day only because every issued number is stored (hall-rules.md "never issued
 * twice in a day"): a number issued into a file that was deleted, or into a corrupt one, is lost, and the same number
 * would be issued again after a restart. So once a fault is seen, every store call is refused with a "hall store
 * unavailable" error, which the kiosk commands and the hall link already answer as 暂停服务 (api/kioskCommands.ts
 * `isStoreFailure`), until an operator restores the file and restarts the bridge.
 *
 * Faults come from two places: `HallDatabaseWatch` (hallDbWatch.ts, the file checked on an interval) and the store
 * calls themselves (an I/O, corruption or read-only error from the database on any call, reads and writes alike).
 * The guard is backend-neutral: it wraps any `HallStore`. A database server (PostgreSQL) has a second, passing kind
 * of trouble: it cannot be reached for a while (restart, network). That is an outage, not a failure (README "Running
 * a district": hall functions paused while it is away, resumed on its own when it answers): `pause` refuses every
 * call with the same 暂停服务 error, `resume` lets them through again. Nothing is lost meanwhile: the numbers live in
 * the server, which a restart of it does not take away. The connection watch (hallServerWatch.ts) pauses and resumes.
 */
import { EventEmitter } from 'node:events';
import type { HallStore } from './hallStore.ts';

/** SQLite result codes (primary or extended) that mean the database itself is unusable, not that a call was wrong. */
const FAULT_CODES = /^SQLITE_(IOERR|CORRUPT|NOTADB|READONLY|CANTOPEN|FULL)/;

/** True for an error that means the database can no longer be trusted (I/O, corruption, file gone or read-only). */
export function isDatabaseFault(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && FAULT_CODES.test(code);
}

/** True for a store error that says the database server could not be reached (the PostgreSQL store's `unavailable`). */
export function isDatabaseOutage(err: unknown): boolean {
  const e = err as { name?: unknown; unavailable?: unknown } | null;
  return e?.name === 'HallDatabaseError' && e.unavailable === true;
}

export class HallStoreGuard extends EventEmitter<{ failed: [problem: string]; paused: [problem: string]; resumed: [] }> {
  private current: string | null = null;
  private at: number | null = null;
  private away: string | null = null;

  /** Why the database server cannot be reached now (passing: cleared by `resume`); null while it answers. */
  get outage(): string | null {
    return this.away;
  }

  /** Marks the server unreachable (calls refused until `resume`); a later problem replaces the reason silently. */
  pause(problem: string): void {
    const was = this.away;
    this.away = problem;
    if (was === null) this.emit('paused', problem);
  }

  /** The server answers again: calls go through. */
  resume(): void {
    if (this.away === null) return;
    this.away = null;
    this.emit('resumed');
  }

  /** Why the database is not used any more; null while it is healthy. */
  get problem(): string | null {
    return this.current;
  }

  /** Epoch ms the fault was first seen. */
  get failedAt(): number | null {
    return this.at;
  }

  /** Records the first fault (later ones do not replace it: the first is what the operator must fix). */
  fail(problem: string): void {
    if (this.current !== null) return;
    this.current = problem;
    this.at = Date.now();
    this.emit('failed', problem);
  }
}

export class HallStoreUnavailableError extends Error {
  constructor(problem: string) {
    // "hall store" in the message: kioskFailure maps it to servicePaused (暂停服务).
    super(`hall store unavailable: ${problem}`);
    this.name = 'HallStoreUnavailableError';
  }
}

/** The calls that issue numbers or change several rows at once: checked against the file before they run. */
const GATED_CALLS: ReadonlySet<PropertyKey> = new Set(['withTransaction', 'withPersonTransaction', 'nextCounterValue', 'takeNumber', 'takeNumbers', 'insertTicket', 'insertTickets']);

export interface GuardHallStoreOptions {
  /**
   * A quick check of the database (the SQLite file watch's `sqliteFileProblem`: a stat and a 16-byte read) run
   * before each gated call, so not even the seconds between two interval checks issue a number into a lost file.
   */
  beforeWrite?: () => string | null;
  /**
   * Told when a call failed because the server could not be reached (`isDatabaseOutage`): the connection watch
   * checks at once, so one dropped connection is not an outage but a stopped server is found without waiting.
   */
  onOutageError?: () => void;
}

/**
 * `store` behind `guard`: every call is refused once the guard has failed or while it is paused, and a database
 * fault thrown by a call fails the guard. `close` always goes through (shutdown must release the file).
 */
export function guardHallStore(store: HallStore, guard: HallStoreGuard, opts: GuardHallStoreOptions = {}): HallStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'close') return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      const gated = opts.beforeWrite !== undefined && GATED_CALLS.has(prop);
      return async (...args: unknown[]) => {
        if (guard.problem === null && gated) {
          const problem = opts.beforeWrite!();
          if (problem !== null) guard.fail(problem);
        }
        if (guard.problem !== null) throw new HallStoreUnavailableError(guard.problem);
        if (guard.outage !== null) throw new HallStoreUnavailableError(guard.outage);
        try {
          return await method.apply(target, args);
        } catch (err) {
          if (isDatabaseFault(err)) guard.fail(`database error ${(err as { code: string }).code}: ${(err as Error).message}`);
          else if (isDatabaseOutage(err)) opts.onOutageError?.();
          throw err;
        }
      };
    },
  });
}
