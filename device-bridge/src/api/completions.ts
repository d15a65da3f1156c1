/**
 * Exactly one completion per command, idempotent by requestId (issue 4: "commands are idempotent by request id (a
 * reconnecting client's buffered emit never prints twice)").
 *
 * `CompletionCache` keeps the PROMISE of each recent completion, keyed by requestId, in a bounded LRU: a repeat that
 * arrives while the first is still running waits for the same result instead of running again, and a repeat that
 * arrives later gets the stored completion. Evicted entries are the least recently used.
 */
import type { Completion } from '@onedoor/protocol';
import { completionCodeOf } from '../devices/errors.ts';

export class CompletionCache {
  private readonly entries = new Map<string, Promise<Completion>>();
  /** How many times a repeated requestId was answered from the cache. */
  hits = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`CompletionCache: capacity must be >= 1, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The completion for `requestId`: the stored one, or `run()`'s (run at most once per requestId in the cache). */
  getOrRun(requestId: string, run: () => Promise<Completion>): Promise<Completion> {
    const hit = this.entries.get(requestId);
    if (hit) {
      this.hits++;
      // Refresh recency: Map keeps insertion order, so re-insert at the end.
      this.entries.delete(requestId);
      this.entries.set(requestId, hit);
      return hit;
    }
    const p = run();
    this.entries.set(requestId, p);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return p;
  }
}

/**
 * Run one command's work under its timeout and turn whatever happens into a Completion: the result as `success`,
 * a thrown `DeviceCommandError` as its code, anything else as `hardwareError`, and no answer within `timeoutMs` as
 * `timeOut` (the work's signal is aborted then, so the driver stops and frees the port). Never rejects.
 */
export async function completeWithin<T>(
  requestId: string,
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<Completion<T>> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Completion<T>>((resolve) => {
    timer = setTimeout(() => {
      ac.abort();
      resolve({ requestId, code: 'timeOut', message: `no completion within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  const ran = Promise.resolve()
    .then(() => work(ac.signal))
    .then(
      (result): Completion<T> => (result === undefined ? { requestId, code: 'success' } : { requestId, code: 'success', result }),
      (err: unknown): Completion<T> => ({ requestId, code: completionCodeOf(err), message: (err as Error)?.message ?? String(err) }),
    );
  try {
    return await Promise.race([ran, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
