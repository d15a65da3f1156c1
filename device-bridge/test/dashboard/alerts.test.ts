/**
 * Dashboard alert rules (README "For managers: the dashboard": paper low/out, a device offline
 * longer than 30 s, SAM faults, a kiosk heartbeat lost; raised and cleared live) with an injectable
 * clock: pure rules (AlertBoard), then the live wiring (attachHallDashboard) fed by an in-memory
 * device set and a recording namespace (pure logic: the real bridge and socket are in
 * test/integration/dashboard.test.ts).
 */
import { EventEmitter } from 'node:events';
import type { DeviceStatus, HallAlertsEvent } from '@onedoor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { attachHallDashboard, localKioskSource, registryKioskSource, type HallDashboardService } from '../../src/api/hallDashboard.ts';
import { KioskRegistry } from '../../src/api/kioskRegistry.ts';
import { AlertBoard, type KioskReport } from '../../src/hall/alerts.ts';
import { HallClock } from '../../src/hall/clock.ts';
import { silentLogger } from '../../src/log.ts';

const T0 = Date.parse('2026-11-25T02:00:00Z');

function status(id: string, kind: DeviceStatus['kind'], patch: Partial<DeviceStatus> = {}): DeviceStatus {
  return { id, kind, state: 'online', detail: 'ready', counters: {}, lastError: null, since: T0, ...patch };
}

class FakeClock {
  ms = T0;
  readonly now = () => this.ms;
}

const kiosk = (devices: DeviceStatus[], lastHeartbeat: number | null = T0): KioskReport => ({
  kioskId: 'kiosk-1', name: 'K1', local: true, lastHeartbeat, devices,
});

describe('alert rules', () => {
  it('paper out raises a critical alert at once, paper low a warning; refilled clears it; raisedAt stays while it lasts', () => {
    const clock = new FakeClock();
    const board = new AlertBoard(clock.now);
    expect(board.update([kiosk([status('printer', 'printer', { paper: 'full' })])]).alerts).toEqual([]);

    const out = board.update([kiosk([status('printer', 'printer', { state: 'userError', paper: 'out' })])]);
    expect(out.changed).toBe(true);
    expect(out.alerts).toEqual([expect.objectContaining({ id: 'kiosk-1/printer/paperOut', kind: 'paperOut', severity: 'critical', deviceId: 'printer', raisedAt: T0 })]);
    expect(out.alerts[0].message).toMatch(/缺纸/);

    clock.ms += 5000;
    const still = board.update([kiosk([status('printer', 'printer', { state: 'userError', paper: 'out' })], clock.ms)]);
    expect(still.changed).toBe(false);
    expect(still.alerts[0].raisedAt).toBe(T0);

    const low = board.update([kiosk([status('printer', 'printer', { paper: 'low' })], clock.ms)]);
    expect(low.changed).toBe(true);
    expect(low.cleared.map((a) => a.kind)).toEqual(['paperOut']);
    expect(low.alerts.map((a) => [a.kind, a.severity])).toEqual([['paperLow', 'warning']]);

    expect(board.update([kiosk([status('printer', 'printer', { paper: 'full' })], clock.ms)]).alerts).toEqual([]);
  });

  it('a device offline is an alert only after 30 s; back online clears it', () => {
    const clock = new FakeClock();
    const board = new AlertBoard(clock.now);
    const offline = status('idreader', 'idreader', { state: 'offline', since: T0, detail: 'port gone' });
    clock.ms = T0 + 30_000;
    expect(board.update([kiosk([offline], clock.ms)]).alerts).toEqual([]);
    clock.ms = T0 + 30_001;
    const r = board.update([kiosk([offline], clock.ms)]);
    expect(r.alerts.map((a) => a.id)).toEqual(['kiosk-1/idreader/deviceOffline']);
    expect(r.alerts[0].message).toContain('port gone');
    expect(board.update([kiosk([status('idreader', 'idreader', { since: clock.ms })], clock.ms)]).cleared.map((a) => a.kind)).toEqual(['deviceOffline']);
  });

  it('a device flapping offline -> starting -> offline (port opens, device silent) counts from its first offline', () => {
    const clock = new FakeClock();
    const board = new AlertBoard(clock.now);
    const at = (state: DeviceStatus['state'], since: number) => [kiosk([status('printer', 'printer', { state, since })], clock.ms)];
    board.update(at('offline', T0));
    for (let t = 5_000; t <= 30_000; t += 5_000) {
      clock.ms = T0 + t;
      // Each retry: starting, then offline again, each with a fresh `since`.
      expect(board.update(at('starting', clock.ms - 1000)).alerts).toEqual([]);
      expect(board.update(at('offline', clock.ms)).alerts).toEqual([]);
    }
    clock.ms = T0 + 35_000;
    expect(board.update(at('starting', clock.ms)).alerts.map((a) => a.id)).toEqual(['kiosk-1/printer/deviceOffline']);
    expect(board.update(at('offline', clock.ms)).alerts.map((a) => a.raisedAt)).toEqual([T0 + 35_000]);
    // Up again: cleared, and a later outage counts afresh.
    expect(board.update(at('online', clock.ms)).alerts).toEqual([]);
    clock.ms += 1_000;
    expect(board.update(at('starting', clock.ms)).alerts).toEqual([]);
    expect(board.update(at('offline', clock.ms)).alerts).toEqual([]);
  });

  it('the reader in hardwareError is a SAM fault; another device a hardware fault; a counter terminal offline > 30 s a warning', () => {
    const clock = new FakeClock();
    clock.ms = T0 + 60_000;
    const board = new AlertBoard(clock.now);
    const r = board.update([kiosk([
      status('idreader', 'idreader', { state: 'hardwareError', lastError: { code: 'hardwareError', message: 'SAM status: SAM self-test failed [SW3 0x60]', at: T0 } }),
      status('printer', 'printer', { state: 'hardwareError', detail: 'auto-cutter error' }),
      status('counters', 'counterbus', { terminals: [
        { unit: 1, state: 'online', since: T0, overflows: 0 },
        { unit: 2, state: 'offline', since: T0, overflows: 0 },
        { unit: 3, state: 'offline', since: clock.ms - 1000, overflows: 0 },
      ] }),
    ], clock.ms)]);
    expect(r.alerts.map((a) => [a.id, a.severity])).toEqual([
      ['kiosk-1/idreader/samFault', 'critical'],
      ['kiosk-1/printer/deviceFault', 'critical'],
      ['kiosk-1/counters#2/terminalOffline', 'warning'],
    ]);
    expect(r.alerts[0].message).toMatch(/SAM.*self-test failed/);
    expect(r.alerts[2].unit).toBe(2);
  });

  it('a kiosk whose heartbeat is older than 30 s (or never came) raises heartbeatLost instead of its stale device alerts', () => {
    const clock = new FakeClock();
    const board = new AlertBoard(clock.now);
    const paperOut = status('printer', 'printer', { paper: 'out' });
    clock.ms = T0 + 31_000;
    const r = board.update([kiosk([paperOut], T0), { ...kiosk([]), kioskId: 'kiosk-2', lastHeartbeat: null }]);
    expect(r.alerts.map((a) => a.id)).toEqual(['kiosk-1/heartbeatLost', 'kiosk-2/heartbeatLost']);
    expect(r.alerts[1].message).toContain('never heard from');
    expect(board.update([kiosk([paperOut], clock.ms)]).alerts.map((a) => a.id)).toEqual(['kiosk-1/printer/paperOut']);
  });

  it('a duplicate link refused for a kiosk raises duplicateKioskLink for 10 min after the last attempt, heartbeat or not', () => {
    const clock = new FakeClock();
    const board = new AlertBoard(clock.now);
    const refusals = { tickets: 0, lookups: 0, invalid: 0, duplicateLinks: 2 };
    const linked = (lastHeartbeat: number | null): KioskReport => ({ ...kiosk([], lastHeartbeat), local: false, linked: true, refusals, lastDuplicateLinkAt: T0 });
    const r = board.update([linked(T0)]);
    expect(r.raised).toEqual([expect.objectContaining({ id: 'kiosk-1/duplicateKioskLink', kind: 'duplicateKioskLink', severity: 'critical' })]);
    expect(r.alerts[0].message).toMatch(/重复|second connection/);
    expect(r.alerts[0].message).toContain('2 so far');
    clock.ms = T0 + 60_000;
    expect(board.update([linked(null)]).alerts.map((a) => a.kind)).toEqual(['duplicateKioskLink', 'heartbeatLost']);
    clock.ms = T0 + 10 * 60_000 + 1;
    expect(board.update([linked(clock.ms)]).cleared.map((a) => a.kind)).toEqual(['duplicateKioskLink', 'heartbeatLost']);
  });
});

/** A device set double: statuses and 'status' events, as DeviceSet has them. */
class Devices extends EventEmitter<{ status: [DeviceStatus] }> {
  private readonly map = new Map<string, DeviceStatus>();

  statuses(): DeviceStatus[] {
    return [...this.map.values()];
  }

  set(s: DeviceStatus): void {
    this.map.set(s.id, s);
    this.emit('status', s);
  }
}

/**
 * Records what the dashboard emits on /hall, and whether to this instance's sockets only (`local`) or through the
 * adapter to every instance's (`all`). `watching`: a dashboard is connected to this instance.
 */
function recordingNamespace(watching = true) {
  const sent: Array<[string, unknown, 'local' | 'all']> = [];
  const recorder = (via: 'local' | 'all') => (event: string, payload: unknown) => {
    sent.push([event, payload, via]);
    return true;
  };
  const ns = {
    sockets: new Map(watching ? [['viewer', {}]] : []),
    emit: recorder('all'),
    local: { emit: recorder('local') },
    on: () => ns,
    off: () => ns,
  };
  return { ns, sent, alertEvents: () => sent.filter(([e]) => e === 'hallAlerts').map(([, p]) => p as HallAlertsEvent) };
}

describe('live alerts (attachHallDashboard)', () => {
  let dash: HallDashboardService | undefined;
  afterEach(() => dash?.detach());

  /** `storeProblem`: the hall database's problem (null: a bridge without a database of its own, like a linked kiosk). */
  function wire(extra: { registry?: KioskRegistry; storeProblem?: string | null; watching?: boolean } = {}) {
    const clock = new FakeClock();
    const devices = new Devices();
    devices.set(status('printer', 'printer', { paper: 'full' }));
    devices.set(status('idreader', 'idreader'));
    const rec = recordingNamespace(extra.watching ?? true);
    dash = attachHallDashboard({
      hallNamespace: rec.ns as never,
      kiosks: [localKioskSource(devices, clock.now), ...(extra.registry ? [registryKioskSource(extra.registry)] : [])],
      hall: { store: null, clock: new HallClock(clock.now), get storeProblem() { return extra.storeProblem ?? null; } },
      workflow: { board: async () => ({ windows: [], calls: [], serverTime: clock.ms }), config: { windows: [] } as never, events: new EventEmitter() as never },
      log: silentLogger(),
      now: clock.now,
      tickMs: 3_600_000, // the test ticks by hand
    });
    return { clock, devices, rec };
  }

  it('the list goes to this instance\'s dashboards only, and not at all while none watches (every instance has its own)', () => {
    const watched = wire();
    watched.devices.set(status('printer', 'printer', { state: 'userError', paper: 'out' }));
    expect(watched.rec.sent.filter(([e]) => e === 'hallAlerts').map(([, , via]) => via)).toEqual(['local']);
    dash!.detach();
    const unwatched = wire({ watching: false });
    unwatched.devices.set(status('printer', 'printer', { state: 'userError', paper: 'out' }));
    expect(dash!.alerts().map((a) => a.kind)).toEqual(['paperOut']);
    expect(unwatched.rec.alertEvents()).toEqual([]);
  });

  it('paper out: the alert goes out on the very status change that reports it, and its clearing too', () => {
    const { devices, rec } = wire();
    expect(rec.alertEvents()).toEqual([]);
    devices.set(status('printer', 'printer', { state: 'userError', paper: 'out' }));
    expect(rec.alertEvents()).toHaveLength(1);
    expect(rec.alertEvents()[0].alerts.map((a) => a.id)).toEqual(['kiosk-1/printer/paperOut']);
    expect(dash!.alerts().map((a) => a.kind)).toEqual(['paperOut']);
    devices.set(status('printer', 'printer', { paper: 'full' }));
    expect(rec.alertEvents()).toHaveLength(2);
    expect(rec.alertEvents()[1].alerts).toEqual([]);
  });

  it('offline longer than 30 s: raised by the clock tick without any new status, once', () => {
    const { clock, devices, rec } = wire();
    devices.set(status('idreader', 'idreader', { state: 'offline', since: clock.ms }));
    expect(rec.alertEvents()).toEqual([]);
    clock.ms += 29_000;
    dash!.tick();
    expect(rec.alertEvents()).toEqual([]);
    clock.ms += 2_000;
    dash!.tick();
    dash!.tick();
    expect(rec.alertEvents()).toHaveLength(1);
    expect(rec.alertEvents()[0].alerts.map((a) => a.id)).toEqual(['kiosk-1/idreader/deviceOffline']);
  });

  it('linked kiosks from the registry: never heard from -> heartbeat lost; registered with paper out -> paper alert; silent 30 s -> lost', async () => {
    const clock = new FakeClock();
    const registry = new KioskRegistry([{ id: 'kiosk-2', name: '二号机' }], clock.now);
    const { rec } = wire({ registry });
    expect(dash!.alerts().map((a) => a.id)).toEqual(['kiosk-2/heartbeatLost']);
    registry.registered('kiosk-2', { name: '二号机', devices: [status('printer', 'printer', { paper: 'out', state: 'userError' })], startedAt: clock.ms });
    // Registry changes are evaluated once per event-loop turn (registryKioskSource).
    await new Promise((resolve) => setImmediate(resolve));
    expect(dash!.alerts().map((a) => a.id)).toEqual(['kiosk-2/printer/paperOut']);
    const snap = await dash!.snapshot();
    expect(snap.kiosks.map((k) => [k.kioskId, k.local])).toEqual([['kiosk-1', true], ['kiosk-2', false]]);
    expect(snap.storeProblem).toBe('hall database unavailable');
    expect(rec.alertEvents().length).toBeGreaterThanOrEqual(2);
  });
  it('1,000 linked kiosks registering and beating in one turn are evaluated once, not once per message', async () => {
    const clock = new FakeClock();
    const kiosks = Array.from({ length: 1000 }, (_, i) => ({ id: `kiosk-${i + 2}`, name: `K${i + 2}` }));
    const registry = new KioskRegistry(kiosks, clock.now);
    let calls = 0;
    const unsubscribe = registryKioskSource(registry).subscribe(() => calls++);
    for (const k of kiosks) registry.registered(k.id, { name: k.name, devices: [], startedAt: clock.ms });
    for (const k of kiosks) registry.heartbeat(k.id);
    expect(calls).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(1);
    registry.heartbeat('kiosk-2');
    unsubscribe();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(1);
  });
  it('a hall whose database is unusable raises hallDatabase (critical) with the reason, live', () => {
    const problem = { text: null as string | null };
    const { rec } = wire({ get storeProblem() { return problem.text; } });
    expect(dash!.alerts()).toEqual([]);
    problem.text = 'database file hall.sqlite vanished (deleted or moved while open)';
    dash!.tick();
    expect(dash!.alerts()).toMatchObject([{ id: 'hall/hallDatabase', kind: 'hallDatabase', severity: 'critical', deviceId: null }]);
    expect(dash!.alerts()[0].message).toContain('hall.sqlite vanished');
    expect(rec.alertEvents().at(-1)?.alerts.map((a: { id: string }) => a.id)).toEqual(['hall/hallDatabase']);
  });
});
