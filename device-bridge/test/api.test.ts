// HTTP + socket.io interface of a real bridge (startBridge) driving a test driver over a real socat PTY pair.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BridgeSnapshot, Completion, DeviceStatus, KioskClientToServerEvents, KioskServerToClientEvents } from '@onedoor/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriverRegistry } from '../src/devices/registry.ts';
import { silentLogger } from '../src/log.ts';
import { startBridge, type BridgeHandle } from '../src/main.ts';
import { FakeLineDevice } from './helpers/fakeLineDevice.ts';
import { PingDriver, pingDeviceResponder } from './helpers/pingDriver.ts';
import { startPtyPair, until, type PtyPair } from './helpers/pty.ts';

type KioskSocket = Socket<KioskServerToClientEvents, KioskClientToServerEvents>;

let pty: PtyPair;
let device: FakeLineDevice;
let bridge: BridgeHandle;
let dir: string;
const mode = { echoDelayMs: 0 };
const TECH_TOKEN = 'tech-token-0123456789';
const sockets: Socket[] = [];

beforeAll(async () => {
  pty = await startPtyPair();
  device = new FakeLineDevice(pingDeviceResponder(mode));
  await device.attach(pty.b);
  dir = mkdtempSync(join(tmpdir(), 'od-api-'));
  mkdirSync(join(dir, 'ui/assets'), { recursive: true });
  writeFileSync(join(dir, 'ui/index.html'), '<!doctype html><title>OneDoor</title>');
  writeFileSync(join(dir, 'ui/assets/app.js'), 'console.log(1)');
  const registry = new DriverRegistry();
  registry.register('printer', (spec, ctx) => new PingDriver(spec, ctx));
  bridge = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 },
      dataDir: join(dir, 'data'),
      uiDir: join(dir, 'ui'),
      allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*'],
      tokens: { tech: TECH_TOKEN },
      devices: [
        // A lax watchdog: these tests are about the API, and a loaded CI machine must not recycle the link.
        { id: 'p1', kind: 'printer', path: pty.a, options: { watchdogMs: 1000, pollTimeoutMs: 3000 } },
        { id: 'r1', kind: 'idreader', path: '/dev/null' },
      ],
      options: { reconnect: { minDelayMs: 20, maxDelayMs: 200 } },
    },
    { registry, log: silentLogger() },
  );
  await until(() => bridge.devices.get('p1')!.status().state === 'online', 'p1 online');
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await bridge?.close();
  await device?.detach();
  await pty?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function open(nsp: string, opts: { origin?: string; token?: string } = {}): Socket {
  const s = connect(bridge.url + nsp, {
    transports: ['websocket'],
    reconnectionDelay: 50,
    reconnectionDelayMax: 100,
    extraHeaders: opts.origin ? { Origin: opts.origin } : undefined,
    // /kiosk is the kiosk's own screen: these clients stand in for it with the screen secret (api/kioskScreen.ts).
    auth: opts.token ? { token: opts.token } : nsp === '/kiosk' ? { screenSecret: bridge.kioskScreenSecret } : undefined,
  });
  sockets.push(s);
  return s;
}

function kiosk(): { s: KioskSocket; snapshots: BridgeSnapshot[]; statuses: DeviceStatus[] } {
  const s = open('/kiosk') as KioskSocket;
  const snapshots: BridgeSnapshot[] = [];
  const statuses: DeviceStatus[] = [];
  s.on('snapshot', (x) => snapshots.push(x));
  s.on('deviceStatus', (x) => statuses.push(x));
  return { s, snapshots, statuses };
}

const refusal = (s: Socket) => new Promise<string>((resolve) => s.once('connect_error', (e) => resolve(e.message)));

/** Emit with an ack and wait for the completion (raw emit so tests can send malformed payloads). */
function command(s: Socket, event: string, ...args: unknown[]): Promise<Completion> {
  return new Promise((resolve) => s.emit(event, ...args, (c: Completion) => resolve(c)));
}

describe('HTTP', () => {
  it('GET /api/health: ok, uptime and the state of each device', async () => {
    const r = await fetch(`${bridge.url}/api/health`);
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body).toMatchObject({ ok: true, devices: { p1: 'online', r1: 'noDevice' }, states: { online: 1, noDevice: 1 } });
    expect(typeof body.uptimeSeconds).toBe('number');
  });

  it('GET /api/devices: every DeviceStatus', async () => {
    const list = (await (await fetch(`${bridge.url}/api/devices`)).json()) as DeviceStatus[];
    expect(list.map((d) => [d.id, d.kind, d.state])).toEqual([
      ['p1', 'printer', 'online'],
      ['r1', 'idreader', 'noDevice'],
    ]);
    expect(list[0].counters.frames).toBeGreaterThan(0);
    expect(list[0]).toHaveProperty('since');
  });

  it('serves the UI with SPA fallback, and JSON 4xx errors', async () => {
    for (const p of ['/display', '/hall', '/tech', '/verify', '/tech/devices']) {
      const r = await fetch(bridge.url + p);
      expect([p, r.status, await r.text()]).toEqual([p, 200, '<!doctype html><title>OneDoor</title>']);
    }
    // The kiosk page carries the kiosk screen's secret (api/kioskScreen.ts), for this loopback peer, never cached.
    const kioskPage = await fetch(`${bridge.url}/`);
    expect([kioskPage.status, kioskPage.headers.get('cache-control'), await kioskPage.text()]).toEqual([200, 'no-store',
      `<!doctype html><meta name="onedoor-kiosk-screen" content="${bridge.kioskScreenSecret}"><title>OneDoor</title>`]);
    expect(await (await fetch(`${bridge.url}/assets/app.js`)).text()).toBe('console.log(1)');
    const missing = await fetch(`${bridge.url}/api/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not found' });
    expect((await fetch(`${bridge.url}/elsewhere`)).status).toBe(404);
    // A malformed body on a route that takes one (POST /api/devices is no route: refused before any parsing).
    const bad = await fetch(`${bridge.url}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'bad request' });
  });
});

describe('socket.io /kiosk', () => {
  it('sends a full snapshot on connect and again on every reconnect, then status changes', async () => {
    const { s, snapshots, statuses } = kiosk();
    await until(() => snapshots.length === 1, 'first snapshot');
    expect(snapshots[0].devices.map((d) => [d.id, d.state])).toEqual([
      ['p1', 'online'],
      ['r1', 'noDevice'],
    ]);
    (bridge.devices.get('p1') as PingDriver).setPaper('low');
    await until(() => statuses.some((x) => x.id === 'p1' && x.paper === 'low'), 'deviceStatus change');
    s.io.engine.close(); // the transport drops; the client reconnects by itself
    await until(() => snapshots.length === 2, 'snapshot after reconnect');
    expect(snapshots[1].devices[0].paper).toBe('low');
    s.disconnect();
    s.connect();
    await until(() => snapshots.length === 3, 'snapshot after manual reconnect');
  });

  it('answers malformed commands with invalidRequest and a message naming the field', async () => {
    const { s } = kiosk();
    await until(() => s.connected, 'connected');
    const noId = await command(s, 'deviceCommand', { deviceId: 'p1', action: 'echo' });
    expect(noId).toMatchObject({ requestId: '', code: 'invalidRequest' });
    expect(noId.message).toMatch(/requestId/);
    const badTimeout = await command(s, 'deviceCommand', { requestId: 'm1', deviceId: 'p1', action: 'echo', timeout: -5 });
    expect(badTimeout).toMatchObject({ requestId: 'm1', code: 'invalidRequest' });
    expect(badTimeout.message).toMatch(/timeout/);
    expect(await command(s, 'deviceCommand')).toMatchObject({ code: 'invalidRequest' });
    expect(await command(s, 'deviceCommand', 'just a string')).toMatchObject({ code: 'invalidRequest' });
    const badArgs = await command(s, 'deviceCommand', { requestId: 'm2', deviceId: 'p1', action: 'echo', args: [1] });
    expect(badArgs).toMatchObject({ requestId: 'm2', code: 'invalidRequest' });
    // Well-formed envelope, bad arguments for the action: the driver's own invalidRequest.
    expect(await command(s, 'deviceCommand', { requestId: 'm3', deviceId: 'p1', action: 'echo', args: { text: 5 } })).toMatchObject({
      requestId: 'm3',
      code: 'invalidRequest',
    });
    expect(await command(s, 'deviceCommand', { requestId: 'm4', deviceId: 'zz', action: 'echo' })).toMatchObject({ code: 'invalidRequest' });
    expect(await command(s, 'getSnapshot', { requestId: 7 })).toMatchObject({ code: 'invalidRequest' });
  });

  // Driver actions beyond the standard ticket print are technician actions (roles table, accessTable.ts): the command
  // model itself (idempotency, timeouts) is the same on every namespace and is exercised on /tech.
  it('runs a command once per requestId and answers repeats with the first completion', async () => {
    const s = open('/tech', { token: TECH_TOKEN }) as KioskSocket;
    await until(() => s.connected, 'connected');
    const driver = bridge.devices.get('p1') as PingDriver;
    const before = driver.echoes;
    const cmd = { requestId: 'req-dup-1', timeout: 5000, deviceId: 'p1', action: 'echo', args: { text: 'once' } };
    mode.echoDelayMs = 150; // the repeat arrives while the first is still running
    const [a, b] = await Promise.all([command(s, 'deviceCommand', cmd), command(s, 'deviceCommand', cmd)]);
    mode.echoDelayMs = 0;
    const c = await command(s, 'deviceCommand', { ...cmd, args: { text: 'different payload, same id' } });
    expect(a).toEqual({ requestId: 'req-dup-1', code: 'success', result: { reply: 'ECHOED once' } });
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(driver.echoes - before).toBe(1);
    expect(device.received.filter((x) => x === 'ECHO once')).toHaveLength(1);
    // A new requestId runs again.
    expect(await command(s, 'deviceCommand', { ...cmd, requestId: 'req-dup-2' })).toMatchObject({ code: 'success' });
    expect(driver.echoes - before).toBe(2);
  });

  it('completes with timeOut when the device is too slow, and with deviceNotReady for a device without driver', async () => {
    const s = open('/tech', { token: TECH_TOKEN }) as KioskSocket;
    await until(() => s.connected, 'connected');
    mode.echoDelayMs = 600;
    const slow = await command(s, 'deviceCommand', { requestId: 'slow-1', timeout: 100, deviceId: 'p1', action: 'echo', args: { text: 'slow' } });
    mode.echoDelayMs = 0;
    expect(slow).toMatchObject({ requestId: 'slow-1', code: 'timeOut' });
    const none = await command(s, 'deviceCommand', { requestId: 'nd-1', deviceId: 'r1', action: 'read' });
    expect(none).toMatchObject({ requestId: 'nd-1', code: 'deviceNotReady' });
    const snap = await command(s, 'getSnapshot', { requestId: 'snap-1' });
    expect(snap.code).toBe('success');
    expect((snap.result as BridgeSnapshot).devices).toHaveLength(2);
  });

  it('refuses a foreign origin and accepts an allowed one', async () => {
    const evil = open('/kiosk', { origin: 'http://evil.example' });
    expect(await refusal(evil)).toMatch(/origin http:\/\/evil\.example is not allowed/);
    evil.disconnect();
    const dev = open('/kiosk', { origin: 'http://localhost:5173' });
    await until(() => dev.connected, 'allowed origin connects');
  });
});

describe('reserved namespaces', () => {
  it('/hall refuses while no token is configured; /tech needs the right token', async () => {
    const hall = open('/hall', { token: TECH_TOKEN });
    expect(await refusal(hall)).toMatch(/reserved/);
    hall.disconnect();
    const noToken = open('/tech');
    expect(await refusal(noToken)).toMatch(/token/);
    noToken.disconnect();
    const wrong = open('/tech', { token: 'x'.repeat(TECH_TOKEN.length) });
    expect(await refusal(wrong)).toMatch(/token/);
    wrong.disconnect();
    const tech = open('/tech', { token: TECH_TOKEN });
    const snap = new Promise<BridgeSnapshot>((r) => tech.once('snapshot', r));
    expect((await snap).devices).toHaveLength(2);
    const root = open('/');
    expect(await refusal(root)).toMatch(/kiosk/);
  });
});
