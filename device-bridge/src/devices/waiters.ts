/**
 * Promises that something else settles later: a send waiting for XON, a client waiting for its print job, the
 * counter bus idling until its next retry. One helper instead of hand-written lists, so every wait has the same
 * rules: it is settled exactly once, its timer and abort hook are always cleared, and whoever settles a group of
 * waits sees a snapshot (a wait added while settling is not settled by that call).
 *
 * Modelled on zigbee-herdsman's "waitress": a wait may carry a key (a job id) and is settled by key or all at once.
 */

export interface WaitOptions<K> {
  /** Groups waits so that `resolve`/`reject` can settle only those (a print job's id). */
  key?: K;
  /** Settles the wait when it aborts: with `abortError()` when given, else it resolves with undefined. */
  signal?: AbortSignal;
  abortError?: () => Error;
  /** Settles the wait after this long: with `timeoutError()` when given, else it resolves with undefined. */
  timeoutMs?: number;
  timeoutError?: () => Error;
}

interface Entry<T, K> {
  key: K | undefined;
  settle(outcome: { value: T } | { error: Error }): void;
}

export class Waiters<T = void, K = string> {
  private readonly entries = new Set<Entry<T, K>>();

  /** Waits still open. */
  get size(): number {
    return this.entries.size;
  }

  /** Keys of the waits still open (each once). */
  keys(): K[] {
    const out = new Set<K>();
    for (const e of this.entries) if (e.key !== undefined) out.add(e.key);
    return [...out];
  }

  /**
   * A new wait. Without an error factory, a timeout or abort resolves it with undefined, so use those forms only
   * where T admits undefined (a `Waiters<void>`).
   */
  wait(opts: WaitOptions<K> = {}): Promise<T> {
    const { signal } = opts;
    if (signal?.aborted) {
      return opts.abortError ? Promise.reject(opts.abortError()) : Promise.resolve(undefined as T);
    }
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => entry.settle(opts.abortError ? { error: opts.abortError() } : { value: undefined as T });
      const entry: Entry<T, K> = {
        key: opts.key,
        settle: (outcome) => {
          if (!this.entries.delete(entry)) return;
          if (timer) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if ('error' in outcome) reject(outcome.error);
          else resolve(outcome.value);
        },
      };
      this.entries.add(entry);
      if (opts.timeoutMs !== undefined) {
        timer = setTimeout(
          () => entry.settle(opts.timeoutError ? { error: opts.timeoutError() } : { value: undefined as T }),
          opts.timeoutMs,
        );
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Resolves every open wait (only those with `key` when given). Returns how many. */
  resolve(value: T, key?: K): number {
    return this.settleEach(key, () => ({ value }));
  }

  /**
   * Rejects every open wait (only those with `key` when given). `error` may be a function of the wait's key
   * returning null to leave that wait open.
   */
  reject(error: Error | ((key: K | undefined) => Error | null), key?: K): number {
    return this.settleEach(key, (k) => {
      const e = typeof error === 'function' ? error(k) : error;
      return e ? { error: e } : null;
    });
  }

  private settleEach(key: K | undefined, outcome: (key: K | undefined) => { value: T } | { error: Error } | null): number {
    let n = 0;
    for (const e of [...this.entries]) {
      if (key !== undefined && e.key !== key) continue;
      const o = outcome(e.key);
      if (!o) continue;
      e.settle(o);
      n++;
    }
    return n;
  }
}
