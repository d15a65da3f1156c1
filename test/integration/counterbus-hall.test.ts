// The counter bus in a whole bridge (startBridge, config-driven) against the simulator over a real PTY: the driver
// comes from the built-in registry, its status (with every terminal) is in the snapshot, counter events reach a
// socket.io client on /hall (wired by startBridge itself, exactly once), and a /tech deviceCommand writes a terminal's display
// (counter display text is a technician action: refused on /hall, roles table in device-bridge/src/auth/accessTable.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  BridgeSnapshot, Completion, CounterTerminalEvent, HallClientToServerEvents, HallServerToClientEvents,
} from '@onedoor/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../device-bridge/src/log.ts';
import { startBridge, type BridgeHandle } from '../../device-bridge/src/main.ts';
import { CounterBusSim } from '../../simulators/src/counterbus/index.ts';
import { startSimulator, type RunningSimulator } from '../../simulators/src/link/index.ts';
import { until } from './counterbus-rig.ts';

const HALL_TOKEN = 'hall-token-0123456789abcdef';
const TECH_TOKEN = 'tech-token-0123456789abcdef';
type HallSocket = Socket<HallServerToClientEvents, HallClientToServerEvents>;

let dir: string;
let sim: RunningSimulator<CounterBusSim>;
let bridge: BridgeHandle;
const sockets: Socket[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'od-cbus-hall-'));
  sim = await startSimulator(new CounterBusSim({ id: 'hall-counters', terminals: 3 }), { link: 'pty', baud: 9600, dir });
  bridge = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 },
      dataDir: join(dir, 'data'),
      uiDir: dir,
      tokens: { hall: HALL_TOKEN, tech: TECH_TOKEN },
      devices: [{ id: 'counters', kind: 'counterbus', path: sim.path!, options: { units: [1, 2, 3] } }],
      options: { reconnect: { minDelayMs: 20, maxDelayMs: 200 } },
    },
    { log: silentLogger() },
  );
  await until(() => bridge.devices.get('counters')!.status().terminals?.every((t) => t.state === 'online') === true, 'terminals online');
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await bridge?.close();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

function openHall(): HallSocket {
  const s = connect(bridge.url + '/hall', { transports: ['websocket'], auth: { token: HALL_TOKEN } }) as HallSocket;
  sockets.push(s);
  return s;
}

function openTech(): HallSocket {
  const s = connect(bridge.url + '/tech', { transports: ['websocket'], auth: { token: TECH_TOKEN } }) as HallSocket;
  sockets.push(s);
  return s;
}

describe('counter bus through the bridge', () => {
  it('shows the bus and its terminals in the snapshot, and forwards key presses and ratings to /hall once each', async () => {
    const s = openHall();
    const snapshots: BridgeSnapshot[] = [];
    const events: CounterTerminalEvent[] = [];
    s.on('snapshot', (x) => snapshots.push(x));
    s.on('counterEvent', (e) => events.push(e));
    await until(() => snapshots.length > 0, 'snapshot');
    const bus = snapshots[0].devices.find((d) => d.id === 'counters')!;
    expect(bus).toMatchObject({ kind: 'counterbus', state: 'online' });
    expect(bus.terminals!.map((t) => [t.unit, t.state])).toEqual([[1, 'online'], [2, 'online'], [3, 'online']]);

    await sim.device.press(2, 'callNext');
    await sim.device.press(2, 'start');
    await until(() => events.length >= 2, 'events on /hall');

    // The clerk finished: a technician's device command lights the rating pad; the citizen rates.
    const tech = openTech();
    const ack = await new Promise<Completion>((resolve) =>
      tech.emit('deviceCommand', { requestId: 'pad-1', deviceId: 'counters', action: 'ratingPad', args: { unit: 2, on: true } }, resolve));
    expect(ack).toMatchObject({ requestId: 'pad-1', code: 'success' });
    await sim.device.expectRatingPad(2, true);
    await sim.device.rate(2, 1);
    await until(() => events.length >= 3, 'rating on /hall');
    await sim.device.expectPending(2, 0);
    expect(events.map((e) => [e.unit, e.key])).toEqual([[2, 'callNext'], [2, 'start'], [2, 'rating']]);
    expect(events[2]).toMatchObject({ deviceId: 'counters', rating: 1 });
  });

  it('runs display writes from a /tech deviceCommand and answers a bad one with invalidRequest; /hall may not write', async () => {
    const hall = openHall();
    const refused = await new Promise<Completion>((resolve) =>
      hall.emit('deviceCommand', { requestId: 'h-1', deviceId: 'counters', action: 'display', args: { unit: 3, text: 'EVIL' } }, resolve));
    expect(refused).toMatchObject({ requestId: 'h-1', code: 'invalidRequest', message: expect.stringContaining('use /tech') });
    const s = openTech();
    const send = (requestId: string, args: Record<string, unknown>) =>
      new Promise<Completion>((resolve) => s.emit('deviceCommand', { requestId, deviceId: 'counters', action: 'display', args }, resolve));
    expect(await send('d-1', { unit: 3, text: 'A108', mode: 255 })).toMatchObject({ code: 'success' });
    await sim.device.expectDisplay(3, 'A108');
    expect(sim.device.terminal(3).displayMode).toBe(255);
    expect(await send('d-2', { unit: 3, text: '叫号' })).toMatchObject({ code: 'invalidRequest', message: expect.stringContaining('non-ASCII') });
  });
});
