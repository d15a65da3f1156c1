// What arrives on upgraded connections, in slices of event-loop turns (api/socketSlices.ts; README "Many instances",
// reconnect storms), over real TCP sockets: every end and close still arrives, each socket's end before its close,
// none of them inside the poll phase that read it; the second end() that ws makes does not reach Node's; data is
// handed on at once until a turn has run its inline budget, then waits in the slices behind the socket's earlier
// events, and a socket with too much waiting is paused until its slices have taken it.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InlineData, socketEventsInSlices, WAITING_DATA_LIMIT, waitingDataBytes } from '../src/api/socketSlices.ts';
import { SliceRunner, TurnSlices } from '../src/api/turnSlices.ts';
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

describe('socketEventsInSlices: closes', () => {
  it('an end emitted on the socket reaches its listeners later, in a slice, not in the emitting call', async () => {
    const slices = new TurnSlices(8, (err) => { throw err; });
    const port = await listen(() => undefined);
    const socket = connect(port, '127.0.0.1');
    clients.push(socket);
    await once(socket, 'connect');
    socketEventsInSlices(socket, slices);
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
      socketEventsInSlices(s, slices);
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
    // Node's own end, as socketEventsInSlices finds it on the socket.
    const nodeEnd = vi.spyOn(socket, 'end');
    socketEventsInSlices(socket, slices);
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

/** Busy for `ms` of wall time (a listener whose work takes that long). */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('socketEventsInSlices: data', () => {
  it('is handed on at once while the turn is within its inline budget, and waits for a slice once the turn has run past it', async () => {
    const slices = new TurnSlices(8, (err) => { throw err; });
    const inline = new InlineData(5);
    const port = await listen(() => undefined);
    const [a, b] = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
    clients.push(a, b);
    await Promise.all([once(a, 'connect'), once(b, 'connect')]);
    const heard: string[] = [];
    for (const [name, s] of [['a', a], ['b', b]] as const) {
      socketEventsInSlices(s, slices, inline);
      s.on('data', (d: Buffer) => {
        heard.push(`${name}:${d.toString()}`);
        if (d.toString() === 'slow') spin(6);
      });
    }
    await nextTurn();
    a.emit('data', Buffer.from('1'));
    expect(heard).toEqual(['a:1']);
    a.emit('data', Buffer.from('slow'));
    // The turn has now run 6 ms of its 5 since its first data: b's waits.
    b.emit('data', Buffer.from('2'));
    expect(heard).toEqual(['a:1', 'a:slow']);
    await nextTurn();
    expect(heard).toEqual(['a:1', 'a:slow', 'b:2']);
    // A new turn starts a new budget.
    a.emit('data', Buffer.from('3'));
    expect(heard.at(-1)).toBe('a:3');
  });

  it('a socket with events waiting gets its later data behind them, even in a turn with budget left', async () => {
    // A zero budget runs one waiting job per turn.
    const slices = new TurnSlices(0, (err) => { throw err; });
    const port = await listen(() => undefined);
    const s = connect(port, '127.0.0.1');
    clients.push(s);
    await once(s, 'connect');
    const inline = new InlineData(0);
    socketEventsInSlices(s, slices, inline);
    const heard: string[] = [];
    s.on('data', (d: Buffer) => heard.push(d.toString()));
    s.emit('data', Buffer.from('1'));
    s.emit('data', Buffer.from('2'));
    expect(heard).toEqual([]);
    // Now with budget to spare: still behind the two waiting.
    (inline as { budgetMs: number }).budgetMs = 1000;
    await nextTurn();
    s.emit('data', Buffer.from('3'));
    expect(heard).toEqual(['1']);
    while (heard.length < 3) await nextTurn();
    expect(heard).toEqual(['1', '2', '3']);
    // Nothing waits any more: data is handed on at once again.
    s.emit('data', Buffer.from('4'));
    expect(heard).toEqual(['1', '2', '3', '4']);
  });

  it('100 connections each sending three chunks and ending, all past the budget: every byte in order, then end, then close', async () => {
    const N = 100;
    const slices = new TurnSlices(0, (err) => { throw err; });
    const inline = new InlineData(0);
    const got = new Map<Socket, { text: string; events: string[] }>();
    let closed = 0;
    let allClosed!: () => void;
    const done = new Promise<void>((r) => (allClosed = r));
    const port = await listen((s) => {
      socketEventsInSlices(s, slices, inline);
      const mine = { text: '', events: [] as string[] };
      got.set(s, mine);
      s.on('data', (d: Buffer) => {
        mine.text += d.toString();
        if (mine.events.at(-1) !== 'data') mine.events.push('data');
      });
      s.on('end', () => {
        mine.events.push('end');
        s.end();
      });
      s.on('close', () => {
        mine.events.push('close');
        if (++closed === N) allClosed();
      });
    });
    const sent: string[] = [];
    for (let i = 0; i < N; i++) {
      const c = connect(port, '127.0.0.1');
      clients.push(c);
      sent.push(`<${i}:first><${i}:second><${i}:third>`);
    }
    await Promise.all(clients.map((c) => once(c, 'connect')));
    clients.forEach((c, i) => {
      c.write(`<${i}:first>`);
      c.write(`<${i}:second>`);
      c.end(`<${i}:third>`);
    });
    await done;
    const texts = [...got.values()].map((g) => g.text).sort();
    expect(texts).toEqual([...sent].sort());
    expect([...got.values()].every((g) => g.events.join() === 'data,end,close')).toBe(true);
  });

  it('a socket whose waiting data passes the limit is paused until its slices have taken it, and every byte arrives', async () => {
    // One runner, one job per turn (zero budget), shared with 8 other jobs that keep queueing themselves: the
    // socket's data gets one turn in nine while the kernel has a chunk for it every turn.
    const runner = new SliceRunner(0);
    const slices = new TurnSlices(runner, (err) => { throw err; });
    const others = new TurnSlices(runner, (err) => { throw err; });
    const inline = new InlineData(0);
    const TOTAL = 8 * 1024 * 1024;
    let maxWaiting = 0;
    let pausedSeen = false;
    let received = 0;
    let checksum = 0;
    let server!: Socket;
    let allIn!: () => void;
    const done = new Promise<void>((r) => (allIn = r));
    const port = await listen((s) => {
      server = s;
      socketEventsInSlices(s, slices, inline);
      s.on('data', (d: Buffer) => {
        for (const byte of d) checksum = (checksum * 31 + byte) >>> 0;
        received += d.length;
        if (received === TOTAL) allIn();
      });
    });
    let running = true;
    const other = () => {
      if (server) {
        maxWaiting = Math.max(maxWaiting, waitingDataBytes(server));
        pausedSeen ||= server.isPaused();
      }
      if (running) others.push(other);
    };
    for (let i = 0; i < 8; i++) others.push(other);
    const client = connect(port, '127.0.0.1');
    clients.push(client);
    await once(client, 'connect');
    const payload = Buffer.alloc(TOTAL, 0);
    for (let i = 0; i < TOTAL; i++) payload[i] = (i * 7919) % 251;
    let expected = 0;
    for (const byte of payload) expected = (expected * 31 + byte) >>> 0;
    client.write(payload);
    await done;
    running = false;
    expect(checksum).toBe(expected);
    expect(pausedSeen).toBe(true);
    // At most the limit and the chunks read in the turn that passed it (Node reads up to 64 KiB at a time).
    expect(maxWaiting).toBeLessThanOrEqual(WAITING_DATA_LIMIT + 4 * 64 * 1024);
    // Taken below half the limit, it flows again.
    await nextTurn();
    expect(server.isPaused()).toBe(false);
  });
});
