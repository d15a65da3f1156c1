/**
 * Hall isolation on the wire (README "Running a district", "Many halls, one database"): two hall bridges with
 * different site.hallId on ONE PostgreSQL schema. Each issues its own tickets (both start at A001: numbers are per
 * hall), and each one's hall display, manager dashboard and staff session show that hall only; the district manager,
 * logged in on either, sees both halls. Then two kiosk bridges (kiosk screen over /kiosk, a citizen's card on the
 * reader simulator) on one schema: the same citizen takes a ticket at each, each kiosk sees its own hall's ticket.
 */
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DisplayBoard, DistrictView, HallDashboard } from '@onedoor/protocol';
import { DEMO_PASSWORDS, DEMO_USERS } from '../../src/auth/demoUsers.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { silentLogger, startBridge, type BridgeHandle } from '../../src/index.ts';
import { libraryHolder, seedBasics } from './fixture.ts';
import { postgresBackend, type StoreTarget } from '../store/backends.ts';
import { startKioskRig, type KioskRig } from '../kiosk/kioskRig.ts';

let target: StoreTarget;
const bridges: Record<'a' | 'b', BridgeHandle> = {} as Record<'a' | 'b', BridgeHandle>;
const sockets: Socket[] = [];

async function login(url: string, name: 'manager' | 'district'): Promise<string> {
  const r = await fetch(`${url}/api/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: DEMO_PASSWORDS[name] }),
  });
  expect(r.status).toBe(200);
  return (r.headers.get('set-cookie') ?? '').split(';')[0];
}

async function getJson<T>(url: string, cookie: string): Promise<T> {
  const r = await fetch(url, { headers: { cookie } });
  expect(r.status, url).toBe(200);
  return (await r.json()) as T;
}

/** The board a hall display receives on connecting. */
function displayBoard(url: string): Promise<DisplayBoard> {
  return new Promise((resolve, reject) => {
    const s = connect(`${url}/display`, { transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(s);
    s.once('board', resolve);
    s.once('connect_error', reject);
  });
}

beforeAll(async () => {
  target = await postgresBackend.create();
  for (const id of ['a', 'b'] as const) {
    bridges[id] = await startBridge({
      http: { host: '127.0.0.1', port: 0 }, dataDir: join(target.dir, `data-${id}`), store: target.setting,
      site: { hallId: `hall-${id}` }, users: [...DEMO_USERS], options: { logLevel: 'silent' },
    }, { log: silentLogger(), hall: { demo: (s) => seedBasics(s) } });
  }
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const b of Object.values(bridges)) await b?.close();
  await target?.destroy();
});

describe('two hall bridges on one PostgreSQL schema', () => {
  it('each hall numbers, shows and reports its own tickets only; the district manager sees both', async () => {
    const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));
    const a1 = await bridges.a.hall.queue!.takeTicket(zhang, 'A');
    const a2 = await bridges.a.hall.queue!.takeTicket(null, 'A');
    // The same citizen may wait in hall b too (one waiting ticket per person per category per hall); numbering
    // restarts there.
    const b1 = await bridges.b.hall.queue!.takeTicket(zhang, 'A');
    expect([a1.number, a2.number, b1.number]).toEqual(['A001', 'A002', 'A001']);

    // A call in hall a reaches hall a's display only.
    const day = bridges.a.hall.clock.today();
    const store = await target.open({ hallId: 'hall-a' });
    try {
      await store.addCounterCall({ callId: 'wire-call-1', ticketId: (await store.listTickets(day))[0].id, number: 'A001', window: 1,
        text: '请A001号到1号窗口办理', recall: 0, at: Date.now(), day, reason: null });
    } finally {
      await store.close();
    }
    expect((await displayBoard(bridges.a.url)).calls.map((c) => c.ticketNumber)).toEqual(['A001']);
    expect((await displayBoard(bridges.b.url)).calls).toEqual([]);

    // Each hall's manager session: its own queue only.
    const dashA = await getJson<HallDashboard>(`${bridges.a.url}/api/hall/dashboard`, await login(bridges.a.url, 'manager'));
    const dashB = await getJson<HallDashboard>(`${bridges.b.url}/api/hall/dashboard`, await login(bridges.b.url, 'manager'));
    expect(dashA.queue?.waiting).toBe(2);
    expect(dashB.queue?.waiting).toBe(1);
    expect(dashA.today?.tickets).toBe(2);

    // The district manager, on either bridge: every hall of the database, each with its own figures.
    const district = await getJson<DistrictView>(`${bridges.b.url}/api/district/halls`, await login(bridges.b.url, 'district'));
    expect(district.halls.map((h) => [h.hallId, h.ownHall, h.waiting])).toEqual([['hall-a', false, 2], ['hall-b', true, 1]]);
    expect(district.halls[0].alerts).toBeNull();
  });
});

describe('two kiosk bridges of different halls on one PostgreSQL schema', () => {
  let shared: StoreTarget;
  const rigs: KioskRig[] = [];

  beforeAll(async () => {
    shared = await postgresBackend.create();
    for (const hallId of ['kiosk-hall-a', 'kiosk-hall-b']) rigs.push(await startKioskRig({ target: shared, site: { hallId } }));
  }, 120_000);

  afterAll(async () => {
    for (const r of rigs) await r.close();
    await shared?.destroy();
  });

  it('a citizen\'s ticket at one hall\'s kiosk is not the other hall\'s: both number from A001, each sees its own', async () => {
    const taken = [];
    for (const rig of rigs) {
      const session = await rig.startSession();
      const c = await rig.command(session.token, 'queue.take', { category: 'A' });
      expect(c.code, JSON.stringify(c)).toBe('success');
      taken.push(c.result!.ticket);
      // Asked again at the same kiosk: the waiting ticket of this hall, not a new one.
      const again = await rig.command(session.token, 'queue.take', { category: 'A' });
      expect(again.result!.ticket).toMatchObject({ number: c.result!.ticket.number, reused: true });
    }
    expect(taken.map((t) => [t.number, t.reused ?? false])).toEqual([['A001', false], ['A001', false]]);
    for (const rig of rigs) {
      expect((await rig.bridge.hall.store!.listTickets(rig.bridge.hall.clock.today())).map((t) => t.number)).toEqual(['A001']);
    }
  });
});
