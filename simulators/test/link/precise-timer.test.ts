import { describe, expect, it } from 'vitest';
import { runAt } from '../../src/link/precise-timer.ts';
import { WirePacer } from '../../src/link/wire-pacer.ts';
import { pattern } from './echo-device.ts';

// Real timers: the point of these waits is the real clock. Asserted: never early, order kept, cancel holds.
describe('runAt', () => {
  it('runs the callback no earlier than the instant, also for sub-millisecond remainders', async () => {
    for (const ahead of [0.3, 1.7, 4.2]) {
      const at = performance.now() + ahead;
      const ranAt = await new Promise<number>((resolve) => runAt(at, () => resolve(performance.now())));
      expect(ranAt).toBeGreaterThanOrEqual(at);
    }
  });

  it('a cancelled run never happens', async () => {
    let ran = false;
    const cancel = runAt(performance.now() + 3, () => (ran = true));
    cancel();
    await new Promise((r) => setTimeout(r, 10));
    expect(ran).toBe(false);
  });
});

describe('WirePacer with preciseEnd', () => {
  it('delivers a block whole and in order, its last byte not before the wire time has passed', async () => {
    const got: number[] = [];
    let lastAt = 0;
    const pacer = new WirePacer(9600, (c) => {
      got.push(...c);
      lastAt = performance.now();
    }, { preciseEnd: true });
    const start = performance.now();
    await pacer.push(pattern(39));
    expect(Uint8Array.from(got)).toEqual(pattern(39));
    expect(lastAt - start).toBeGreaterThanOrEqual(39 * pacer.byteMs);
  });
});
