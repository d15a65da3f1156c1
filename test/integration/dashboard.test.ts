/**
 * The manager dashboard through a whole bridge (startBridge) with the ticket printer simulator on a real PTY:
 * anonymous access to /api/hall/* and the /hall namespace is refused (a wrong token too); a manager's session cookie
 * admits both and a machine with the hall token gets the socket; the
 * dashboard lists kiosk-1 with its printer; the printer running out of paper reaches the socket as a paperOut alert
 * and its refill clears it; the day's CSV export is UTF-8 with a BOM; a bad day is a 400 naming the field.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HallAlertsEvent, HallClientToServerEvents, HallDashboard, HallServerToClientEvents } from '@onedoor/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS, DEMO_USERS } from '../../device-bridge/src/auth/demoUsers.ts';
import { silentLogger } from '../../device-bridge/src/log.ts';
import { startBridge, type BridgeHandle } from '../../device-bridge/src/main.ts';
import { FAST_BACKOFF, startPrinterSim, until } from '../../device-bridge/test/printer/rig.ts';
import type { PrinterSim } from '../../simulators/src/printer/printer-sim.ts';
import type { RunningSimulator } from '../../simulators/src/link/index.ts';

type HallSocket = Socket<HallServerToClientEvents, HallClientToServerEvents>;
const WAIT_MS = 60_000;
const HALL_TOKEN = 'dashboard-test-hall-token-0123456789';

let dir: string;
let sim: RunningSimulator<PrinterSim>;
let bridge: BridgeHandle;
const sockets: Socket[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'od-dashboard-'));
  sim = await startPrinterSim(dir);
  bridge = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 },
      dataDir: join(dir, 'data'),
      uiDir: dir,
      users: [...DEMO_USERS],
      tokens: { hall: HALL_TOKEN },
      devices: [{ id: 'printer', kind: 'printer', path: sim.path!, baud: 115200, options: { pollIntervalMs: 300 } }],
      options: { reconnect: FAST_BACKOFF },
    },
    { log: silentLogger() },
  );
  await until('printer online', () => bridge.devices.get('printer')!.status().state === 'online', WAIT_MS);
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await bridge?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function login(name: string, password: string): Promise<string> {
  const r = await fetch(`${bridge.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  expect(r.status).toBe(200);
  return r.headers.get('set-cookie')!.split(';')[0];
}

function openHall(cookie?: string, token?: string): HallSocket {
  const s = connect(`${bridge.url}/hall`, {
    transports: ['websocket'], reconnection: false, extraHeaders: cookie ? { cookie } : {}, ...(token !== undefined && { auth: { token } }),
  }) as HallSocket;
  sockets.push(s);
  return s;
}

describe('manager dashboard through the bridge', () => {
  it('refuses anonymous access to /api/hall/* and the /hall namespace', async () => {
    for (const path of ['/api/hall/dashboard', '/api/hall/export.csv?day=2026-11-25', '/api/hall/anything']) {
      const r = await fetch(bridge.url + path);
      expect(r.status, path).toBe(401);
      expect(await r.text()).not.toContain('kiosk-1');
    }
    const s = openHall();
    const refused = await new Promise<string>((resolve, reject) => {
      s.on('connect', () => reject(new Error('anonymous /hall connected')));
      s.on('connect_error', (e) => resolve(e.message));
    });
    expect(refused).toMatch(/log in first/);

    const wrong = openHall(undefined, 'not-the-token');
    await expect(new Promise<string>((resolve, reject) => {
      wrong.on('connect', () => reject(new Error('a wrong token connected')));
      wrong.on('connect_error', (e) => resolve(e.message));
    })).resolves.toMatch(/bad or missing token/);
  });

  it('a machine with the hall token gets the dashboard on /hall', async () => {
    const s = openHall(undefined, HALL_TOKEN);
    const first = await new Promise<HallDashboard>((resolve, reject) => {
      s.on('hallDashboard', resolve);
      s.on('connect_error', reject);
    });
    expect(first.kiosks.map((k) => k.kioskId)).toEqual(['kiosk-1']);
    s.disconnect();
  });

  it('a manager gets the dashboard; paper out raises the alert live and the refill clears it', async () => {
    const cookie = await login('manager', DEMO_PASSWORDS.manager);
    const r = await fetch(`${bridge.url}/api/hall/dashboard`, { headers: { cookie } });
    expect(r.status).toBe(200);
    const body = (await r.json()) as HallDashboard;
    expect(body.kiosks.map((k) => [k.kioskId, k.local, k.alive])).toEqual([['kiosk-1', true, true]]);
    expect(body.kiosks[0].devices).toEqual([expect.objectContaining({ id: 'printer', kind: 'printer', state: 'online', paper: 'full' })]);
    expect(body.alerts).toEqual([]);
    expect(body.storeProblem).toBeNull();
    expect(body.today).toMatchObject({ tickets: 0, served: 0, ratings: [0, 0, 0, 0, 0] });

    const s = openHall(cookie);
    const dashboards: HallDashboard[] = [];
    const alerts: HallAlertsEvent[] = [];
    s.on('hallDashboard', (d) => dashboards.push(d));
    s.on('hallAlerts', (a) => alerts.push(a));
    await until('first dashboard', () => dashboards.length > 0, WAIT_MS);

    await sim.device.act('paper', { state: 'out' });
    const out = await until('paperOut alert', () => alerts.find((a) => a.alerts.some((x) => x.kind === 'paperOut')), WAIT_MS);
    expect(out.alerts.find((x) => x.kind === 'paperOut')).toMatchObject({ id: 'kiosk-1/printer/paperOut', kioskId: 'kiosk-1', deviceId: 'printer', severity: 'critical' });
    await until('dashboard shows paper out', () => dashboards.some((d) => d.kiosks[0].devices[0].paper === 'out' && d.alerts.length === 1), WAIT_MS);

    await sim.device.act('paper', { state: 'ok' });
    await until('alert cleared', () => alerts.length >= 2 && alerts[alerts.length - 1].alerts.length === 0, WAIT_MS);
  }, 150_000);

  it('exports the day as CSV (UTF-8 with BOM, attachment) and names a bad day', async () => {
    const cookie = await login('manager', DEMO_PASSWORDS.manager);
    const day = bridge.hall.clock.today();
    const r = await fetch(`${bridge.url}/api/hall/export.csv?day=${day}`, { headers: { cookie } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="hall-${day}.csv"`);
    const bytes = new Uint8Array(await r.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain(`汇总 summary,日期 day,${day}`);
    expect(text).toContain('好差评 ratings,1,非常满意,0');

    const bad = await fetch(`${bridge.url}/api/hall/export.csv?day=2026-13-40`, { headers: { cookie } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/day must be a date YYYY-MM-DD/);
  });
});
