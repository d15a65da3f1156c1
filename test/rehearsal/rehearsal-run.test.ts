/**
 * A rehearsal against a real bridge (docs/rehearsal.md): a synthetic half hour at 120× (a quarter of a minute of
 * wall time, plus the queue's draining) on a fresh temp data dir, the counter bus simulator on a PTY (TCP without
 * socat) with one terminal per window, simulated linked kiosks taking the tickets. While it runs the hall clock
 * stands in the scenario's morning; the hourly table's totals equal the tickets the hall file holds afterwards, read
 * independently; the dashboard of the run counted the same day.
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HallDashboard } from '@onedoor/protocol';
import { HallClock } from '../../device-bridge/src/hall/clock.ts';
import { planArrivals } from '../../scripts/rehearsal/arrivals.ts';
import { runRehearsal, type RehearsalResult } from '../../scripts/rehearsal/runner.ts';
import { syntheticMorning } from '../../scripts/rehearsal/syntheticMorning.ts';

let kept: string | null = null;
afterAll(() => {
  if (kept) rmSync(dirname(kept), { recursive: true, force: true });
});

describe('rehearsal run', () => {
  it('replays a synthetic half hour through the bridge; the hourly totals are the tickets the store holds', async () => {
    const scenario = syntheticMorning({ seed: 11, minutes: 30, peakPerHour: 36, day: '2026-12-07' });
    const plan = planArrivals(scenario);
    const planned = plan.length;
    const seenByDashboard: HallDashboard[] = [];
    let clockAtReady = '';
    const result: RehearsalResult = await runRehearsal({
      scenario, speed: 120, keepData: true,
      onReady: async ({ bridge, clock }) => {
        clockAtReady = clock.clock.stamp();
        // The dashboard's own figures, sampled as the run goes (the Chromium check of the page is e2e/rehearsal).
        const timer = setInterval(() => void bridge.dashboard.snapshot().then((d) => seenByDashboard.push(d), () => undefined), 500);
        setTimeout(() => clearInterval(timer), 25_000);
      },
    });
    kept = result.dataDir;
    expect(clockAtReady).toBe('2026-12-07 08:30');
    expect(result.refused).toEqual([]);

    const db = new Database(join(result.dataDir, 'hall.sqlite'), { readonly: true, fileMustExist: true });
    const rows = db.prepare(`SELECT status, count(*) AS n FROM tickets WHERE day = ? GROUP BY status`).all('2026-12-07') as Array<{ status: string; n: number }>;
    const rated = (db.prepare(`SELECT count(*) AS n FROM ticket_ratings`).get() as { n: number }).n;
    db.close();
    // Every citizen the plan has rating pressed the pad once, after the finish (hall-rules.md "Ratings").
    expect(rated).toBe(plan.filter((p) => p.rating !== null).length);
    const inStore = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    const total = rows.reduce((n, r) => n + r.n, 0);
    expect(total).toBe(planned);
    expect(result.table.totals.arrivals).toBe(total);
    expect(result.table.totals.served).toBe(inStore.done);
    expect(inStore.done).toBe(total); // the clerks serve everyone before the run ends
    const all = result.table.rows.filter((r) => r.category === 'all');
    expect(all.reduce((n, r) => n + r.arrivals, 0)).toBe(total);
    expect(all.reduce((n, r) => n + r.served, 0)).toBe(total);
    expect(all.map((r) => r.hour)).toContain('08:00');
    for (const r of all) expect(['green', 'yellow', 'red']).toContain(r.serviceLevel);

    // The dashboard ran on the rehearsal's clock and day, and saw people waiting at some point.
    expect(seenByDashboard.length).toBeGreaterThan(0);
    expect(new Set(seenByDashboard.map((d) => new HallClock().dayOf(d.serverTime)))).toEqual(new Set(['2026-12-07']));
    expect(Math.max(...seenByDashboard.map((d) => d.queue?.waiting ?? 0))).toBeGreaterThan(0);
  }, 120_000);
});
