/**
 * A hall-server instance in a process of its own, for the benches (README "Running a district": each instance of a
 * district is its own process, on its own machine or core; a bench that ran instances in its own process would
 * measure them sharing one event loop and one core with each other and with the simulated kiosks).
 *
 * `startInstanceProcess(config)` forks instanceMain.ts (compiled, on the compiled bridge, as a hall server runs; see
 * UNDER_TSX below), hands it the
 * bridge config over IPC (a config naming 10,000 kiosks is larger than an environment variable may be), and resolves
 * with the instance's URL once it listens. Then, over IPC:
 * - `reset(since?)`: starts a new measure: the event-loop delay histogram and the CPU time count from now, and the
 *   links registered from `since` (epoch ms, default now) are counted afresh;
 * - `stats({ gc })`: since the last reset (or the start): the longest event-loop stall and percentiles
 *   (`perf_hooks.monitorEventLoopDelay`; zeros when started with `watchStalls: false`), CPU seconds (`process.cpuUsage`), RSS (after a full GC when `gc` is set and
 *   the process was started with `exposeGc`), and the kiosk links it holds;
 * - `stop()`: closes the bridge and waits for the process to exit (killed if it does not within 10 s).
 * The child exits by itself when this process goes away (its IPC channel closes), and this process kills every child
 * still running when it exits, so a bench that fails or is interrupted leaves no instance behind.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { BridgeConfigInput } from '../../device-bridge/src/config/load.ts';
import { BRIDGE_MAIN, compileServer } from '../../scripts/build.ts';
import { deployedNodeFlags } from '../integration/bridge-process-rig.ts';

export { LOOP_RESOLUTION_MS } from './loopResolution.ts';

/**
 * How the instances run: as a hall server does (README "Installing a hall server"), plain `node` on the compiled bridge
 * (`npm run build`, done once per bench run) with the hall's V8 options; with ONEDOOR_BENCH_TSX=1, on the TypeScript
 * sources under tsx (a CPU profile then names the source lines; tsx's own costs are then measured too: function names
 * set at run time, stacks resolved through source maps).
 */
const UNDER_TSX = process.env.ONEDOOR_BENCH_TSX === '1';
/** The instance program bundled for plain node (its own code only; packages and the bridge are imported). */
const COMPILED_INSTANCE_MAIN = fileURLToPath(new URL('./.compiled/instanceMain.mjs', import.meta.url));
let compiled: Promise<void> | null = null;

/** The compiled bridge and instance program, built once per process. */
function compiledInstance(): Promise<void> {
  compiled ??= (async () => {
    compileServer();
    await build({
      entryPoints: [fileURLToPath(new URL('./instanceMain.ts', import.meta.url))], outfile: COMPILED_INSTANCE_MAIN,
      bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning',
    });
  })();
  return compiled;
}

export interface InstanceStats {
  /**
   * Event-loop delay since the last reset, ms: how much longer than the histogram's resolution the loop took to run
   * its timer (the histogram records the whole interval, resolution included; here it is taken off).
   */
  loop: {
    maxMs: number; p50Ms: number; p99Ms: number; meanMs: number;
    /** The longest stall a timer of the same resolution saw, ms, and this process's CPU time during it, ms. */
    longest: { wallMs: number; cpuMs: number };
  };
  /** CPU seconds (user + system, every thread of the process) since the last reset. */
  cpuS: number;
  rssBytes: number;
  /** Kiosk links this instance holds now, and how many of them registered at or after the reset's `since`. */
  links: { held: number; registeredSince: number };
}

/** Orders to the child and its replies (instanceMain.ts), matched by `id`. */
type Order = { cmd: 'start'; config: BridgeConfigInput; watchStalls: boolean } | { cmd: 'reset'; since: number } | { cmd: 'stats'; gc: boolean }
  | { cmd: 'stop' };
export type InstanceOrder = Order & { id: number };
export type InstanceReply = { id: number } & ({ ok: true; url?: string; stats?: InstanceStats } | { ok: false; error: string });

export interface InstanceProcess {
  url: string;
  pid: number;
  reset(since?: number): Promise<void>;
  stats(opts?: { gc?: boolean }): Promise<InstanceStats>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * `watchStalls` (default true): measure the event loop (the histogram and the longest-stall timer, both every
 * LOOP_RESOLUTION_MS). A bench that reads only the CPU time turns it off: 500 wake-ups a second of each timer were CPU
 * time of the instance (2-3 % of its profile in `hall-load`) and one more process wanting a core every 2 ms.
 */
export async function startInstanceProcess(config: BridgeConfigInput, opts: { exposeGc?: boolean; watchStalls?: boolean } = {}): Promise<InstanceProcess> {
  if (!UNDER_TSX) await compiledInstance();
  const bridgeMain = UNDER_TSX ? new URL('../../device-bridge/src/main.ts', import.meta.url).href : pathToFileURL(BRIDGE_MAIN).href;
  const child = fork(UNDER_TSX ? new URL('./instanceMain.ts', import.meta.url) : COMPILED_INSTANCE_MAIN, [], {
    env: { ...process.env, ONEDOOR_BENCH_BRIDGE_MAIN: bridgeMain },
    // ONEDOOR_BENCH_CPU_PROF=<dir>: each instance writes a V8 CPU profile there when it exits (where its time goes).
    // ONEDOOR_BENCH_NODE_ARGS: more Node options for the instances only (`--trace-gc`, say: what the collector paused).
    // A hall server's V8 options, as deploy/install.sh --role hall writes them (deploy/node-flags).
    execArgv: [...(UNDER_TSX ? ['--import', 'tsx'] : []), ...deployedNodeFlags('hall'), ...(opts.exposeGc ? ['--expose-gc'] : []),
      ...(process.env.ONEDOOR_BENCH_NODE_ARGS ? process.env.ONEDOOR_BENCH_NODE_ARGS.split(' ').filter(Boolean) : []),
      ...(process.env.ONEDOOR_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.ONEDOOR_BENCH_CPU_PROF}`] : [])], stdio: 'inherit',
  });
  running.add(child);
  const pending = new Map<number, { resolve: (r: InstanceReply & { ok: true }) => void; reject: (e: Error) => void }>();
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exited = true;
    running.delete(child);
    for (const p of pending.values()) p.reject(new Error(`hall instance process ${child.pid} exited (${signal ?? code})`));
    pending.clear();
    resolve();
  }));
  child.on('error', (err) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  child.on('message', (m: InstanceReply) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.ok) p?.resolve(m);
    else p?.reject(new Error(`hall instance process ${child.pid}: ${m.error}`));
  });
  let seq = 0;
  const ask = (order: Order) =>
    new Promise<InstanceReply & { ok: true }>((resolve, reject) => {
      if (exited) return reject(new Error(`hall instance process ${child.pid} has exited`));
      const id = ++seq;
      pending.set(id, { resolve, reject });
      child.send({ ...order, id });
    });
  let url: string;
  try {
    url = (await ask({ cmd: 'start', config, watchStalls: opts.watchStalls ?? true })).url!;
  } catch (err) {
    child.kill('SIGKILL');
    await exit;
    throw err;
  }
  return {
    url,
    pid: child.pid!,
    reset: async (since = Date.now()) => {
      await ask({ cmd: 'reset', since });
    },
    stats: async (o = {}) => (await ask({ cmd: 'stats', gc: o.gc ?? false })).stats!,
    stop: async () => {
      if (exited) return;
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      try {
        await ask({ cmd: 'stop' }).catch(() => undefined);
        await exit;
      } finally {
        clearTimeout(killer);
      }
    },
  };
}
