/**
 * The closing of upgraded (WebSocket) connections, done in slices of event-loop turns (README "Many instances",
 * reconnect storms).
 *
 * When every kiosk's link drops at once, the hall sees thousands of connections end in one poll phase of libuv (it
 * takes up to 48 × 1,024 ready sockets in one go), and each end runs ws's, engine.io's and socket.io's close handling
 * and the hall's own (the link registry, the claims, the dashboards) at once: 5,000 links cost 0.5–0.9 s of one
 * event-loop turn on a 2-core box, every timer, call and screen of the hall waiting behind it. Here an upgraded
 * socket's `end` and `close` events wait for their slice of a turn (TurnSlices, in arrival order, `end` before
 * `close` as they came); what happens in the poll phase is only the kernel's part (the read of the end, the handle's
 * close).
 *
 * And the second `end()` is skipped: ws's `socketOnEnd` ends the socket again after its own close handshake has
 * already ended and finished it. Node answers such a call with nothing but a new ERR_STREAM_ALREADY_FINISHED (or
 * ERR_STREAM_DESTROYED) error object that nobody sees, and building one captures the whole stack: about 50 µs, a
 * third of a connection's close in the profile of a storm. A call with arguments (data, a callback) goes through as
 * it is, so its callback still gets its error.
 */
import type { Duplex } from 'node:stream';
import type { TurnSlices } from './turnSlices.ts';

/** The socket events deferred to the slices (the others, `data` and `error` among them, are delivered as they come). */
const DEFERRED = new Set<string | symbol>(['end', 'close']);

/** What a wrapped socket keeps of its own: the functions wrapped and its slices. */
const ORIGINAL = Symbol('closeInSlices');
type Wrapped = Duplex & { [ORIGINAL]: { emit: Duplex['emit']; end: Duplex['end']; slices: TurnSlices } };

// Module-level functions, installed on each socket (not closures made per connection: under tsx each named function
// made is also renamed at run time, a cost paid thousands of times in a storm).
function deferClose(this: Wrapped, event: string | symbol, ...args: unknown[]): boolean {
  const { emit, slices } = this[ORIGINAL];
  if (!DEFERRED.has(event)) return emit.call(this, event, ...args);
  slices.push(() => emit.call(this, event, ...args));
  return this.listenerCount(event) > 0;
}

function endOnce(this: Wrapped, ...args: unknown[]): Duplex {
  if (args.length === 0 && (this.writableEnded || this.destroyed)) return this;
  return (this[ORIGINAL].end as (...a: unknown[]) => Duplex).apply(this, args);
}

export function closeInSlices(socket: Duplex, slices: TurnSlices): void {
  const wrapped = socket as Wrapped;
  wrapped[ORIGINAL] = { emit: socket.emit, end: socket.end, slices };
  socket.emit = deferClose as Duplex['emit'];
  socket.end = endOnce as Duplex['end'];
}
