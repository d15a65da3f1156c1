/**
 * WebSocket upgrade requests handed to engine.io in slices of event-loop turns (README "Many instances", reconnect
 * storms). Node's HTTP server parses a request and emits `upgrade` in the poll phase that read it, and engine.io's
 * listener then runs its checks, its CORS middleware and the session's `verify` at once: in a storm one poll phase
 * reads thousands of kiosks' requests, and all of that ran in it. Here engine.io's listeners get each request in its
 * slice of the process's connection work (turnSlices.ts), in arrival order, the parsing alone staying in the poll
 * phase. Safe to hold: Node leaves an upgraded socket paused (`readableFlowing = null`), so what the client sends
 * meanwhile waits in its buffer, and a client says nothing before its 101 anyway.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TurnSlices } from './turnSlices.ts';

type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Moves the `upgrade` listeners that `attach()` adds to `httpServer` (engine.io's, as socket.io attaches) behind the
 * slices. Returns the detach: the wrapper goes, and sockets still waiting for their slice are destroyed (their client
 * reconnects to a running instance).
 */
export function upgradesInSlices(httpServer: HttpServer, slices: TurnSlices, attach: () => void): () => void {
  const before = new Set(httpServer.listeners('upgrade'));
  attach();
  const moved = httpServer.listeners('upgrade').filter((l) => !before.has(l)) as UpgradeListener[];
  for (const l of moved) httpServer.off('upgrade', l);
  const waiting = new Set<Duplex>();
  const deferred: UpgradeListener = (req, socket, head) => {
    waiting.add(socket);
    slices.push(() => {
      waiting.delete(socket);
      // Gone while it waited: nothing to upgrade.
      if (socket.destroyed) return;
      for (const l of moved) l.call(httpServer, req, socket, head);
    });
  };
  httpServer.on('upgrade', deferred);
  return () => {
    httpServer.off('upgrade', deferred);
    for (const s of waiting) s.destroy();
    waiting.clear();
  };
}
