/**
 * TurnSlices (api/turnSlices.ts; README "Many instances", reconnect storms): bursts of jobs done in slices of event-loop
 * turns, each slice near its budget counting the work a job leaves behind in promise callbacks and ticks, not only its
 * own call. Turns are counted by helpers/turnCounter.ts.
 */
import { describe, expect, it } from 'vitest';
import { SliceRunner, TurnSlices } from '../src/api/turnSlices.ts';
import { turnCounter } from './helpers/turnCounter.ts';

const spin = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* busy, as a handshake's work is */ }
};

/** Runs `jobs` jobs through a TurnSlices; resolves with the turn each job's work ran in, in job order. */
async function turnsOf(slices: TurnSlices, jobs: number, job: (done: () => void) => void): Promise<number[]> {
  const turn = turnCounter();
  const turns: number[] = [];
  let finished = 0;
  await new Promise<void>((resolve) => {
    for (let i = 0; i < jobs; i++) {
      slices.push(() => {
        turns[i] = turn.now();
        job(() => {
          if (++finished === jobs) resolve();
        });
      });
    }
  });
  turn.stop();
  return turns;
}

const perTurn = (turns: number[]) => {
  const counts = new Map<number, number>();
  for (const t of turns) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts.values()];
};

describe('TurnSlices', () => {
  it('charges a job\'s promise callbacks to its slice: jobs whose work follows them run a few per turn, not all in one', async () => {
    // Each job's own call is nothing; its 2 ms of work runs in a promise callback, as a handshake's connect does.
    const turns = await turnsOf(new TurnSlices(8, (err) => { throw err; }), 60, (done) => {
      void Promise.resolve().then(() => {
        spin(2);
        done();
      });
    });
    expect(turns).toHaveLength(60);
    // In order, every job once.
    expect([...turns].sort((a, b) => a - b)).toEqual(turns);
    const counts = perTurn(turns);
    // The first slice, not measured yet, runs one job; then about budget / 2 ms per turn (a 2 ms spin lasts a little
    // longer than asked, so 3 or 4; a busy machine may measure more and run fewer).
    expect(counts[0]).toBe(1);
    expect(Math.max(...counts.slice(1))).toBeLessThanOrEqual(5);
    expect(counts.length).toBeGreaterThanOrEqual(60 / 5);
  });

  it('charges ticks too (process.nextTick), and the estimate follows the work: synchronous jobs fill the budget', async () => {
    const slices = new TurnSlices(8, (err) => { throw err; });
    await new Promise<void>((resolve) => {
      let left = 20;
      for (let i = 0; i < 20; i++) {
        slices.push(() => process.nextTick(() => {
          spin(2);
          if (--left === 0) resolve();
        }));
      }
    });
    // Measured: about 2 ms a job.
    await new Promise((r) => setImmediate(r));
    expect(slices.followUpEstimateMs).toBeGreaterThan(1);
    // Jobs that leave nothing behind: the estimate falls by half every slice, and the budget is the jobs' own time.
    const turns = await turnsOf(slices, 200, (done) => {
      spin(0.1);
      done();
    });
    const counts = perTurn(turns);
    expect(turns).toHaveLength(200);
    // A 0.1 ms job: up to 80 in an 8 ms slice; far more than the 4 of 2 ms follow-ups, and never all 200 at once.
    expect(Math.max(...counts)).toBeGreaterThan(20);
    expect(Math.max(...counts)).toBeLessThan(200);
  });

  it('kinds of work on one runner share its budget, in arrival order; clearing one kind drops its jobs only', async () => {
    const runner = new SliceRunner(8);
    const kinds = [new TurnSlices(runner, (err) => { throw err; }), new TurnSlices(runner, (err) => { throw err; })];
    // Calibrate the estimate with one job (the first slice runs one), as a storm's first handshake does.
    await new Promise<void>((resolve) => kinds[0].push(resolve));
    await new Promise((r) => setImmediate(r));
    const turn = turnCounter();
    const ran: Array<{ job: number; turn: number }> = [];
    const dropped = new TurnSlices(runner, (err) => { throw err; });
    for (let i = 0; i < 10; i++) dropped.push(() => ran.push({ job: -1, turn: turn.now() }));
    dropped.clear();
    await new Promise<void>((resolve) => {
      // Jobs of both kinds, alternating, 1 ms each of their own.
      for (let i = 0; i < 80; i++) {
        kinds[i % 2].push(() => {
          spin(1);
          ran.push({ job: i, turn: turn.now() });
          if (i === 79) resolve();
        });
      }
    });
    turn.stop();
    expect(ran.map((r) => r.job)).toEqual(Array.from({ length: 80 }, (_, i) => i));
    const counts = perTurn(ran.map((r) => r.turn));
    // One budget for both: at most 8 of the 1 ms jobs a turn (two runners of their own would run 8 of each).
    expect(Math.max(...counts)).toBeLessThanOrEqual(8);
    expect(counts.length).toBeGreaterThanOrEqual(10);
  });
});
