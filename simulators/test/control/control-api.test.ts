import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as ioClient, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatorHub, startControlServer, type ControlServer, type SimInfo } from '../../src/index.ts';
import { EchoDevice, until } from '../link/echo-device.ts';
import { FakePrinter } from './fake-printer.ts';

const dir = mkdtempSync(join(tmpdir(), 'onedoor-control-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let hub: SimulatorHub;
let server: ControlServer;
let reader: EchoDevice;
let printer: FakePrinter;
const sockets: Socket[] = [];

beforeEach(async () => {
  hub = new SimulatorHub({ dir, link: 'tcp', portBase: 0 });
  reader = new EchoDevice('idreader', 'idreader');
  printer = new FakePrinter();
  await hub.add(reader);
  await hub.add(printer, { baud: 9600 });
  server = await startControlServer(hub);
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await server.close();
  await hub.close();
});

async function api(method: string, path: string, body?: unknown, raw?: string) {
  const res = await fetch(server.url + path, {
    method,
    headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await res.json() : type.includes('image') ? new Uint8Array(await res.arrayBuffer()) : await res.text();
  return { status: res.status, type, data: data as any };
}

describe('control API over HTTP', () => {
  it('GET /api/sims lists ids, kinds, links, actions (device + link) and snapshots', async () => {
    const { status, data } = await api('GET', '/api/sims');
    expect(status).toBe(200);
    const sims = data.sims as SimInfo[];
    expect(sims.map((s) => [s.id, s.kind])).toEqual([
      ['idreader', 'idreader'],
      ['printer', 'printer'],
    ]);
    expect(sims[1].link).toMatchObject({ kind: 'tcp', baud: 9600, up: true, hostConnected: false });
    expect(sims[1].link.port).toBeGreaterThan(0);
    expect(sims[0].snapshot).toEqual({ mood: 'calm', received: 0, attached: false });
    expect(sims[0].actions.map((a) => a.name)).toEqual(['say', 'mood', 'vanish', 'restore']);
  });

  it('GET /api/sims/:id gives one simulator (by id or kind); unknown is a 404 with a message', async () => {
    expect((await api('GET', '/api/sims/printer')).data.id).toBe('printer');
    const bad = await api('GET', '/api/sims/toaster');
    expect(bad.status).toBe(404);
    expect(bad.data.error).toMatch(/no simulator "toaster"; running: idreader, printer/);
    const nowhere = await api('GET', '/api/nothing-here');
    expect(nowhere.status).toBe(404);
    expect(nowhere.data.error).toMatch(/no such endpoint/);
  });

  it('POST an action runs it and returns its result', async () => {
    const r = await api('POST', '/api/sims/idreader/actions/mood', { mood: 'grumpy' });
    expect(r).toMatchObject({ status: 200, data: { ok: true, result: { mood: 'grumpy' } } });
    expect(reader.mood).toBe('grumpy');
  });

  it('a bad action, a bad argument, a non-object body or broken JSON is a 400 with a message', async () => {
    const unknown = await api('POST', '/api/sims/idreader/actions/explode', {});
    expect(unknown.status).toBe(400);
    expect(unknown.data.error).toMatch(/idreader has no action "explode"; its actions: say, mood, vanish, restore/);
    const badArg = await api('POST', '/api/sims/idreader/actions/mood', { mood: 'sleepy' });
    expect(badArg.status).toBe(400);
    expect(badArg.data.error).toMatch(/idreader\.mood: mood must be calm or grumpy, got sleepy/);
    const arr = await api('POST', '/api/sims/idreader/actions/mood', ['grumpy']);
    expect(arr.status).toBe(400);
    expect(arr.data.error).toMatch(/must be a JSON object/);
    const broken = await api('POST', '/api/sims/idreader/actions/mood', undefined, '{"mood": ');
    expect(broken.status).toBe(400);
    expect(typeof broken.data.error).toBe('string');
    const badMs = await api('POST', '/api/sims/idreader/actions/vanish', { ms: 'soon' });
    expect(badMs.status).toBe(400);
    expect(badMs.data.error).toMatch(/ms must be a number/);
    expect(reader.mood).toBe('calm');
  });

  it('link actions vanish and restore work through the API', async () => {
    const gone = await api('POST', '/api/sims/printer/actions/vanish', {});
    expect(gone.data.result).toMatchObject({ up: false });
    expect(hub.info('printer').link.up).toBe(false);
    const back = await api('POST', '/api/sims/printer/actions/restore', {});
    expect(back.data.result).toMatchObject({ up: true });
    await api('POST', '/api/sims/printer/actions/vanish', { ms: 30 });
    await until(() => hub.info('printer').link.up, 'timed restore');
  });

  it('serves the printer history: list, .txt and .png; unknown seq is a 404', async () => {
    await api('POST', '/api/sims/printer/actions/cut', { text: '\nA017\n请稍候' });
    await api('POST', '/api/sims/printer/actions/cut', { text: 'B002' });
    const list = await api('GET', '/api/sims/printer/tickets');
    expect(list.data).toEqual({ id: 'printer', tickets: [{ seq: 1, title: 'A017' }, { seq: 2, title: 'B002' }] });
    const txt = await api('GET', '/api/sims/printer/tickets/1.txt');
    expect(txt.type).toMatch(/text\/plain/);
    expect(txt.data).toBe('\nA017\n请稍候');
    const png = await api('GET', '/api/sims/printer/tickets/2.png');
    expect(png.type).toBe('image/png');
    expect([...png.data.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect((await api('GET', '/api/sims/printer/tickets/9.png')).status).toBe(404);
    const noTickets = await api('GET', '/api/sims/idreader/tickets');
    expect(noTickets.status).toBe(404);
    expect(noTickets.data.error).toMatch(/idreader keeps no tickets/);
  });
});

describe('control API over socket.io /sim', () => {
  function connect(): Socket {
    const s = ioClient(`${server.url}/sim`, { transports: ['websocket'], forceNew: true });
    sockets.push(s);
    return s;
  }

  it('sends a state per simulator on connect, then state and log events as things change', async () => {
    const s = connect();
    const states: any[] = [];
    const logs: any[] = [];
    s.on('state', (st) => states.push(st));
    s.on('log', (l) => logs.push(l));
    await until(() => states.length >= 2, 'initial states');
    expect(states.slice(0, 2).map((x) => x.id)).toEqual(['idreader', 'printer']);
    await hub.act('idreader', 'mood', { mood: 'grumpy' });
    await until(() => states.some((x) => x.id === 'idreader' && x.snapshot.mood === 'grumpy'), 'state push');
    await hub.act('printer', 'vanish', {});
    await until(() => logs.some((l) => l.id === 'printer' && l.dir === 'link' && /vanished/.test(l.note)), 'log push');
  });

  it("'act' performs an action and acks the result or the error", async () => {
    const s = connect();
    await new Promise<void>((r) => s.once('connect', () => r()));
    const ok = await s.emitWithAck('act', { id: 'printer', name: 'cut', args: { text: 'C001' } });
    expect(ok).toEqual({ ok: true, result: { seq: 1 } });
    const bad = await s.emitWithAck('act', { id: 'printer', name: 'cut', args: {} });
    expect(bad).toEqual({ ok: false, error: 'printer.cut: cut needs a text string' });
    const malformed = await s.emitWithAck('act', 'cut please');
    expect(malformed).toMatchObject({ ok: false, error: expect.stringMatching(/needs \{id, name, args\?\}/) });
  });
});

describe('hub', () => {
  it('clips long frames in the log so card text and photos never reach it', async () => {
    const logs: any[] = [];
    hub.on('log', (l) => logs.push(l));
    reader.emit('log', { dir: 'tx', hex: 'aa'.repeat(1295), note: 'read reply' });
    expect(logs[0].hex).toBe('aa'.repeat(16) + '… (1295 bytes)');
    reader.emit('log', { dir: 'tx', hex: 'aa aa aa 96 69', note: 'short' });
    expect(logs[1].hex).toBe('aaaaaa9669');
  });

  it('starts simulators by kind through factories and refuses unknown kinds and duplicate ids', async () => {
    const h = new SimulatorHub({
      dir,
      link: 'tcp',
      portBase: 0,
      factories: { counterbus: () => new EchoDevice('counterbus', 'counterbus') },
    });
    try {
      const [info] = await h.start('counterbus');
      expect(info).toMatchObject({ id: 'counterbus', kind: 'counterbus', link: { baud: 9600, kind: 'tcp' } });
      await expect(h.start('toaster' as never)).rejects.toThrow(/unknown simulator "toaster"; choose all, idreader, printer, counterbus/);
      await expect(h.start('counterbus')).rejects.toThrow(/already running/);
    } finally {
      await h.close();
    }
  });

  it('puts simulators on PTYs in the configured directory by default', async () => {
    const h = new SimulatorHub({ dir, factories: { idreader: () => new EchoDevice('idreader', 'idreader') } });
    try {
      const [info] = await h.start('idreader');
      expect(info.link).toMatchObject({ kind: 'pty', path: join(dir, 'idreader'), baud: 115200 });
    } finally {
      await h.close();
    }
  });
});
