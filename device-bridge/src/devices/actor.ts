/**
 * The per-device actor: the one owner of a port's line. Every byte a driver writes goes through it.
 *
 * Work reaches the line as transactions, one at a time. A transaction holds the line for all its steps (a print
 * job's bytes and its process-ID wait; a Modbus request and its reply), so nothing else can slip a command in
 * between; `request` and `send` are transactions of one step. Waiting transactions go by priority (a citizen's
 * command before a status poll before background work), first come first served within a priority, as in zwave-js's
 * driver queue.
 *
 * One timeout model: each step that waits for a reply has its own timeout (the figure from the device's spec),
 * armed when the step reaches the line (after the gap, as its write begins), never while it waits in the queue. When
 * it fires the actor gives I/O already received a few event-loop turns (a loaded machine runs timers before reads),
 * then asks the driver's `onTimeout` for frames the decoder still holds, and only then rejects with `timeOut`. The
 * error's stack is the caller's (captured when the step was asked for), not the timer's.
 *
 * Lines and frames:
 * - A step's matcher (`accept`) is live before its bytes are written (zigbee-herdsman's "waitress"), so a fast reply
 *   cannot slip past it. Frames no step accepts (status pushes, late replies, key events) go to `onUnsolicited`.
 * - Silence: `interCommandGapMs` after every step (Modbus RTU's t3.5), and `quietAfterTimeoutMs` after a step that
 *   timed out or was canceled (its late reply drains; the decoder's partial frame is dropped). The gap is kept on
 *   `performance.now()`, to the sub-millisecond: a timer for the whole milliseconds, then event-loop turns.
 * - XOFF: `pause()` holds every write between slices of `writeChunkSize` bytes until `resume()`.
 * - Cancel: a transaction's `signal` removes it from the queue, or ends the step in flight and the transaction.
 * - The port closing ends the transaction in flight and every queued one with `deviceNotReady`; nothing is left
 *   hanging, and a transaction's later steps are refused. Work asked for while the port is down is refused at once.
 *
 * Generic over the frame type F of the driver's `StreamDecoder<F>`.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DecoderCounters, StreamDecoder } from '@onedoor/protocol';
import type { ByteChannel, TransportCloseInfo } from '../transport/index.ts';
import { canceledError, DeviceCommandError, notReadyError, timeOutError } from './errors.ts';
import { Waiters } from './waiters.ts';

export interface ActorOptions<F> {
  /** Device id, used in error messages. */
  id: string;
  channel: ByteChannel;
  decoder: StreamDecoder<F>;
  /** Frames no step accepted. */
  onUnsolicited?: (frame: F) => void;
  /** Silence kept after every step before the next write (Modbus RTU: 3.5 character times). Default 0. */
  interCommandGapMs?: number;
  /** Silence after a timed-out or canceled step before the next write, so its late reply drains. Default 0. */
  quietAfterTimeoutMs?: number;
  /** Writes go in slices of this many bytes so that `pause()` (XOFF) takes effect mid-job. Default 256. */
  writeChunkSize?: number;
  /** Sees each step's bytes once before they are written and every decoded frame (the frame log). */
  tap?: ActorTap<F>;
}

/** Observer of the line for the technician console's frame log; a throw is ignored (it must not break the port). */
export interface ActorTap<F> {
  tx(bytes: Uint8Array, label: string): void;
  rx(frame: F): void;
}

/**
 * Who is waiting, highest first: a citizen's or client's command, a status poll (the printer's DLE EOT, a counter
 * terminal's event read), background work.
 */
export type LinePriority = 'command' | 'poll' | 'background';
const RANK: Record<LinePriority, number> = { command: 0, poll: 1, background: 2 };

export interface RequestOptions<F> {
  /** Bytes to write; may be empty to only wait for a frame. */
  bytes: Uint8Array;
  /** True for the frame that answers this step. Must not throw (a throw counts as "not this one"). */
  accept: (frame: F) => boolean;
  /** From the device's spec; covers the write and the reply. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** What this step is, for error messages (`find card`, `poll unit 3`). */
  label?: string;
  /**
   * Called when the timeout fires, before the step fails: frames the decoder still holds that silence completes
   * (Modbus: a frame held back behind a noise byte). One that `accept` takes answers the step.
   */
  onTimeout?: () => F[];
}

export interface SendOptions {
  /** Default: no limit besides the port staying open. */
  timeoutMs?: number;
  signal?: AbortSignal;
  label?: string;
}

export interface TransactionOptions {
  /** Default `command`. */
  priority?: LinePriority;
  /** Cancels the transaction: removed from the queue, or its step in flight ends and later steps are refused. */
  signal?: AbortSignal;
}

/** What `Line.listen` waits for. */
export interface ListenOptions<F> {
  /** True for the frame being waited for. Must not throw. */
  accept: (frame: F) => boolean;
  /** How long to listen; when it passes the step ends with `undefined`, which is not a fault. */
  forMs: number;
  signal?: AbortSignal;
  label?: string;
}

/** The line as a transaction sees it while it holds it. */
export interface Line<F> {
  request(opts: RequestOptions<F>): Promise<F>;
  /**
   * Waits up to `forMs` for a frame `accept` takes, writing nothing; resolves with it, or with `undefined` when the
   * time passes. Nothing was asked of the device, so an empty listen is no timeout: no quiet time, and a partial
   * frame in the decoder is kept (a transaction waits in slices this way and does other steps in between, e.g. a
   * print job's process-ID wait with status queries between its slices).
   */
  listen(opts: ListenOptions<F>): Promise<F | undefined>;
  send(bytes: Uint8Array, opts?: SendOptions): Promise<void>;
  /** Aborted when the transaction ends (done, canceled, or the port closed). */
  readonly signal: AbortSignal;
}

export interface ActorCounters {
  /** Steps that reached the line. */
  commands: number;
  timeouts: number;
  canceled: number;
  unsolicited: number;
  /** Owned by the channel (the reconnecting transport); shown here so the status has it in one set. */
  reconnects: number;
  bytesIn: number;
  bytesOut: number;
}

/** What `counters()` shows: the decoder's (with any extras it keeps) and the actor's. */
export type ActorCounterSet = Readonly<DecoderCounters & ActorCounters>;

/** One step as the actor runs it. `trace` is made where the step was asked for (its caller's stack). */
interface StepSpec<F> {
  label: string;
  bytes: Uint8Array;
  accept: ((frame: F) => boolean) | null;
  timeoutMs: number | undefined;
  onTimeout?: () => F[];
  signal?: AbortSignal;
  trace: Error;
  /** When the time passes the step ends with `undefined` instead of failing (`Line.listen`). */
  endsQuietly?: boolean;
}

/** Runs a step for the entry that holds the line. */
type RunStep<F> = (spec: StepSpec<F>) => Promise<F | undefined>;

/** A transaction waiting for the line or holding it. */
interface Entry<F> {
  label: string;
  rank: number;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
  /** Aborted when the entry ends (its `Line.signal`). */
  life: AbortController;
  run(runStep: RunStep<F>, life: AbortSignal): Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: Error): void;
  done: boolean;
}

interface Step<F> {
  entry: Entry<F>;
  what: string;
  accept: ((frame: F) => boolean) | null;
  onTimeout: (() => F[]) | undefined;
  endsQuietly: boolean;
  resolve(frame: F | undefined): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout | null;
  done: boolean;
}

type OwnCounters = Omit<ActorCounters, 'reconnects'>;

/** Event-loop turns a timed-out step waits for replies already received but not yet read. */
const STALL_TURNS = 3;

export class DeviceActor<F> {
  private readonly queue: Entry<F>[] = [];
  private current: Entry<F> | null = null;
  private step: Step<F> | null = null;
  private paused = false;
  private readonly resumed = new Waiters<void, never>();
  /** performance.now() before which no step may write (inter-command gap, quiet after a timeout). */
  private notBefore = 0;
  private closed = false;
  private readonly own: OwnCounters = { commands: 0, timeouts: 0, canceled: 0, unsolicited: 0, bytesIn: 0, bytesOut: 0 };
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
  }

  /** Whether work is accepted now (port open, actor not closed). */
  get isReady(): boolean {
    return !this.closed && this.options.channel.isOpen;
  }

  /** Transactions waiting plus the one holding the line. */
  get pending(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  setUnsolicitedHandler(handler: ((frame: F) => void) | undefined): void {
    this.onUnsolicited = handler;
  }

  /** Write `bytes` and resolve with the first frame `accept` takes: a transaction of one step. */
  request(opts: RequestOptions<F> & { priority?: LinePriority }): Promise<F> {
    const trace = new Error();
    if (!(opts.timeoutMs > 0)) throw new Error(`DeviceActor ${this.options.id}: timeoutMs must be > 0 (got ${opts.timeoutMs})`);
    const label = opts.label ?? 'command';
    const spec: StepSpec<F> = { label, bytes: opts.bytes, accept: opts.accept, timeoutMs: opts.timeoutMs, onTimeout: opts.onTimeout, trace };
    return this.enqueue(label, (runStep) => runStep(spec), opts) as Promise<F>;
  }

  /** Write bytes that get no reply (a Modbus broadcast, a start-up sequence). Honours pause() between slices. */
  async send(bytes: Uint8Array, opts: SendOptions & { priority?: LinePriority } = {}): Promise<void> {
    const trace = new Error();
    const label = opts.label ?? 'send';
    const spec: StepSpec<F> = { label, bytes, accept: null, timeoutMs: opts.timeoutMs, trace };
    await this.enqueue(label, (runStep) => runStep(spec), opts);
  }

  /**
   * Run `steps` with the line held: no other transaction writes until it settles (or the port closes, or `signal`
   * aborts: then it rejects at once and its later steps are refused).
   */
  transaction<T>(label: string, steps: (line: Line<F>) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    return this.enqueue(label, (runStep, life) => steps(this.lineFor(label, runStep, life)), opts) as Promise<T>;
  }

  private enqueue(label: string, run: Entry<F>['run'], opts: TransactionOptions): Promise<unknown> {
    const what = `${this.options.id} ${label}`;
    const signal = opts.signal;
    if (this.closed) return Promise.reject(notReadyError(what, 'device closed'));
    if (!this.options.channel.isOpen) return Promise.reject(notReadyError(what, 'port not open'));
    if (signal?.aborted) return Promise.reject(canceledError(what));
    return new Promise<unknown>((resolve, reject) => {
      const entry: Entry<F> = {
        label,
        rank: RANK[opts.priority ?? 'command'],
        signal,
        onAbort: null,
        life: new AbortController(),
        run,
        resolve,
        reject,
        done: false,
      };
      if (signal) {
        entry.onAbort = () => {
          this.own.canceled++;
          this.endEntry(entry, canceledError(what), true);
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      // Before the first entry of a lower priority: FIFO within a priority.
      let i = this.queue.length;
      while (i > 0 && this.queue[i - 1].rank > entry.rank) i--;
      this.queue.splice(i, 0, entry);
      this.pump();
    });
  }

  /** Stop writing (XOFF from the device); a write in progress waits between slices. */
  pause(): void {
    this.paused = true;
  }

  /** Writing may go on (XON). */
  resume(): void {
    this.paused = false;
    this.resumed.resolve();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Resolves at the next `resume()` (or at once when not paused). Rejects with `timeoutError()` after `timeoutMs`
   * when given: a device that holds XOFF for ever must not hold its caller for ever.
   */
  whenResumed(opts: { timeoutMs?: number; timeoutError?: () => Error } = {}): Promise<void> {
    if (!this.paused) return Promise.resolve();
    return this.resumed.wait(opts);
  }

  /** Decoder counters (including any extras it keeps) merged with the actor's own and the channel's reconnects. */
  counters(): ActorCounterSet {
    return { ...this.options.decoder.counters, ...this.own, reconnects: this.options.channel.reconnects ?? 0 };
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

  // ---- the queue -----------------------------------------------------------------------------------------------

  private pump(): void {
    if (this.current || this.closed) return;
    const entry = this.queue.shift();
    if (!entry) return;
    this.current = entry;
    let out: Promise<unknown>;
    try {
      out = entry.run((spec) => this.runStep(entry, spec), entry.life.signal);
    } catch (err) {
      out = Promise.reject(err);
    }
    out.then(
      (v) => this.finishEntry(entry, { value: v }),
      (e: unknown) => this.finishEntry(entry, { error: e instanceof Error ? e : new Error(String(e)) }),
    );
  }

  /** The `Line` a transaction's steps use; each call records its caller's stack for a timeout error. */
  private lineFor(label: string, runStep: RunStep<F>, life: AbortSignal): Line<F> {
    return {
      request: (o) => {
        const trace = new Error();
        if (!(o.timeoutMs > 0)) return Promise.reject(new Error(`DeviceActor ${this.options.id}: timeoutMs must be > 0 (got ${o.timeoutMs})`));
        const spec: StepSpec<F> = { label: o.label ?? label, bytes: o.bytes, accept: o.accept, timeoutMs: o.timeoutMs, onTimeout: o.onTimeout, signal: o.signal, trace };
        return runStep(spec) as Promise<F>;
      },
      send: async (bytes, o = {}) => {
        const trace = new Error();
        await runStep({ label: o.label ?? label, bytes, accept: null, timeoutMs: o.timeoutMs, signal: o.signal, trace });
      },
      listen: (o) => {
        const trace = new Error();
        if (!(o.forMs > 0)) return Promise.reject(new Error(`DeviceActor ${this.options.id}: forMs must be > 0 (got ${o.forMs})`));
        const spec: StepSpec<F> = { label: o.label ?? label, bytes: new Uint8Array(0), accept: o.accept, timeoutMs: o.forMs, signal: o.signal, trace, endsQuietly: true };
        return runStep(spec);
      },
      signal: life,
    };
  }

  private finishEntry(entry: Entry<F>, outcome: { value: unknown } | { error: Error }): void {
    if (!this.settleEntry(entry)) return;
    if ('error' in outcome) entry.reject(outcome.error);
    else entry.resolve(outcome.value);
    this.pump();
  }

  /** Ends an entry early (cancel, port closed): its step in flight fails and its later steps are refused. */
  private endEntry(entry: Entry<F>, err: DeviceCommandError, dirty: boolean): void {
    const step = this.step;
    if (step && step.entry === entry) this.failStep(step, err, dirty);
    if (!this.settleEntry(entry)) return;
    entry.reject(err);
    this.pump();
  }

  private settleEntry(entry: Entry<F>): boolean {
    if (entry.done) return false;
    entry.done = true;
    entry.life.abort();
    if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
    if (this.current === entry) this.current = null;
    else {
      const i = this.queue.indexOf(entry);
      if (i >= 0) this.queue.splice(i, 1);
    }
    return true;
  }

  // ---- one step on the line -------------------------------------------------------------------------------------

  private async runStep(entry: Entry<F>, spec: StepSpec<F>): Promise<F | undefined> {
    const { label, bytes, accept, timeoutMs, onTimeout, signal, trace, endsQuietly = false } = spec;
    const what = `${this.options.id} ${label}`;
    if (entry.done || this.current !== entry) throw notReadyError(what, 'the transaction is over');
    if (this.step) throw new Error(`DeviceActor ${this.options.id}: ${label} asked for while a step is in flight`);
    if (signal?.aborted) throw canceledError(what);
    await this.waitNotBefore(entry);
    if (entry.done) throw notReadyError(what, 'the transaction is over');
    if (signal?.aborted) throw canceledError(what);
    return new Promise<F | undefined>((resolve, reject) => {
      const step: Step<F> = { entry, what, accept, onTimeout, endsQuietly, resolve, reject, timer: null, done: false };
      this.step = step;
      this.own.commands++;
      if (signal) {
        const onAbort = () => {
          this.own.canceled++;
          this.failStep(step, canceledError(what), true);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        const unhook = () => signal.removeEventListener('abort', onAbort);
        step.resolve = (f) => (unhook(), resolve(f));
        step.reject = (e) => (unhook(), reject(e));
      }
      // The matcher is live from here on (the step is current), before any byte is written.
      if (timeoutMs !== undefined) step.timer = setTimeout(() => void this.stepTimedOut(step, timeoutMs, trace), timeoutMs);
      void this.write(step, bytes, label);
    });
  }

  private async write(step: Step<F>, bytes: Uint8Array, label: string): Promise<void> {
    if (bytes.length > 0) this.tapSafely((t) => t.tx(bytes, label));
    try {
      for (let off = 0; off < bytes.length && !step.done; off += this.chunkSize) {
        if (this.paused) await this.resumed.wait();
        if (step.done) return;
        const slice = bytes.subarray(off, off + this.chunkSize);
        await this.options.channel.write(slice);
        this.own.bytesOut += slice.length;
      }
    } catch (err) {
      this.failStep(step, notReadyError(step.what, `write failed: ${(err as Error).message}`, err), false);
      return;
    }
    if (!step.accept) this.succeedStep(step, undefined);
  }

  private async stepTimedOut(step: Step<F>, ms: number, trace: Error): Promise<void> {
    step.timer = null;
    // After a stall of the event loop, timers run before I/O: the reply may be in the socket already.
    for (let k = 0; k < STALL_TURNS && !step.done; k++) await nextTurn();
    if (step.done) return;
    if (step.onTimeout && step.accept) {
      let held: F[] = [];
      try {
        held = step.onTimeout();
      } catch {
        held = [];
      }
      const answer = held.find((f) => this.accepts(step, f));
      if (answer !== undefined) {
        this.succeedStep(step, answer);
        return;
      }
    }
    if (step.endsQuietly) {
      this.succeedStep(step, undefined);
      return;
    }
    this.own.timeouts++;
    this.failStep(step, timeOutError(step.what, ms, trace), true);
  }

  private accepts(step: Step<F>, frame: F): boolean {
    if (!step.accept || step.done) return false;
    try {
      return step.accept(frame);
    } catch {
      return false;
    }
  }

  private succeedStep(step: Step<F>, frame: F | undefined): void {
    if (!this.settleStep(step)) return;
    this.notBefore = Math.max(this.notBefore, performance.now() + this.gapMs);
    step.resolve(frame);
  }

  /** `dirty`: the device may still answer this step later, so quiet the line and drop any partial frame. */
  private failStep(step: Step<F>, err: Error, dirty: boolean): void {
    if (!this.settleStep(step)) return;
    const quiet = dirty ? Math.max(this.gapMs, this.quietMs) : this.gapMs;
    this.notBefore = Math.max(this.notBefore, performance.now() + quiet);
    if (dirty) this.options.decoder.reset();
    step.reject(err);
  }

  private settleStep(step: Step<F>): boolean {
    if (step.done) return false;
    step.done = true;
    if (step.timer) clearTimeout(step.timer);
    if (this.step === step) this.step = null;
    return true;
  }

  /**
   * Keep the silence owed since the last step. setTimeout works in whole milliseconds against a loop clock that may
   * be up to 1 ms behind, so it sleeps the whole milliseconds and tops up turn by turn until performance.now()
   * says the gap has passed (at most about a millisecond of turns).
   */
  private async waitNotBefore(entry: Entry<F>): Promise<void> {
    for (;;) {
      const ms = this.notBefore - performance.now();
      if (ms <= 0 || entry.done) return;
      if (ms > 1) await new Promise((r) => setTimeout(r, Math.ceil(ms - 1)));
      else await nextTurn();
    }
  }

  // ---- the channel ---------------------------------------------------------------------------------------------

  private onData(chunk: Uint8Array): void {
    this.own.bytesIn += chunk.length;
    for (const frame of this.options.decoder.push(chunk)) {
      this.tapSafely((t) => t.rx(frame));
      const step = this.step;
      if (step && this.accepts(step, frame)) {
        this.succeedStep(step, frame);
        continue;
      }
      this.own.unsolicited++;
      try {
        this.onUnsolicited?.(frame);
      } catch {
        // A driver's handler bug must not break the byte pipeline; the driver logs its own errors.
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
    // The transport flushed its input on open; drop our partial frame too so no stale reply completes a new step.
    this.options.decoder.reset();
    this.paused = false;
    this.notBefore = 0;
  }

  private onClose(info: TransportCloseInfo): void {
    this.options.decoder.reset();
    this.rejectAll(notReadyError(this.options.id, `port closed (${info.reason})`));
  }

  private rejectAll(err: DeviceCommandError): void {
    // The queue is emptied first, so that ending the current entry does not start a queued one on a dead line.
    const entries = [...(this.current ? [this.current] : []), ...this.queue.splice(0)];
    for (const entry of entries) {
      this.endEntry(entry, new DeviceCommandError(err.code, `${entry.label}: ${err.message}`, { cause: err }), false);
    }
    // Unblock a write waiting on XON; it will see its step is over and stop.
    this.resume();
  }
}
