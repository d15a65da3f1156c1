/**
 * The dashboard's clock-driven alert rules in deadline order (README "Many instances": a clock tick re-evaluates the
 * kiosks whose rules may have changed by now, not every kiosk of the hall). Pure logic with an injectable clock:
 * `nextAlertChange` against the rules themselves, `DueTimes`, and AlertBoard driven by its due kiosks against a
 * board that re-evaluates every kiosk on every tick; then the dashboard's tick with 1,000 linked kiosks.
 */
import { EventEmitter } from 'node:events';
import type { DeviceStatus } from '@onedoor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { attachHallDashboard, registryKioskSource, type DashboardKioskSource, type HallDashboardService } from '../../src/api/hallDashboard.ts';
import { KioskRegistry } from '../../src/api/kioskRegistry.ts';
import { AlertBoard, DueTimes, kioskAlerts, nextAlertChange, type KioskReport } from '../../src/hall/alerts.ts';
import { HallClock } from '../../src/hall/clock.ts';
import { silentLogger } from '../../src/log.ts';

const T0 = Date.parse('2026-12-06T02:00:00Z');

/** A small seeded generator (mulberry32): the same scenarios on every run. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}

type Random = ReturnType<typeof random>;

/** A kiosk as of `now`: heartbeat, devices and terminals changed at random times in the last minute or so. */
function randomReport(r: Random, kioskId: string, now: number): KioskReport {
  const ago = () => now - r.int(70_000);
  const devices: DeviceStatus[] = ['printer', 'idreader', 'counterbus'].filter(() => r.next() < 0.7).map((id) => ({
    id, kind: id as DeviceStatus['kind'], state: r.pick(['online', 'offline', 'starting', 'busy', 'hardwareError'] as const),
    ...(id === 'printer' && { paper: r.pick(['full', 'low', 'out'] as const) }),
    detail: '', counters: {}, lastError: null, since: ago(),
    ...(id === 'counterbus' && { terminals: [1, 2].map((unit) => ({ unit, state: r.pick(['online', 'offline'] as const), since: ago(), overflows: 0 })) }),
  }));
  return {
    kioskId, name: kioskId, local: false, linked: true, devices,
    lastHeartbeat: r.next() < 0.1 ? null : now - r.int(40_000),
    lastDuplicateLinkAt: r.next() < 0.3 ? now - r.int(700_000) : null,
  };
}

const ids = (k: KioskReport, at: number) => kioskAlerts(k, at).map((a) => a.id).sort();

describe('nextAlertChange: when the clock alone may change a kiosk\'s alerts', () => {
  it('the alerts stay as they are until that time and differ at it, for 2,000 random kiosks', () => {
    const r = random(20261206);
    let finite = 0;
    for (let i = 0; i < 2000; i++) {
      const now = T0 + r.int(1_000_000);
      const k = randomReport(r, `k${i}`, now);
      const next = nextAlertChange(k, now);
      expect(next).toBeGreaterThan(now);
      const before = ids(k, now);
      // Every ms would be 30,000 evaluations a kiosk: the edges, and points at random between.
      const end = Number.isFinite(next) ? next : now + 3_600_000;
      for (const t of [now + 1, end - 1, ...Array.from({ length: 20 }, () => now + r.int(end - now))]) {
        expect(ids(k, t), `${k.kioskId} at now + ${t - now} ms (next: now + ${next - now})`).toEqual(before);
      }
      if (Number.isFinite(next)) {
        finite++;
        expect(ids(k, next), `${k.kioskId} at its next change`).not.toEqual(before);
      }
    }
    // The scenarios do reach the deadlines (not all kiosks silent for good).
    expect(finite).toBeGreaterThan(1000);
  });

  it('a kiosk whose heartbeat is lost changes only with a new report, or when its duplicate-link alert runs out', () => {
    const lost: KioskReport = { kioskId: 'k', name: 'k', local: false, lastHeartbeat: T0 - 31_000, devices: [], lastDuplicateLinkAt: null };
    expect(nextAlertChange(lost, T0)).toBe(Infinity);
    expect(nextAlertChange({ ...lost, lastDuplicateLinkAt: T0 - 1000 }, T0)).toBe(T0 - 1000 + 600_000 + 1);
    expect(nextAlertChange({ ...lost, lastHeartbeat: T0 - 1000 }, T0)).toBe(T0 - 1000 + 30_000 + 1);
  });
});

describe('DueTimes', () => {
  it('returns a key once its time has come, never before; a key set again moves; a deleted key never comes', () => {
    const due = new DueTimes<string>(100);
    due.set('a', 1050);
    due.set('b', 1100);
    due.set('c', 1101);
    due.set('d', 5000);
    due.set('d', 1199); // moved earlier
    due.set('e', 1150);
    due.delete('e');
    due.set('f', Infinity); // no time: never due
    expect(due.size).toBe(4);
    expect(due.take(1049)).toEqual([]);
    expect(due.take(1050)).toEqual(['a']);
    expect(due.take(1050)).toEqual([]); // taken once
    expect(due.take(1100)).toEqual(['b']); // 'c' shares b's slot but is due 1 ms later
    expect(due.take(1198)).toEqual(['c']);
    expect(due.take(1199)).toEqual(['d']);
    expect(due.size).toBe(0);
    // A clock that jumps by a day takes everything due in one pass.
    for (let i = 0; i < 100; i++) due.set(`k${i}`, 2000 + i * 997);
    expect(due.take(86_400_000)).toHaveLength(100);
    expect(due.size).toBe(0);
  });
});

describe('AlertBoard: kiosks re-evaluated on the clock only when due', () => {
  it('gives the same alerts, raised at the same times, as re-evaluating every kiosk on every tick', () => {
    const r = random(4242);
    let now = T0;
    const due = new AlertBoard(() => now);
    const full = new AlertBoard(() => now);
    const hall = new Map<string, KioskReport>(Array.from({ length: 200 }, (_, i) => [`k${i}`, randomReport(r, `k${i}`, now)]));
    due.update([...hall.values()]);
    full.update([...hall.values()]);
    let dueSeen = 0;
    for (let step = 0; step < 600; step++) {
      // Ticks of 1 s as the dashboard's timer, with now and then a longer gap (a busy loop, a suspended VM).
      now += r.next() < 0.05 ? r.int(120_000) : 1000;
      // A few kiosks report: a heartbeat, a device status, a duplicate link refused.
      const changed = Array.from({ length: r.int(4) }, () => `k${r.int(200)}`);
      for (const id of changed) {
        const k = hall.get(id)!;
        const what = r.int(3);
        if (what === 0) hall.set(id, { ...k, lastHeartbeat: now });
        else if (what === 1) hall.set(id, { ...randomReport(r, id, now), lastHeartbeat: now - r.int(5000) });
        else hall.set(id, { ...k, lastDuplicateLinkAt: now });
      }
      due.updateKiosks(changed.map((id) => hall.get(id)!));
      const dueIds = due.dueKiosks();
      dueSeen += dueIds.length;
      due.updateKiosks(dueIds.map((id) => hall.get(id)!));
      full.update([...hall.values()]);
      expect(due.list(), `step ${step}`).toEqual(full.list());
    }
    expect(dueSeen).toBeGreaterThan(0);
    expect(due.size).toBeGreaterThan(0);
  });

  it('a kiosk no longer reported loses its alerts and never falls due', () => {
    let now = T0;
    const board = new AlertBoard(() => now);
    board.update([{ kioskId: 'k1', name: 'k1', local: false, lastHeartbeat: now, devices: [] }]);
    expect(board.removeKiosks(['k1'])).toMatchObject({ changed: false });
    now += 31_000;
    expect(board.dueKiosks()).toEqual([]);
    board.update([{ kioskId: 'k2', name: 'k2', local: false, lastHeartbeat: null, devices: [] }]);
    expect(board.list().map((a) => a.id)).toEqual(['k2/heartbeatLost']);
    expect(board.removeKiosks(['k2'])).toMatchObject({ changed: true, cleared: [{ id: 'k2/heartbeatLost' }] });
    expect(board.list()).toEqual([]);
  });
});

describe('the dashboard\'s clock tick', () => {
  let dash: HallDashboardService | undefined;
  afterEach(() => dash?.detach());

  it('with 1,000 linked kiosks beating their heartbeats reads none of them; 30 s of silence raises every heartbeatLost on the tick after', async () => {
    let now = T0;
    const kiosks = Array.from({ length: 1000 }, (_, i) => ({ id: `kiosk-${i + 2}`, name: `K${i + 2}` }));
    const registry = new KioskRegistry(kiosks, () => now);
    for (const k of kiosks) registry.registered(k.id, { name: k.name, devices: [], startedAt: now });
    // The registry's source, counting what the dashboard reads of it.
    const source = registryKioskSource(registry);
    const reads = { list: 0, report: 0 };
    const counted: DashboardKioskSource = {
      list: () => (reads.list++, source.list()),
      report: (id) => (reads.report++, source.report!(id)),
      subscribe: source.subscribe,
    };
    dash = attachHallDashboard({
      hallNamespace: { sockets: new Map(), emit: () => true, local: { emit: () => true }, on() { return this; }, off() { return this; } } as never,
      kiosks: [counted],
      hall: { store: null, clock: new HallClock(() => now), storeProblem: null },
      workflow: { board: async () => ({ windows: [], calls: [], serverTime: now }), config: { windows: [] } as never, events: new EventEmitter() as never },
      log: silentLogger(),
      now: () => now,
      tickMs: 3_600_000, // ticked by hand
    });
    expect(reads.list).toBe(1); // once, when the source is added
    expect(dash.alerts()).toEqual([]);
    reads.list = 0;
    // Two minutes of 1 s ticks, every kiosk beating every 5 s (the link's heartbeat): no tick reads a kiosk.
    for (let s = 1; s <= 120; s++) {
      now += 1000;
      if (s % 5 === 0) for (const k of kiosks) registry.heartbeat(k.id);
      await new Promise((resolve) => setImmediate(resolve)); // the source's coalesced change (the heartbeats)
      const before = reads.report;
      dash.tick();
      expect(reads.report - before, `tick at ${s} s`).toBe(0);
    }
    expect(reads.list).toBe(0);
    expect(dash.alerts()).toEqual([]);
    // Silence: the heartbeats stop; 30 s later every kiosk falls due and is read once.
    const beforeSilence = reads.report;
    for (let s = 1; s <= 31; s++) {
      now += 1000;
      dash.tick();
    }
    expect(dash.alerts()).toHaveLength(1000);
    expect(new Set(dash.alerts().map((a) => a.kind))).toEqual(new Set(['heartbeatLost']));
    const afterLost = reads.report;
    expect(afterLost - beforeSilence).toBe(1000);
    // Lost for good: no more reads until a kiosk reports again.
    for (let s = 1; s <= 60; s++) {
      now += 1000;
      dash.tick();
    }
    expect(reads.report).toBe(afterLost);
  });
});
