/**
 * The hall's append-only records written once per event-loop turn instead of once per call, on SQLite (README "Many
 * instances": a busy hall issues hundreds of tickets a second). Each ticket a linked kiosk takes also stores the
 * request's answer (`addKioskRequest`, so a resend is answered from the record) and an access-audit entry
 * (`appendAccessAudit`, hall/accessAudit.ts). On their own each is a transaction of its own, and on SQLite a commit
 * waits for the disk (`synchronous = FULL`, store/hallSqlite.ts) with the event loop, every kiosk's answer, waiting
 * too: three commits a ticket with the ticket's own. Here every such write asked for in one turn goes into one
 * transaction, and each caller's promise settles with its own write's result once that transaction has committed, so
 * a caller that awaited its write still knows it is stored. On PostgreSQL (api/kioskHall.ts does not batch there)
 * each write is one statement on a pooled connection of its own; one transaction per turn measured no cheaper there
 * (the hall-load bench): the commits are the server's, and the batch adds a BEGIN and puts the writes in a row on
 * one connection.
 *
 * A transaction that fails is rolled back whole; each of its writes is then made again on its own, so one bad write
 * (or one the store refuses) fails only its own caller. Both writes are safe to make again: a second record of the
 * same kiosk request keeps the first (HallRepository.addKioskRequest), and an audit entry that was rolled back is not
 * there twice. A single write in a turn is made on its own as before (no transaction around it).
 */
import type { HallRepository, HallStore } from './hallStore.ts';

/** The store calls made once per turn: append-only, no caller reads them back before its own call settles. */
export const TURN_BATCHED_WRITES = ['addKioskRequest', 'appendAccessAudit'] as const satisfies ReadonlyArray<keyof HallRepository>;
type BatchedName = (typeof TURN_BATCHED_WRITES)[number];

/**
 * The reads of those records that see every write asked for before them: the batch goes first into the store's
 * queue, as each write did on its own (a staff route's audit entry is recorded once its answer has gone out,
 * api/staffAudit.ts, and the audit may be read next). Not `getKioskRequest`, which each ticket reads first: flushing
 * there would leave batches of one. A resend of a request whose record is still in a batch is answered by the
 * request handler's own in-flight entry, which lasts until the record is stored (hallLink/hallRequests.ts).
 */
export const READS_AFTER_BATCHED_WRITES = ['countKioskRequests', 'queryAccessAudit'] as const satisfies ReadonlyArray<keyof HallRepository>;

interface PendingWrite {
  name: BatchedName;
  args: unknown[];
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

type AnyWrite = (...args: unknown[]) => Promise<unknown>;

/** `store` with the TURN_BATCHED_WRITES made once per turn; every other call goes straight through. */
export function batchWritesPerTurn(store: HallStore): HallStore {
  let pending: PendingWrite[] = [];
  let scheduled: NodeJS.Immediate | null = null;
  const alone = (w: PendingWrite) => {
    try {
      ((store[w.name] as AnyWrite).apply(store, w.args)).then(w.resolve, w.reject);
    } catch (err) {
      w.reject(err);
    }
  };
  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = null;
    const batch = pending;
    if (batch.length === 0) return;
    pending = [];
    if (batch.length === 1) return alone(batch[0]);
    store.withTransaction(async (tx) => {
      const results: unknown[] = [];
      for (const w of batch) results.push(await (tx[w.name] as AnyWrite).apply(tx, w.args));
      return results;
    }).then((results) => batch.forEach((w, i) => w.resolve(results[i])), () => batch.forEach(alone));
  };
  const batched = new Map<PropertyKey, AnyWrite>(TURN_BATCHED_WRITES.map((name) => [name, (...args: unknown[]) =>
    new Promise((resolve, reject) => {
      pending.push({ name, args, resolve, reject });
      // After this turn's I/O callbacks and their promise jobs: every write they asked for is in the batch.
      scheduled ??= setImmediate(flush);
    })]));
  // Closing waits for the store's queue: writes asked for before it are stored, as they were on their own.
  for (const name of [...READS_AFTER_BATCHED_WRITES, 'close'] as const) {
    batched.set(name, (...args: unknown[]) => {
      flush();
      return (store[name] as AnyWrite).apply(store, args);
    });
  }
  return new Proxy(store, {
    get: (target, prop, receiver) => batched.get(prop) ?? Reflect.get(target, prop, receiver),
  });
}
