/**
 * SimulatorHub: starts one or all simulated devices behind their links, lists them, dispatches actions by device id
 * and closes everything cleanly. The control API (HTTP + socket.io), the CLI and scenarios all go through it; tests
 * may use it or `startSimulator` directly.
 *
 * Device models are found by kind in `./<kind>/index.ts` (exported classes `IdReaderSim`, `PrinterSim`,
 * `CounterBusSim`, each `new X(options?)`), loaded on demand so that starting one simulator does not need the others.
 */
import { EventEmitter } from 'node:events';
import type { SimActionInfo, SimDevice, SimKind } from './core/device.ts';
import { DEFAULT_PTY_DIR } from './link/pty-link.ts';
import { findOnPath } from './link/socat.ts';
import { startSimulator, type RunningSimulator } from './link/start-simulator.ts';
import type { LinkKind, LinkSnapshot } from './link/types.ts';

export type DeviceFactory = (options: Record<string, unknown>) => SimDevice | Promise<SimDevice>;

export interface SimConfig {
  kind: SimKind;
  /** Link type; default 'pty' (TCP when the hub is told so or socat is missing). */
  link?: LinkKind;
  baud?: number;
  /** PTY symlink path (default `<dir>/<device id>`). */
  path?: string;
  /** TCP port (default from the hub's portBase; 0 = any free port). */
  port?: number;
  /** Passed to the device constructor. */
  options?: Record<string, unknown>;
}

/**
 * Default line speeds: reader and printer at 115200 (spec id-reader-sam.md / escpos.md), counter
 * bus at 9600 (counter-bus.md "Line and framing").
 */
export const DEFAULT_SIMS: readonly SimConfig[] = [
  { kind: 'idreader', baud: 115200 },
  { kind: 'printer', baud: 115200 },
  { kind: 'counterbus', baud: 9600 },
  // qr-scanner.md: 9600 baud 8N1 by default.
  { kind: 'qrscanner', baud: 9600 },
];
export const SIM_KINDS: readonly SimKind[] = ['idreader', 'printer', 'counterbus', 'qrscanner'];
/** TCP ports when the link is TCP and none is given: 7311 idreader, 7312 printer, 7313 counterbus, 7314 qrscanner. */
export const DEFAULT_TCP_PORT_BASE = 7311;

export interface HubOptions {
  /** Directory of the PTY symlinks (default /tmp/onedoor). */
  dir?: string;
  /** Force every simulator onto this link type (e.g. 'tcp' for `--tcp`). */
  link?: LinkKind;
  /** Override every simulator's baud. */
  baud?: number;
  /** First TCP port for TCP links without a port (in DEFAULT_SIMS order); 0 = pick free ports. Default 7311. */
  portBase?: number;
  /** Interface TCP links listen on (default 127.0.0.1). */
  host?: string;
  /** Device constructors by kind; default: the models in this package. */
  factories?: Partial<Record<SimKind, DeviceFactory>>;
}

export interface SimInfo {
  id: string;
  kind: SimKind;
  link: LinkSnapshot;
  actions: SimActionInfo[];
  snapshot: Record<string, unknown>;
}

/** An error the control API turns into an HTTP status: 404 unknown simulator, 400 bad action or argument. */
export class SimRequestError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
    this.name = 'SimRequestError';
  }
}

export interface HubLogEntry {
  id: string;
  at: string;
  dir: string;
  hex?: string;
  note?: string;
}

/** Actions on the link rather than the device; they work for every simulator. */
export const LINK_ACTIONS: readonly SimActionInfo[] = [
  {
    name: 'vanish',
    args: ['ms'],
    help: 'the port disappears (PTY closed and its path removed / TCP dropped); with ms, it comes back after ms',
  },
  { name: 'restore', args: [], help: 'the port comes back at the same path / TCP port' },
];

const MODULES: Record<SimKind, { file: string; exportName: string }> = {
  idreader: { file: './idreader/index.ts', exportName: 'IdReaderSim' },
  printer: { file: './printer/index.ts', exportName: 'PrinterSim' },
  counterbus: { file: './counterbus/index.ts', exportName: 'CounterBusSim' },
  qrscanner: { file: './qrscanner/index.ts', exportName: 'QrScannerSim' },
};

/**
 * Make a device of a kind with this package's model (loaded by a variable specifier on first use, so starting or
 * describing one simulator never needs the others to load).
 */
export async function createDevice(kind: SimKind, options: Record<string, unknown>): Promise<SimDevice> {
  const { file, exportName } = MODULES[kind];
  const specifier = new URL(file, import.meta.url).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`cannot load the ${kind} simulator (${file}): ${err instanceof Error ? err.message : String(err)}`);
  }
  const Ctor = mod[exportName] as (new (opts?: Record<string, unknown>) => SimDevice) | undefined;
  if (typeof Ctor !== 'function') throw new Error(`${file} does not export a class ${exportName}`);
  return new Ctor(options);
}

/**
 * Frames in the technician log are cut to their first 16 bytes (header, status, lengths): a card read reply carries
 * the holder's text (with the full ID number) and the chip photo, which must never be logged (common rules, privacy).
 */
export const LOG_HEX_BYTES = 16;
function clipHex(hex: string | undefined): string | undefined {
  if (typeof hex !== 'string') return undefined;
  const compact = hex.replace(/\s+/g, '');
  if (compact.length <= LOG_HEX_BYTES * 2) return compact;
  return `${compact.slice(0, LOG_HEX_BYTES * 2)}… (${compact.length / 2} bytes)`;
}

export function isSimKind(v: unknown): v is SimKind {
  return typeof v === 'string' && (SIM_KINDS as readonly string[]).includes(v);
}

interface Entry {
  sim: RunningSimulator;
  restoreTimer: NodeJS.Timeout | null;
  unsubscribe: () => void;
}

/**
 * Events: 'state' (SimInfo, the same shape GET /api/sims/:id gives) whenever a device or its link changes,
 * 'log' (HubLogEntry), 'ticket' ({id, ticket}) when a device emits 'ticket' (the printer cut one).
 */
export class SimulatorHub extends EventEmitter {
  private readonly entries = new Map<string, Entry>();
  private readonly opts: HubOptions;
  /** Set when PTY links were asked for but socat is missing, so TCP is used instead. */
  readonly notes: string[] = [];

  constructor(opts: HubOptions = {}) {
    super();
    this.opts = opts;
  }

  get dir(): string {
    return this.opts.dir ?? DEFAULT_PTY_DIR;
  }

  /** Start simulators: 'all' (default), one kind, or explicit configs. Returns what was started. */
  async start(which: 'all' | SimKind | SimConfig[] = 'all'): Promise<SimInfo[]> {
    const configs = this.resolve(which);
    const started: SimInfo[] = [];
    for (const cfg of configs) {
      const options = cfg.options ?? {};
      const factory = this.opts.factories?.[cfg.kind];
      const device = factory ? await factory(options) : await createDevice(cfg.kind, options);
      try {
        started.push(await this.add(device, cfg));
      } catch (err) {
        device.close(); // ours: made here, so its timers must not outlive the failed start
        throw err;
      }
    }
    return started;
  }

  /** Put an already-made device behind a link and manage it (tests, custom devices). */
  async add(device: SimDevice, cfg: Partial<SimConfig> = {}): Promise<SimInfo> {
    if (this.entries.has(device.id)) throw new Error(`a simulator with id "${device.id}" is already running`);
    const link = this.linkKind(cfg.link);
    const baud = this.opts.baud ?? cfg.baud ?? DEFAULT_SIMS.find((d) => d.kind === device.kind)?.baud ?? 115200;
    const sim = await startSimulator(device, {
      link,
      baud,
      path: cfg.path,
      dir: this.dir,
      port: cfg.port ?? this.defaultPort(device.kind),
      host: this.opts.host,
    });
    const entry: Entry = { sim, restoreTimer: null, unsubscribe: () => {} };
    entry.unsubscribe = this.forward(device.id, sim);
    this.entries.set(device.id, entry);
    return this.info(device.id);
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  list(): SimInfo[] {
    return this.ids().map((id) => this.info(id));
  }

  /** The running simulator by device id, or (when no id matches) the only one of that kind. */
  get(idOrKind: string): RunningSimulator {
    const e = this.entries.get(idOrKind) ?? [...this.entries.values()].find((x) => x.sim.device.kind === idOrKind);
    if (!e) {
      throw new SimRequestError(404, `no simulator "${idOrKind}"; running: ${this.ids().join(', ') || 'none'}`);
    }
    return e.sim;
  }

  info(idOrKind: string): SimInfo {
    const { device, link } = this.get(idOrKind);
    return {
      id: device.id,
      kind: device.kind,
      link: link.snapshot(),
      actions: [...device.actions(), ...LINK_ACTIONS],
      snapshot: device.snapshot(),
    };
  }

  /**
   * Perform an action on a simulator: a link action (vanish, restore) or one of the device's actions().
   * Throws SimRequestError 404 for an unknown simulator, 400 for an unknown action or a bad argument.
   */
  async act(idOrKind: string, name: string, args: Record<string, unknown> = {}): Promise<unknown> {
    const sim = this.get(idOrKind);
    const id = sim.device.id;
    if (typeof args !== 'object' || args === null || Array.isArray(args)) {
      throw new SimRequestError(400, `arguments of ${id}.${name} must be a JSON object`);
    }
    if (name === 'vanish' || name === 'restore') return this.linkAction(id, name, args);
    const known = sim.device.actions().map((a) => a.name);
    if (!known.includes(name)) {
      const all = [...known, ...LINK_ACTIONS.map((a) => a.name)].join(', ');
      throw new SimRequestError(400, `${id} has no action "${name}"; its actions: ${all}`);
    }
    try {
      return await sim.device.act(name, args);
    } catch (err) {
      throw new SimRequestError(400, `${id}.${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async close(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const e of entries) {
      if (e.restoreTimer) clearTimeout(e.restoreTimer);
      e.unsubscribe();
      await e.sim.close();
    }
  }

  private async linkAction(id: string, name: 'vanish' | 'restore', args: Record<string, unknown>): Promise<unknown> {
    const entry = this.entries.get(id)!;
    if (entry.restoreTimer) clearTimeout(entry.restoreTimer);
    entry.restoreTimer = null;
    const { link } = entry.sim;
    if (name === 'restore') {
      await link.restore();
      return link.snapshot();
    }
    const ms = args.ms;
    if (ms !== undefined && (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)) {
      throw new SimRequestError(400, `${id}.vanish: ms must be a number of milliseconds >= 0, got ${JSON.stringify(ms)}`);
    }
    await link.vanish();
    if (typeof ms === 'number') {
      entry.restoreTimer = setTimeout(() => {
        entry.restoreTimer = null;
        link.restore().catch((err: unknown) => this.log(id, 'link', `restore failed: ${String(err)}`));
      }, ms);
    }
    return link.snapshot();
  }

  private resolve(which: 'all' | SimKind | SimConfig[]): SimConfig[] {
    if (Array.isArray(which)) return which;
    if (which === 'all') return [...DEFAULT_SIMS];
    if (!isSimKind(which)) {
      throw new Error(`unknown simulator "${String(which)}"; choose all, ${SIM_KINDS.join(', ')}`);
    }
    return DEFAULT_SIMS.filter((d) => d.kind === which);
  }

  private linkKind(asked: LinkKind | undefined): LinkKind {
    const kind = this.opts.link ?? asked ?? 'pty';
    if (kind === 'pty' && !findOnPath('socat')) {
      const note = 'socat is not installed (apt-get install socat): using TCP links instead of PTYs';
      if (!this.notes.includes(note)) this.notes.push(note);
      return 'tcp';
    }
    return kind;
  }

  private defaultPort(kind: SimKind): number {
    const base = this.opts.portBase ?? DEFAULT_TCP_PORT_BASE;
    return base === 0 ? 0 : base + SIM_KINDS.indexOf(kind);
  }

  /** Relay device and link events as hub events tagged with the device id. */
  private forward(id: string, sim: RunningSimulator): () => void {
    const { device, link } = sim;
    const state = () => {
      if (!this.entries.has(id)) return;
      this.emit('state', this.info(id));
    };
    const devLog = (e: { dir?: string; hex?: string; note?: string }) =>
      this.emit('log', { id, at: new Date().toISOString(), dir: e.dir ?? 'event', hex: clipHex(e.hex), note: e.note });
    const linkLog = (e: { note: string }) => {
      this.log(id, 'link', e.note);
      state();
    };
    const fault = (err: Error) => this.log(id, 'fault', err.message);
    const ticket = (t: unknown) => this.emit('ticket', { id, ticket: t });
    // Listener parameter types differ per event; EventEmitter itself types listeners as (...args: any[]).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const subscriptions: Array<[EventEmitter, string, (...a: any[]) => void]> = [
      [device, 'state', state],
      [device, 'log', devLog],
      [device, 'ticket', ticket],
      [device, 'interrupted', ticket], // the printer's paper ran out mid-ticket: the part printed is history too
      [link, 'log', linkLog],
      [link, 'host', state],
      [link, 'fault', fault],
    ];
    for (const [emitter, event, fn] of subscriptions) emitter.on(event, fn);
    return () => {
      for (const [emitter, event, fn] of subscriptions) emitter.off(event, fn);
    };
  }

  private log(id: string, dir: string, note: string): void {
    this.emit('log', { id, at: new Date().toISOString(), dir, note } satisfies HubLogEntry);
  }
}
