/**
 * Exactly one completion per command, idempotent by requestId (architecture.md "One command model
 * everywhere": a reconnecting client's buffered emit never prints twice).
 *
 * `CompletionCache` keeps the PROMISE of each recent completion, keyed by requestId, in a bounded LRU: a repeat that
 * arrives while the first is still running waits for the same result instead of running again, and a repeat that
 * arrives later gets the stored completion. Evicted entries are the least recently used. A cache of personal results
 * (the kiosk's hall commands) keys by caller and session as well, and drops a session's entries when it ends, so a
 * requestId alone never unlocks anyone's result (hall-rules.md "Privacy").
 */
import type { Completion } from '@onedoor/protocol';
import { completionCodeOf } from '../devices/errors.ts';

export class CompletionCache {
  private readonly entries = new Map<string, Promise<Completion>>();
  /** group -> its keys, so a group's completions can be dropped at once (a kiosk session's, when it ends). */
  private readonly groups = new Map<string, Set<string>>();
  private readonly groupOf = new Map<string, string>();
  /** How many times a repeated requestId was answered from the cache. */
  hits = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`CompletionCache: capacity must be >= 1, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The completion for `key` (a requestId, or a composite key: see `callerKey`): the stored one, or `run()`'s (run at
   * most once per key in the cache). `group` files the entry under a group for `dropGroup`.
   */
  getOrRun(key: string, run: () => Promise<Completion>, group?: string): Promise<Completion> {
    const hit = this.entries.get(key);
    if (hit) {
      this.hits++;
      // Refresh recency: Map keeps insertion order, so re-insert at the end.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const p = run();
    this.entries.set(key, p);
    if (group !== undefined) {
      let keys = this.groups.get(group);
      if (!keys) this.groups.set(group, (keys = new Set()));
      keys.add(key);
      this.groupOf.set(key, group);
    }
    while (this.entries.size > this.capacity) this.remove(this.entries.keys().next().value as string);
    return p;
  }

  /** Forgets every completion filed under `group`; returns how many. */
  dropGroup(group: string): number {
    const keys = this.groups.get(group);
    if (!keys) return 0;
    const n = keys.size;
    for (const key of [...keys]) this.remove(key);
    return n;
  }

  private remove(key: string): void {
    this.entries.delete(key);
    const group = this.groupOf.get(key);
    if (group === undefined) return;
    this.groupOf.delete(key);
    const keys = this.groups.get(group);
    keys?.delete(key);
    if (keys?.size === 0) this.groups.delete(group);
  }
}

/** One cache key from several parts (caller, session, requestId), unambiguous whatever characters the parts hold. */
export function callerKey(...parts: string[]): string {
  return JSON.stringify(parts);
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
