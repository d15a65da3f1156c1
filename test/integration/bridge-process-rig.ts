/**
 * A bridge in its own process as a kiosk PC runs it, for the compiled-bridge test and the start-RSS bench: the
 * demo's three simulated devices (reader and printer at 115200 baud, counter bus at 9600) on PTYs via socat, a
 * `--config` file naming them, and the bridge started by whatever command line the caller gives (tsx on the
 * sources, or plain `node` on the build). `started()` resolves once `/api/health` answers and every device is
 * online, which is what "at start" means for the RSS figure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CounterBusSim } from '../../simulators/src/counterbus/index.ts';
import { IdReaderSim } from '../../simulators/src/idreader/index.ts';
import { startSimulator, type RunningSimulator } from '../../simulators/src/link/index.ts';
import { PrinterSim } from '../../simulators/src/printer/index.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The demo's devices, as `npm start` configures them. */
export const DEMO_DEVICE_IDS = ['idreader', 'printer', 'counterbus'] as const;

export interface DemoSimulators {
  dir: string;
  /** A config file for these devices (port 0: the bridge prints the port it got). */
  configFile: string;
  close(): Promise<void>;
}

let seq = 0;

/** The three simulated devices on PTYs in a fresh temp dir, and a config file naming them. */
export async function startDemoSimulators(extraConfig: Record<string, unknown> = {}): Promise<DemoSimulators> {
  const dir = mkdtempSync(join(tmpdir(), 'od-bridge-proc-'));
  const sims: RunningSimulator[] = [];
  const close = async () => {
    while (sims.length) await sims.pop()!.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const tag = `${process.pid}-${++seq}`;
    const reader = await startSimulator(new IdReaderSim({ id: `proc-reader-${tag}`, timing: 'fast' }), { link: 'pty', baud: 115200, dir });
    sims.push(reader);
    const printer = await startSimulator(new PrinterSim({ nearEndMm: 0 }), { link: 'pty', baud: 115200, dir });
    sims.push(printer);
    const bus = await startSimulator(new CounterBusSim({ id: `proc-bus-${tag}`, terminals: 3 }), { link: 'pty', baud: 9600, dir });
    sims.push(bus);
    const configFile = join(dir, 'site.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        // A site file with a printer names the URL its QR codes open (config site.publicUrl; README "Installing").
        site: { publicUrl: 'http://192.168.10.5:8080' },
        http: { host: '127.0.0.1', port: 0 },
        dataDir: join(dir, 'data'),
        devices: [
          { id: 'idreader', kind: 'idreader', path: reader.path, baud: 115200 },
          { id: 'printer', kind: 'printer', path: printer.path, baud: 115200 },
          { id: 'counterbus', kind: 'counterbus', path: bus.path, baud: 9600 },
        ],
        options: { logLevel: 'warn' },
        ...extraConfig,
      }),
    );
    return { dir, configFile, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export interface BridgeProcess {
  proc: ChildProcess;
  /** What the bridge printed on stdout and stderr so far (for failure messages). */
  output(): string;
  /** `http://127.0.0.1:<port>` once started. */
  started(limitMs?: number): Promise<string>;
  /** VmRSS of the bridge process, in kB. */
  rssKb(): number;
  /** SIGTERM, and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** Start `node <args...>` (the caller's command line for the bridge) in the repository root. */
export function spawnBridge(nodeArgs: string[], env: NodeJS.ProcessEnv = process.env): BridgeProcess {
  const proc = spawn(process.execPath, nodeArgs, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));

  const started = async (limitMs = 60_000): Promise<string> => {
    const t0 = Date.now();
    let url: string | undefined;
    let last = '';
    while (Date.now() - t0 < limitMs) {
      if (exitCode !== undefined) throw new Error(`bridge exited with code ${exitCode}:\n${out}`);
      url ??= /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) {
        try {
          const health = (await (await fetch(`${url}/api/health`)).json()) as { devices: Record<string, string> };
          last = JSON.stringify(health.devices);
          if (DEMO_DEVICE_IDS.every((id) => health.devices[id] === 'online')) return url;
        } catch (err) {
          last = (err as Error).message;
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`bridge not started with all devices online after ${limitMs} ms (last health: ${last}):\n${out}`);
  };

  return {
    proc,
    output: () => out,
    started,
    rssKb: () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
      if (!m) throw new Error(`no VmRSS for pid ${proc.pid}`);
      return Number(m[1]);
    },
    stop: async () => {
      if (exitCode === undefined) proc.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * The node options a role's installed unit runs the bridge with (deploy/node-flags, which deploy/install.sh writes into
 * onedoor-bridge.service's `ExecStart=`), so the bench and the test measure what a kiosk PC or a hall server runs.
 */
export function deployedNodeFlags(role: 'kiosk' | 'hall' = 'kiosk'): string[] {
  const lines = readFileSync(join(REPO_ROOT, 'deploy/node-flags'), 'utf8').split('\n');
  const line = lines.find((l) => l.startsWith(`${role}=`));
  if (line === undefined) throw new Error(`deploy/node-flags has no line for role ${role}`);
  return line.slice(role.length + 1).trim().split(/\s+/).filter(Boolean);
}
