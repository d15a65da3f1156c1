/**
 * `npm start` flags -> StartOptions. A bad flag is a `StartUsageError` (the launcher prints it with
 * the usage and exits 2, like the bridge does for a bad config: README "Site config").
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHallStoreSetting } from '../../device-bridge/src/store/hallStoreSetting.ts';

/** The checkout's root (this file is scripts/launcher/options.ts). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
/** The bridge's state (print queue, hall data) in the demo: `.data/` in the checkout, git-ignored. */
export const DEFAULT_DATA_DIR = resolve(REPO_ROOT, '.data');
/** The bridge's HTTP port when none is given (the bridge config's default too). */
export const DEFAULT_BRIDGE_PORT = 8080;
/** The simulator control API's port, as `onedoor-sim start` uses it, so the same tools find it. */
export const DEFAULT_SIM_CONTROL_PORT = 7310;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type StartLogLevel = (typeof LOG_LEVELS)[number];

export interface StartOptions {
  /** Real hardware: the bridge config file; no simulators are started. */
  configFile?: string;
  /** Bridge HTTP port (0 = any free port). Demo default 8080; with --config it overrides the file's http.port. */
  port?: number;
  /** Bridge data directory; with --config it overrides the file's dataDir. */
  dataDir?: string;
  /** The hall's store (config `store`): "sqlite" or a PostgreSQL URL; with --config it overrides the file's. */
  store?: string;
  /** Simulators on raw TCP ports instead of PTYs. */
  tcp: boolean;
  /** Simulator control API port (0 = any free port). */
  controlPort: number;
  /** Where the simulators' PTY paths appear (default the hub's, /tmp/onedoor). */
  simDir?: string;
  /** First TCP port of the simulators when on TCP (0 = any free ports; default the hub's, 7311). */
  portBase?: number;
  /**
   * The built UI to serve, built there first when missing or older than its sources. Default: kiosk-ui/dist
   * (with --config: the config's uiDir, built only when it is kiosk-ui/dist).
   */
  uiDir?: string;
  /** Serve whatever is in uiDir without building. */
  build: boolean;
  /** Bridge log level (pino lines on stdout); the demo keeps it at warn so the URLs stay readable. */
  logLevel: StartLogLevel;
  /**
   * Several kiosks, one hall (README "Several kiosks, one hall"): unset = one bridge that is kiosk
   * and hall; N = a hall bridge (counter bus simulator) and N kiosk bridges linked to it, each with
   * its own reader and printer simulators.
   */
  kiosks?: number;
  help: boolean;
}

/** Most kiosks `--kiosks` starts on one machine (each is a bridge and two simulators). */
export const MAX_DEMO_KIOSKS = 9;

export class StartUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartUsageError';
  }
}

export const START_USAGE = `usage: npm start -- [options]

Without --config: starts the simulated ID card reader, ticket printer, counter bus and QR scanner (PTYs through socat when it is
installed, TCP otherwise), their control API and the bridge wired to them, builds the kiosk UI when needed, and
prints the URLs. Ctrl-C stops everything.

  --config <file.json>  run the bridge against real hardware with this config (no simulators)
  --port <n>            bridge HTTP port (default ${DEFAULT_BRIDGE_PORT}; 0 = any free port)
  --data-dir <dir>      bridge data directory (default .data/ in the checkout)
  --store <where>       hall data: sqlite (default, in the data directory) or a PostgreSQL URL such as
                        postgres://postgres@127.0.0.1:5432/onedoor?schema=hall (schema created and migrated)
  --tcp                 simulators on raw TCP ports instead of PTYs
  --control-port <n>    simulator control API port (default ${DEFAULT_SIM_CONTROL_PORT}; 0 = any free port)
  --sim-dir <dir>       where the simulators' PTY paths appear (default /tmp/onedoor)
  --port-base <n>       first simulator TCP port with --tcp (default 7311; 0 = any free ports)
  --ui-dir <dir>        the built UI to serve, built there when missing or stale (default kiosk-ui/dist)
  --no-build            serve the UI folder as it is
  --log-level <level>   bridge log level: ${LOG_LEVELS.join(', ')} (default warn)
  --kiosks <n>          one hall (counter bus) and n kiosk bridges linked to it, each with its own reader and
                        printer simulators (1-${MAX_DEMO_KIOSKS}); kiosk i listens on --port + i
  --help                this text`;

/** Flags that only mean something when the launcher starts the simulators. */
const SIM_ONLY_FLAGS = ['--tcp', '--control-port', '--sim-dir', '--port-base', '--kiosks'];

function portValue(flag: string, raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new StartUsageError(`${flag} must be a TCP port number 0-65535, got "${raw}"`);
  }
  return n;
}

/** Parse the launcher's argv (after `npm start --`). Relative paths are resolved against `cwd`. */
export function parseStartArgs(argv: readonly string[], cwd = process.cwd()): StartOptions {
  const opts: StartOptions = {
    tcp: false,
    controlPort: DEFAULT_SIM_CONTROL_PORT,
    build: true,
    logLevel: 'warn',
    help: false,
  };
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new StartUsageError(`${flag} needs a value`);
      i++;
      return v;
    };
    if (seen.has(flag)) throw new StartUsageError(`${flag} is given twice`);
    seen.add(flag);
    switch (flag) {
      case '--config':
        opts.configFile = abs(value());
        break;
      case '--port':
        opts.port = portValue(flag, value());
        break;
      case '--data-dir':
        opts.dataDir = abs(value());
        break;
      case '--store': {
        const v = value();
        try {
          parseHallStoreSetting(v);
        } catch (err) {
          throw new StartUsageError(`--store ${(err as Error).message}, got "${v.replace(/\/\/[^@/]*@/, '//***@')}"`);
        }
        opts.store = v;
        break;
      }
      case '--tcp':
        if (inline !== undefined) throw new StartUsageError('--tcp takes no value');
        opts.tcp = true;
        break;
      case '--control-port':
        opts.controlPort = portValue(flag, value());
        break;
      case '--sim-dir':
        opts.simDir = abs(value());
        break;
      case '--port-base': {
        const n = portValue(flag, value());
        // The three simulators take base, base+1, base+2.
        if (n > 65533) throw new StartUsageError(`--port-base must leave room for three ports (at most 65533), got ${n}`);
        opts.portBase = n;
        break;
      }
      case '--ui-dir':
        opts.uiDir = abs(value());
        break;
      case '--no-build':
        opts.build = false;
        break;
      case '--log-level': {
        const v = value();
        if (!(LOG_LEVELS as readonly string[]).includes(v)) {
          throw new StartUsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${v}"`);
        }
        opts.logLevel = v as StartLogLevel;
        break;
      }
      case '--kiosks': {
        const raw = value();
        const n = Number(raw);
        if (!/^\d+$/.test(raw) || n < 1 || n > MAX_DEMO_KIOSKS) throw new StartUsageError(`--kiosks must be a number 1-${MAX_DEMO_KIOSKS}, got "${raw}"`);
        opts.kiosks = n;
        break;
      }
      case '--help':
      case '-h':
        opts.help = true;
        break;
      default:
        throw new StartUsageError(`unknown option "${arg}"`);
    }
  }
  if (opts.configFile !== undefined) {
    const simFlag = SIM_ONLY_FLAGS.find((f) => seen.has(f));
    if (simFlag) throw new StartUsageError(`${simFlag} is for the simulators; with --config no simulators are started`);
  }
  return opts;
}
