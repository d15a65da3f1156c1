/**
 * Runs `npm start` the way a user does (the launcher script under tsx, in its own process) for the launcher's
 * integration test and the full-stack e2e test: waits for the printed URLs, reads them back, stops it with a
 * signal and finds any process it left behind (socat) by the run's own temp dir. Everything lives in one temp dir
 * per run; `cleanup()` removes it and ends anything of this run still alive, by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ippEvePrinterAvailable } from '@onedoor/simulators';
import { untilWith } from '../support/until.ts';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** Printed last by the launcher once everything runs (scripts/launcher/launch.ts, describeLaunch). */
export const READY_LINE = 'Ctrl-C stops everything.';

export interface LauncherRun {
  proc: ChildProcess;
  /** The run's temp dir (PTYs in `sims/`, bridge data in `data/`, UI build in `ui/` when asked). */
  dir: string;
  simDir: string;
  stdout(): string;
  stderr(): string;
  /** `label -> value` of the printed table (`kiosk -> http://...`, `simulators -> http://...`, `printer -> path`). */
  printed: Map<string, string>;
  /** Resolves when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kill what is left of this run (by pid) and remove its temp dir. */
  cleanup(): Promise<void>;
}

export interface SpawnLauncherOptions {
  /**
   * Flags put before `args` so runs never collide: 'demo' (default) puts every port on 0 and every path in the
   * run's temp dir; 'bridge' only the bridge's port and data dir (for --config, which refuses simulator flags);
   * 'none' for runs that must stop at their flags.
   */
  isolation?: 'demo' | 'bridge' | 'none';
  /** Wait for the ready line at most this long (a UI build on a loaded machine takes a while). */
  readyTimeoutMs?: number;
  /** Let the launcher build the UI into the run's temp dir (`--ui-dir <dir>/ui`), as on a fresh checkout. */
  buildUiInRunDir?: boolean;
  /** Do not wait for the ready line (for runs that must fail). */
  waitReady?: boolean;
  /** Added to the launcher's environment. */
  env?: Record<string, string>;
}

/** Pids of live processes whose command line contains `needle` (read from /proc, nothing is killed here). */
export function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Processes of this run other than the launcher itself (the socat of each PTY names the run's sim dir). */
export function leftovers(run: LauncherRun): number[] {
  return processesMentioning(run.simDir).filter((pid) => pid !== run.proc.pid);
}

/** Pids of the live children of `pid` (from /proc/<n>/stat: field 4 is the parent pid). */
export function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) is in parentheses and may hold spaces: read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) kids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return kids;
}

/** Children of `pid` that are socat (the PTY links); esbuild's service under tsx may be a child too, and is not. */
export function socatChildren(pid: number): number[] {
  return childrenOf(pid).filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0')[0].endsWith('socat');
    } catch {
      return false;
    }
  });
}

/** Poll an async condition every 200 ms; generous limits because the machine is shared. */
export const until = untilWith({ limitMs: 90_000, stepMs: 200, retryErrors: true });

export async function getJson<T = unknown>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function postJson<T = unknown>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The bridge's base URL as the launcher printed it (the kiosk route is `/`). */
export function bridgeUrl(run: LauncherRun): string {
  return run.printed.get('kiosk')!.replace(/\/$/, '');
}

/** Wait until the bridge reports `count` devices (the demo: reader, printer, counter bus, scanner), all online (through the real drivers), and return them. */
/** The demo's devices: four simulators, and the A4 printer (ippeveprinter) when it is installed. */
export const DEMO_DEVICE_COUNT = ippEvePrinterAvailable() ? 5 : 4;

export async function waitAllOnline<S>(run: LauncherRun, count = DEMO_DEVICE_COUNT): Promise<S[]> {
  await until(async () => {
    const h = await getJson<{ devices: Record<string, string> }>(`${bridgeUrl(run)}/api/health`);
    const states = Object.values(h.devices);
    return states.length === count && states.every((s) => s === 'online');
  }, `${count} devices online in /api/health`);
  return getJson<S[]>(`${bridgeUrl(run)}/api/devices`);
}

/** The `  label   value ...` lines of the launcher's table (value = first word after the label). */
function parsePrinted(stdout: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const hit = /^ {2}(\S+)\s+(\S+)/.exec(line);
    if (hit) m.set(hit[1], hit[2]);
  }
  return m;
}

/** Start `scripts/start.ts` with these flags (after the isolating defaults). */
export async function spawnLauncher(args: string[], opts: SpawnLauncherOptions = {}): Promise<LauncherRun> {
  const dir = mkdtempSync(join(tmpdir(), 'od-start-'));
  const simDir = join(dir, 'sims');
  const bridgeFlags = ['--port', '0', '--data-dir', join(dir, 'data')];
  const isolation =
    opts.isolation === 'none' ? [] : opts.isolation === 'bridge' ? bridgeFlags : [...bridgeFlags, '--control-port', '0', '--sim-dir', simDir];
  if (opts.buildUiInRunDir) isolation.push('--ui-dir', join(dir, 'ui'));
  // node --import tsx: one process, so the signal reaches the launcher itself (npx/npm would sit in between).
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', ...isolation, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  proc.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    proc.once('exit', (code, signal) => res({ code, signal })),
  );
  let ended = false;
  void exited.then(() => (ended = true));

  const run: LauncherRun = {
    proc,
    dir,
    simDir,
    stdout: () => out,
    stderr: () => err,
    printed: new Map(),
    exited,
    async stop(signal = 'SIGTERM') {
      if (!ended) proc.kill(signal);
      return exited;
    },
    async cleanup() {
      if (!ended) {
        proc.kill('SIGKILL');
        await exited;
      }
      // Only processes of this run: their command lines name its unique temp dir.
      for (const pid of processesMentioning(dir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (opts.waitReady === false) return run;

  const limit = opts.readyTimeoutMs ?? 240_000;
  const started = Date.now();
  while (!out.includes(READY_LINE)) {
    if (ended) {
      await run.cleanup();
      throw new Error(`the launcher exited before it was ready:\n${out}\n${err}`);
    }
    if (Date.now() - started > limit) {
      await run.cleanup();
      throw new Error(`the launcher was not ready within ${limit} ms:\n${out}\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const [k, v] of parsePrinted(out)) run.printed.set(k, v);
  return run;
}
