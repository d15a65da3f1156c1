/**
 * Paces bytes at the wire rate of a serial line (8N1: 10 bits a byte), so a simulated device
 * answers as slowly as real hardware: 1295 bytes take ~112 ms at 115200 baud and ~1.35 s at 9600
 * (the line rates of id-reader-sam.md "Line settings", escpos.md, counter-bus.md "Line and
 * framing").
 *
 * The schedule does not drift: every queued block gets a start instant (when the wire becomes free) and byte i of it
 * is due at `start + (i + 1) * byteMs`. Each timer tick hands on every byte whose due time has passed, however late
 * the timer fired, so timer jitter delays a slice but never accumulates. Ticks are at least `sliceMs` apart to keep
 * the number of writes (and of TCP segments) reasonable. With `preciseEnd` (the simulators' links) the tick that
 * ends a block lands on the last byte's due instant to the sub-millisecond (`runAt`), because a frame's end is what the receiver times its
 * answer from (counter-bus.md "Line and framing": t3.5 after the last byte), and a slice tick would put it 1 ms
 * late on average. The clock is the global `performance` (looked up at each call, so fake timers in a unit test
 * can drive it).
 */
import { runAt, type CancelRun } from './precise-timer.ts';

/** Milliseconds one byte occupies on the wire at `baud` (start bit + 8 data bits + stop bit). */
export function byteWireMs(baud: number): number {
  return 10_000 / baud;
}

export function checkBaud(baud: unknown): number {
  if (typeof baud !== 'number' || !Number.isFinite(baud) || baud <= 0) {
    throw new Error(`baud must be a positive number of bits per second, got ${String(baud)}`);
  }
  return baud;
}

interface Block {
  bytes: Uint8Array;
  /** Bytes already handed to the sink. */
  sent: number;
  /** Instant (performance.now()) the first bit of this block goes on the wire. */
  startAt: number;
  done: () => void;
}

export interface WirePacerOptions {
  /** Smallest gap between two deliveries, in ms (default 2). */
  sliceMs?: number;
  /**
   * Deliver each block's last byte at its due instant to the sub-millisecond (event-loop turns after a timer)
   * instead of at the next slice tick (default false: turns need a clock that moves between them, so a unit test
   * on fake timers keeps the slice ticks).
   */
  preciseEnd?: boolean;
  /** Called when the sink throws; the pacer carries on with the next bytes (default: a process warning). */
  onSinkError?: (err: unknown) => void;
}

export class WirePacer {
  readonly byteMs: number;
  private readonly sliceMs: number;
  private readonly preciseEnd: boolean;
  private readonly onSinkError: (err: unknown) => void;
  private readonly queue: Block[] = [];
  /** Instant the wire is free again after everything queued. */
  private freeAt = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The precise wait for the instant the head block's last byte is due (instead of `timer`). */
  private endWait: CancelRun | null = null;
  private closed = false;

  constructor(
    readonly baud: number,
    private readonly sink: (chunk: Uint8Array) => void,
    opts: WirePacerOptions = {},
  ) {
    checkBaud(baud);
    this.byteMs = byteWireMs(baud);
    this.sliceMs = opts.sliceMs ?? 2;
    this.preciseEnd = opts.preciseEnd ?? false;
    this.onSinkError = opts.onSinkError ?? ((err) => process.emitWarning(`wire pacer sink failed: ${String(err)}`));
  }

  /** Bytes queued and not yet handed on. */
  get pending(): number {
    let n = 0;
    for (const b of this.queue) n += b.bytes.length - b.sent;
    return n;
  }

  /** Queue bytes; resolves when the last of them has left the wire. After close() the bytes are dropped. */
  push(bytes: Uint8Array): Promise<void> {
    if (this.closed || bytes.length === 0) return Promise.resolve();
    const now = performance.now();
    const startAt = Math.max(now, this.freeAt);
    this.freeAt = startAt + bytes.length * this.byteMs;
    return new Promise<void>((resolve) => {
      // Copy: the caller may reuse its buffer while we are still sending.
      this.queue.push({ bytes: bytes.slice(), sent: 0, startAt, done: resolve });
      this.schedule(now);
    });
  }

  /** Drop everything queued (line went down); pending promises resolve so no sender hangs. */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.endWait?.();
    this.endWait = null;
    for (const b of this.queue.splice(0)) b.done();
    this.freeAt = 0;
  }

  /** clear() and refuse further bytes. */
  close(): void {
    this.closed = true;
    this.clear();
  }

  private schedule(now: number): void {
    if (this.timer || this.endWait || this.queue.length === 0) return;
    const head = this.queue[0];
    const nextDue = head.startAt + (head.sent + 1) * this.byteMs;
    const endDue = head.startAt + head.bytes.length * this.byteMs;
    const delay = Math.max(this.sliceMs, nextDue - now);
    if (this.preciseEnd && now + delay >= endDue) this.endWait = runAt(endDue, () => this.tick());
    else this.timer = setTimeout(() => this.tick(), delay);
  }

  private tick(): void {
    this.timer = null;
    this.endWait = null;
    const now = performance.now();
    while (this.queue.length > 0) {
      const b = this.queue[0];
      const due = Math.min(b.bytes.length, Math.floor((now - b.startAt) / this.byteMs + 1e-9));
      if (due > b.sent) {
        const chunk = b.bytes.subarray(b.sent, due);
        b.sent = due;
        this.deliver(chunk);
        if (this.closed || this.queue[0] !== b) return; // the sink closed or cleared us
      }
      if (b.sent < b.bytes.length) break;
      this.queue.shift();
      b.done();
    }
    this.schedule(now);
  }

  private deliver(chunk: Uint8Array): void {
    // A throwing sink (a device model with a bug) must neither crash the process from a timer nor stall the wire.
    try {
      this.sink(chunk);
    } catch (err) {
      this.onSinkError(err);
    }
  }
}
