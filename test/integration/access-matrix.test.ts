// Every action of the roles table (device-bridge/src/auth/accessTable.ts) against both transports of a real hall
// bridge (boundary-rig.ts): each REST route, each socket event of each namespace, each device action from each
// namespace and over REST, tried as every role a caller can present. The allowed roles get through; every other one
// is refused (401/403 on REST, a refusal on the socket). REST and socket answers come from the same table, so they
// cannot drift apart (a manager running technician actions over /hall was possible while REST said 403).
import type { Completion } from '@onedoor/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONNECT_RULES, DEVICE_ACTION_RULES, REST_RULES, SOCKET_EVENT_RULES, deviceActionRoles, type ActionArea, type Role,
} from '../../device-bridge/src/auth/accessTable.ts';
import { startBoundaryRig, type BoundaryRig, type Credential } from './boundary-rig.ts';

let rig: BoundaryRig;
beforeAll(async () => {
  rig = await startBoundaryRig();
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

/** What a caller can present over REST, and over the staff namespaces. */
const REST_CREDENTIALS: Credential[] = ['anyone', 'technician', 'manager', 'district', 'techToken', 'hallToken'];
/** Who can be on each namespace the test opens (the /kiosk handshake admits the kiosk's own screen only). */
const SOCKET_CREDENTIALS: Record<ActionArea, Credential[]> = {
  '/kiosk': ['kioskScreen'],
  '/hall': REST_CREDENTIALS,
  '/tech': REST_CREDENTIALS,
};

const allows = (roles: readonly Role[] | null | undefined, who: Credential) => !!roles && (roles.includes('anyone') || roles.includes(who as Role));
/** The words of an access refusal (checkAccess), as opposed to a device's or a schema's own answer. */
const REFUSAL = /may not|may look at|log in first|is not allowed|not accepted/;
const refused = (c: Completion) => c.code === 'invalidRequest' && REFUSAL.test(c.message ?? '');

/** A concrete path for a table path. */
function concrete(path: string): string {
  return path.replace(':id', 'printer').replace(':name', 'jobs').replace('/*', '/printer/actions/paper');
}

const DEVICE_OF_KIND: Record<string, string> = { printer: 'printer', idreader: 'reader', counterbus: 'counters' };

/** deviceId, action and args that make a command of this table key. */
function commandFor(key: string): { deviceId: string; action: string; args: Record<string, unknown> } {
  const [kindAction, form] = key.split(':');
  const [kind, action] = kindAction.split('.');
  const args: Record<string, unknown> = form === 'raw' ? { dataBase64: 'G0A=' } : form === 'ticket' ? { ticket: { number: 'Z001' } } : {};
  if (kind === 'counterbus') args.unit = 1;
  if (action === 'cancelPrint') args.jobId = 'no-such-job';
  return { deviceId: DEVICE_OF_KIND[kind], action, args };
}

const ACTION_KEYS = [...new Set(Object.values(DEVICE_ACTION_RULES).flatMap((rows) => Object.keys(rows)))].filter((k) => k !== '*').sort();

let seq = 0;
const ask = (s: Socket, event: string, payload: unknown) =>
  s.timeout(30_000).emitWithAck(event, payload) as Promise<Completion>;

const sockets = new Map<string, Socket | string>();
async function socketAs(nsp: string, who: Credential): Promise<Socket | string> {
  const key = `${nsp} ${who}`;
  if (!sockets.has(key)) sockets.set(key, await rig.open(nsp, who));
  return sockets.get(key)!;
}

describe('roles table: REST', () => {
  it('every route: the allowed roles get through, the others get 401 (no credential) or 403', async () => {
    const wrong: string[] = [];
    for (const rule of REST_RULES) {
      for (const who of REST_CREDENTIALS) {
        // Logging out with the rig's cookies would end the sessions the rest of this file uses.
        if (rule.path === '/api/logout' && (who === 'technician' || who === 'manager' || who === 'district')) continue;
        const path = concrete(rule.path);
        const r = await fetch(rig.bridge.url + path, {
          method: rule.method,
          headers: { ...rig.headers(who), ...(rule.method === 'POST' ? { 'content-type': 'application/json' } : {}) },
          body: rule.method === 'POST' ? '{}' : undefined,
        });
        await r.arrayBuffer();
        const expected = allows(rule.roles, who) ? 'through' : who === 'anyone' ? 401 : 403;
        const got = r.status === 401 || r.status === 403 ? r.status : 'through';
        if (got !== expected) wrong.push(`${rule.method} ${path} as ${who}: expected ${expected}, got ${r.status}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('a route outside the table is refused even where a router would answer', async () => {
    expect((await fetch(`${rig.bridge.url}/api/devices`, { method: 'POST', headers: rig.headers('technician') })).status).toBe(404);
    expect((await fetch(`${rig.bridge.url}/api/hall/not-a-route`)).status).toBe(401);
    expect((await fetch(`${rig.bridge.url}/index.html`, { method: 'DELETE' })).status).toBe(405);
  });
});

describe('roles table: sockets', () => {
  it('every namespace admits exactly the roles of its connect row', async () => {
    const wrong: string[] = [];
    // /kiosk too: its screen (with the screen secret) is admitted, every staff credential without it is not; so the
    // /kiosk rows below are really exercised, not skipped as "not admitted".
    for (const nsp of ['/kiosk', '/hall', '/tech'] as const) {
      for (const who of nsp === '/kiosk' ? [...REST_CREDENTIALS, 'kioskScreen' as const] : REST_CREDENTIALS) {
        const s = await socketAs(nsp, who);
        const connected = typeof s !== 'string';
        if (connected !== allows(CONNECT_RULES[nsp], who)) wrong.push(`${nsp} as ${who}: ${connected ? 'connected' : s}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every event of every namespace: allowed roles get an answer, others a refusal', async () => {
    const valid: Record<string, unknown> = {
      getSnapshot: {},
      deviceCommand: { deviceId: 'printer', action: 'jobs', args: {} },
      kioskCommand: { token: 'no-such-session', command: 'queue.categories', args: {} },
    };
    const wrong: string[] = [];
    for (const nsp of ['/kiosk', '/hall', '/tech'] as const) {
      for (const who of SOCKET_CREDENTIALS[nsp]) {
        const s = await socketAs(nsp, who);
        if (typeof s === 'string') continue; // not admitted: the connect row said so (test above)
        for (const [event, rule] of Object.entries(SOCKET_EVENT_RULES[nsp])) {
          const c = await ask(s, event, { requestId: `ev-${++seq}`, ...(valid[event] as object) });
          // Refused for the event itself (not for a device action, which the next test covers).
          const eventRefused = refused(c) && (c.message ?? '').includes(`"${event}" on ${nsp}`);
          if (eventRefused === allows(rule.roles, who)) wrong.push(`${nsp} ${event} as ${who}: ${JSON.stringify(c).slice(0, 200)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);
});

describe('roles table: device actions, socket and REST alike', () => {
  it('every device action from every namespace and over REST: the same roles get through', async () => {
    const wrong: string[] = [];
    for (const key of ACTION_KEYS) {
      const { deviceId, action, args } = commandFor(key);
      for (const area of ['/kiosk', '/hall', '/tech'] as const) {
        for (const who of SOCKET_CREDENTIALS[area]) {
          const s = await socketAs(area, who);
          if (typeof s === 'string') continue;
          const c = await ask(s, 'deviceCommand', { requestId: `da-${++seq}`, deviceId, action, args, timeout: 20_000 });
          if (refused(c) === allows(deviceActionRoles(area, key), who)) wrong.push(`socket ${area} ${key} as ${who}: ${JSON.stringify(c).slice(0, 200)}`);
        }
      }
      // The REST twin of /tech.
      for (const who of REST_CREDENTIALS) {
        const r = await fetch(`${rig.bridge.url}/api/tech/devices/${deviceId}/actions/${action}`, {
          method: 'POST',
          headers: { ...rig.headers(who), 'content-type': 'application/json' },
          body: JSON.stringify({ args, timeout: 20_000 }),
        });
        await r.arrayBuffer();
        const through = r.status !== 401 && r.status !== 403;
        if (through !== allows(deviceActionRoles('/tech', key), who)) wrong.push(`REST /tech ${key} as ${who}: ${r.status}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 240_000);

  it('a manager cannot run printTestPage or samReset over /hall (nor over REST), a technician on /tech can', async () => {
    const hall = (await socketAs('/hall', 'manager')) as Socket;
    for (const [deviceId, action] of [['printer', 'printTestPage'], ['reader', 'samReset']]) {
      const c = await ask(hall, 'deviceCommand', { requestId: `f4-${++seq}`, deviceId, action });
      expect(c, action).toMatchObject({ code: 'invalidRequest', message: expect.stringMatching(/may look at \/hall but not act.*use \/tech/) });
      const r = await fetch(`${rig.bridge.url}/api/tech/devices/${deviceId}/actions/${action}`, { method: 'POST', headers: { ...rig.headers('manager'), 'content-type': 'application/json' }, body: '{}' });
      expect(r.status, action).toBe(403);
    }
    const tech = (await socketAs('/tech', 'technician')) as Socket;
    const c = await ask(tech, 'deviceCommand', { requestId: `f4-${++seq}`, deviceId: 'reader', action: 'samReset' });
    expect(c.code).toBe('deviceNotReady');
  });

  it('a device completion is answered again only to the caller who asked: another caller with the same requestId runs its own', async () => {
    const tech = (await socketAs('/tech', 'technician')) as Socket;
    const machine = (await socketAs('/tech', 'techToken')) as Socket;
    const requestId = `same-id-${++seq}`;
    const first = await ask(tech, 'deviceCommand', { requestId, deviceId: 'printer', action: 'jobs', args: {} });
    expect(first.code).toBe('success');
    // The same caller repeating gets the stored completion (idempotent), even with another payload.
    expect(await ask(tech, 'deviceCommand', { requestId, deviceId: 'printer', action: 'cancelPrint', args: { jobId: 'no-such-job' } })).toEqual(first);
    // Another caller reusing the id is not handed the technician's result: its own command runs.
    const other = await ask(machine, 'deviceCommand', { requestId, deviceId: 'printer', action: 'cancelPrint', args: { jobId: 'no-such-job' } });
    expect(other).not.toEqual(first);
    expect(other.requestId).toBe(requestId);
  });
});

describe('the district manager: read-only (README "Running a district", "Many halls, one database")', () => {
  it('reads the district view and the dashboard; every write route and every command is refused with 403 and a message', async () => {
    const view = await fetch(`${rig.bridge.url}/api/district/halls`, { headers: rig.headers('district') });
    expect(view.status).toBe(200);
    expect(((await view.json()) as { halls: Array<{ hallId: string; ownHall: boolean }> }).halls)
      .toContainEqual(expect.objectContaining({ hallId: 'hall', ownHall: true }));
    expect((await fetch(`${rig.bridge.url}/api/hall/dashboard`, { headers: rig.headers('district') })).status).toBe(200);
    // A hall's own staff see their hall only: the district view is not theirs.
    expect((await fetch(`${rig.bridge.url}/api/district/halls`, { headers: rig.headers('manager') })).status).toBe(403);

    for (const rule of REST_RULES.filter((r) => r.method === 'POST' && !['/api/login', '/api/logout', '/api/verify', '/api/m/session'].includes(r.path))) {
      const r = await fetch(rig.bridge.url + concrete(rule.path), {
        method: 'POST', headers: { ...rig.headers('district'), 'content-type': 'application/json' }, body: '{}',
      });
      expect(r.status, rule.path).toBe(403);
      expect(((await r.json()) as { message?: string }).message, rule.path).toMatch(/district \(district\) may (not|look at)/);
    }
    const hall = await socketAs('/hall', 'district');
    expect(typeof hall).not.toBe('string');
    const c = await ask(hall as Socket, 'deviceCommand', { requestId: `dm-${++seq}`, deviceId: 'printer', action: 'jobs', args: {} });
    expect(c).toMatchObject({ code: 'invalidRequest', message: expect.stringMatching(/district \(district\) may not use "deviceCommand" on \/hall/) });
    expect((await ask(hall as Socket, 'getSnapshot', { requestId: `dm-${++seq}` })).code).toBe('success');
    expect(await socketAs('/tech', 'district')).toEqual(expect.any(String));
  });
});
