// WebSocket upgrade requests handed to engine.io's listener in slices of event-loop turns (api/upgradeSlices.ts;
// README "Many instances", reconnect storms), over real TCP connections to a real HTTP server.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { TurnSlices } from '../src/api/turnSlices.ts';
import { upgradesInSlices } from '../src/api/upgradeSlices.ts';
import { turnCounter } from './helpers/turnCounter.ts';

const request = 'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n'
  + 'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';

describe('upgradesInSlices', () => {
  let server: Server | undefined;
  const clients: Socket[] = [];
  afterEach(async () => {
    for (const c of clients) c.destroy();
    clients.length = 0;
    await new Promise((r) => server?.close(r));
  });

  async function serve(slices: TurnSlices, onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void) {
    server = createServer();
    const earlier: string[] = [];
    // A listener there before: stays where it was, called at once.
    server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => {
      earlier.push('at once');
      // A client reset at the end of a test is no failure of the server's.
      socket.on('error', () => {});
    });
    const detach = upgradesInSlices(server, slices, () => server!.on('upgrade', onUpgrade));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const open = async (n: number) => {
      const opened = Array.from({ length: n }, () => new Promise<Socket>((resolve) => {
        const c = connect(port, '127.0.0.1', () => resolve(c));
        // Reset by the server when it destroys a waiting socket: expected here.
        c.on('error', () => {});
        clients.push(c);
      }));
      return Promise.all(opened);
    };
    return { detach, earlier, open };
  }

  it('the moved listener gets every request in a turn of its own when the budget is zero, after the turn that read it, with its head', async () => {
    const turn = turnCounter();
    const got: Array<{ turn: number; url: string; head: string; paused: boolean }> = [];
    const read: number[] = [];
    const all = new Promise<void>((resolve) => {
      void serve(new TurnSlices(0, (err) => { throw err; }), (req, socket, head) => {
        got.push({ turn: turn.now(), url: req.url!, head: head.toString(), paused: (socket as Socket).readableFlowing !== true });
        (socket as Socket).end('HTTP/1.1 400 Bad Request\r\n\r\n');
        if (got.length === 50) resolve();
      }).then(async ({ earlier, open }) => {
        server!.prependListener('upgrade', () => read.push(turn.now()));
        const sockets = await open(50);
        // Everything in one write per client: the request and what the client sends after it (the head).
        for (const s of sockets) s.write(`${request}early`);
        await all;
        expect(earlier).toHaveLength(50);
      });
    });
    await all;
    turn.stop();
    expect(got.map((g) => g.url)).toEqual(Array(50).fill('/socket.io/?EIO=4&transport=websocket'));
    expect(got.every((g) => g.head === 'early' && g.paused)).toBe(true);
    // One request a turn, each later than the turn its request was read in.
    expect(new Set(got.map((g) => g.turn)).size).toBe(50);
    for (const [i, g] of got.entries()) expect(g.turn).toBeGreaterThanOrEqual(read[i]);
    expect(Math.max(...read.map((t, i) => got[i].turn - t))).toBeGreaterThan(0);
  });

  it('a socket gone while it waited is skipped; detaching destroys the sockets still waiting', async () => {
    const handled: Duplex[] = [];
    const slices = new TurnSlices(0, (err) => { throw err; });
    const { detach, open } = await serve(slices, (_req, socket) => handled.push(socket));
    const waiting: Duplex[] = [];
    server!.prependListener('upgrade', (_req: IncomingMessage, socket: Duplex) => {
      waiting.push(socket);
      // The first one goes away before its slice; on the tenth, the server is stopping.
      if (waiting.length === 1) socket.destroy();
      if (waiting.length === 10) detach();
    });
    const sockets = await open(10);
    for (const s of sockets) s.write(request);
    await new Promise<void>((resolve) => {
      const check = () => (waiting.length === 10 ? resolve() : setTimeout(check, 5));
      check();
    });
    await new Promise((r) => setTimeout(r, 50));
    // The tenth's own slice may have run before the detach; none after it, and the first was never handed on.
    expect(handled).not.toContain(waiting[0]);
    expect(waiting.filter((s) => !handled.includes(s)).every((s) => s.destroyed)).toBe(true);
    expect(handled.length).toBeLessThan(10);
    for (const s of handled) s.destroy();
  });
});
