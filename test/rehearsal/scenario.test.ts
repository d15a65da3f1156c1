/**
 * The rehearsal's scenario side (docs/rehearsal.md): the synthetic morning is the same for the same seed and differs
 * for another; its shape (5-minute slots from the opening, a peak, the windows); the plan of arrivals is deterministic
 * and stays within its slots; a bad scenario is refused naming the field; a window change; the hourly table's
 * counting and service-level colours; a scenario derived from a recorded day read from a real SQLite hall file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HallClock } from '../../device-bridge/src/hall/clock.ts';
import { openSqliteHallStore } from '../../device-bridge/src/store/hallSqlite.ts';
import type { TicketRecord } from '../../device-bridge/src/store/hallStore.ts';
import { QueueService } from '../../device-bridge/src/hall/queue.ts';
import { planArrivals } from '../../scripts/rehearsal/arrivals.ts';
import { formatSideBySide, hourlyCsv, hourlyTable } from '../../scripts/rehearsal/hourlyTable.ts';
import { scenarioFromRecordedDay } from '../../scripts/rehearsal/recordedArrivals.ts';
import { loadScenarioFile, parseScenario, parseWindowChange, ScenarioError, windowsOf, withWindowChange } from '../../scripts/rehearsal/scenario.ts';
import { syntheticMorning } from '../../scripts/rehearsal/syntheticMorning.ts';
import { DEFAULT_SERVICE_LEVELS } from '../../scripts/rehearsal/runner.ts';
import { parseRehearseArgs, scenarioOf } from '../../scripts/rehearse.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('synthetic morning', () => {
  it('is the same for the same seed and another for another seed', () => {
    expect(syntheticMorning({ seed: 7 })).toEqual(syntheticMorning({ seed: 7 }));
    expect(planArrivals(syntheticMorning({ seed: 7 }))).toEqual(planArrivals(syntheticMorning({ seed: 7 })));
    expect(syntheticMorning({ seed: 7 }).arrivals).not.toEqual(syntheticMorning({ seed: 8 }).arrivals);
  });

  it('has 5-minute slots from 08:30 to 12:00 with a peak in the middle of the morning, and two windows more from 09:00', () => {
    const s = syntheticMorning();
    expect(s.arrivals).toHaveLength(42);
    expect(s.arrivals[0].at).toBe('08:30');
    expect(s.arrivals.at(-1)!.at).toBe('11:55');
    const perSlot = s.arrivals.map((a) => Object.values(a.counts).reduce((x, y) => x + y, 0));
    const hour = (from: number) => perSlot.slice(from, from + 12).reduce((x, y) => x + y, 0);
    // 08:30-09:30 and 09:30-10:30 are the busy hours; the last half hour is quiet.
    expect(Math.max(hour(0), hour(6))).toBeGreaterThan(hour(30) * 1.5);
    expect(perSlot.reduce((x, y) => x + y, 0)).toBeGreaterThan(80);
    expect(windowsOf(s).map((w) => [w.window, w.from, w.categories.join('')])).toEqual([[1, 510, 'A'], [2, 510, 'B'], [3, 510, 'CA'], [4, 540, ''], [5, 540, '']]);
  });

  it('plans each ticket inside its 5-minute slot, with service times around the category mean', () => {
    const s = syntheticMorning({ seed: 3 });
    const plan = planArrivals(s);
    expect(plan).toHaveLength(s.arrivals.reduce((n, a) => n + Object.values(a.counts).reduce((x, y) => x + y, 0), 0));
    for (let i = 1; i < plan.length; i++) expect(plan[i].atMs).toBeGreaterThanOrEqual(plan[i - 1].atMs);
    expect(plan.at(-1)!.atMs).toBeLessThan(210 * 60_000);
    const meanOf = (l: string) => {
      const xs = plan.filter((p) => p.category === l).map((p) => p.serviceMs / 60_000);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(meanOf('A')).toBeGreaterThan(4.5);
    expect(meanOf('A')).toBeLessThan(7.5);
    expect(meanOf('C')).toBeGreaterThan(11);
    const rated = plan.filter((p) => p.rating !== null).length / plan.length;
    expect(rated).toBeGreaterThan(0.4);
    expect(rated).toBeLessThan(0.8);
  });
});

describe('scenario file', () => {
  const base = { name: 't', opening: '08:30', categories: [{ letter: 'A', name: '综合', serviceMinutes: { mean: 5, spread: 1 } }],
    windows: [{ from: '08:30', count: 1 }], arrivals: [{ at: '08:30', counts: { A: 2 } }] };

  it('the documented example (docs/examples/rehearsal-morning.json) is a valid scenario', () => {
    const s = loadScenarioFile(join(dirname(fileURLToPath(import.meta.url)), '../../docs/examples/rehearsal-morning.json'));
    expect(windowsOf(s).map((w) => [w.window, w.until])).toEqual([[1, null], [2, null], [3, 660]]);
    expect(planArrivals(s)).toHaveLength(35);
  });

  it('is refused naming the field', () => {
    expect(() => parseScenario({ ...base, arrivals: [{ at: '08:32', counts: { A: 1 } }] })).toThrow(/arrivals\.0\.at: arrival slots start on a 5-minute mark/);
    expect(() => parseScenario({ ...base, arrivals: [{ at: '08:30', counts: { Q: 1 } }] })).toThrow(/arrivals\.0\.counts\.Q: category Q is not in categories/);
    expect(() => parseScenario({ ...base, opening: '8:30' })).toThrow(/opening: must be a time HH:MM/);
    expect(() => parseScenario({ ...base, windows: [{ from: '08:30', count: 40 }] })).toThrow(ScenarioError);
    expect(() => parseScenario({ ...base, extra: 1 })).toThrow(ScenarioError);
  });

  it('takes a window change: more windows from a time, or the last opened closing then', () => {
    const s = parseScenario(base);
    const more = withWindowChange(s, parseWindowChange('09:00=+2'));
    expect(windowsOf(more).map((w) => [w.window, w.from, w.until])).toEqual([[1, 510, null], [2, 540, null], [3, 540, null]]);
    const fewer = withWindowChange(withWindowChange(s, parseWindowChange('08:30=+1:A')), parseWindowChange('10:00=-1'));
    expect(windowsOf(fewer).map((w) => [w.from, w.until, w.categories.join('')])).toEqual([[510, null, ''], [510, 600, 'A']]);
    expect(() => parseWindowChange('9:00=2')).toThrow(/--windows-at must look like 09:00=\+2/);
    expect(() => withWindowChange(s, parseWindowChange('09:00=-3'))).toThrow(/only 1 windows are open/);
  });
});

describe('hourly table', () => {
  const clock = new HallClock();
  const at = (t: string) => clock.at('2026-12-07', t);
  const ticket = (id: number, category: string, issued: string, called: string | null, finished: string | null): TicketRecord => ({
    id, day: '2026-12-07', category, seq: id, number: `${category}${id}`, holderNumber: null, priority: null,
    status: finished ? 'done' : called ? 'serving' : 'waiting', issuedAt: at(issued), calledAt: called ? at(called) : null,
    startedAt: called ? at(called) : null, finishedAt: finished ? at(finished) : null, appointmentId: null,
  });

  it('counts arrivals by issue hour, served by finish hour, waits by call hour, coloured by the longest-wait limits', () => {
    const t = hourlyTable([
      ticket(1, 'A', '08:40', '08:50', '09:05'),
      ticket(2, 'A', '08:50', '09:10', '09:20'),
      ticket(3, 'B', '09:30', '10:10', null),
      ticket(4, 'B', '09:50', null, null),
    ], clock, DEFAULT_SERVICE_LEVELS);
    const row = (h: string, c: string) => t.rows.find((r) => r.hour === h && r.category === c);
    expect(row('08:00', 'A')).toMatchObject({ arrivals: 2, served: 0, meanWaitMinutes: 10, longestWaitMinutes: 10, serviceLevel: 'green' });
    expect(row('09:00', 'A')).toMatchObject({ arrivals: 0, served: 2, longestWaitMinutes: 20, serviceLevel: 'yellow' });
    expect(row('10:00', 'B')).toMatchObject({ arrivals: 0, served: 0, longestWaitMinutes: 40, serviceLevel: 'red' });
    expect(row('09:00', 'all')).toMatchObject({ arrivals: 2, served: 2 });
    expect(t.totals).toEqual({ arrivals: 4, served: 2, stillWaiting: 1, longestWaitMinutes: 40 });
    expect(hourlyCsv(t).split('\n')[0]).toBe('hour,category,arrivals,served,mean_wait_min,longest_wait_min,service_level');
    const side = formatSideBySide(t, hourlyTable([ticket(1, 'A', '08:40', '08:45', '08:50')], clock, DEFAULT_SERVICE_LEVELS), ['baseline', 'what-if']);
    expect(side).toMatch(/08:00\s+10\.0 \(green\)\s+5\.0 \(green\)/);
    expect(side).toMatch(/10:00\s+40\.0 \(red\)\s+-/);
  });
});

describe('a recorded day', () => {
  it('becomes arrivals per category per 5 minutes and service times, from the hall file opened read-only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'od-rehearsal-rec-'));
    dirs.push(dir);
    const file = join(dir, 'hall.sqlite');
    let now = new HallClock().at('2026-11-30', '09:01');
    const clock = new HallClock(() => now);
    const store = openSqliteHallStore(file);
    await store.upsertQueueCategory({ letter: 'A', name: '综合业务', defaultServiceMinutes: 5 });
    await store.upsertQueueCategory({ letter: 'B', name: '社保', defaultServiceMinutes: 5 });
    const queue = new QueueService(store, clock);
    for (const [t, l] of [['09:01', 'A'], ['09:03', 'A'], ['09:04', 'B'], ['09:12', 'A']] as const) {
      now = clock.at('2026-11-30', t);
      const v = await queue.takeTicket(null, l);
      if (l === 'A') await store.updateTicket(v.id, { status: 'done', startedAt: now + 60_000, finishedAt: now + 61_000 + (t === '09:12' ? 240_000 : 120_000) });
    }
    await store.close();
    const s = scenarioFromRecordedDay({ file, day: '2026-11-30' });
    expect(s.opening).toBe('09:00');
    expect(s.arrivals).toEqual([{ at: '09:00', counts: { A: 2, B: 1 } }, { at: '09:10', counts: { A: 1 } }]);
    expect(s.categories.map((c) => [c.letter, c.name])).toEqual([['A', '综合业务'], ['B', '社保']]);
    expect(s.categories[0].serviceMinutes.mean).toBeCloseTo(3, 0);
    expect(() => scenarioFromRecordedDay({ file, day: '2026-12-01' })).toThrow(/no tickets on 2026-12-01/);
  });
});

describe('npm run rehearse flags', () => {
  it('reads the scenario, speed and what-if; a bad flag or a missing scenario is a usage error naming it', () => {
    const a = parseRehearseArgs(['--scenario', 'synthetic-morning', '--speed', '60', '--windows-at', '09:00=+2'], '/x');
    expect(a).toMatchObject({ scenario: 'synthetic-morning', speed: 60, windowsAt: { at: '09:00', delta: 2, categories: [] }, out: '/x/rehearsal-out' });
    expect(parseRehearseArgs(['--scenario=day.json', '--speed=120'], '/x')).toMatchObject({ scenario: '/x/day.json', speed: 120 });
    expect(scenarioOf(parseRehearseArgs(['--scenario', 'synthetic-morning', '--seed', '9', '--day', '2026-12-07'])).day).toBe('2026-12-07');
    expect(() => parseRehearseArgs(['--speed', '60'])).toThrow(/exactly one of --scenario or --from-store/);
    expect(() => parseRehearseArgs(['--scenario', 'synthetic-morning', '--speed', 'fast'])).toThrow(/--speed must be a number/);
    expect(() => parseRehearseArgs(['--scenario', 'synthetic-morning', '--windows-at', '9=+2'])).toThrow(/--windows-at must look like/);
    expect(() => parseRehearseArgs(['--from-store', 'hall.sqlite'])).toThrow(/--from-store needs --day/);
    expect(() => parseRehearseArgs(['--scenario', 'synthetic-morning', '--fast'])).toThrow(/unknown flag --fast/);
  });
});
