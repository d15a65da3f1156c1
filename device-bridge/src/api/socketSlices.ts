/**
 * What arrives on upgraded (WebSocket) connections, handed on in slices of event-loop turns when it comes in bursts
 * (README "Many instances", reconnect storms).
 *
 * Closes. When every kiosk's link drops at once, the hall sees thousands of connections end in one poll phase of libuv
 * (it takes up to 48 × 1,024 ready sockets in one go), and each end runs ws's, engine.io's and socket.io's close
 * handling and the hall's own (the link registry, the claims, the dashboards) at once: 5,000 links cost 0.5–0.9 s of
 * one event-loop turn on a 2-core box, every timer, call and screen of the hall waiting behind it. So an upgraded
 * socket's `end` and `close` events always wait for their slice of a turn (TurnSlices, in arrival order, `end` before
 * `close` as they came); what happens in the poll phase is only the kernel's part (the read of the end, the handle's
 * close).
 *
 * Data. Messages that arrive together are read in one poll phase too: after a storm every kiosk's hello (each answered
 * at once), and the heartbeats of kiosks that linked together, which then beat in phase. A poll phase hands data on
 * as it comes until it has run `INLINE_DATA_BUDGET_MS` since its first data (so an ordinary turn is unchanged: a
 * request is answered in the turn that read it); past that, data waits for the slices like a close. Once a socket
 * has anything waiting, its later data and events wait behind it, so each socket's events keep their order. A
 * socket with more than `WAITING_DATA_LIMIT` bytes waiting is paused (Node stops reading it, and its peer waits in
 * TCP's window) until its slices have taken it below half that: a peer that floods cannot make the hall hold its data.
 *
 * And the second `end()` is skipped: ws's `socketOnEnd` ends the socket again after its own close handshake has
 * already ended and finished it. Node answers such a call with nothing but a new ERR_STREAM_ALREADY_FINISHED (or
 * ERR_STREAM_DESTROYED) error object that nobody sees, and building one captures the whole stack: about 50 µs, a
 * third of a connection's close in the profile of a storm. A call with arguments (data, a callback) goes through as
 * it is, so its callback still gets its error.
 */
import type { Duplex } from 'node:stream';
import type { TurnSlices } from './turnSlices.ts';

/** The socket events that always wait for the slices (`data` waits when its turn is long; `error` never waits). */
const ALWAYS_DEFERRED = new Set<string | symbol>(['end', 'close']);

/** How long one poll phase may hand data on at once before the rest waits for the slices (as a slice's budget). */
export const INLINE_DATA_BUDGET_MS = 8;
/** Bytes one socket may have waiting for the slices before it is paused: one message of the largest kind the socket
 * API takes (socketBoundary.ts SOCKET_MAX_MESSAGE_BYTES), thousands of heartbeats. */
export const WAITING_DATA_LIMIT = 256 * 1024;

/**
 * The inline budget of data of one event loop: the first data handed on in a turn starts the clock, an immediate
 * stops it (it runs in the same turn's check phase, after the poll phase).
 */
export class InlineData {
  /** performance.now() at the first data handed on inline this turn; -1: none yet. */
  private started = -1;
  private readonly stop = (): void => {
    this.started = -1;
  };

  constructor(readonly budgetMs: number) {}

  /** Whether data that arrives now may be handed on at once. */
  allowed(): boolean {
    if (this.started < 0) {
      this.started = performance.now();
      setImmediate(this.stop);
      return this.budgetMs > 0;
    }
    return performance.now() - this.started < this.budgetMs;
  }
}

let processInline: InlineData | null = null;

/** The process's inline data budget: one event loop, one poll phase per turn, whichever servers it runs. */
export function inlineData(): InlineData {
  processInline ??= new InlineData(INLINE_DATA_BUDGET_MS);
  return processInline;
}

/** What a wrapped socket keeps of its own: the functions wrapped, its slices and what waits in them. */
const OWN = Symbol('socketEventsInSlices');
interface Own {
  emit: Duplex['emit'];
  end: Duplex['end'];
  slices: TurnSlices;
  inline: InlineData;
  /** Events waiting in the slices. */
  waiting: number;
  /** Bytes of data waiting in the slices. */
  waitingBytes: number;
  /** Paused here because too much waits (resumed here; a pause of the socket's own reader is left alone). */
  pausedHere: boolean;
}
type Wrapped = Duplex & { [OWN]: Own };

// Module-level functions, installed on each socket (not closures made per connection: under tsx each named function
// made is also renamed at run time, a cost paid thousands of times in a storm).
function sliceEvents(this: Wrapped, event: string | symbol, ...args: unknown[]): boolean {
  const own = this[OWN];
  if (event === 'data') {
    if (own.waiting === 0 && own.inline.allowed()) return own.emit.call(this, event, ...args);
    own.waitingBytes += (args[0] as { length: number }).length;
    if (own.waitingBytes > WAITING_DATA_LIMIT && !own.pausedHere) {
      own.pausedHere = true;
      this.pause();
    }
  } else if (!ALWAYS_DEFERRED.has(event)) {
    return own.emit.call(this, event, ...args);
  }
  own.waiting++;
  own.slices.push(() => handOn(this, event, args));
  return this.listenerCount(event) > 0;
}

function handOn(socket: Wrapped, event: string | symbol, args: unknown[]): void {
  const own = socket[OWN];
  own.waiting--;
  if (event === 'data') {
    own.waitingBytes -= (args[0] as { length: number }).length;
    // Resumed before the listeners run (Node flows again on a later tick), so a pause of theirs is the last word.
    if (own.pausedHere && own.waitingBytes <= WAITING_DATA_LIMIT / 2) {
      own.pausedHere = false;
      socket.resume();
    }
  }
  own.emit.call(socket, event, ...args);
}

function endOnce(this: Wrapped, ...args: unknown[]): Duplex {
  if (args.length === 0 && (this.writableEnded || this.destroyed)) return this;
  return (this[OWN].end as (...a: unknown[]) => Duplex).apply(this, args);
}

/** Bytes of the socket's data waiting for its slices (0 for a socket not wrapped). */
export function waitingDataBytes(socket: Duplex): number {
  return (socket as Partial<Wrapped>)[OWN]?.waitingBytes ?? 0;
}

/** Hands the socket's close, and its data when a turn runs long, to `slices` (see above). */
export function socketEventsInSlices(socket: Duplex, slices: TurnSlices, inline: InlineData = inlineData()): void {
  const wrapped = socket as Wrapped;
  wrapped[OWN] = { emit: socket.emit, end: socket.end, slices, inline, waiting: 0, waitingBytes: 0, pausedHere: false };
  socket.emit = sliceEvents as Duplex['emit'];
  socket.end = endOnce as Duplex['end'];
}
