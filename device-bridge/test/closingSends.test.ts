// A send to a WebSocket that is already closing answers with one shared error, made once (api/closingSends.ts;
// README "Many instances", reconnect storms), over a real socket.io server and client on TCP.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { cheapSendsAfterClose } from '../src/api/closingSends.ts';

interface EngineSocket {
  transport: { socket: { readyState: number; send(data: unknown, cb?: (err?: Error) => void): void; close(): void } };
}

describe('cheapSendsAfterClose', () => {
  let http: HttpServer | undefined;
  let io: Server | undefined;
  let client: ClientSocket | undefined;
  afterEach(async () => {
    client?.close();
    await new Promise((r) => io ? io.close(() => r(undefined)) : r(undefined));
  });

  async function connected(patched: boolean): Promise<{ engine: EngineSocket; got: string[] }> {
    http = createServer();
    io = new Server(http);
    if (patched) cheapSendsAfterClose(io);
    const engine = new Promise<EngineSocket>((resolve) => io!.engine.once('connection', resolve));
    await new Promise<void>((r) => http!.listen(0, '127.0.0.1', r));
    const got: string[] = [];
    client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'] });
    client.on('note', (text: string) => got.push(text));
    await new Promise<void>((r) => client!.once('connect', () => r()));
    return { engine: await engine, got };
  }

  it('while open, a send goes out as before; once closing, every send gets the same error, later, and no new one', async () => {
    const { engine, got } = await connected(true);
    io!.emit('note', 'hello');
    await new Promise<void>((r) => {
      const check = () => (got.length > 0 ? r() : setTimeout(check, 5));
      check();
    });
    expect(got).toEqual(['hello']);
    const ws = engine.transport.socket;
    ws.close(); // the close handshake starts: CLOSING, as when a kiosk's close frame arrived
    expect(ws.readyState).toBeGreaterThan(1);
    const errors: Array<Error | undefined> = [];
    ws.send('4x', (err) => errors.push(err));
    ws.send('4y', (err) => errors.push(err));
    expect(errors).toEqual([]); // never within the send
    await new Promise((r) => process.nextTick(r));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(Error);
    expect(errors[0]!.message).toMatch(/not open/);
    // One error for all: its stack (source-mapped under tsx) was resolved once, not on every send.
    expect(errors[1]).toBe(errors[0]);
  });

  it('without it, ws makes a new error for every send after close (what the patch saves)', async () => {
    const { engine } = await connected(false);
    const ws = engine.transport.socket;
    ws.close();
    const errors: Array<Error | undefined> = [];
    ws.send('4x', (err) => errors.push(err));
    ws.send('4y', (err) => errors.push(err));
    await new Promise((r) => process.nextTick(r));
    expect(errors).toHaveLength(2);
    expect(errors[1]).not.toBe(errors[0]);
  });
});
