/**
 * The driver contract (architecture.md): one `DeviceDriver` per configured device. The bridge only talks to
 * drivers through this interface (status, start/stop, actions); the reader, printer and counter-bus drivers are
 * built on `BaseDeviceDriver`, which owns the transport, the actor and the `DeviceStatus`.
 *
 * Writing a driver (see `registry.ts` for registering it):
 *
 * ```ts
 * class ReaderDriver extends BaseDeviceDriver<SamFrame> {
 *   constructor(spec: DeviceSpec, ctx: DriverContext) {
 *     super(spec, ctx, {
 *       decoder: new SamFrameDecoder(),
 *       watchdog: { intervalMs: 300, maxFailures: 3 },  // poll() = find card, every 300 ms (spec)
 *     });
 *   }
 *   // Start-up sequence, run on every (re)connect; throw DeviceCommandError('hardwareError', ...) for a SAM fault.
 *   protected async onConnected(signal: AbortSignal) {
 *     const reply = await this.actor.request({ bytes: buildSamCommand(...), accept: isSamReply, timeoutMs: 500, signal });
 *     ...
 *   }
 *   protected async watchdogPoll(signal: AbortSignal) { ... }   // throw (e.g. timeOut) when the device is silent
 *   protected onFrame(frame: SamFrame) { ... }                   // frames no command accepted
 *   override actions() { return [{ name: 'reset', help: 'reset the SAM', args: [] }]; }
 *   override async execute(action, args, opts) { ... }            // throw DeviceCommandError with the right code
 * }
 * ```
 */
import { EventEmitter } from 'node:events';
import type { DeviceFrameEntry, DeviceKind, DeviceState, DeviceStatus, StreamDecoder } from '@onedoor/protocol';
import type { Logger } from 'pino';
import {
  createTransport as defaultCreateTransport,
  ReconnectingTransport,
  type BackoffOptions,
  type Transport,
  type TransportCloseInfo,
  type TransportOptions,
} from '../transport/index.ts';
import { DeviceActor, type ActorOptions } from './actor.ts';
import { countersOf, type CounterRecord } from './counters.ts';
import { completionCodeOf, DeviceCommandError } from './errors.ts';
import { describeRxFrame, describeTxBytes } from './frameDescribe.ts';
import { FrameLog } from './frameLog.ts';

/** What a driver is told about its device (the config entry, already validated). */
export interface DeviceSpec {
  id: string;
  kind: DeviceKind;
  /** Serial path or `tcp://host:port`. */
  path: string;
  baud: number;
  /** Driver-specific settings from the config file; each driver validates its own. */
  options: Record<string, unknown>;
}

/** What the bridge gives every driver. */
export interface DriverContext {
  log: Logger;
  /** The bridge's data directory (the printer keeps its job queue there). */
  dataDir: string;
  /** Reconnect schedule; default 100 ms doubling to 1 s. */
  backoff?: BackoffOptions;
  /** Builds the transport for a path; default `createTransport` (serial or TCP). */
  createTransport?: (path: string, options: TransportOptions) => Transport;
  /**
   * Today as `YYYY-MM-DD` in the hall's time zone, for a driver's date decisions (the reader's expiry check), so
   * they agree with the hall's sessions and tickets. Default: China Standard Time (hall/clock.ts), never the PC's zone.
   */
  hallToday?: () => string;
  /**
   * Told the label of every command the driver writes (`find card`, `print job`), so a device-traffic recording
   * shows what caused the bytes (README "Record and replay"). Labels never hold personal data.
   */
  commandNote?: (deviceId: string, label: string) => void;
}

export interface DeviceActionInfo {
  name: string;
  help: string;
  /** Argument names, for the technician console. */
  args: string[];
}

export interface ExecuteOptions {
  signal: AbortSignal;
  /** The client's timeout for the whole action. */
  timeoutMs: number;
  /**
   * The client's request id, so a driver can make its own effects idempotent beyond the API's in-memory completion
   * cache (the printer's job table keeps it across bridge restarts: a buffered re-emit never prints twice).
   */
  requestId?: string;
}

export interface DeviceDriverEventMap {
  /** The status changed (state, detail, paper, media or lastError; counters alone do not emit). */
  status: [status: DeviceStatus];
}

export interface DeviceDriver {
  readonly id: string;
  readonly kind: DeviceKind;
  /** The current status, with fresh counters. */
  status(): DeviceStatus;
  /** Begin connecting; resolves at once (status events tell the rest). */
  start(): Promise<void>;
  /** Close the port, reject everything pending, stop timers. */
  stop(): Promise<void>;
  /** What `execute` accepts (technician console, `deviceCommand`). */
  actions(): DeviceActionInfo[];
  /**
   * Run an action for a client command. Resolves with the action's result, or throws a `DeviceCommandError` whose
   * code becomes the completion code (`invalidRequest` for an unknown action or bad args).
   */
  execute(action: string, args: Record<string, unknown>, opts: ExecuteOptions): Promise<unknown>;
  on<K extends keyof DeviceDriverEventMap>(event: K, listener: (...args: DeviceDriverEventMap[K]) => void): this;
  off<K extends keyof DeviceDriverEventMap>(event: K, listener: (...args: DeviceDriverEventMap[K]) => void): this;
}

export interface WatchdogOptions {
  /** Time between polls while the device is up. */
  intervalMs: number;
  /** Consecutive failed polls before the device is declared offline and the link recycled. Default 3. */
  maxFailures?: number;
}

export interface BaseDriverOptions<F> {
  decoder: StreamDecoder<F>;
  /** Actor tuning (inter-command gap, quiet after timeout, write slice size). */
  actor?: Pick<ActorOptions<F>, 'interCommandGapMs' | 'quietAfterTimeoutMs' | 'writeChunkSize'>;
  /** Enables the application watchdog: `watchdogPoll()` every `intervalMs` while the link is up. */
  watchdog?: WatchdogOptions;
  /** When `onConnected` fails because the device did not answer, try again after this long. Default 1000 ms. */
  startupRetryMs?: number;
  /** Entries in the frame log ring (technician console). Default 50. */
  frameLogSize?: number;
}

/** Fields a driver may change with `setStatus`. */
export type StatusPatch = Partial<Pick<DeviceStatus, 'state' | 'detail' | 'paper' | 'media'>>;

/**
 * Owns a device's transport, actor and `DeviceStatus`. State handling done for the driver: `starting` while the
 * port opens and `onConnected` runs, `online` when it resolves (unless the driver set another state meanwhile),
 * `offline` when the port closes or the watchdog gives up, `hardwareError` / `userError` when `onConnected` throws
 * with that code. Drivers set `busy`, `userError` (paper out), `paper` and `media` themselves with `setStatus`, and
 * set `online` again when such a condition clears (the base class only moves `starting` to `online`). A driver
 * object is used once: after `stop()` it is not restarted (the bridge builds a new one).
 */
export abstract class BaseDeviceDriver<F> extends EventEmitter<DeviceDriverEventMap> implements DeviceDriver {
  readonly id: string;
  readonly kind: DeviceKind;
  protected readonly link: ReconnectingTransport;
  protected readonly actor: DeviceActor<F>;
  protected readonly log: Logger;
  /** The last frames rx/tx for the technician console; filled through the actor's tap. */
  protected readonly frameLog: FrameLog;
  private current: Omit<DeviceStatus, 'counters'>;
  private readonly watchdogOptions: WatchdogOptions | undefined;
  private readonly startupRetryMs: number;
  private watchdogTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private watchdogFailures = 0;
  private watchdogBusy = false;
  /** Aborted when the connection it belongs to closes, so a start-up sequence or poll stops at once. */
  private session: AbortController | null = null;
  private stopped = false;

  constructor(
    protected readonly spec: DeviceSpec,
    protected readonly ctx: DriverContext,
    options: BaseDriverOptions<F>,
  ) {
    super();
    this.id = spec.id;
    this.kind = spec.kind;
    this.log = ctx.log.child({ device: spec.id, kind: spec.kind });
    this.watchdogOptions = options.watchdog;
    this.startupRetryMs = options.startupRetryMs ?? 1000;
    const transport = (ctx.createTransport ?? defaultCreateTransport)(spec.path, { baud: spec.baud });
    this.link = new ReconnectingTransport(transport, {
      ...ctx.backoff,
      onRetry: (r) => {
        this.log.debug({ attempt: r.attempt, delayMs: r.delayMs, err: r.error.message }, 'open failed, retrying');
        if (r.attempt === 1) this.setStatus({ state: 'offline', detail: `cannot open ${spec.path}: ${r.error.message}` });
      },
    });
    this.frameLog = new FrameLog(options.frameLogSize);
    this.actor = new DeviceActor<F>({
      ...options.actor,
      id: spec.id,
      channel: this.link,
      decoder: options.decoder,
      onUnsolicited: (frame) => this.onFrame(frame),
      tap: {
        tx: (bytes, label) => {
          ctx.commandNote?.(spec.id, label);
          const d = describeTxBytes(this.kind, bytes, label);
          this.frameLog.add('tx', d.length, d);
        },
        rx: (frame) => {
          const d = describeRxFrame(this.kind, frame);
          this.frameLog.add('rx', d.length, { hex: this.frameHex(frame, d.hex), summary: this.describeFrame(frame, d.summary) });
        },
      },
    });
    this.current = { id: spec.id, kind: spec.kind, state: 'starting', detail: 'not started', lastError: null, since: Date.now() };
    this.link.on('open', () => this.handleOpen());
    this.link.on('close', (info) => this.handleClose(info));
  }

  // ---- hooks for drivers -------------------------------------------------------------------------------------

  /** The start-up sequence, run after every (re)connect. `signal` aborts when the connection drops. */
  protected abstract onConnected(signal: AbortSignal): Promise<void>;

  /** Frames that no command accepted (status pushes, key events, late replies). Default: ignored. */
  protected onFrame(_frame: F): void {}

  /** The port closed; pending commands were already rejected. Default: nothing more. */
  protected onDisconnected(_info: TransportCloseInfo): void {}

  /**
   * The application watchdog poll (only with `options.watchdog`). Throw when the device did not answer; the
   * default does nothing. Runs through the actor like any command, so it waits its turn behind a print job.
   */
  protected async watchdogPoll(_signal: AbortSignal): Promise<void> {}

  /**
   * The driver's own counters for the status (jobs printed, cards read, polls), merged over the actor's. Keep them
   * in a typed interface the driver alone writes and return `countersOf(it)`.
   */
  protected extraCounters(): CounterRecord {
    return {};
  }

  /**
   * One decoded line for a received frame in the frame log. Default: the per-kind describer (frameDescribe.ts),
   * which already masks card data. An override must never return personal data (card text, photo, full ID numbers).
   */
  protected describeFrame(_frame: F, standard: string): string {
    return standard;
  }

  /** The hex the frame log keeps for a received frame; default the per-kind describer's (masked) hex. Same rule. */
  protected frameHex(_frame: F, standard: string): string {
    return standard;
  }

  /** The last frames rx/tx (masked), oldest first; only those after `afterSeq` when given (see `framesOf`). */
  frames(afterSeq = 0): DeviceFrameEntry[] {
    return this.frameLog.entries(afterSeq);
  }

  actions(): DeviceActionInfo[] {
    return [];
  }

  async execute(action: string, _args: Record<string, unknown>, _opts: ExecuteOptions): Promise<unknown> {
    throw new DeviceCommandError('invalidRequest', `${this.id} (${this.kind}) has no action "${action}"`);
  }

  // ---- status ------------------------------------------------------------------------------------------------

  status(): DeviceStatus {
    return { ...this.current, counters: { ...countersOf(this.actor.counters()), ...this.extraCounters() } };
  }

  /** Change status fields; emits `status` only when something changed, and stamps `since` on a state change. */
  protected setStatus(patch: StatusPatch): void {
    const next = { ...this.current, ...patch };
    const changed = (Object.keys(patch) as Array<keyof StatusPatch>).some((k) => this.current[k] !== next[k]);
    if (!changed) return;
    if (patch.state !== undefined && patch.state !== this.current.state) next.since = Date.now();
    this.current = next;
    this.emit('status', this.status());
  }

  /** Record an error (shown to the technician); `code` is machine-readable, `message` never holds personal data. */
  protected reportError(code: string, message: string): void {
    this.current = { ...this.current, lastError: { code, message, at: Date.now() } };
    this.log.warn({ code }, message);
    this.emit('status', this.status());
  }

  protected get state(): DeviceState {
    return this.current.state;
  }

  // ---- lifecycle ---------------------------------------------------------------------------------------------

  async start(): Promise<void> {
    this.stopped = false;
    this.setStatus({ state: 'starting', detail: `opening ${this.spec.path}` });
    this.link.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    this.session?.abort();
    this.actor.close();
    await this.link.stop();
    this.setStatus({ state: 'offline', detail: 'stopped' });
  }

  private handleOpen(): void {
    this.session?.abort();
    const session = new AbortController();
    this.session = session;
    this.watchdogFailures = 0;
    this.setStatus({ state: 'starting', detail: `${this.spec.path} open, starting up` });
    this.onConnected(session.signal).then(
      () => {
        if (session.signal.aborted) return;
        if (this.current.state === 'starting') this.setStatus({ state: 'online', detail: 'ready' });
        this.startWatchdog(session);
      },
      (err: unknown) => {
        if (session.signal.aborted) return;
        const code = completionCodeOf(err);
        const message = (err as Error)?.message ?? String(err);
        this.reportError(code, `start-up failed: ${message}`);
        if (code === 'hardwareError' || code === 'userError') {
          this.setStatus({ state: code, detail: message });
          // Keep watching: a printer with its cover open comes back by itself; the driver's poll sees it.
          this.startWatchdog(session);
        } else {
          // No answer: the port is there but the device is not (powered off behind a device server, wrong baud).
          this.setStatus({ state: 'offline', detail: `no answer at start-up: ${message}` });
          this.scheduleRecycle();
        }
      },
    );
  }

  private handleClose(info: TransportCloseInfo): void {
    this.session?.abort();
    this.session = null;
    this.clearTimers();
    if (this.stopped) return;
    if (info.reason !== 'requested') this.reportError(info.reason, `port closed: ${info.reason}${info.error ? ` (${info.error.message})` : ''}`);
    this.setStatus({ state: 'offline', detail: `port closed (${info.reason}), reconnecting` });
    this.onDisconnected(info);
  }

  private startWatchdog(session: AbortController): void {
    const wd = this.watchdogOptions;
    if (!wd || this.watchdogTimer) return;
    const maxFailures = wd.maxFailures ?? 3;
    this.watchdogTimer = setInterval(() => {
      if (this.watchdogBusy || session.signal.aborted) return;
      this.watchdogBusy = true;
      this.watchdogPoll(session.signal)
        .then(() => {
          this.watchdogFailures = 0;
        })
        .catch((err: unknown) => {
          if (session.signal.aborted) return;
          this.watchdogFailures++;
          this.log.debug({ failures: this.watchdogFailures, err: (err as Error)?.message }, 'watchdog poll failed');
          if (this.watchdogFailures >= maxFailures) {
            this.reportError('watchdog', `no answer to ${this.watchdogFailures} polls`);
            this.setStatus({ state: 'offline', detail: 'device stopped answering, reconnecting' });
            void this.link.restart('watchdog');
          }
        })
        .finally(() => {
          this.watchdogBusy = false;
        });
    }, wd.intervalMs);
    this.watchdogTimer.unref();
  }

  private scheduleRecycle(): void {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.link.restart('watchdog');
    }, this.startupRetryMs);
    this.retryTimer.unref();
  }

  private clearTimers(): void {
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.watchdogTimer = null;
    this.retryTimer = null;
  }
}
