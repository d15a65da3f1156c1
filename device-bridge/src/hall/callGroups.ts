/**
 * Calls of one kind that arrive while earlier ones are being served go together in the next group (the way a
 * database groups commits): a call starts a group at once while fewer than `inFlight` groups run, so an idle hall
 * waits for nothing; under load every call that arrived meanwhile goes in one group, served by one transaction
 * instead of one each (README "Many instances", ticketing cost). Each caller gets its own result or its own error.
 */

/** One caller's outcome in a group. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface CallGroupOptions {
  /** Groups served at once (default 2). */
  inFlight?: number;
  /** Most calls in one group (default 200); more wait for the next. */
  maxGroup?: number;
}

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

export class CallGroups<I, O> {
  private readonly waiting: Array<Waiting<I, O>> = [];
  private running = 0;
  private readonly inFlight: number;
  private readonly maxGroup: number;

  /**
   * `serve` answers a group: one outcome per item, in the order given. If it rejects (or answers the wrong number
   * of outcomes), every caller of the group gets that error.
   */
  constructor(private readonly serve: (items: readonly I[]) => Promise<ReadonlyArray<Settled<O>>>, opts: CallGroupOptions = {}) {
    this.inFlight = Math.max(1, opts.inFlight ?? 2);
    this.maxGroup = Math.max(1, opts.maxGroup ?? 200);
  }

  call(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.next();
    });
  }

  /** Calls waiting for a group (for tests and metrics). */
  get queued(): number {
    return this.waiting.length;
  }

  private next(): void {
    while (this.running < this.inFlight && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.maxGroup);
      this.running++;
      void this.run(group);
    }
  }

  private async run(group: Array<Waiting<I, O>>): Promise<void> {
    try {
      const outcomes = await this.serve(group.map((w) => w.item));
      if (outcomes.length !== group.length) throw new Error(`call group: ${outcomes.length} outcomes for ${group.length} calls`);
      group.forEach((w, i) => {
        const o = outcomes[i];
        if (o.ok) w.resolve(o.value);
        else w.reject(o.error);
      });
    } catch (err) {
      for (const w of group) w.reject(err);
    } finally {
      this.running--;
      this.next();
    }
  }
}

/** `fn`'s outcome as a value. */
export async function settle<T>(fn: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}
