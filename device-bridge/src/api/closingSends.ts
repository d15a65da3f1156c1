/**
 * A send to a WebSocket that is already closing answers at once with one shared error (README "Many instances",
 * reconnect storms). In a storm a connection's close reaches engine.io only in its slice (socketSlices.ts), and
 * meanwhile engine.io keeps sending to it: its pings above all, 25 s after the handshakes, so thousands of them fall due
 * together. ws answers each such send with a new Error (`sendAfterClose`), and engine.io reads that error's `stack`
 * for its close reason; under tsx every stack is resolved through source maps, a path-to-URL lookup per frame: about
 * 0.2 ms a send, run in the timers phase with no slice, so one stall of the loop brought the next wave of due pings
 * with it (a 390 ms stall measured). The error is the same for every such send, so it is made once.
 */
import type { Server } from 'socket.io';

/** What engine.io's WebSocket transport holds: the `ws` WebSocket (its readyState: 1 OPEN, 2 CLOSING, 3 CLOSED). */
interface WsLike {
  readyState: number;
  send(data: unknown, options?: unknown, cb?: (err?: Error) => void): void;
}

const OPEN = 1;
/** The error every send after close gets; its stack is resolved once, here. */
const CLOSING_ERROR = new Error('WebSocket is not open: the connection is closing');
void CLOSING_ERROR.stack;

const PATCHED = Symbol('closingSends');
type Patched = WsLike & { [PATCHED]?: WsLike['send'] };

function sendWhileOpen(this: Patched, data: unknown, options?: unknown, cb?: (err?: Error) => void): void {
  if (this.readyState > OPEN) {
    const done = typeof options === 'function' ? (options as (err?: Error) => void) : cb;
    // As ws does: the callback later, never within the send.
    if (done) process.nextTick(done, CLOSING_ERROR);
    return;
  }
  this[PATCHED]!.call(this, data, options, cb);
}

function patch(transport: unknown): void {
  const ws = (transport as { socket?: unknown } | null)?.socket as Patched | undefined;
  if (!ws || typeof ws.send !== 'function' || typeof ws.readyState !== 'number' || ws[PATCHED]) return;
  ws[PATCHED] = ws.send;
  ws.send = sendWhileOpen;
}

/** Every engine.io connection's WebSocket, from the start or once upgraded from long polling. */
export function cheapSendsAfterClose(io: Server): void {
  io.engine.on('connection', (socket: { transport: unknown; on(event: 'upgrade', l: (transport: unknown) => void): void }) => {
    patch(socket.transport);
    socket.on('upgrade', patch);
  });
}
