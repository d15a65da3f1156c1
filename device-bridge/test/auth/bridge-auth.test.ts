// Staff access on a real bridge (startBridge with a temp config, real HTTP and socket.io): login/logout and the
// cookie, anonymous 401 on /api/tech/*, /tech socket refused without a session, managers look but do not act,
// 429 after repeated wrong passwords, idle expiry, security headers, and config validation of users.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BridgeSnapshot, Completion, StaffSession, TechClientToServerEvents, TechDeviceInfo, TechServerToClientEvents } from '@onedoor/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS, DEMO_USERS } from '../../src/auth/demoUsers.ts';
import { parseConfig } from '../../src/config/index.ts';
import { silentLogger } from '../../src/log.ts';
import { startBridge, type BridgeHandle } from '../../src/main.ts';

type TechSocket = Socket<TechServerToClientEvents, TechClientToServerEvents>;

const dirs: string[] = [];
const sockets: Socket[] = [];
const bridges: BridgeHandle[] = [];
let bridge: BridgeHandle;

async function start(extra: Record<string, unknown> = {}): Promise<BridgeHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'od-auth-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'ui'), { recursive: true });
  writeFileSync(join(dir, 'ui/index.html'), '<!doctype html><title>OneDoor</title>');
  const b = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 },
      dataDir: join(dir, 'data'),
      uiDir: join(dir, 'ui'),
      users: [...DEMO_USERS],
      // Not driven: these tests are about access, not devices.
      devices: [{ id: 'printer1', kind: 'printer', path: '/dev/null', enabled: false }],
      ...extra,
    },
    { log: silentLogger() },
  );
  bridges.push(b);
  return b;
}

beforeAll(async () => {
  bridge = await start();
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const b of bridges) await b.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

async function call(b: BridgeHandle, path: string, init: { method?: string; body?: unknown; cookie?: string; origin?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.cookie) headers.cookie = init.cookie;
  if (init.origin) headers.origin = init.origin;
  const r = await fetch(b.url + path, { method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'), headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (index.html)
  }
  return { status: r.status, headers: r.headers, body };
}

/** Logs in and returns the `name=value` part of the session cookie. */
async function login(b: BridgeHandle, name: string, password: string): Promise<{ cookie: string; reply: Reply }> {
  const reply = await call(b, '/api/login', { body: { name, password } });
  expect(reply.status).toBe(200);
  const set = reply.headers.get('set-cookie') ?? '';
  return { cookie: set.split(';')[0], reply };
}

function techSocket(b: BridgeHandle, cookie?: string): TechSocket {
  const s = connect(`${b.url}/tech`, { transports: ['websocket'], reconnection: false, extraHeaders: cookie ? { Cookie: cookie } : undefined }) as TechSocket;
  sockets.push(s);
  return s;
}

function refusal(s: Socket): Promise<string> {
  return new Promise((resolve) => s.once('connect_error', (e) => resolve(e.message)));
}

describe('anonymous access is refused', () => {
  it('401 for /api/me and every /api/tech route, GET or POST', async () => {
    expect((await call(bridge, '/api/me')).status).toBe(401);
    for (const path of ['/api/tech/devices', '/api/tech/devices/printer1/frames', '/api/tech/sims', '/api/tech/sims/printer/tickets']) {
      const r = await call(bridge, path);
      expect(r.status, path).toBe(401);
      expect(r.body.message).toMatch(/log in/);
    }
    for (const path of ['/api/tech/devices/printer1/actions/printTestPage', '/api/tech/sims/idreader/actions/place-card']) {
      expect((await call(bridge, path, { body: {} })).status, path).toBe(401);
    }
  });

  it('the /tech socket refuses a connection without a session', async () => {
    expect(await refusal(techSocket(bridge))).toMatch(/reserved: log in first/);
    expect(await refusal(techSocket(bridge, 'onedoor_staff=made-up-token'))).toMatch(/log in first/);
  });
});

describe('login, session, logout', () => {
  it('wrong credentials: 401 without a cookie', async () => {
    const r = await call(bridge, '/api/login', { body: { name: 'tech', password: 'not-the-password' } });
    expect(r.status).toBe(401);
    expect(r.body.message).toBe('wrong user name or password');
    expect(r.headers.get('set-cookie')).toBeNull();
    expect((await call(bridge, '/api/login', { body: { name: 'tech' } })).status).toBe(400);
  });

  it('a technician logs in: HttpOnly SameSite=Strict cookie, /api/me, /api/tech/devices and the /tech socket work', async () => {
    const { cookie, reply } = await login(bridge, 'tech', DEMO_PASSWORDS.tech);
    const set = reply.headers.get('set-cookie')!;
    expect(set).toMatch(/^onedoor_staff=[A-Za-z0-9_%-]{40,};/);
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    expect(set).toContain('Path=/');
    expect(set).toContain(`Max-Age=${8 * 3600}`);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const session = reply.body as StaffSession;
    expect(session).toMatchObject({ user: 'tech', role: 'technician', canAct: true, idleMs: 30 * 60_000 });

    expect((await call(bridge, '/api/me', { cookie })).body).toMatchObject({ user: 'tech', role: 'technician' });
    const devices = (await call(bridge, '/api/tech/devices', { cookie })).body as TechDeviceInfo[];
    expect(devices.map((d) => d.status.id)).toEqual(['printer1']);
    expect(Array.isArray(devices[0].frames)).toBe(true);
    expect((await call(bridge, '/api/tech/sims', { cookie })).body).toEqual({ attached: false, sims: [], notes: [] });

    const s = techSocket(bridge, cookie);
    const snap = await new Promise<BridgeSnapshot>((r) => s.once('snapshot', r));
    expect(snap.devices.map((d) => d.id)).toEqual(['printer1']);
    // A technician's command reaches the device layer (this device is not driven, so it is not a refusal by role).
    const c = await new Promise<Completion>((r) => s.emit('deviceCommand', { requestId: 't-1', deviceId: 'printer1', action: 'printTestPage' }, r));
    expect(c.message ?? '').not.toMatch(/may look/);

    // Logout ends the session: the cookie is cleared, the old cookie no longer works, the socket is dropped.
    const disconnected = new Promise<void>((r) => s.once('disconnect', () => r()));
    const out = await call(bridge, '/api/logout', { body: {}, cookie });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^onedoor_staff=; .*Max-Age=0/);
    await disconnected;
    expect((await call(bridge, '/api/me', { cookie })).status).toBe(401);
    expect((await call(bridge, '/api/tech/devices', { cookie })).status).toBe(401);
  });

  it('a manager may look at /tech but not act (403 on REST actions, invalidRequest on socket commands)', async () => {
    const { cookie, reply } = await login(bridge, 'manager', DEMO_PASSWORDS.manager);
    expect(reply.body).toMatchObject({ role: 'manager', canAct: false });
    expect((await call(bridge, '/api/tech/devices', { cookie })).status).toBe(200);
    const act = await call(bridge, '/api/tech/devices/printer1/actions/printTestPage', { body: {}, cookie });
    expect(act.status).toBe(403);
    expect(act.body.message).toMatch(/may look at \/tech but not act/);
    expect((await call(bridge, '/api/tech/sims/printer/actions/paper', { body: { state: 'out' }, cookie })).status).toBe(403);
    const s = techSocket(bridge, cookie);
    await new Promise((r) => s.once('snapshot', r));
    const c = await new Promise<Completion>((r) => s.emit('deviceCommand', { requestId: 'm-1', deviceId: 'printer1', action: 'printTestPage' }, r));
    expect(c).toMatchObject({ requestId: 'm-1', code: 'invalidRequest' });
    expect(c.message).toMatch(/manager.*may look/);
  });

  it('a login from a foreign origin is refused', async () => {
    const r = await call(bridge, '/api/login', { body: { name: 'tech', password: DEMO_PASSWORDS.tech }, origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect(r.headers.get('set-cookie')).toBeNull();
  });
});

describe('rate limit', () => {
  it('after 5 wrong passwords in a minute: 429 with Retry-After, even for the right password; other users unaffected', async () => {
    const b = await start();
    for (let i = 0; i < 5; i++) expect((await call(b, '/api/login', { body: { name: 'tech', password: `wrong ${i}` } })).status).toBe(401);
    const limited = await call(b, '/api/login', { body: { name: 'tech', password: DEMO_PASSWORDS.tech } });
    expect(limited.status).toBe(429);
    expect(limited.body.message).toMatch(/too many failed logins.*try again in \d+ s/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('set-cookie')).toBeNull();
    expect((await call(b, '/api/login', { body: { name: 'manager', password: DEMO_PASSWORDS.manager } })).status).toBe(200);
  });
});

describe('session expiry', () => {
  it('a session unused for sessionIdleMs is gone (401)', async () => {
    const b = await start({ auth: { sessionIdleMs: 1000 } });
    const { cookie } = await login(b, 'tech', DEMO_PASSWORDS.tech);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await call(b, '/api/me', { cookie })).status).toBe(401);
    expect((await call(b, '/api/tech/devices', { cookie })).status).toBe(401);
  });
});

describe('security headers', () => {
  it('on API answers and on the UI page', async () => {
    for (const path of ['/api/health', '/tech', '/api/tech/devices']) {
      const r = await call(bridge, path);
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("default-src 'self'");
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(r.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(r.headers.get('x-frame-options'), path).toBe('DENY');
      // helmet's own hardening is on, and nothing that would break plain HTTP on the hall LAN.
      expect(r.headers.get('x-permitted-cross-domain-policies'), path).toBe('none');
      expect(r.headers.get('x-powered-by'), path).toBeNull();
      expect(csp, path).not.toContain('upgrade-insecure-requests');
      expect(r.headers.get('strict-transport-security'), path).toBeNull();
    }
  });
});

describe('config', () => {
  it('refuses a user whose hash is not scrypt$N$r$p$salt$hash, an unknown role and duplicate names', () => {
    expect(() => parseConfig({ users: [{ name: 'x', role: 'technician', passwordHash: 'secret' }] })).toThrow(/users\[0\]\.passwordHash: must be scrypt/);
    expect(() => parseConfig({ users: [{ name: 'x', role: 'admin', passwordHash: DEMO_USERS[0].passwordHash }] })).toThrow(/users\[0\]\.role/);
    expect(() => parseConfig({ users: [DEMO_USERS[0], { ...DEMO_USERS[1], name: 'TECH' }] })).toThrow(/duplicate user name/);
    expect(() => parseConfig({ simulatorControlUrl: 'ftp://x' })).toThrow(/simulatorControlUrl/);
  });
});


