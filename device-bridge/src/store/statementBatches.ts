/**
 * Group commit for a store's independent statements: concurrent calls of one kind share one statement (README "Many
 * instances": on a CPU-bound PostgreSQL box each ticket paid a round trip per read and write; a set-based statement
 * for many callers costs little more than one of them).
 *
 * While fewer than `maxInFlight` batches of its key are running, a call starts a batch at the end of the event-loop
 * turn it was made in, with every call of its key made in that turn (`gatherTurn`, the default): the answers of one
 * group of tickets reach their next statement together, in one turn, and share it instead of the first going alone
 * and the rest after it (bench `hall-load`: a statement and a half per stage per group, not one). An idle hall pays
 * the rest of a turn, microseconds. Otherwise a call waits, and goes in the next batch with every call of its key
 * that arrived meanwhile (at most `maxBatch` of them, in arrival order). With `lingerMs`, a batch of several that ends
 * leaves its key lingering: the next batch waits up to that long for as many calls as the one that ended had, plus
 * those already waiting (see the option). Each caller gets its own result, or its own error: the
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
  /**
   * An idle key starts its batch at the end of the turn, with the turn's calls (default true); false starts it
   * within the first call, alone.
   */
  gatherTurn?: boolean;
  /**
   * Where an idle key's start goes to gather the turn's calls (default: setImmediate, once this turn's I/O callbacks
   * and their promise continuations are done). A transaction's handle gives its own: the start then runs just before
   * the handle sends the turn's statements, and the batch's statement goes with them (store/hallPostgres.ts).
   */
  schedule?: (start: () => void) => void;
  /**
   * Group-commit delay (default 0: none), as a Kafka producer's `linger.ms` or PostgreSQL's `commit_delay`: once a
   * batch of two or more calls ends, the key's next batch waits up to `lingerMs` from that end for as many calls as
   * that batch held plus those waiting then, and starts as soon as they are there. Callers who asked together tend
   * to ask again together: the kiosks a group answered ask their next tickets a few milliseconds later, while the
   * calls that came during the group are waiting. Without it, those two halves ran as two batches, one after the
   * other, for ever: half the batch size, twice the batches. Never after a batch of one (an idle key starts at
   * once) nor after a batch that left calls waiting (maxBatch: they have waited for a whole batch already), never
   * longer than `lingerMs` after the batch's end.
   */
  lingerMs?: number;
}

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

interface KeyState<I, O> {
  running: number;
  waiting: Array<Waiting<I, O>>;
  /** A start is set for the end of this turn (gatherTurn). */
  starting: boolean;
  /** lingerMs: the next batch waits for `target` calls, or for `timer`, whichever comes first. */
  linger: { target: number; timer: ReturnType<typeof setTimeout> } | null;
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
  private readonly gatherTurn: boolean;
  private readonly schedule: (start: () => void) => void;
  private readonly lingerMs: number;
  readonly counts: StatementBatchCounts = { calls: 0, batches: 0 };

  constructor(private readonly runner: BatchRunner<I, O>, opts: StatementBatchOptions<I> = {}) {
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 1);
    this.maxBatch = Math.max(1, opts.maxBatch ?? 200);
    this.keyOf = opts.keyOf ?? (() => '');
    this.gatherTurn = opts.gatherTurn ?? true;
    this.schedule = opts.schedule ?? ((start) => void setImmediate(start));
    this.lingerMs = Math.max(0, opts.lingerMs ?? 0);
  }

  call(item: I): Promise<O> {
    this.counts.calls++;
    const key = this.keyOf(item);
    let state = this.keys.get(key);
    if (!state) {
      state = { running: 0, waiting: [], starting: false, linger: null };
      this.keys.set(key, state);
    }
    const result = new Promise<O>((resolve, reject) => state.waiting.push({ item, resolve, reject }));
    if (!this.gatherTurn) this.startBatches(key, state);
    else if (state.running < this.maxInFlight && !state.starting) {
      state.starting = true;
      this.schedule(() => {
        state.starting = false;
        this.startBatches(key, state);
      });
    }
    return result;
  }

  private startBatches(key: string, state: KeyState<I, O>): void {
    if (this.lingering(state)) return;
    while (state.running < this.maxInFlight && state.waiting.length > 0) {
      const batch = state.waiting.splice(0, this.maxBatch);
      // Calls left out by maxBatch have waited for a whole batch already: the next one does not linger for them.
      const leftOut = state.waiting.length > 0;
      state.running++;
      this.counts.batches++;
      void this.runBatch(batch).finally(() => {
        state.running--;
        if (this.lingerMs > 0 && batch.length > 1 && !leftOut && state.running === 0) this.linger(key, state, batch.length);
        if (state.waiting.length > 0) this.startBatches(key, state);
        else if (state.running === 0 && !state.starting && !state.linger) this.keys.delete(key);
      });
    }
  }

  /**
   * Whether the key's next batch waits (lingerMs): calls are waiting, fewer than the target. The target reached, the
   * linger ends here; its time up, its timer ended it.
   */
  private lingering(state: KeyState<I, O>): boolean {
    const linger = state.linger;
    if (!linger) return false;
    if (state.waiting.length === 0) return false;
    if (state.waiting.length < linger.target) return true;
    clearTimeout(linger.timer);
    state.linger = null;
    return false;
  }

  /** After a batch of several: the next one lingers (lingerMs), until its timer starts it with whatever waits. */
  private linger(key: string, state: KeyState<I, O>, ended: number): void {
    const target = Math.min(this.maxBatch, ended + state.waiting.length);
    const linger = {
      target,
      timer: setTimeout(() => {
        if (state.linger !== linger) return;
        state.linger = null;
        if (state.waiting.length > 0) this.startBatches(key, state);
        else if (state.running === 0 && !state.starting) this.keys.delete(key);
      }, this.lingerMs),
    };
    state.linger = linger;
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
