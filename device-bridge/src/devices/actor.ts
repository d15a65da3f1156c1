/**
 * The per-device actor (issue 4, "Per-device actor"): serialises every command on one port.
 *
 * - One command in flight per port; later ones wait in a FIFO queue.
 * - The response matcher (`accept`) is registered BEFORE the bytes are written (zigbee-herdsman's "waitress"), so a
 *   fast reply cannot slip past it.
 * - Every command has its own timeout (the driver passes the figure from its spec) and may be canceled through an
 *   `AbortSignal`, whether queued or in flight. The timeout runs from the moment the command reaches the port (its
 *   write begins), not while it waits in the queue, so a poll queued behind a long print job does not time out.
 * - When the port closes, the command in flight and every queued one are rejected with `deviceNotReady`: none is
 *   left hanging. Commands submitted while the port is down are rejected at once.
 * - Frames that no command accepts (status pushes, late replies, key events) go to `onUnsolicited`.
 * - Counters: the decoder's (frames, checksumErrors, lengthErrors, discardedBytes, plus any extras) and the actor's
 *   (commands, timeouts, canceled, unsolicited, reconnects, bytesIn, bytesOut).
 *
 * Late replies: after a timeout or a cancel, the reply may still arrive. The actor drops the decoder's partial frame
 * and keeps the line quiet for `quietAfterTimeoutMs` before the next write; a complete late frame arriving then goes
 * to `onUnsolicited`. Drivers should still make `accept` check what it can (Modbus unit + function, the printer's
 * process ID) rather than take "the next frame".
 *
 * Generic over the frame type F of the driver's `StreamDecoder<F>`.
 */
import type { StreamDecoder } from '@onedoor/protocol';
import type { ByteChannel, TransportCloseInfo } from '../transport/index.ts';
import { canceledError, DeviceCommandError, notReadyError, timeOutError } from './errors.ts';

export interface ActorOptions<F> {
  /** Device id, used in error messages. */
  id: string;
  channel: ByteChannel;
  decoder: StreamDecoder<F>;
  /** Frames no command accepted. */
  onUnsolicited?: (frame: F) => void;
  /** Silence kept between the end of one command and the next write (Modbus RTU: 3.5 character times). Default 0. */
  interCommandGapMs?: number;
  /** Silence after a timed-out or canceled command before the next write, so its late reply drains. Default 0. */
  quietAfterTimeoutMs?: number;
  /** `send()` writes in slices of this many bytes so that `pause()` (XOFF) takes effect mid-job. Default 256. */
  writeChunkSize?: number;
  /** Sees each command's bytes once before they are written and every decoded frame (the frame log, issue 6). */
  tap?: ActorTap<F>;
}

/** Observer of the line for the technician console's frame log; a throw is ignored (it must not break the port). */
export interface ActorTap<F> {
  tx(bytes: Uint8Array, label: string): void;
  rx(frame: F): void;
}

export interface RequestOptions<F> {
  /** Bytes to write; may be empty to only wait for a frame. */
  bytes: Uint8Array;
  /** True for the frame that answers this command. Must not throw (a throw counts as "not this one"). */
  accept: (frame: F) => boolean;
  /** From the device's spec; covers the write and the reply. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** What this command is, for error messages (`find card`, `poll unit 3`). */
  label?: string;
}

export interface SendOptions {
  /** Default: no limit besides the port staying open. */
  timeoutMs?: number;
  signal?: AbortSignal;
  label?: string;
}

export interface ActorCounters {
  commands: number;
  timeouts: number;
  canceled: number;
  unsolicited: number;
  reconnects: number;
  bytesIn: number;
  bytesOut: number;
}

interface Job<F> {
  label: string;
  bytes: Uint8Array;
  accept: ((frame: F) => boolean) | null;
  timeoutMs: number | undefined;
  signal: AbortSignal | undefined;
  resolve: (frame: F | undefined) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | null;
  onAbort: (() => void) | null;
  done: boolean;
}

export class DeviceActor<F> {
  private readonly queue: Job<F>[] = [];
  private current: Job<F> | null = null;
  private paused = false;
  private resumeWaiters: Array<() => void> = [];
  /** Earliest time the next command may write (inter-command gap, quiet after a timeout). */
  private notBefore = 0;
  private pumpTimer: NodeJS.Timeout | null = null;
  private opens = 0;
  private closed = false;
  private readonly own: ActorCounters = {
    commands: 0,
    timeouts: 0,
    canceled: 0,
    unsolicited: 0,
    reconnects: 0,
    bytesIn: 0,
    bytesOut: 0,
  };
  private readonly gapMs: number;
  private readonly quietMs: number;
  private readonly chunkSize: number;
  private onUnsolicited: ((frame: F) => void) | undefined;

  private readonly handleData = (chunk: Uint8Array) => this.onData(chunk);
  private readonly handleOpen = () => this.onOpen();
  private readonly handleClose = (info: TransportCloseInfo) => this.onClose(info);

  constructor(private readonly options: ActorOptions<F>) {
    this.gapMs = options.interCommandGapMs ?? 0;
    this.quietMs = options.quietAfterTimeoutMs ?? 0;
    this.chunkSize = options.writeChunkSize ?? 256;
    if (!(this.chunkSize > 0)) throw new Error(`DeviceActor ${options.id}: writeChunkSize must be > 0`);
    this.onUnsolicited = options.onUnsolicited;
    options.channel.on('data', this.handleData);
    options.channel.on('open', this.handleOpen);
    options.channel.on('close', this.handleClose);
    if (options.channel.isOpen) this.opens = 1;
  }

  /** Whether commands are accepted now (port open, actor not closed). */
  get isReady(): boolean {
    return !this.closed && this.options.channel.isOpen;
  }

  /** Commands waiting plus the one in flight. */
  get pending(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  setUnsolicitedHandler(handler: ((frame: F) => void) | undefined): void {
    this.onUnsolicited = handler;
  }

  /** Write `bytes` and resolve with the first frame `accept` takes. */
  request(opts: RequestOptions<F>): Promise<F> {
    if (!(opts.timeoutMs > 0)) throw new Error(`DeviceActor ${this.options.id}: timeoutMs must be > 0 (got ${opts.timeoutMs})`);
    return this.enqueue(opts.label ?? 'command', opts.bytes, opts.accept, opts.timeoutMs, opts.signal) as Promise<F>;
  }

  /** Write bytes that get no reply (a print job's body, a Modbus broadcast). Honours pause() between slices. */
  async send(bytes: Uint8Array, opts: SendOptions = {}): Promise<void> {
    await this.enqueue(opts.label ?? 'send', bytes, null, opts.timeoutMs, opts.signal);
  }

  /** Stop writing (XOFF from the device); a `send` in progress waits between slices. */
  pause(): void {
    this.paused = true;
  }

  /** Writing may go on (XON). */
  resume(): void {
    this.paused = false;
    const waiters = this.resumeWaiters;
    this.resumeWaiters = [];
    for (const w of waiters) w();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Decoder counters (including any extras it keeps) merged with the actor's own. */
  counters(): Record<string, number> {
    return { ...(this.options.decoder.counters as unknown as Record<string, number>), ...this.own };
  }

  /** Reject everything pending and stop listening to the channel. The actor cannot be used again. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.options.channel.off('data', this.handleData);
    this.options.channel.off('open', this.handleOpen);
    this.options.channel.off('close', this.handleClose);
    this.rejectAll(notReadyError(this.options.id, 'device closed'));
  }

  private enqueue(
    label: string,
    bytes: Uint8Array,
    accept: ((frame: F) => boolean) | null,
    timeoutMs: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<F | undefined> {
    const what = `${this.options.id} ${label}`;
    if (this.closed) return Promise.reject(notReadyError(what, 'device closed'));
    if (!this.options.channel.isOpen) return Promise.reject(notReadyError(what, 'port not open'));
    if (signal?.aborted) return Promise.reject(canceledError(what));
    return new Promise<F | undefined>((resolve, reject) => {
      const job: Job<F> = { label, bytes, accept, timeoutMs, signal, resolve, reject, timer: null, onAbort: null, done: false };
      if (signal) {
        job.onAbort = () => {
          this.own.canceled++;
          this.fail(job, canceledError(what), true);
        };
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  private pump(): void {
    if (this.current || this.closed || this.pumpTimer) return;
    const job = this.queue.shift();
    if (!job) return;
    const wait = this.notBefore - Date.now();
    if (wait > 0) {
      this.queue.unshift(job);
      this.pumpTimer = setTimeout(() => {
        this.pumpTimer = null;
        this.pump();
      }, wait);
      return;
    }
    this.current = job;
    void this.run(job);
  }

  private async run(job: Job<F>): Promise<void> {
    const what = `${this.options.id} ${job.label}`;
    this.own.commands++;
    // The matcher is live from here on (job is `current`), before any byte is written.
    if (job.timeoutMs !== undefined) {
      const ms = job.timeoutMs;
      job.timer = setTimeout(() => {
        this.own.timeouts++;
        this.fail(job, timeOutError(what, ms), true);
      }, ms);
    }
    if (job.bytes.length > 0) this.tapSafely((t) => t.tx(job.bytes, job.label));
    try {
      for (let off = 0; off < job.bytes.length && !job.done; off += this.chunkSize) {
        if (this.paused) await new Promise<void>((r) => this.resumeWaiters.push(r));
        if (job.done) return;
        const slice = job.bytes.subarray(off, off + this.chunkSize);
        await this.options.channel.write(slice);
        this.own.bytesOut += slice.length;
      }
    } catch (err) {
      this.fail(job, notReadyError(what, `write failed: ${(err as Error).message}`), false);
      return;
    }
    if (!job.accept) this.succeed(job, undefined);
  }

  private onData(chunk: Uint8Array): void {
    this.own.bytesIn += chunk.length;
    for (const frame of this.options.decoder.push(chunk)) {
      this.tapSafely((t) => t.rx(frame));
      const job = this.current;
      let taken = false;
      if (job?.accept && !job.done) {
        try {
          taken = job.accept(frame);
        } catch {
          taken = false;
        }
      }
      if (taken && job) {
        this.succeed(job, frame);
      } else {
        this.own.unsolicited++;
        try {
          this.onUnsolicited?.(frame);
        } catch {
          // A driver's handler bug must not break the byte pipeline; the driver logs its own errors.
        }
      }
    }
  }

  private tapSafely(use: (tap: ActorTap<F>) => void): void {
    if (!this.options.tap) return;
    try {
      use(this.options.tap);
    } catch {
      // The frame log is diagnostics only: its failure must never cost a command or a frame.
    }
  }

  private onOpen(): void {
    if (this.opens++ > 0) this.own.reconnects++;
    // The transport flushed its input on open; drop our partial frame too so no stale reply completes a new command.
    this.options.decoder.reset();
    this.paused = false;
    this.notBefore = 0;
  }

  private onClose(info: TransportCloseInfo): void {
    this.options.decoder.reset();
    this.rejectAll(notReadyError(this.options.id, `port closed (${info.reason})`));
  }

  private rejectAll(err: DeviceCommandError): void {
    const jobs = [...(this.current ? [this.current] : []), ...this.queue];
    this.queue.length = 0;
    for (const job of jobs) this.fail(job, new DeviceCommandError(err.code, `${job.label}: ${err.message}`), false);
    // Unblock a send waiting on XON; it will see `done` and stop.
    this.resume();
  }

  private succeed(job: Job<F>, frame: F | undefined): void {
    if (!this.settle(job)) return;
    this.notBefore = Math.max(this.notBefore, Date.now() + this.gapMs);
    job.resolve(frame);
    this.pump();
  }

  /** `dirty`: the device may still answer this command later, so quiet the line and drop any partial frame. */
  private fail(job: Job<F>, err: Error, dirty: boolean): void {
    const wasCurrent = this.current === job;
    if (!this.settle(job)) return;
    if (wasCurrent) {
      const quiet = dirty ? Math.max(this.gapMs, this.quietMs) : this.gapMs;
      this.notBefore = Math.max(this.notBefore, Date.now() + quiet);
      if (dirty) this.options.decoder.reset();
    }
    job.reject(err);
    this.pump();
  }

  /** Mark a job finished exactly once, clear its timer/abort hook and take it off the port or the queue. */
  private settle(job: Job<F>): boolean {
    if (job.done) return false;
    job.done = true;
    if (job.timer) clearTimeout(job.timer);
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    if (this.current === job) this.current = null;
    else {
      const i = this.queue.indexOf(job);
      if (i >= 0) this.queue.splice(i, 1);
    }
    return true;
  }
}
