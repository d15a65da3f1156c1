// statementBatches.ts: concurrent calls of one kind share a batch; an idle kind starts one at the end of the turn with
// that turn's calls (or, gatherTurn off, within the first call) while fewer than K batches run; a call waits otherwise
// and goes with everything that arrived meanwhile (capped); each caller gets its own answer.
import { describe, expect, it } from 'vitest';
import { batchOrEachAlone, ItemFailed, StatementBatches, type BatchRunner } from '../../src/store/statementBatches.ts';

/** A runner whose batches finish when the test says so; records every batch it was given and how many ran at once. */
function heldRunner<I, O>(answer: (item: I) => O | ItemFailed) {
  const batches: I[][] = [];
  const release: Array<(fail?: Error) => void> = [];
  let running = 0;
  let mostRunning = 0;
  const runner: BatchRunner<I, O> = (items) => {
    batches.push([...items]);
    running++;
    mostRunning = Math.max(mostRunning, running);
    return new Promise((resolve, reject) => {
      release.push((fail) => {
        running--;
        if (fail) reject(fail);
        else resolve(items.map(answer));
      });
    });
  };
  return { runner, batches, release, mostRunning: () => mostRunning };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('StatementBatches', () => {
  it('an idle kind runs the calls of one turn together, at the end of that turn', async () => {
    const held = heldRunner((n: number) => n * 10);
    const b = new StatementBatches(held.runner);
    const first = [1, 2].map((n) => b.call(n));
    // Calls made in promise continuations of the same turn, as the answers of one group of tickets are.
    const third = Promise.resolve().then(() => b.call(3));
    expect(held.batches).toEqual([]);
    await settle();
    expect(held.batches).toEqual([[1, 2, 3]]);
    // A later turn's call waits for the running batch, then goes with what came meanwhile.
    const later = [4, 5].map((n) => b.call(n));
    await settle();
    expect(held.batches).toHaveLength(1);
    held.release[0]();
    await settle();
    expect(held.batches).toEqual([[1, 2, 3], [4, 5]]);
    held.release[1]();
    expect(await Promise.all([...first, await third, ...later])).toEqual([10, 20, 30, 40, 50]);
    expect(b.counts).toEqual({ calls: 5, batches: 2 });
  });

  it('gatherTurn off: an idle kind runs a call at once, alone', async () => {
    const held = heldRunner((n: number) => n * 10);
    const b = new StatementBatches(held.runner, { gatherTurn: false });
    const p = b.call(1);
    expect(held.batches).toEqual([[1]]); // started within the call, no waiting for company
    held.release[0]();
    await expect(p).resolves.toBe(10);
  });

  it('past K batches running, calls wait and go together in arrival order; never more than K at once', async () => {
    const held = heldRunner((n: number) => n * 10);
    const b = new StatementBatches(held.runner, { maxInFlight: 2, gatherTurn: false });
    const calls = [1, 2, 3, 4, 5, 6].map((n) => b.call(n));
    expect(held.batches).toEqual([[1], [2]]);
    held.release[0]();
    await settle();
    expect(held.batches).toEqual([[1], [2], [3, 4, 5, 6]]);
    const late = [7, 8].map((n) => b.call(n));
    expect(held.batches).toHaveLength(3); // two still running: 7 and 8 wait
    held.release[1]();
    await settle();
    expect(held.batches[3]).toEqual([7, 8]);
    held.release[2]();
    held.release[3]();
    expect(await Promise.all([...calls, ...late])).toEqual([10, 20, 30, 40, 50, 60, 70, 80]);
    expect(held.mostRunning()).toBe(2);
    expect(b.counts).toEqual({ calls: 8, batches: 4 });
  });

  it('a batch holds at most maxBatch calls; the rest go in the next ones, in order', async () => {
    const held = heldRunner((n: number) => n);
    const b = new StatementBatches(held.runner, { maxInFlight: 1, maxBatch: 3, gatherTurn: false });
    const calls = Array.from({ length: 8 }, (_, i) => b.call(i));
    for (let i = 0; i < 4; i++) {
      held.release[i]();
      await settle();
    }
    expect(held.batches).toEqual([[0], [1, 2, 3], [4, 5, 6], [7]]);
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('when many calls wait and K allows, several full batches start together', async () => {
    const held = heldRunner((n: number) => n);
    const b = new StatementBatches(held.runner, { maxInFlight: 3, maxBatch: 2, gatherTurn: false });
    const calls = Array.from({ length: 7 }, (_, i) => b.call(i));
    expect(held.batches).toEqual([[0], [1], [2]]);
    held.release[0]();
    held.release[1]();
    await settle();
    expect(held.batches.slice(3)).toEqual([[3, 4], [5, 6]]);
    for (const r of held.release.slice(2)) r();
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('an item the runner failed fails its own caller only; a runner that throws fails its batch only', async () => {
    const held = heldRunner((n: number) => (n === 4 ? new ItemFailed(new Error('four refused')) : n));
    const b = new StatementBatches(held.runner, { maxInFlight: 1, gatherTurn: false });
    const first = b.call(0);
    const batch2 = [3, 4, 5].map((n) => b.call(n));
    held.release[0](new Error('statement failed'));
    await expect(first).rejects.toThrow('statement failed');
    await settle();
    expect(held.batches[1]).toEqual([3, 4, 5]);
    held.release[1]();
    const outcomes = await Promise.allSettled(batch2);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('four refused'));
    // The kind goes on working after failures.
    const again = b.call(6);
    held.release[2]();
    await expect(again).resolves.toBe(6);
  });

  it('a runner answering the wrong number of items fails the batch instead of misassigning answers', async () => {
    const b = new StatementBatches<number, number>(async (items) => items.slice(1), { maxInFlight: 1, gatherTurn: false });
    await expect(b.call(1)).rejects.toThrow('0 answers for 1 calls');
  });

  it('a runner that throws synchronously rejects its callers', async () => {
    const b = new StatementBatches<number, number>(() => {
      throw new Error('sync');
    });
    await expect(b.call(1)).rejects.toThrow('sync');
  });

  it('calls go together only with calls of their key, and each key has its own in-flight limit', async () => {
    const held = heldRunner((s: string) => s.toUpperCase());
    const b = new StatementBatches(held.runner, { maxInFlight: 1, keyOf: (s) => s[0], gatherTurn: false });
    const calls = ['a1', 'b1', 'a2', 'b2', 'a3'].map((s) => b.call(s));
    expect(held.batches).toEqual([['a1'], ['b1']]); // b1 does not wait for a's batch
    held.release[0]();
    held.release[1]();
    await settle();
    expect(held.batches.slice(2)).toEqual([['a2', 'a3'], ['b2']]);
    held.release[2]();
    held.release[3]();
    expect(await Promise.all(calls)).toEqual(['A1', 'B1', 'A2', 'B2', 'A3']);
  });
});

describe('StatementBatches lingerMs (group-commit delay)', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('after a batch of several, the next waits for as many calls as it held plus those waiting, then starts at once', async () => {
    const held = heldRunner((n: number) => n * 10);
    // Two seconds, far longer than the test's steps: only the calls can start the batch here, not the timer.
    const b = new StatementBatches(held.runner, { lingerMs: 2000 });
    const first = [1, 2].map((n) => b.call(n));
    await settle();
    const during = b.call(3); // came while [1, 2] ran
    await settle();
    held.release[0]();
    await settle();
    // Target 2 + 1: the two just answered ask again, and then the batch goes, with no wait for the timer.
    expect(held.batches).toEqual([[1, 2]]);
    const again = [b.call(4)];
    await settle();
    expect(held.batches).toEqual([[1, 2]]);
    again.push(b.call(5));
    await settle();
    expect(held.batches).toEqual([[1, 2], [3, 4, 5]]);
    held.release[1]();
    expect(await Promise.all([...first, during, ...again])).toEqual([10, 20, 30, 40, 50]);
  });

  it('when fewer come, the calls waiting go when lingerMs is up, not before', async () => {
    const held = heldRunner((n: number) => n);
    const b = new StatementBatches(held.runner, { lingerMs: 300 });
    const first = [1, 2].map((n) => b.call(n));
    await settle();
    const during = b.call(3);
    await settle();
    const ended = performance.now();
    held.release[0]();
    await settle();
    await sleep(50);
    expect(held.batches).toEqual([[1, 2]]);
    while (held.batches.length < 2) await sleep(10);
    expect(performance.now() - ended).toBeGreaterThanOrEqual(290);
    expect(held.batches[1]).toEqual([3]);
    held.release[1]();
    expect(await Promise.all([...first, during])).toEqual([1, 2, 3]);
  });

  it('never after a batch of one, nor after a batch that maxBatch made leave calls waiting', async () => {
    const alone = heldRunner((n: number) => n);
    const a = new StatementBatches(alone.runner, { lingerMs: 3_600_000 });
    const one = a.call(1);
    await settle();
    const next = a.call(2);
    await settle();
    alone.release[0]();
    await settle();
    // An idle hall's ticket, or the one after it: no wait.
    expect(alone.batches).toEqual([[1], [2]]);
    alone.release[1]();
    await Promise.all([one, next]);

    const capped = heldRunner((n: number) => n);
    const c = new StatementBatches(capped.runner, { lingerMs: 3_600_000, maxBatch: 2 });
    const calls = [1, 2, 3].map((n) => c.call(n));
    await settle();
    expect(capped.batches).toEqual([[1, 2]]);
    capped.release[0]();
    await settle();
    // 3 waited for the whole of [1, 2] already: it goes now.
    expect(capped.batches).toEqual([[1, 2], [3]]);
    capped.release[1]();
    expect(await Promise.all(calls)).toEqual([1, 2, 3]);
  });

  it('an idle key that lingered starts the next call at once once lingerMs is over', async () => {
    const held = heldRunner((n: number) => n);
    const b = new StatementBatches(held.runner, { lingerMs: 20 });
    const first = [1, 2].map((n) => b.call(n));
    await settle();
    held.release[0]();
    await Promise.all(first);
    await sleep(60);
    const later = b.call(3);
    await settle();
    expect(held.batches).toEqual([[1, 2], [3]]);
    held.release[1]();
    await expect(later).resolves.toBe(3);
  });
});

describe('batchOrEachAlone', () => {
  const fatal = (err: unknown) => err instanceof Error && err.message === 'away';

  it('answers from the set statement when it succeeds, sending nothing alone', async () => {
    const alone: number[] = [];
    const answers = await batchOrEachAlone([1, 2], async (xs) => xs.map((x) => x * 2), async (x) => {
      alone.push(x);
      return x;
    }, fatal);
    expect(answers).toEqual([2, 4]);
    expect(alone).toEqual([]);
  });

  it('after a set statement refused for one item, runs each alone in order so only that item fails', async () => {
    const alone: number[] = [];
    const answers = await batchOrEachAlone([1, 2, 3], async () => {
      throw new Error('check violated');
    }, async (x) => {
      alone.push(x);
      if (x === 2) throw new Error(`item ${x} refused`);
      return x * 2;
    }, fatal);
    expect(alone).toEqual([1, 2, 3]);
    expect(answers[0]).toBe(2);
    expect(answers[1]).toBeInstanceOf(ItemFailed);
    expect((answers[1] as ItemFailed).error).toEqual(new Error('item 2 refused'));
    expect(answers[2]).toBe(6);
  });

  it('does not go item by item when the database is away, nor for a batch of one', async () => {
    let alone = 0;
    const single = async (x: number) => {
      alone++;
      return x;
    };
    await expect(batchOrEachAlone([1, 2], async () => {
      throw new Error('away');
    }, single, fatal)).rejects.toThrow('away');
    await expect(batchOrEachAlone([1], async () => {
      throw new Error('refused');
    }, single, fatal)).rejects.toThrow('refused');
    expect(alone).toBe(0);
  });
});
