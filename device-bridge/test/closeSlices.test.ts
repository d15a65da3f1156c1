// The closing of upgraded connections in slices of event-loop turns (api/closeSlices.ts; README "Many instances",
// reconnect storms), over real TCP sockets: every end and close still arrives, each socket's end before its close,
// none of them inside the poll phase that read it; and the second end() that ws makes does not reach Node's.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeInSlices } from '../src/api/closeSlices.ts';
import { TurnSlices } from '../src/api/turnSlices.ts';
import { turnCounter } from './helpers/turnCounter.ts';

const servers: Server[] = [];
const clients: Socket[] = [];
const accepted: Socket[] = [];
afterEach(async () => {
  for (const c of [...clients.splice(0), ...accepted.splice(0)]) c.destroy();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A server whose accepted sockets are wrapped; resolves with it and its port. */
async function listen(onSocket: (s: Socket) => void): Promise<number> {
  const server = createServer({ allowHalfOpen: true }, (s) => {
    accepted.push(s);
    onSocket(s);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

describe('closeInSlices', () => {
  it('an end emitted on the socket reaches its listeners later, in a slice, not in the emitting call', async () => {
    const slices = new TurnSlices(8, (err) => { throw err; });
    const port = await listen(() => undefined);
    const socket = connect(port, '127.0.0.1');
    clients.push(socket);
    await once(socket, 'connect');
    closeInSlices(socket, slices);
    const heard: string[] = [];
    socket.on('end', () => heard.push('end'));
    socket.emit('end');
    expect(heard).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(heard).toEqual(['end']);
  });

  it('200 connections ended at once: every end and close arrives, end before close, one per turn with a zero budget', async () => {
    const N = 200;
    // A zero budget runs exactly one waiting job per turn, so each event's turn says it was sliced.
    const slices = new TurnSlices(0, (err) => { throw err; });
    const seen = new Map<Socket, string[]>();
    const turns: number[] = [];
    const counter = turnCounter();
    let closed = 0;
    let allClosed!: () => void;
    const done = new Promise<void>((r) => (allClosed = r));
    const port = await listen((s) => {
      closeInSlices(s, slices);
      seen.set(s, []);
      s.resume();
      s.on('end', () => {
        seen.get(s)!.push('end');
        turns.push(counter.now());
        s.end();
      });
      s.on('close', () => {
        seen.get(s)!.push('close');
        turns.push(counter.now());
        if (++closed === N) allClosed();
      });
    });
    for (let i = 0; i < N; i++) clients.push(connect(port, '127.0.0.1'));
    await Promise.all(clients.map((c) => once(c, 'connect')));
    while (seen.size < N) await new Promise((r) => setTimeout(r, 5));
    for (const c of clients) c.end();
    await done;
    counter.stop();
    expect([...seen.values()].every((events) => events.join() === 'end,close')).toBe(true);
    expect(turns).toHaveLength(2 * N);
    expect(new Set(turns).size).toBe(2 * N);
  });

  it('end() again on a socket already ended and finished does not reach Node (which would build an error); with a callback it does', async () => {
    const slices = new TurnSlices(8, (err) => { throw err; });
    const port = await listen((s) => s.resume().on('end', () => s.end()));
    const socket = connect(port, '127.0.0.1');
    clients.push(socket);
    await once(socket, 'connect');
    // Node's own end, as closeInSlices finds it on the socket.
    const nodeEnd = vi.spyOn(socket, 'end');
    closeInSlices(socket, slices);
    socket.end();
    await once(socket, 'finish');
    expect(nodeEnd).toHaveBeenCalledTimes(1);
    expect(socket.end()).toBe(socket);
    expect(nodeEnd).toHaveBeenCalledTimes(1);
    // Node calls it with the error (its type says no argument).
    const answered = await new Promise((r) => socket.end(r as () => void));
    expect(nodeEnd).toHaveBeenCalledTimes(2);
    expect((answered as { code?: string }).code).toBe('ERR_STREAM_ALREADY_FINISHED');
  });
});
