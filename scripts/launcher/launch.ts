/**
 * The demo launcher (architecture.md: "the demo launcher that starts both sits at the top, in its
 * own file"): the only code that imports both the simulators and the bridge. Two modes (README,
 * top, and "Site config"):
 *
 * - demo: the simulators (PTYs through socat when present, TCP otherwise) with their control API, and the
 *   bridge with a generated config pointing at them;
 * - hardware (`--config file.json`): the bridge alone with that config; the simulators are never loaded.
 *
 * Either way the kiosk UI is built first when needed, and `close()` stops everything (no socat left).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  ConfigError,
  DEFAULT_UI_DIR,
  DEMO_PASSWORDS,
  DEMO_USERS,
  loadConfigFile,
  startBridge,
  type BridgeConfig,
  type BridgeConfigInput,
  type BridgeHandle,
  type StartBridgeOptions,
} from '@onedoor/device-bridge';
import type { DeviceStatus } from '@onedoor/protocol';
import type { ControlServer, IppEvePrinterSim, SimInfo, SimulatorHub } from '@onedoor/simulators';
import { DEFAULT_BRIDGE_PORT, DEFAULT_DATA_DIR, type StartOptions } from './options.ts';
import { ensureUiBuilt } from './uiBuild.ts';
// The hall's demo data: an empty data dir gets citizens matching the simulator's card library.
import { checkoutDemoHallFiller } from '../../device-bridge/src/demo/demoFiles.ts';
import { describeHallStoreSetting, parseHallStoreSetting } from '../../device-bridge/src/store/hallStoreSetting.ts';

export type Print = (line: string) => void;

/** The UI's routes (architecture.md, "Routes: kiosk, display, hall, tech, verify"), as the bridge serves them. */
export const UI_ROUTES = { kiosk: '/', display: '/display', hall: '/hall', tech: '/tech', verify: '/verify' } as const;
export type UiRoute = keyof typeof UI_ROUTES;

export interface LaunchedSimulators {
  hub: SimulatorHub;
  control: ControlServer;
  /** Why a link is not what was asked for (e.g. socat missing: TCP instead of PTYs). */
  notes: string[];
}

/** One kiosk bridge of `--kiosks N`, linked to the hall, with its own reader, printer and scanner simulators. */
export interface LaunchedKiosk {
  id: string;
  bridge: BridgeHandle;
  urls: Record<UiRoute, string>;
  sims: LaunchedSimulators;
}

export interface Launched {
  mode: 'demo' | 'hardware';
  bridge: BridgeHandle;
  /** Absolute URL of each UI route. */
  urls: Record<UiRoute, string>;
  /** Demo mode only. */
  sims?: LaunchedSimulators;
  /** `--kiosks N`: the kiosk bridges linked to `bridge` (then the hall). */
  kiosks?: LaunchedKiosk[];
  /** Why the UI was built this time, or null (up to date, or --no-build). */
  uiBuilt: string | null;
  /** Stop the bridge, then the control API and the simulators (socat included). Idempotent. */
  close(): Promise<void>;
}

/** A failure the launcher reports as "bad input" (exit 2), not as "could not start" (exit 1). */
export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof ConfigError;
}

/** Where the bridge opens a simulator: its PTY path, or its TCP port on loopback (the hub listens on 127.0.0.1). */
export function bridgePathOf(sim: SimInfo): string {
  const { link } = sim;
  if (link.kind === 'pty') return link.path ?? link.address;
  return `tcp://127.0.0.1:${link.port}`;
}

/** The bridge config for the simulators: one device per simulator, same id, kind and baud. */
export function demoBridgeConfig(
  sims: SimInfo[],
  opts: Pick<StartOptions, 'port' | 'dataDir' | 'logLevel' | 'uiDir' | 'store'>,
  simulatorControlUrl?: string,
): BridgeConfigInput {
  return {
    http: { host: '127.0.0.1', port: opts.port ?? DEFAULT_BRIDGE_PORT },
    dataDir: opts.dataDir ?? DEFAULT_DATA_DIR,
    ...(opts.store !== undefined && { store: opts.store }),
    ...(opts.uiDir !== undefined && { uiDir: opts.uiDir }),
    // Fresh secrets per run for the reserved namespaces (a namespace without a token refuses everyone); printed
    // so the demo's hall and tech screens can be used.
    tokens: { hall: randomBytes(16).toString('hex'), tech: randomBytes(16).toString('hex') },
    devices: sims.map((s) => ({ id: s.id, kind: s.kind, path: bridgePathOf(s), baud: s.link.baud })),
    // Demo staff logins for /tech and /hall (passwords printed at start; a real hall configures its own users).
    users: [...DEMO_USERS],
    // The technician console shows the simulators' controls through the bridge (one origin for the browser).
    ...(simulatorControlUrl !== undefined && { simulatorControlUrl }),
    options: { logLevel: opts.logLevel },
  };
}

function urlsOf(base: string): Record<UiRoute, string> {
  return Object.fromEntries(Object.entries(UI_ROUTES).map(([k, p]) => [k, `${base}${p}`])) as Record<UiRoute, string>;
}

function portInUse(err: unknown): boolean {
  return (err as { code?: unknown }).code === 'EADDRINUSE';
}

/** Which simulators a hub runs and where (the demo's one hub, or the hall's and each kiosk's with --kiosks). */
interface SimPlacement {
  which: 'all' | 'counterbus' | 'kiosk';
  dir?: string;
  portBase?: number;
  controlPort: number;
}

async function startSimulators(opts: StartOptions, print: Print, at: SimPlacement = { which: 'all', dir: opts.simDir,
  portBase: opts.portBase, controlPort: opts.controlPort }): Promise<LaunchedSimulators> {
  // Loaded here so that --config (real hardware) never loads the simulators.
  const { SimulatorHub, startControlServer } = await import('@onedoor/simulators');
  const hub = new SimulatorHub({ link: opts.tcp ? 'tcp' : undefined, dir: at.dir, portBase: at.portBase });
  try {
    await hub.start(at.which === 'kiosk' ? [{ kind: 'idreader', baud: 115200 }, { kind: 'printer', baud: 115200 }, { kind: 'qrscanner', baud: 9600 }] : at.which);
  } catch (err) {
    await hub.close();
    const hint = portInUse(err) ? ' (a simulator TCP port is in use: another onedoor-sim running? pick --port-base)' : '';
    throw new Error(`cannot start the simulators: ${(err as Error).message}${hint}`);
  }
  for (const note of hub.notes) print(`note: ${note}`);
  try {
    const control = await startControlServer(hub, { port: at.controlPort });
    return { hub, control, notes: [...hub.notes] };
  } catch (err) {
    await hub.close();
    const hint = portInUse(err) ? ` (port ${at.controlPort} is in use: another onedoor-sim running? pick --control-port)` : '';
    throw new Error(`cannot start the simulator control API: ${(err as Error).message}${hint}`);
  }
}

async function startBridgeOrExplain(config: BridgeConfigInput | BridgeConfig, options: StartBridgeOptions = {}): Promise<BridgeHandle> {
  try {
    return await startBridge(config, options);
  } catch (err) {
    if (isConfigError(err)) throw err;
    const hint = portInUse(err) ? ' (the HTTP port is in use: pick another with --port)' : '';
    throw new Error(`cannot start the bridge: ${(err as Error).message}${hint}`);
  }
}

/** One short line per device whenever its state or paper changes (the pino lines stay at --log-level). */
function printDeviceChanges(bridge: BridgeHandle, print: Print): void {
  const last = new Map<string, string>();
  const show = (s: DeviceStatus) => {
    const line = `${s.state}${s.paper ? `, paper ${s.paper}` : ''}`;
    if (last.get(s.id) === line) return;
    last.set(s.id, line);
    print(`device ${s.id}: ${line}${s.state === 'online' ? '' : ` (${s.detail})`}`);
  };
  bridge.devices.on('status', show);
}

/** Start everything `opts` asks for. Throws ConfigError for a bad config file, Error when something cannot start. */
export async function launch(opts: StartOptions, print: Print = (l) => console.log(l)): Promise<Launched> {
  let config: BridgeConfig | null = null;
  if (opts.configFile !== undefined) {
    config = loadConfigFile(opts.configFile);
    config = {
      ...config,
      ...(opts.port !== undefined && { http: { ...config.http, port: opts.port } }),
      ...(opts.dataDir !== undefined && { dataDir: opts.dataDir }),
      ...(opts.store !== undefined && { store: opts.store }),
      ...(opts.uiDir !== undefined && { uiDir: opts.uiDir }),
    };
  }

  // The UI first: a failed build must leave nothing running. A site's own uiDir (from its config) is taken as
  // built; ours (kiosk-ui/dist, or --ui-dir) is built when missing or stale.
  const uiDir = opts.uiDir ?? config?.uiDir ?? DEFAULT_UI_DIR;
  let uiBuilt: string | null = null;
  if (opts.build && (opts.uiDir !== undefined || uiDir === DEFAULT_UI_DIR)) {
    uiBuilt = await ensureUiBuilt(uiDir, (why) => print(`building the kiosk UI into ${uiDir} (${why}) ...`));
  }

  if (config) {
    const bridge = await startBridgeOrExplain(config);
    printDeviceChanges(bridge, print);
    return { mode: 'hardware', bridge, urls: urlsOf(bridge.url), uiBuilt, close: () => bridge.close() };
  }

  if (opts.kiosks !== undefined) return launchHallAndKiosks(opts, opts.kiosks, uiDir, uiBuilt, print);

  const sims = await startSimulators(opts, print);
  const a4 = await startA4Simulator(opts, print);
  let bridge: BridgeHandle;
  try {
    // The demo runs on one machine: its QR codes open this bridge's own pages (a site sets site.publicUrl).
    const config = demoBridgeConfig(sims.hub.list(), { ...opts, uiDir }, sims.control.url);
    if (a4) config.devices = [...(config.devices ?? []), { id: A4_DEVICE_ID, kind: 'docprinter', path: a4.uri }];
    bridge = await startBridgeOrExplain(config, { hall: { demo: checkoutDemoHallFiller() }, publicUrl: 'own' });
  } catch (err) {
    await a4?.stop();
    await sims.control.close();
    await sims.hub.close();
    throw err;
  }
  printDeviceChanges(bridge, print);
  let closing: Promise<void> | null = null;
  return {
    mode: 'demo',
    bridge,
    urls: urlsOf(bridge.url),
    sims,
    uiBuilt,
    close: () =>
      (closing ??= (async () => {
        // The bridge first, so its drivers close their ports before the simulators' links go away.
        await bridge.close();
        await a4?.stop();
        await sims.control.close();
        await sims.hub.close();
      })()),
  };
}

export const A4_DEVICE_ID = 'a4printer';

/**
 * The A4 document printer of the demo: CUPS's ippeveprinter when installed (its printed PDFs kept in
 * `<simDir>-a4-printed`), else a note saying how to get it; the kiosk then offers the slip copy only.
 */
async function startA4Simulator(opts: StartOptions, print: Print): Promise<IppEvePrinterSim | null> {
  const { IppEvePrinterSim, ippEvePrinterAvailable, IPPEVEPRINTER_MISSING } = await import('@onedoor/simulators');
  if (!ippEvePrinterAvailable()) {
    print(`note: no A4 printer: ${IPPEVEPRINTER_MISSING} (certificate copies print as 80 mm slips)`);
    return null;
  }
  // Beside the simulators' folder, not in it: that folder holds exactly their PTY links.
  const spoolDir = `${opts.simDir ?? '/tmp/onedoor'}-a4-printed`;
  const sim = new IppEvePrinterSim({ spoolDir });
  try {
    await sim.start();
  } catch (err) {
    print(`note: the A4 printer simulator did not start (${(err as Error).message}); certificate copies print as 80 mm slips`);
    return null;
  }
  print(`A4 printer simulator: ${sim.uri} (web page ${sim.webUrl}/media empties or fills the tray; printed PDFs in ${spoolDir})`);
  return sim;
}

/** The id and token of linked kiosk `i` (0-based) of a `--kiosks` demo: kiosk-a, kiosk-b, ... */
export function demoKioskId(i: number): string {
  return `kiosk-${String.fromCharCode(97 + i)}`;
}

/**
 * `--kiosks N` (README "Several kiosks, one hall"): the hall bridge owns the database and the
 * counter bus simulator; each kiosk bridge has its own reader and printer simulators (own PTY dir,
 * TCP ports, control API) and is linked to the hall by its own fresh token. Kiosk i listens on the
 * hall's port + i (any free port with --port 0).
 */
async function launchHallAndKiosks(opts: StartOptions, n: number, uiDir: string, uiBuilt: string | null, print: Print): Promise<Launched> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    while (stops.length) await stops.pop()!().catch(() => undefined);
  };
  try {
    const hallSims = await startSimulators(opts, print, { which: 'counterbus', dir: opts.simDir, portBase: opts.portBase, controlPort: opts.controlPort });
    stops.push(async () => {
      await hallSims.control.close();
      await hallSims.hub.close();
    });
    const kiosks = Array.from({ length: n }, (_, i) => ({ id: demoKioskId(i), token: randomBytes(16).toString('hex'), name: `自助机 ${String.fromCharCode(65 + i)}` }));
    const hall = await startBridgeOrExplain({ ...demoBridgeConfig(hallSims.hub.list(), { ...opts, uiDir }, hallSims.control.url), kiosks },
      { hall: { demo: checkoutDemoHallFiller() }, publicUrl: 'own' });
    stops.push(() => hall.close());
    printDeviceChanges(hall, print);
    const basePort = opts.port ?? DEFAULT_BRIDGE_PORT;
    const step = (base: number | undefined, fallback: number, i: number, by: number) => (base === 0 ? 0 : (base ?? fallback) + by * (i + 1));
    const linked: LaunchedKiosk[] = [];
    for (const [i, k] of kiosks.entries()) {
      const sims = await startSimulators(opts, print, {
        which: 'kiosk',
        dir: join(opts.simDir ?? '/tmp/onedoor', k.id),
        portBase: step(opts.portBase, 7311, i, 10),
        controlPort: step(opts.controlPort, 7310, i, 10),
      });
      stops.push(async () => {
        await sims.control.close();
        await sims.hub.close();
      });
      const config = demoBridgeConfig(sims.hub.list(), {
        // A linked kiosk keeps no hall data (the hall owns it), so it gets no store.
        ...opts, store: undefined, uiDir, port: basePort === 0 ? 0 : basePort + i + 1, dataDir: join(opts.dataDir ?? DEFAULT_DATA_DIR, k.id),
      }, sims.control.url);
      // The kiosks' QR codes open the hall's pages, as on a site (site.publicUrl = the hall server's URL).
      const bridge = await startBridgeOrExplain({ ...config, hall: { url: hall.url, kioskToken: k.token, name: k.name } }, { publicUrl: hall.url });
      stops.push(() => bridge.close());
      linked.push({ id: k.id, bridge, urls: urlsOf(bridge.url), sims });
    }
    let closing: Promise<void> | null = null;
    return {
      mode: 'demo',
      bridge: hall,
      urls: urlsOf(hall.url),
      sims: hallSims,
      kiosks: linked,
      uiBuilt,
      // Kiosks first, then the hall, then the simulators (in the reverse order of starting).
      close: () => (closing ??= stopAll()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** What `npm start` prints once everything runs: the UI's URLs, the control API, where each device is. */
export function describeLaunch(l: Launched): string[] {
  const labels = [...Object.keys(UI_ROUTES), 'simulators', ...l.bridge.config.devices.map((d) => d.id)];
  const width = Math.max(...labels.map((x) => x.length)) + 2;
  const pad = (s: string) => s.padEnd(width);
  const lines = [l.mode === 'demo' ? 'OneDoor is running with simulated devices:' : 'OneDoor is running (devices from the config file):'];
  for (const route of Object.keys(UI_ROUTES) as UiRoute[]) lines.push(`  ${pad(route)}${l.urls[route]}`);
  if (l.sims) {
    const c = l.sims.control.url;
    lines.push(`  ${pad('simulators')}${c}  (GET ${c}/api/sims, POST ${c}/api/sims/<id>/actions/<name>; npx onedoor-sim status --control ${c})`);
  }
  for (const d of l.bridge.config.devices) {
    lines.push(`  ${pad(d.id)}${d.path}  (${deviceLine(d)})`);
  }
  lines.push(`  ${pad('data')}${l.bridge.config.dataDir}`);
  const store = parseHallStoreSetting(l.bridge.config.store);
  if (store.kind === 'postgres') lines.push(`  ${pad('store')}${describeHallStoreSetting(store, l.bridge.config.dataDir)}`);
  const { hall, tech } = l.bridge.config.tokens;
  if (l.mode === 'demo' && hall && tech) lines.push(`  ${pad('tokens')}hall ${hall}  tech ${tech}  (this run only)`);
  if (l.mode === 'demo') {
    lines.push(`  ${pad('logins')}technician tech / ${DEMO_PASSWORDS.tech}  manager manager / ${DEMO_PASSWORDS.manager}  (demo only)`);
  }
  for (const k of l.kiosks ?? []) {
    lines.push(`${k.id} (linked to the hall above):`);
    lines.push(`  ${pad('kiosk')}${k.urls.kiosk}`);
    lines.push(`  ${pad('tech')}${k.urls.tech}`);
    lines.push(`  ${pad('simulators')}${k.sims.control.url}`);
    for (const d of k.bridge.config.devices) lines.push(`  ${pad(d.id)}${d.path}  (${deviceLine(d)})`);
  }
  lines.push('Ctrl-C stops everything.');
  return lines;
}

/** `kind, N baud` for a serial device; an IPP printer (docprinter) has no baud rate to show. */
function deviceLine(d: { kind: string; baud: number }): string {
  return d.kind === 'docprinter' ? d.kind : `${d.kind}, ${d.baud} baud`;
}
