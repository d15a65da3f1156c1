// The rules of kioskReportSync.ts on what arrives from other instances, with a real registry and a stand-in for
// socket.io's server-side events (the Redis path itself is kioskReports.test.ts): malformed messages, unknown
// kiosks and an older link's news change nothing and never throw; a heartbeat counts only from the instance holding
// the newest link; this instance's own news goes out once per turn.
import { pino } from 'pino';
import type { Server } from 'socket.io';
import { describe, expect, it } from 'vitest';
import type { DeviceStatus } from '@onedoor/protocol';
import { KioskRegistry } from '../../src/api/kioskRegistry.ts';
import { KIOSK_REPORTS_EVENT, shareKioskReports } from '../../src/instances/kioskReportSync.ts';

const printer: DeviceStatus = { id: 'printer', kind: 'printer', state: 'online', paper: 'full', detail: '', counters: {}, lastError: null, since: 1 };

function setup() {
  let now = 1_000_000;
  const registry = new KioskRegistry([{ id: 'kiosk-1' }, { id: 'kiosk-2' }], () => now);
  const handlers = new Map<string, (m: unknown) => void>();
  const sent: Array<{ event: string; message: unknown }> = [];
  const io = {
    on: (event: string, f: (m: unknown) => void) => handlers.set(event, f),
    off: (event: string) => handlers.delete(event),
    serverSideEmit: (event: string, message?: unknown) => sent.push({ event, message }),
  } as unknown as Server;
  let connected!: () => void;
  const sync = shareKioskReports(io, registry, 'me', pino({ level: 'silent' }), (f) => (connected = f));
  const receive = (m: unknown) => handlers.get(KIOSK_REPORTS_EVENT)!(m);
  const full = (over: object = {}) => ({ kioskId: 'kiosk-1', connected: true, registeredAt: 500, lastHeartbeat: 500, devices: [printer], ...over });
  return { registry, receive, sent, full, sync, connected: () => connected(), tick: (ms: number) => (now += ms), now: () => now };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('kiosk reports from other instances', () => {
  it('malformed messages and unknown kiosks are dropped without a throw or a change', () => {
    const t = setup();
    const before = t.registry.list();
    for (const bad of [null, 42, 'x', {}, { from: 'b' }, { from: 'b', reports: 'no' }, { from: 'b', reports: [{ kioskId: 'kiosk-1' }] },
      { from: 'b', reports: [t.full({ devices: [{ ...printer, state: 'exploded' }] })] }, { from: 'b', reports: [t.full({ extra: 1 })] },
      { from: 'b', reports: Array.from({ length: 2001 }, () => t.full()) }, { from: '', reports: [t.full()] }]) {
      expect(() => t.receive(bad)).not.toThrow();
    }
    t.receive({ from: 'b', reports: [t.full({ kioskId: 'kiosk-99' })] });
    expect(t.registry.list()).toEqual(before);
  });

  it('applies the newest link\'s news only; heartbeats only from the instance holding it', () => {
    const t = setup();
    t.receive({ from: 'b', reports: [t.full()] });
    expect(t.registry.get('kiosk-1')).toMatchObject({ connected: true, registeredAt: 500, lastHeartbeat: t.now() });
    // An older link's late "disconnected" from another instance: ignored.
    t.receive({ from: 'c', reports: [t.full({ connected: false, registeredAt: 400 })] });
    expect(t.registry.get('kiosk-1')!.connected).toBe(true);
    // A heartbeat from that other instance: ignored; from the holder: heard now.
    t.tick(5000);
    t.receive({ from: 'c', reports: [{ kioskId: 'kiosk-1', heartbeatAt: 1 }] });
    expect(t.registry.get('kiosk-1')!.lastHeartbeat).toBe(t.now() - 5000);
    t.receive({ from: 'b', reports: [{ kioskId: 'kiosk-1', heartbeatAt: 1 }] });
    expect(t.registry.get('kiosk-1')!.lastHeartbeat).toBe(t.now());
    // A newer link on c: c holds it now; its drop shows.
    t.receive({ from: 'c', reports: [t.full({ registeredAt: 600, devices: [] })] });
    expect(t.registry.get('kiosk-1')).toMatchObject({ connected: true, registeredAt: 600, devices: [] });
    t.receive({ from: 'c', reports: [t.full({ connected: false, registeredAt: 600, devices: [] })] });
    expect(t.registry.get('kiosk-1')!.connected).toBe(false);
    // Its own messages (from 'me') come back over Redis too: ignored.
    t.receive({ from: 'me', reports: [t.full({ registeredAt: 900 })] });
    expect(t.registry.get('kiosk-1')!.registeredAt).toBe(600);
  });

  it('this instance\'s own kiosks go out once per turn, not what it applied; all of them again when the bus connects', async () => {
    const t = setup();
    t.registry.registered('kiosk-2', { devices: [printer], startedAt: 1 });
    t.registry.heartbeat('kiosk-2');
    t.registry.heartbeat('kiosk-2');
    t.receive({ from: 'b', reports: [t.full()] });
    await turn();
    expect(t.sent).toHaveLength(1);
    const [m] = t.sent as Array<{ event: string; message: { from: string; reports: Array<{ kioskId: string }> } }>;
    expect(m.event).toBe(KIOSK_REPORTS_EVENT);
    expect(m.message.from).toBe('me');
    expect(m.message.reports.map((r) => r.kioskId)).toEqual(['kiosk-2']);
    t.sent.length = 0;
    t.connected();
    expect(t.sent.map((s) => s.event)).toEqual(['kioskReportsWanted', KIOSK_REPORTS_EVENT]);
    t.sync.stop();
  });
});
