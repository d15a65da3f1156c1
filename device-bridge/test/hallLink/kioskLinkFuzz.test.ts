/**
 * A rogue kiosk (it holds a real kiosk token) sends malformed messages on every `/kiosklink` event to a hall bridge
 * running in its own process (`device-bridge --config`, as in production), real SQLite: wrong types, nulls, 200 KB
 * strings, deep nesting, `__proto__`, a missing acknowledgement, bad arguments of every hall op. After each message
 * the hall process must still be running, answer `GET /api/health`, and serve a well-behaved kiosk; and the rogue
 * must get an error for what it sent (its ack, or `linkError`), never silence.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { KIOSK_LINK_NAMESPACE, KIOSK_LINK_OPS, type KioskLinkError } from '@onedoor/protocol';
import { until } from '../kiosk/kioskRig.ts';

const BIN = resolve(import.meta.dirname, '../../bin/device-bridge.js');
const ROGUE = `rogue-kiosk-token-${process.pid}-xxxx`;
const GOOD = `good-kiosk-token-${process.pid}-xxxxx`;
const BIG = 'x'.repeat(200 * 1024);
const CITIZEN = { number: '440106199003071231', name: '张三丰', birthDate: '1990-03-07', validUntil: '2035-06-11' };

let dir: string;
let proc: ChildProcess;
let url: string;
let rogue: Socket;
let good: Socket;
const linkErrors: KioskLinkError[] = [];
let stdout = '';
let seq = 0;

function open(token: string): Promise<Socket> {
  const s = connect(`${url}${KIOSK_LINK_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
  return new Promise((ok, fail) => {
    s.once('connect', () => ok(s));
    s.once('connect_error', fail);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'od-linkfuzz-'));
  const config = join(dir, 'hall.json');
  writeFileSync(config, JSON.stringify({
    http: { host: '127.0.0.1', port: 0 },
    dataDir: join(dir, 'data'),
    kiosks: [{ id: 'rogue', token: ROGUE }, { id: 'good', token: GOOD }],
    options: { logLevel: 'warn' },
  }));
  proc = spawn(process.execPath, [BIN, '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (b: Buffer) => { stdout += b.toString(); });
  proc.stderr!.on('data', (b: Buffer) => { stdout += b.toString(); });
  url = await until('hall bridge listening', () => /device-bridge listening on (\S+)/.exec(stdout)?.[1], 90_000);
  good = await open(GOOD);
  const welcome = await good.timeout(10_000).emitWithAck('kioskHello', { devices: [], startedAt: Date.now() });
  expect(welcome).toMatchObject({ kioskId: 'good' });
  rogue = await open(ROGUE);
  rogue.on('linkError', (e: KioskLinkError) => linkErrors.push(e));
}, 120_000);

afterAll(async () => {
  rogue?.disconnect();
  good?.disconnect();
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (proc.exitCode === null) proc.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

/** The hall process is up, answers /api/health, and answers a well-behaved kiosk's request. */
async function hallStillServes(after: string): Promise<void> {
  expect(proc.exitCode, `hall process ended after ${after}\n${stdout.slice(-2000)}`).toBeNull();
  const res = await fetch(`${url}/api/health`);
  expect(res.status, `GET /api/health after ${after}`).toBeLessThan(600);
  expect(await res.json()).toHaveProperty('ok');
  const answer = await good.timeout(10_000).emitWithAck('hallRequest', { requestId: `good-${++seq}`, op: 'queue.categories', args: [] });
  expect(answer, `good kiosk after ${after}`).toMatchObject({ ok: true });
  expect(good.connected).toBe(true);
}

/** Sends one socket.io event packet as raw text (what no well-behaved client would encode). */
function raw(event: string, json: string, ackId?: number): void {
  (rogue.io.engine as unknown as { write(data: string): void }).write(`2${KIOSK_LINK_NAMESPACE},${ackId ?? ''}["${event}",${json}]`);
}

const BAD_VALUES: Array<[string, unknown]> = [
  ['null', null], ['a number', 42], ['a string', 'hello'], ['true', true], ['an empty list', []], ['an empty object', {}],
  ['[null]', [null]], ['a 200 KB string', BIG], ['NaN-like', { at: 'NaN' }],
];

const helloCases: Array<[string, unknown]> = [
  ...BAD_VALUES,
  ['devices: [null]', { devices: [null], startedAt: 1 }],
  ['devices: 42', { devices: 42, startedAt: 1 }],
  ['a device without an id', { devices: [{ kind: 'printer', state: 'online' }], startedAt: 1 }],
  ['a device with a 200 KB id', { devices: [{ id: BIG, kind: 'printer', state: 'online', detail: '', counters: {}, lastError: null, since: 1 }], startedAt: 1 }],
  ['a device with a 200 KB detail', { devices: [{ id: 'p', kind: 'printer', state: 'online', detail: BIG, counters: {}, lastError: null, since: 1 }], startedAt: 1 }],
  ['terminals: 42', { devices: [{ id: 'p', kind: 'counterbus', state: 'online', detail: '', counters: {}, lastError: null, since: 1, terminals: 42 }], startedAt: 1 }],
  ['counters: null', { devices: [{ id: 'p', kind: 'printer', state: 'online', detail: '', counters: null, lastError: null, since: 1 }], startedAt: 1 }],
  ['10,000 devices', { devices: Array.from({ length: 10_000 }, (_, i) => ({ id: `d${i}` })), startedAt: 1 }],
  ['a 200 KB name', { name: BIG, devices: [], startedAt: 1 }],
];

const statusCases: Array<[string, unknown]> = [
  ...BAD_VALUES,
  ['a list where a status is expected', [{ id: 'p' }]],
  ['an id that is a number', { id: 7, kind: 'printer', state: 'online', detail: '', counters: {}, lastError: null, since: 1 }],
  ['an unknown state', { id: 'p', kind: 'printer', state: 'exploded', detail: '', counters: {}, lastError: null, since: 1 }],
  ['terminals: [null]', { id: 'p', kind: 'counterbus', state: 'online', detail: '', counters: {}, lastError: null, since: 1, terminals: [null] }],
  ['lastError: 42', { id: 'p', kind: 'printer', state: 'online', detail: '', counters: {}, lastError: 42, since: 1 }],
];

const requestCases: Array<[string, unknown]> = [
  ...BAD_VALUES,
  ['a 200 KB requestId', { requestId: BIG, op: 'queue.categories', args: [] }],
  ['a 200 KB op', { requestId: 'r', op: BIG, args: [] }],
  ['args: null', { requestId: 'r', op: 'queue.categories', args: null }],
  ['args: a number', { requestId: 'r', op: 'queue.categories', args: 42 }],
  ['citizen: null', { requestId: 'r', op: 'certificates.list', citizen: null, args: [] }],
  ['citizen fields of wrong types', { requestId: 'r', op: 'certificates.list', citizen: { number: 440106199003071231, name: null, birthDate: [], validUntil: {} }, args: [] }],
  ['a citizen with a 200 KB name', { requestId: 'r', op: 'certificates.list', citizen: { ...CITIZEN, name: BIG }, args: [] }],
  ['a claimed priority', { requestId: 'r', op: 'queue.take', citizen: CITIZEN, args: ['A'], priority: 'elderly' }],
  // Every op with arguments of the wrong kind, a null, a huge string and too many.
  ...KIOSK_LINK_OPS.flatMap((op): Array<[string, unknown]> => [
    [`${op} with [null]`, { requestId: `${op}-1`, op, citizen: CITIZEN, args: [null] }],
    [`${op} with [{}]`, { requestId: `${op}-2`, op, citizen: CITIZEN, args: [{}] }],
    [`${op} with a 200 KB string`, { requestId: `${op}-3`, op, citizen: CITIZEN, args: [BIG] }],
    [`${op} with [-1, -1]`, { requestId: `${op}-4`, op, citizen: CITIZEN, args: [-1, -1] }],
    [`${op} with nine args`, { requestId: `${op}-5`, op, citizen: CITIZEN, args: [1, 2, 3, 4, 5, 6, 7, 8, 9] }],
  ]),
];

describe('the hall survives a rogue kiosk on every /kiosklink event', () => {
  it('the two messages seen stopping a hall: kioskHello with devices [null], and a status with a number for its list of terminals', async () => {
    rogue.emit('kioskHello', { devices: [null], startedAt: 1 }, () => undefined);
    await hallStillServes('kioskHello devices: [null]');
    rogue.emit('kioskHello', { devices: [], startedAt: 1 }, () => undefined);
    rogue.emit('kioskDeviceStatus', { id: 'bus', kind: 'counterbus', state: 'online', detail: '', counters: {}, lastError: null, since: 1, terminals: 42 });
    await hallStillServes('kioskDeviceStatus terminals: 42');
  }, 60_000);

  it('kioskHello: malformed hellos are answered with an error, never registered, and the hall keeps serving', async () => {
    for (const [name, payload] of helloCases) {
      const reply = await rogue.timeout(10_000).emitWithAck('kioskHello', payload);
      expect(reply, `kioskHello ${name}`).toHaveProperty('error');
      await hallStillServes(`kioskHello ${name}`);
    }
    // Without its acknowledgement callback: told through linkError.
    const before = linkErrors.length;
    rogue.emit('kioskHello', { devices: [], startedAt: 1 });
    await until('linkError for a hello without ack', () => linkErrors.length > before, 10_000);
    await hallStillServes('kioskHello without ack');
  }, 180_000);

  it('kioskDeviceStatus and kioskHeartbeat: malformed ones are told through linkError, and the hall keeps serving', async () => {
    // Registered first, so a status that slipped through would reach the registry.
    expect(await rogue.timeout(10_000).emitWithAck('kioskHello', { devices: [], startedAt: 1 })).toMatchObject({ kioskId: 'rogue' });
    for (const [event, cases] of [['kioskDeviceStatus', statusCases], ['kioskHeartbeat', BAD_VALUES]] as const) {
      for (const [name, payload] of cases) {
        const before = linkErrors.length;
        rogue.emit(event, payload);
        await until(`linkError for ${event} ${name}`, () => linkErrors.length > before, 10_000);
        expect(linkErrors.at(-1)!.event).toBe(event);
        expect(linkErrors.at(-1)!.message.length).toBeLessThan(1100);
        await hallStillServes(`${event} ${name}`);
      }
    }
  }, 180_000);

  it('hallRequest: malformed requests and bad args of every op are answered, never thrown', async () => {
    for (const [name, payload] of requestCases) {
      const reply = await rogue.timeout(10_000).emitWithAck('hallRequest', payload);
      expect(reply, `hallRequest ${name}`).toMatchObject({ ok: false });
      expect(JSON.stringify(reply).length, `hallRequest ${name}: the answer does not echo the payload`).toBeLessThan(2000);
      await hallStillServes(`hallRequest ${name}`);
    }
    const before = linkErrors.length;
    rogue.emit('hallRequest', { requestId: 'no-ack', op: 'queue.categories', args: [] });
    await until('linkError for a request without ack', () => linkErrors.length > before, 10_000);
    await hallStillServes('hallRequest without ack');
  }, 300_000);

  it('raw packets: deep nesting and __proto__ on every event', async () => {
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const deepObject = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const proto = '{"__proto__":{"polluted":true,"devices":[]},"constructor":{"prototype":{"polluted":true}},"devices":[],"startedAt":1}';
    let ack = 1000;
    for (const event of ['kioskHello', 'kioskDeviceStatus', 'kioskHeartbeat', 'hallRequest']) {
      for (const [name, json] of [['deep list', deep], ['deep object', deepObject], ['__proto__', proto]]) {
        raw(event, json, ++ack);
        raw(event, json);
        await hallStillServes(`raw ${event} ${name}`);
        expect(rogue.connected).toBe(true);
      }
    }
    // A citizen with a __proto__ key is refused, not merged.
    const reply = await rogue.timeout(10_000).emitWithAck('hallRequest', JSON.parse(`{"requestId":"p","op":"certificates.list","args":[],"citizen":{"__proto__":{"number":"440106199003071231"},"name":"张三丰","birthDate":"1990-03-07","validUntil":"长期"}}`));
    expect(reply).toMatchObject({ ok: false, failure: { kind: 'invalid' } });
    await hallStillServes('citizen with __proto__');
  }, 180_000);

  it('wrote no log line that echoes a 200 KB field, and warned about the rogue kiosk, not the good one', () => {
    const lines = stdout.split('\n').filter(Boolean);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(4096);
    const warned = lines.filter((l) => l.includes('"level":40')).map((l) => JSON.parse(l) as { kioskId?: string });
    const aboutKiosks = warned.filter((l) => l.kioskId !== undefined);
    expect(aboutKiosks.length).toBeGreaterThan(0);
    expect(aboutKiosks.every((l) => l.kioskId === 'rogue')).toBe(true);
  });
});
