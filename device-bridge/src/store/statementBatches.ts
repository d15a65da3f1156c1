/**
 * Group commit for a store's independent statements: concurrent calls of one kind share one statement (README "Many
 * instances": on a CPU-bound PostgreSQL box each ticket paid a round trip per read and write; a set-based statement
 * for many callers costs little more than one of them).
 *
 * A call starts a batch at once while fewer than `maxInFlight` batches of its key are running, so an idle hall pays
 * no added latency. Otherwise it waits, and goes in the next batch with every call of its key that arrived
 * meanwhile (at most `maxBatch` of them, in arrival order). Each caller gets its own result, or its own error: the
 * batch's runner answers per item (`ItemFailed` for one that failed alone); a runner that throws fails its batch.
 *
 * Pure logic: the runner is all that touches the database (hallPostgres.ts; hall/queue.ts issues a group of walk-in
 * tickets in one transaction the same way).
 */

/** A runner's answer for an item that failed on its own; its caller's call rejects with `error`. */
export class ItemFailed {
  constructor(readonly error: unknown) {}
}

/** One statement (or a few) for `items`; answers one entry per item, in the items' order. */
export type BatchRunner<I, O> = (items: readonly I[]) => Promise<ReadonlyArray<O | ItemFailed>>;

export interface StatementBatchOptions<I> {
  /**
   * Batches of one key running at once before calls start waiting (default 1: on a CPU-bound box one batch at a time
   * makes the next one larger, fewer statements a ticket and, with the CPU freed, shorter waits too; bench
   * `hall-load`, 1 against 2: 10-20 % more tickets a second at less CPU each, on one instance and on three).
   */
  maxInFlight?: number;
  /** Most items in one batch (default 200); more waiting calls go in further batches. */
  maxBatch?: number;
  /** Calls go together only with calls of the same key (default: all together). */
  keyOf?: (item: I) => string;
}

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

interface KeyState<I, O> {
  running: number;
  waiting: Array<Waiting<I, O>>;
}

export interface StatementBatchCounts {
  /** Calls made. */
  calls: number;
  /** Batches run (each one runner call). */
  batches: number;
}

export class StatementBatches<I, O> {
  private readonly keys = new Map<string, KeyState<I, O>>();
  private readonly maxInFlight: number;
  private readonly maxBatch: number;
  private readonly keyOf: (item: I) => string;
  readonly counts: StatementBatchCounts = { calls: 0, batches: 0 };

  constructor(private readonly runner: BatchRunner<I, O>, opts: StatementBatchOptions<I> = {}) {
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 1);
    this.maxBatch = Math.max(1, opts.maxBatch ?? 200);
    this.keyOf = opts.keyOf ?? (() => '');
  }

  call(item: I): Promise<O> {
    this.counts.calls++;
    const key = this.keyOf(item);
    let state = this.keys.get(key);
    if (!state) {
      state = { running: 0, waiting: [] };
      this.keys.set(key, state);
    }
    const result = new Promise<O>((resolve, reject) => state.waiting.push({ item, resolve, reject }));
    this.startBatches(key, state);
    return result;
  }

  private startBatches(key: string, state: KeyState<I, O>): void {
    while (state.running < this.maxInFlight && state.waiting.length > 0) {
      const batch = state.waiting.splice(0, this.maxBatch);
      state.running++;
      this.counts.batches++;
      void this.runBatch(batch).finally(() => {
        state.running--;
        if (state.waiting.length > 0) this.startBatches(key, state);
        else if (state.running === 0) this.keys.delete(key);
      });
    }
  }

  private async runBatch(batch: Array<Waiting<I, O>>): Promise<void> {
    let answers: ReadonlyArray<O | ItemFailed>;
    try {
      answers = await this.runner(batch.map((w) => w.item));
      if (answers.length !== batch.length) throw new Error(`statement batch: ${answers.length} answers for ${batch.length} calls`);
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => {
      const a = answers[i];
      if (a instanceof ItemFailed) w.reject(a.error);
      else w.resolve(a as O);
    });
  }
}

/**
 * A write batch's fallback: when the set statement failed because of some item (not `isFatal`: the database away,
 * a timeout), each item goes again alone through `single`, one after another, so only a faulty item fails, and
 * its caller sees the error a call of its own would have had.
 */
export async function batchOrEachAlone<I, O>(items: readonly I[], all: (items: readonly I[]) => Promise<O[]>,
  single: (item: I) => Promise<O>, isFatal: (err: unknown) => boolean): Promise<Array<O | ItemFailed>> {
  try {
    return await all(items);
  } catch (err) {
    if (items.length === 1 || isFatal(err)) throw err;
  }
  const answers: Array<O | ItemFailed> = [];
  for (const item of items) {
    try {
      answers.push(await single(item));
    } catch (err) {
      answers.push(new ItemFailed(err));
    }
  }
  return answers;
}
