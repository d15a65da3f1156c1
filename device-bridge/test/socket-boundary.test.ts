// The socket.io boundary (api/socketBoundary.ts) on a real socket.io server and client: a listener that throws or
// rejects answers its caller `hardwareError` "internal error", is logged at error level, and the process goes on;
// the roles table's checks and the payload schema run before any listener.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installSocketBoundary } from '../src/api/socketBoundary.ts';
import { createLogger } from '../src/log.ts';

let http: HttpServer;
let io: Server;
let url: string;
const lines: Array<Record<string, unknown>> = [];
const clients: Socket[] = [];

beforeAll(async () => {
  http = createServer();
  io = new Server(http);
  const log = createLogger({
    destination: new Writable({
      write(chunk, _enc, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    }),
  });
  installSocketBoundary(io, { log });
  const tech = io.of('/tech');
  // The tech token's role, as socket.ts's handshake would leave it.
  tech.use((socket, next) => {
    socket.data.machine = socket.handshake.auth?.token === 'good' ? 'techToken' : undefined;
    next();
  });
  tech.on('connection', (socket) => {
    socket.on('getSnapshot', (p: { requestId: string }) => {
      if (p.requestId === 'throw') throw new Error('listener bug');
    });
    socket.on('deviceCommand', async (p: { requestId: string }, ack: (c: unknown) => void) => {
      if (p.requestId === 'reject') throw new Error('async listener bug');
      ack({ requestId: p.requestId, code: 'success' });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  io.close();
});

function open(token?: string): Promise<Socket> {
  const s = connect(`${url}/tech`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: token ? { token } : undefined });
  clients.push(s);
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

describe('socket boundary', () => {
  it('a throwing listener answers hardwareError "internal error" and is logged; the next call works', async () => {
    const s = await open('good');
    expect(await s.timeout(2000).emitWithAck('getSnapshot', { requestId: 'throw' })).toEqual({ requestId: 'throw', code: 'hardwareError', message: 'internal error' });
    expect(await s.timeout(2000).emitWithAck('deviceCommand', { requestId: 'reject', deviceId: 'p', action: 'a' })).toEqual({ requestId: 'reject', code: 'hardwareError', message: 'internal error' });
    expect(await s.timeout(2000).emitWithAck('deviceCommand', { requestId: 'ok', deviceId: 'p', action: 'a' })).toEqual({ requestId: 'ok', code: 'success' });
    const failures = lines.filter((l) => l.msg === 'socket handler failed');
    expect(failures.map((l) => (l.err as { message: string }).message)).toEqual(['listener bug', 'async listener bug']);
    expect(failures.every((l) => l.level === 50)).toBe(true);
  });

  it('checks roles and the schema before any listener: no role, unknown event, bad payload, missing ack', async () => {
    const anonymous = await open();
    expect(await anonymous.timeout(2000).emitWithAck('deviceCommand', { requestId: 'r1', deviceId: 'p', action: 'a' }))
      .toMatchObject({ requestId: 'r1', code: 'invalidRequest', message: expect.stringMatching(/log in first/) });
    const s = await open('good');
    expect(await s.timeout(2000).emitWithAck('kioskCommand', { requestId: 'r2' })).toMatchObject({ code: 'invalidRequest', message: 'event "kioskCommand" is not accepted on /tech' });
    expect(await s.timeout(2000).emitWithAck('deviceCommand', { requestId: 'r3', deviceId: 'p', action: 'a', extra: 1 })).toMatchObject({ code: 'invalidRequest', message: expect.stringMatching(/extra/) });
    expect(await s.timeout(2000).emitWithAck('deviceCommand', { requestId: 'r4', deviceId: 'p', action: 'a', args: JSON.parse('{"__proto__":{"x":1}}') }))
      .toMatchObject({ code: 'invalidRequest', message: '(payload): key "__proto__" is not allowed' });
    s.emit('deviceCommand', { requestId: 'no-ack', deviceId: 'p', action: 'a' });
    await new Promise((r) => setTimeout(r, 50));
    expect(lines.some((l) => l.msg === 'socket event refused' && String(l.reason).includes('needs an acknowledgement'))).toBe(true);
  });
});
