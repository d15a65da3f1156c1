// Many linked kiosks at once (README "Many instances": a storm of kiosks reconnecting at once must not stall the
// hall): the hall admits new links in slices of event-loop turns, evaluates only the kiosks that changed and sends a
// long alert list a few times a second. None of that may lose a kiosk: every link opened at once is registered, a
// kiosk whose connection dropped and came straight back is not taken for a second connection with its token, the
// dashboard's last word lists every kiosk linked and no heartbeat alert of theirs, and with two instances each kiosk is
// linked and claimed on exactly one. Real bridges, real sockets (and the real PostgreSQL and Redis for two instances).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createClient } from 'redis';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { BRIDGE_NAMESPACES, KIOSK_LINK_NAMESPACE, type HallAlert, type HallDashboard } from '@onedoor/protocol';
import { startBridge, type BridgeHandle } from '../../src/main.ts';
import { AlertBoard, type KioskReport } from '../../src/hall/alerts.ts';
import { untilWith } from '../../../test/support/until.ts';
import { openInstanceRig, REDIS_URL, type InstanceRig } from '../instances/instanceRig.ts';

const until = untilWith({ limitMs: 60_000, stepMs: 20 });
const HALL_TOKEN = 'hall-token-for-the-storm-test';

const kiosks = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `storm-${i + 1}`, token: `storm-kiosk-token-${String(i + 1).padStart(4, '0')}` }));

const sockets: Socket[] = [];
const dirs: string[] = [];
const bridges: BridgeHandle[] = [];
let rig: InstanceRig | null = null;

afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  for (const b of bridges.splice(0)) await b.close();
  await rig?.close();
  rig = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}, 60_000);

/** A kiosk link as a kiosk bridge keeps one: hello on every connect, reconnects by itself. */
function link(url: string, token: string): Socket {
  const s = connect(`${url}${KIOSK_LINK_NAMESPACE}`, {
    auth: { token }, transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200, randomizationFactor: 0,
  });
  s.on('connect', () => s.emit('kioskHello', { devices: [], startedAt: Date.now() }, () => undefined));
  // A refusal is not retried by socket.io; a kiosk bridge retries (hallLinkClient.ts). Counted by the hall anyway.
  s.on('connect_error', () => !s.active && setTimeout(() => s.connect(), 100));
  sockets.push(s);
  return s;
}

/** Every link's connection dropped at once from the kiosks' side (a network blip); each reconnects by itself. */
function blip(links: Socket[]): void {
  for (const s of links) s.io.engine.close();
}

/**
 * Registered (linked here, hello answered) since `at`, on any of the bridges: by each bridge's own links, since with
 * several instances every registry also lists the kiosks linked to the others (instances/kioskReportSync.ts).
 */
function registeredSince(halls: BridgeHandle[], at: number): Map<string, number> {
  const on = new Map<string, number>();
  for (const h of halls) {
    const here = new Set(h.kioskLink!.connectedKiosks());
    for (const k of h.kioskLink!.registry.list()) {
      if (here.has(k.kioskId) && k.connected && (k.registeredAt ?? 0) >= at) on.set(k.kioskId, (on.get(k.kioskId) ?? 0) + 1);
    }
  }
  return on;
}

describe('a storm of kiosk links', () => {
  it('300 links opened at once are all registered and the dashboard ends with all of them and none of their heartbeat alerts; a blip of all of them is no duplicate', async () => {
    const configured = kiosks(300);
    const dir = mkdtempSync(join(tmpdir(), 'od-storm-'));
    dirs.push(dir);
    const hall = await startBridge({
      http: { host: '127.0.0.1', port: 0 }, dataDir: dir, kiosks: configured, tokens: { hall: HALL_TOKEN },
    }, { log: pino({ level: 'silent' }) });
    bridges.push(hall);
    // Never heard from: one heartbeat alert per configured kiosk.
    hall.dashboard!.tick();
    expect(hall.dashboard!.alerts().filter((a) => a.kind === 'heartbeatLost')).toHaveLength(300);

    const dashboard = connect(`${hall.url}${BRIDGE_NAMESPACES.hall}`, { auth: { token: HALL_TOKEN }, transports: ['websocket'] });
    sockets.push(dashboard);
    const alertLists: HallAlert[][] = [];
    const views: HallDashboard[] = [];
    dashboard.on('hallAlerts', (e: { alerts: HallAlert[] }) => alertLists.push(e.alerts));
    dashboard.on('hallDashboard', (v: HallDashboard) => views.push(v));
    await until(() => views.length > 0, 'the dashboard view');

    const t0 = Date.now();
    const links = configured.map((k) => link(hall.url, k.token));
    await until(() => registeredSince([hall], t0).size === 300, () => `all 300 registered (${registeredSince([hall], t0).size})`);

    // The alert list went out fewer times than kiosks linked, or as often; what counts is its last word: none of
    // theirs is left (each hello cleared its kiosk's heartbeat alert, evaluated for that kiosk only).
    const ours = (alerts: HallAlert[]) => alerts.filter((a) => a.kioskId.startsWith('storm-'));
    await until(() => alertLists.length > 0 && ours(alertLists.at(-1)!).length === 0, () => `the last hallAlerts without the kiosks' alerts (${ours(alertLists.at(-1) ?? []).length} left)`);
    expect(ours(hall.dashboard!.alerts())).toEqual([]);
    // The next full evaluation (the clock tick) agrees with the kiosk-by-kiosk one.
    hall.dashboard!.tick();
    expect(ours(hall.dashboard!.alerts())).toEqual([]);
    // The view the dashboard receives lists every kiosk, linked.
    const linked = (v: HallDashboard) => v.kiosks.filter((k) => k.kioskId.startsWith('storm-') && k.linked).length;
    await until(() => views.length > 0 && linked(views.at(-1)!) === 300, () => `a view with all 300 linked (${linked(views.at(-1)!)})`);

    // A blip: every connection drops at once and comes straight back. The hall sees each old link close only after
    // that kiosk answers the closing handshake, often after its new connection arrived: still no duplicate.
    const t1 = Date.now() + 1;
    await new Promise((r) => setTimeout(r, 2));
    blip(links);
    await until(() => registeredSince([hall], t1).size === 300, () => `all 300 registered again (${registeredSince([hall], t1).size})`);
    const entries = hall.kioskLink!.registry.list();
    expect(entries.filter((k) => k.refusals.duplicateLinks > 0).map((k) => k.kioskId)).toEqual([]);
    hall.dashboard!.tick();
    expect(hall.dashboard!.alerts().filter((a) => a.kind === 'duplicateKioskLink')).toEqual([]);
    expect(hall.kioskLink!.connectedKiosks().sort()).toEqual(configured.map((k) => k.id).sort());
    expect(links.every((s) => s.connected)).toBe(true);
  }, 120_000);

  it('a kiosk\'s new connection that arrives while its previous link is still up waits for that link to close, and is then admitted, not counted as a duplicate', async () => {
    const [kiosk] = kiosks(1);
    const dir = mkdtempSync(join(tmpdir(), 'od-storm-'));
    dirs.push(dir);
    const hall = await startBridge({ http: { host: '127.0.0.1', port: 0 }, dataDir: dir, kiosks: [kiosk] }, { log: pino({ level: 'silent' }) });
    bridges.push(hall);
    const once = (token: string) => {
      const s = connect(`${hall.url}${KIOSK_LINK_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
      sockets.push(s);
      return s;
    };
    const before = once(kiosk.token);
    await new Promise<void>((ok, fail) => {
      before.once('connect', () => ok());
      before.once('connect_error', fail);
    });
    await before.timeout(10_000).emitWithAck('kioskHello', { devices: [], startedAt: Date.now() });
    // The kiosk's next connection, while the hall still holds the previous one (as after a blip, before the hall has
    // seen the old one close); the old one closes a moment later.
    const next = once(kiosk.token);
    const admitted = new Promise<string>((ok) => {
      next.once('connect', () => ok('connected'));
      next.once('connect_error', (e) => ok(e.message));
    });
    setTimeout(() => before.disconnect(), 200);
    expect(await admitted).toBe('connected');
    await next.timeout(10_000).emitWithAck('kioskHello', { devices: [], startedAt: Date.now() });
    expect(hall.kioskLink!.registry.get(kiosk.id)).toMatchObject({ connected: true, refusals: { duplicateLinks: 0 } });
    expect(hall.kioskLink!.connectedKiosks()).toEqual([kiosk.id]);
  }, 60_000);

  it('two instances: 200 links opened at once, then a blip of all of them; each kiosk linked and claimed on exactly one instance', async () => {
    const r = await openInstanceRig();
    rig = r;
    const configured = kiosks(200);
    const start = async () => {
      const dir = r.tempDir();
      const b = await startBridge({ ...r.config(dir), kiosks: configured }, { log: pino({ level: 'silent' }) });
      r.instances.push(b);
      return b;
    };
    const halls = [await start(), await start()];
    const t0 = Date.now();
    const links = configured.map((k, i) => link(halls[i % 2].url, k.token));
    await until(() => registeredSince(halls, t0).size === 200, () => `all 200 registered (${registeredSince(halls, t0).size})`);

    const t1 = Date.now() + 1;
    await new Promise((r) => setTimeout(r, 2));
    blip(links);
    await until(() => registeredSince(halls, t1).size === 200, () => `all 200 registered again (${registeredSince(halls, t1).size})`);
    // Once each: linked on one instance only, and that instance holds its claim.
    expect([...registeredSince(halls, t1).values()].every((times) => times === 1)).toBe(true);
    const perInstance = halls.map((h) => h.kioskLink!.connectedKiosks().length).sort();
    expect(perInstance).toEqual([100, 100]);
    expect(halls.flatMap((h) => h.kioskLink!.registry.list()).filter((k) => k.refusals.duplicateLinks > 0)).toEqual([]);
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    try {
      const holders = await redis.mGet(configured.map((k) => `${r.keyPrefix}:kiosk-link:${k.id}`));
      expect(holders.every((h) => typeof h === 'string')).toBe(true);
      const counts = new Map<string, number>();
      for (const h of holders) counts.set(h!, (counts.get(h!) ?? 0) + 1);
      expect([...counts.values()].sort()).toEqual(perInstance);
    } finally {
      await redis.quit();
    }
  }, 120_000);
});

describe('AlertBoard: kiosk by kiosk', () => {
  const report = (kioskId: string, lastHeartbeat: number | null, paper?: 'out' | 'low'): KioskReport => ({
    kioskId, name: kioskId, local: false, lastHeartbeat, linked: lastHeartbeat !== null,
    devices: paper ? [{ id: 'printer', kind: 'printer', state: 'userError', paper, detail: '', counters: {}, lastError: null, since: 0 }] : [],
  });

  it('updating only the kiosks that changed leaves the same alerts, raised at the same times, as evaluating every kiosk', () => {
    let now = 1_000_000;
    const partial = new AlertBoard(() => now);
    const full = new AlertBoard(() => now);
    const hall = new Map<string, KioskReport>(Array.from({ length: 50 }, (_, i) => [`k${i}`, report(`k${i}`, null)]));
    partial.update([...hall.values()]);
    full.update([...hall.values()]);
    // Changes arrive a few kiosks at a time: hellos, paper running out and refilled, a kiosk going silent again.
    for (let step = 0; step < 40; step++) {
      now += 100;
      const changed = [`k${step % 50}`, `k${(step * 7) % 50}`, `k${(step * 13 + 5) % 50}`];
      for (const [j, id] of changed.entries()) {
        const paper = (step + j) % 3 === 0 ? 'out' : (step + j) % 3 === 1 ? 'low' : undefined;
        hall.set(id, report(id, step % 5 === 4 && j === 0 ? now - 60_000 : now, paper));
      }
      partial.updateKiosks(changed.map((id) => hall.get(id)!));
      full.update([...hall.values()]);
      expect(partial.list()).toEqual(full.list());
    }
    expect(partial.size).toBeGreaterThan(0);
  });
});
