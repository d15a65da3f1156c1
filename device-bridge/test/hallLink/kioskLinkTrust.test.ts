/**
 * What a kiosk token does not give (real hall bridge, real SQLite, real socket.io clients as kiosks): a name on the
 * dashboard (the hall's config names kiosks), a second live link (refused while the first is alive, with a dashboard
 * alert and a warn line; a silent link is replaced, with a warn line), and unlimited tickets (refusals counted on the
 * kiosk's dashboard entry).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { KIOSK_LINK_NAMESPACE, type KioskLinkAnswer, type KioskLinkError } from '@onedoor/protocol';
import { createLogger, startBridge, type BridgeHandle } from '../../src/index.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { kioskHelloRefusalSchema, kioskLinkAnswerSchema, kioskLinkErrorSchema } from '../../src/hallLink/linkSchemas.ts';
import { libraryHolder, seedBasics } from '../hall/fixture.ts';
import { until } from '../kiosk/kioskRig.ts';

const TOKEN_A = `trust-kiosk-a-token-${process.pid}`;
const TOKEN_B = `trust-kiosk-b-token-${process.pid}`;
let dir: string;
let hall: BridgeHandle;
const lines: Array<{ level: number; msg: string; kioskId?: string }> = [];
const open: Socket[] = [];

function link(token: string): Socket {
  const s = connect(`${hall.url}${KIOSK_LINK_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
  open.push(s);
  return s;
}
const connected = (s: Socket) => new Promise<void>((ok, fail) => {
  s.once('connect', () => ok());
  s.once('connect_error', fail);
});
const refused = (s: Socket) => new Promise<Error>((ok, fail) => {
  s.once('connect', () => fail(new Error('connected, expected a refusal')));
  s.once('connect_error', ok);
});
const hello = (s: Socket, name?: string) => s.timeout(10_000).emitWithAck('kioskHello', { ...(name && { name }), devices: [], startedAt: Date.now() });
let seq = 0;
const request = (s: Socket, op: string, citizen: unknown, args: unknown[]) =>
  s.timeout(10_000).emitWithAck('hallRequest', { requestId: `trust-${++seq}`, op, ...(citizen ? { citizen } : {}), args }) as Promise<KioskLinkAnswer>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'od-linktrust-'));
  const log = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(JSON.parse(l)) } });
  hall = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 }, dataDir: dir,
      kiosks: [{ id: 'kiosk-a', token: TOKEN_A, name: '一号机（大厅配置）' }, { id: 'kiosk-b', token: TOKEN_B }],
      kioskLink: { liveLinkMs: 1000, ticketsPerMinute: 1, ticketBurst: 2 },
    },
    { log, hall: { demo: (store) => seedBasics(store) } },
  );
}, 120_000);

afterAll(async () => {
  for (const s of open) s.disconnect();
  await hall?.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('what a kiosk token does not give', () => {
  it('a kiosk cannot rename itself: the dashboard shows the name from the hall config', async () => {
    const b = link(TOKEN_B);
    await connected(b);
    expect(await hello(b, '假冒的柜台')).toMatchObject({ kioskId: 'kiosk-b' });
    expect(hall.kioskLink!.registry.get('kiosk-b')!.name).toBe('kiosk-b');
    const snapshot = await hall.dashboard!.snapshot();
    expect(snapshot.kiosks.find((k) => k.kioskId === 'kiosk-b')!.name).toBe('kiosk-b');
    expect(JSON.stringify(snapshot)).not.toContain('假冒');
    b.disconnect();
    await until('kiosk-b down', () => !hall.kioskLink!.registry.get('kiosk-b')!.connected, 10_000);
  }, 60_000);

  it('a second connection with a live kiosk\'s token is refused, raises a dashboard alert and a warn line; the live link stays', async () => {
    const first = link(TOKEN_A);
    await connected(first);
    expect(await hello(first, 'ignored')).toMatchObject({ kioskId: 'kiosk-a' });
    expect(hall.kioskLink!.registry.get('kiosk-a')!.name).toBe('一号机（大厅配置）');
    const beat = setInterval(() => first.emit('kioskHeartbeat', { at: Date.now() }), 200);
    let firstDropped = false;
    first.on('disconnect', () => { firstDropped = true; });
    try {
      const err = await refused(link(TOKEN_A));
      expect(err.message).toMatch(/already linked/);
      expect(first.connected).toBe(true);
      expect(await request(first, 'queue.categories', null, [])).toMatchObject({ ok: true });
      expect(firstDropped).toBe(false);

      const entry = hall.kioskLink!.registry.get('kiosk-a')!;
      expect(entry.refusals.duplicateLinks).toBe(1);
      hall.dashboard!.tick();
      const alert = hall.dashboard!.alerts().find((a) => a.kind === 'duplicateKioskLink');
      expect(alert).toMatchObject({ kioskId: 'kiosk-a', severity: 'critical' });
      expect(alert!.message).toContain('一号机（大厅配置）');
      const snapshot = await hall.dashboard!.snapshot();
      expect(snapshot.kiosks.find((k) => k.kioskId === 'kiosk-a')!.refusals).toMatchObject({ duplicateLinks: 1 });
      const warn = lines.find((l) => l.level === 40 && /already linked/.test(l.msg));
      expect(warn).toMatchObject({ kioskId: 'kiosk-a' });
    } finally {
      clearInterval(beat);
    }

    // Silent for longer than liveLinkMs (no heartbeat, nothing): a new connection replaces it, and says so.
    await new Promise((r) => setTimeout(r, 1300));
    const next = link(TOKEN_A);
    await connected(next);
    await until('the silent link is dropped', () => firstDropped, 10_000);
    expect(lines.some((l) => l.level === 40 && /replaced/.test(l.msg))).toBe(true);
    expect(await hello(next)).toMatchObject({ kioskId: 'kiosk-a' });
    expect(await request(next, 'queue.categories', null, [])).toMatchObject({ ok: true });
    expect(hall.kioskLink!.registry.get('kiosk-a')!.refusals.duplicateLinks).toBe(1);
    next.disconnect();
    await until('kiosk-a down', () => !hall.kioskLink!.registry.get('kiosk-a')!.connected, 10_000);
  }, 60_000);

  it('tickets over the kiosk\'s rate limit are refused with a reason and counted on its dashboard entry', async () => {
    const b = link(TOKEN_B);
    await connected(b);
    await hello(b);
    const people = ['zhang-sanfeng', 'wei-xiulan', 'ouyang-zhiqiang'].map((k) => citizenFromHolder(libraryHolder(k)));
    expect(await request(b, 'queue.take', people[0], ['A'])).toMatchObject({ ok: true });
    expect(await request(b, 'queue.take', people[1], ['A'])).toMatchObject({ ok: true });
    const third = await request(b, 'queue.take', people[2], ['A']);
    expect(third).toMatchObject({ ok: false, failure: { kind: 'rule', code: 'rateLimited' } });
    // A made-up citizen is refused and counted as invalid (the lookup bucket still had room).
    const made = await request(b, 'certificates.list', { number: '000000000000000', name: '某人', birthDate: '1940-01-01', validUntil: '长期' }, []);
    expect(made).toMatchObject({ ok: false, failure: { kind: 'rule', code: 'cardRefused' } });
    const kiosk = (await hall.dashboard!.snapshot()).kiosks.find((k) => k.kioskId === 'kiosk-b')!;
    expect(kiosk.refusals).toEqual({ tickets: 1, lookups: 0, invalid: 1, duplicateLinks: 0 });
    expect((await hall.hall.store!.listTickets(hall.hall.clock.today())).length).toBe(2);
  }, 60_000);

  it('a message the socket boundary refuses is answered in the link\'s own shapes and counted as invalid on the kiosk\'s entry', async () => {
    // The boundary (api/socketBoundary.ts) parses link messages with the link's schemas and hands the refusal to the
    // kiosk link, so the kiosk's HallLinkClient can read it and the dashboard counts it like any refused message.
    const a = link(TOKEN_A);
    const errors: KioskLinkError[] = [];
    a.on('linkError', (e: KioskLinkError) => errors.push(e));
    await connected(a);
    expect(await hello(a)).toMatchObject({ kioskId: 'kiosk-a' });
    const before = hall.kioskLink!.registry.get('kiosk-a')!.refusals.invalid;

    const badHello = await a.timeout(10_000).emitWithAck('kioskHello', { devices: [null], startedAt: 1 });
    expect(kioskHelloRefusalSchema.safeParse(badHello).success, JSON.stringify(badHello)).toBe(true);
    expect((badHello as { error: string }).error).toMatch(/^kioskHello: devices\.0/);

    a.emit('kioskDeviceStatus', { id: 'p', kind: 'printer', state: 'exploded', detail: '', counters: {}, lastError: null, since: 1 });
    await until('linkError for the status', () => errors.length === 1, 10_000);
    expect(kioskLinkErrorSchema.parse(errors[0]).event).toBe('kioskDeviceStatus');

    const person = citizenFromHolder(libraryHolder('zhang-sanfeng'));
    const extra = await a.timeout(10_000).emitWithAck('hallRequest', { requestId: 'trust-extra', op: 'certificates.list', citizen: { ...person, priority: 'elderly' }, args: [] });
    expect(kioskLinkAnswerSchema.safeParse(extra).success, JSON.stringify(extra)).toBe(true);
    expect(extra).toMatchObject({ requestId: 'trust-extra', ok: false, failure: { kind: 'invalid' } });

    a.emit('hallRequest', { requestId: 'trust-no-ack', op: 'queue.categories', args: [] });
    await until('linkError for the request without ack', () => errors.length === 2, 10_000);
    expect(errors[1].event).toBe('hallRequest');

    expect(hall.kioskLink!.registry.get('kiosk-a')!.refusals.invalid).toBe(before + 4);
    expect(lines.some((l) => l.level === 40 && l.kioskId === 'kiosk-a' && l.msg === 'kiosk link message refused')).toBe(true);
    // The citizen the contract describes (validUntil included) still reaches the hall whole.
    expect(await request(a, 'certificates.list', person, [])).toMatchObject({ ok: true });
    a.disconnect();
  }, 60_000);
});
