// A database server away at start (README "Running a district", faults): the stand-in store fails every call with
// the last connection error, tries the opener again with a doubling delay, becomes the opened store when one attempt
// succeeds, and stops trying on a failure that is not an outage (a newer schema) or when closed.
import { describe, expect, it } from 'vitest';
import { HallDatabaseError } from '../../src/store/hallPostgres.ts';
import type { HallStore } from '../../src/store/hallStore.ts';
import { reachWhenBack } from '../../src/store/reachWhenBack.ts';

const away = (n: number) => new HallDatabaseError(`hall database unavailable (PostgreSQL x): connect ECONNREFUSED #${n}`, true, 'ECONNREFUSED');
const fakeStore = { hallId: 'hall-7', groupLingerMs: 10, listQueueCategories: async () => [{ letter: 'A' }], close: async () => undefined } as unknown as HallStore;

describe('reachWhenBack', () => {
  it('fails calls with the last outage, retries with a doubling delay, then is the opened store', async () => {
    let attempts = 0;
    const delays: number[] = [];
    const back = reachWhenBack({
      open: async () => {
        attempts++;
        if (attempts < 3) throw away(attempts);
        return fakeStore;
      },
      firstError: away(0), hallId: 'hall-7', groupLingerMs: 10, firstMs: 5, maxMs: 1000, onRetry: (_e, next) => delays.push(next),
    });
    expect(back.store.hallId).toBe('hall-7');
    // Known before it opens: the hall's services are made with the stand-in (hall/queue.ts reads it then).
    expect(back.store.groupLingerMs).toBe(10);
    await expect(back.store.listQueueCategories()).rejects.toThrow(/#0/);
    // Awaiting the stand-in does not treat it as a promise.
    expect(await Promise.resolve(back.store)).toBe(back.store);
    expect(await back.opened).toBe(fakeStore);
    expect(attempts).toBe(3);
    expect(delays).toEqual([10, 20]);
    expect(await back.store.listQueueCategories()).toEqual([{ letter: 'A' }]);
  });

  it('a failure that is not an outage is not retried: opened rejects and every call answers it', async () => {
    let attempts = 0;
    const newer = new Error('hall database schema is version 99, newer than this bridge knows: refusing to start');
    const back = reachWhenBack({
      open: async () => {
        attempts++;
        throw attempts === 1 ? away(1) : newer;
      },
      firstError: away(0), hallId: 'hall', groupLingerMs: 10, firstMs: 5,
    });
    await expect(back.opened).rejects.toBe(newer);
    await new Promise((r) => setTimeout(r, 50));
    expect(attempts).toBe(2);
    await expect(back.store.checkReadable()).rejects.toBe(newer);
  });

  it('closed while away: no more attempts', async () => {
    let attempts = 0;
    const back = reachWhenBack({
      open: async () => {
        attempts++;
        throw away(attempts);
      },
      firstError: away(0), hallId: 'hall', groupLingerMs: 10, firstMs: 5, maxMs: 5,
    });
    await new Promise((r) => setTimeout(r, 30));
    await back.store.close();
    const seen = attempts;
    await expect(back.opened).rejects.toThrow(/closed/);
    await new Promise((r) => setTimeout(r, 50));
    expect(attempts).toBe(seen);
  });
});
