// Malformed input at every socket.io event of every namespace of a real hall bridge (boundary-rig.ts): wrong types,
// null, missing payload, huge strings, 10,000 levels of nesting, `__proto__` keys, arrays, missing or unexpected
// acknowledgements. After each message the bridge must still answer GET /api/health, and every call made with an
// ack must get an error answer (never silence, never success). The events come from the roles table
// (device-bridge/src/auth/accessTable.ts) and are checked against the listeners the bridge really registers, so a
// handler added without a table row fails here.
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOCKET_EVENT_RULES, SOCKET_NAMESPACES, type SocketNamespace } from '../../device-bridge/src/auth/accessTable.ts';
import { startBoundaryRig, type BoundaryRig, type Credential } from './boundary-rig.ts';

let rig: BoundaryRig;
beforeAll(async () => {
  rig = await startBoundaryRig();
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

/** Who each namespace is opened as (the credential it needs). */
const AS: Record<SocketNamespace, Credential> = {
  '/kiosk': 'kioskScreen',
  '/hall': 'manager',
  '/tech': 'technician',
  '/display': 'anyone',
  '/kiosklink': 'linkedKiosk',
};

const HUGE = 'x'.repeat(200 * 1024);
const DEEP = '{"a":'.repeat(10_000) + '{}' + '}'.repeat(10_000);

/** Payloads as raw JSON text (so nesting no client encoder can produce still reaches the bridge); null: none at all. */
const PAYLOADS: Array<[string, string | null]> = [
  ['missing', null],
  ['null', 'null'],
  ['zero', '0'],
  ['float', '42.5'],
  ['true', 'true'],
  ['string', '"hello"'],
  ['huge string', JSON.stringify(HUGE)],
  ['empty array', '[]'],
  ['array of null', '[null]'],
  ['mixed array', '[1,"a",{}]'],
  ['empty object', '{}'],
  ['huge requestId', JSON.stringify({ requestId: HUGE, deviceId: 'printer', action: 'print' })],
  ['numeric requestId', '{"requestId":7}'],
  ['bad timeout', '{"requestId":"fz","timeout":"soon"}'],
  ['wrong field types', '{"requestId":"fz","deviceId":null,"action":[],"token":{},"command":5,"op":1}'],
  ['args as array', '{"requestId":"fz","deviceId":"printer","action":"jobs","args":[1]}'],
  ['__proto__ at top', '{"__proto__":{"admin":true},"requestId":"fz"}'],
  ['__proto__ in args', '{"requestId":"fz","deviceId":"printer","action":"jobs","args":{"__proto__":{"limit":1}}}'],
  ['constructor key', '{"requestId":"fz","constructor":{"prototype":{"x":1}}}'],
  ['deep nesting', DEEP],
  ['deep args', `{"requestId":"fz","deviceId":"printer","action":"jobs","args":${DEEP}}`],
  ['kiosk command unknown', '{"requestId":"fz","token":"t","command":"queue.takeAll","args":{}}'],
  ['hello with null device', '{"devices":[null],"startedAt":1}'],
  ['hello with number devices', '{"devices":5,"startedAt":"x"}'],
  ['status as number list', '{"id":5,"kind":"printer","state":"online","counters":[1,2]}'],
  ['link request bad args', `{"requestId":"fz","op":"queue.take","args":"${'A'.repeat(1000)}"}`],
  ['wide object', JSON.stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])))],
];

let ackSeq = 100_000;

/**
 * Emit `event` with `payloadJson` as raw engine.io text, so the bytes are exactly what an attacker sends. With
 * `withAck`, resolves with the bridge's answer (or 'no answer' after 5 s).
 */
function rawEmit(s: Socket, nsp: string, event: string, payloadJson: string | null, withAck: boolean): Promise<unknown> {
  const data = `[${JSON.stringify(event)}${payloadJson === null ? '' : `,${payloadJson}`}]`;
  const internal = s as unknown as { acks: Record<number, (...a: unknown[]) => void>; io: { engine: { write(d: string): void } } };
  if (!withAck) {
    internal.io.engine.write(`2${nsp},${data}`);
    return Promise.resolve(undefined);
  }
  const id = ++ackSeq;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      delete internal.acks[id];
      resolve('no answer');
    }, 5000);
    internal.acks[id] = (answer: unknown) => {
      clearTimeout(timer);
      resolve(answer);
    };
    internal.io.engine.write(`2${nsp},${id}${data}`);
  });
}

/**
 * An answer that says no: a Completion that is not success, a hall link answer with ok false, or the link's
 * `{ error }` (the contract's KioskLinkHelloRefusal, which the kiosk's HallLinkClient parses strictly; the kiosk link
 * answers a refused hello, and any other ack it was not meant to have, in that shape, so it counts as an error here).
 */
function isErrorAnswer(a: unknown): boolean {
  if (!a || typeof a !== 'object') return false;
  const x = a as { code?: unknown; ok?: unknown; error?: unknown };
  return (typeof x.code === 'string' && x.code !== 'success') || x.ok === false
    || (nspOfAnswer === '/kiosklink' && typeof x.error === 'string' && x.error.length > 0 && Object.keys(x).length === 1);
}
/** The namespace being fuzzed (the `{ error }` shape is the kiosk link's only). */
let nspOfAnswer = '';

const RESERVED = new Set(['disconnect', 'disconnecting', 'error', 'newListener', 'removeListener']);

describe('boundary fuzz', () => {
  it('every event the bridge listens to has a row in the roles table, and every row a listener', async () => {
    for (const nsp of SOCKET_NAMESPACES) {
      const s = await rig.open(nsp, AS[nsp]);
      expect(typeof s === 'string' ? s : 'connected', `${nsp} opens as ${AS[nsp]}`).toBe('connected');
      // The server side of this very connection.
      const server = [...rig.bridge.socket.io.of(nsp).sockets.values()].find((x) => x.id === (s as Socket).id)!;
      expect(server, nsp).toBeDefined();
      const listening = server.eventNames().map(String).filter((e) => !RESERVED.has(e)).sort();
      expect(listening, nsp).toEqual(Object.keys(SOCKET_EVENT_RULES[nsp]).sort());
      (s as Socket).disconnect();
    }
  });

  for (const nsp of SOCKET_NAMESPACES) {
    it(`${nsp}: every event survives malformed payloads and answers each ack'd call with an error`, async () => {
      const s = (await rig.open(nsp, AS[nsp])) as Socket;
      expect(typeof s).not.toBe('string');
      nspOfAnswer = nsp;
      const events = [...Object.keys(SOCKET_EVENT_RULES[nsp]), 'notAnEvent', '__proto__'];
      const silent: string[] = [];
      for (const event of events) {
        for (const [name, json] of PAYLOADS) {
          const answer = await rawEmit(s, nsp, event, json, true);
          if (!isErrorAnswer(answer)) silent.push(`${event} ${name}: ${JSON.stringify(answer)?.slice(0, 200)}`);
          await rawEmit(s, nsp, event, json, false);
          expect(await rig.health(), `${nsp} ${event} ${name}`).toBe(200);
        }
      }
      expect(silent).toEqual([]);
      // Still the same connection: bad input is answered, not punished by a disconnect (message size aside).
      expect(s.connected).toBe(true);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
      s.disconnect();
    }, 120_000);
  }

  it('a message over the size limit closes only that connection; the bridge keeps serving', async () => {
    const s = (await rig.open('/tech', 'technician')) as Socket;
    const closed = new Promise<void>((resolve) => s.once('disconnect', () => resolve()));
    await rawEmit(s, '/tech', 'getSnapshot', JSON.stringify({ requestId: 'x'.repeat(400 * 1024) }), false);
    await closed;
    expect(await rig.health()).toBe(200);
  });

  it('no log line written meanwhile is longer than 8 KB, and none holds a huge field whole', () => {
    expect(rig.logLines.length).toBeGreaterThan(0);
    const longest = Math.max(...rig.logLines.map((l) => l.length));
    expect(longest).toBeLessThan(8 * 1024);
    expect(rig.logLines.some((l) => l.includes('x'.repeat(1000)))).toBe(false);
  });
});
