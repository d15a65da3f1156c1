/**
 * `hall-links` (README "Many instances"): many linked kiosks held by (a) one hall instance on SQLite, today's
 * single-instance setup, and (b) two instances on PostgreSQL + Redis (links spread over them; each link claimed in
 * Redis), each kiosk saying hello and beating its heartbeat as a kiosk bridge does; RSS per 1,000 links; the longest
 * stall and CPU time while they are held for 10 s (two heartbeats each); then two reconnect storms (every link's connection drops at once, as in a network blip): one where the kiosks come back as a
 * kiosk bridge does (500 ms ± 50 %, hallLinkClient.ts HALL_LINK_RECONNECT), one where all come back in the same
 * instant (50 ms, no jitter, the worst case); for each, the longest stall of the event loop, the CPU time spent and
 * the time until all are registered again. Every figure of (b) is printed beside (a)'s, measured in the same run.
 * "All registered" includes the kiosks' own time: their process closes and reopens every link itself (at 10,000
 * links most of a storm's seconds are spent there, with the hall idle).
 *
 * The kiosks run in a process of their own (hallLinksClients.ts), as they do on their own machines; each setup and
 * count runs in a fresh process of its own (runApart); the instances of (b) share it, so its stall and RSS are those
 * of both instances together (on this 2-core box every process still shares the cores with PostgreSQL, Redis and the
 * kiosks).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startBridge, type BridgeHandle } from '../../device-bridge/src/main.ts';
import { postgresBackend } from '../../device-bridge/test/store/backends.ts';
import { HALL_LINK_RECONNECT } from '../../device-bridge/src/hallLink/hallLinkClient.ts';

// 10,000: the district size README "Many instances" plans for (each instance holds its share; the kiosks' process
// holds all 10,000 client sockets, within this machine's 20,000 open files per process).
const COUNTS = [500, 1000, 10_000];
/** Links held this long (two heartbeats each) between the first connect and the storms. */
const HOLD_MS = 10_000;
const REDIS_URL = process.env.ONEDOOR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The kiosks' process: sends an order, resolves with its answer. */
function kiosks(): { ask: (order: object) => Promise<unknown>; child: ChildProcess } {
  const child = fork(new URL('./hallLinksClients.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const ask = (order: object) => new Promise<unknown>((resolve) => {
    child.once('message', resolve);
    child.send(order);
  });
  return { ask, child };
}

async function until(what: string, ok: () => boolean, limitMs = 120_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Setup {
  name: string;
  kind: 'sqlite' | 'postgres';
  instances: number;
}

/** (a) is today's single SQLite instance: every figure of (b) is printed beside it, with the ratio. */
const SETUPS: Setup[] = [
  { name: '(a) SQLite, 1 instance', kind: 'sqlite', instances: 1 },
  { name: '(b) PostgreSQL + Redis, 2 instances', kind: 'postgres', instances: 2 },
];

async function run(n: number, setup: Setup): Promise<Record<string, number>> {
  const dirs: string[] = [];
  const target = setup.kind === 'postgres' ? await postgresBackend.create() : null;
  const tokens = Array.from({ length: n }, (_, i) => `bench-link-token-${String(i).padStart(6, '0')}`);
  const prefix = `od-bench-links-${process.pid}-${Date.now()}`;
  const halls: BridgeHandle[] = [];
  for (let i = 0; i < setup.instances; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'od-bench-links-'));
    dirs.push(dir);
    halls.push(await startBridge({
      http: { port: 0 }, dataDir: dir, store: target?.setting ?? 'sqlite',
      ...(setup.instances > 1 ? { instances: { redisUrl: REDIS_URL, keyPrefix: prefix } } : {}),
      kiosks: tokens.map((token, k) => ({ id: `kiosk-${k + 1}`, token })), options: { logLevel: 'silent' },
    }, { log: pino({ level: 'silent' }) }));
  }
  // Each instance knows the links it holds; the cluster's are their sum. Counted from the registries' change events
  // of the links an instance holds itself (every registry also lists the kiosks linked to the others, reported over
  // Redis): reading every registry entry each 20 ms would, at 10,000 links, itself stall the loop this bench measures.
  let since = Infinity;
  const up = new Set<string>();
  const fresh = new Set<string>();
  for (const [i, h] of halls.entries()) {
    h.kioskLink!.registry.on('change', (k) => {
      const key = `${i}/${k.kioskId}`;
      const here = k.connected && h.kioskLink!.holdsLink(k.kioskId);
      if (!here && k.connected) return;
      if (here) up.add(key);
      else up.delete(key);
      if (here && (k.registeredAt ?? 0) >= since) fresh.add(key);
      else fresh.delete(key);
    });
  }
  const connected = () => up.size;
  const registeredSince = (at: number) => {
    if (at !== since) {
      since = at;
      fresh.clear();
    }
    return fresh.size;
  };
  const clients = kiosks();
  try {
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    await clients.ask({ cmd: 'open', urls: halls.map((h) => h.url), tokens });
    await until('all registered', () => connected() === n);
    const firstMs = performance.now() - t0;
    global.gc?.();
    const perThousandMb = ((process.memoryUsage().rss - rss0) / 1024 / 1024) * (1000 / n);

    // Held: every link beating its heartbeat (every 5 s) for two beats; the hall's cost of keeping them.
    const held = async () => {
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const cpu0 = process.cpuUsage();
      await new Promise((r) => setTimeout(r, HOLD_MS));
      const cpu = process.cpuUsage(cpu0);
      loop.disable();
      return { stall: Math.round(loop.max / 1e6), cpu: Math.round((cpu.user + cpu.system) / 1000) };
    };
    const hold = await held();

    // A storm: every link's connection drops at once; every kiosk reconnects and says hello again.
    const storm = async (delayMs: number, jitter: number) => {
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const t1 = performance.now();
      const cpu0 = process.cpuUsage();
      const at = Date.now();
      registeredSince(at);
      await clients.ask({ cmd: 'storm', delayMs, jitter });
      await until('all registered again', () => registeredSince(at) === n);
      const ms = performance.now() - t1;
      const cpu = process.cpuUsage(cpu0);
      loop.disable();
      await new Promise((r) => setTimeout(r, 500));
      return { ms: Math.round(ms), stall: Math.round(loop.max / 1e6), cpu: Math.round((cpu.user + cpu.system) / 1000) };
    };
    const own = await storm(HALL_LINK_RECONNECT.delayMs, HALL_LINK_RECONNECT.jitter);
    const together = await storm(50, 0);
    return {
      'first connect: all registered (ms)': Math.round(firstMs), 'RSS per 1,000 links (MB)': Number(perThousandMb.toFixed(1)),
      [`held ${HOLD_MS / 1000} s: longest stall (ms)`]: hold.stall, [`held ${HOLD_MS / 1000} s: hall CPU (ms)`]: hold.cpu,
      'jittered storm: all registered (ms)': own.ms, 'jittered storm: longest stall (ms)': own.stall, 'jittered storm: hall CPU (ms)': own.cpu,
      'all-at-once storm: all registered (ms)': together.ms, 'all-at-once storm: longest stall (ms)': together.stall,
      'all-at-once storm: hall CPU (ms)': together.cpu,
    };
  } finally {
    const exited = new Promise((r) => clients.child.once('exit', r));
    clients.child.send({ cmd: 'close' });
    await exited;
    for (const h of halls) await h.close();
    await target?.destroy();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

/**
 * One setup at one count in a process of its own (this file, HALL_LINKS_RUN set), with the GC exposed: the RSS per
 * 1,000 links is then that of these links, not of memory an earlier run freed and the process kept.
 */
function runApart(n: number, setup: number): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url), [], {
      execArgv: ['--import', 'tsx', '--expose-gc'], stdio: 'inherit', env: { ...process.env, HALL_LINKS_RUN: JSON.stringify({ n, setup }) },
    });
    let figures: Record<string, number> | null = null;
    child.once('message', (m) => {
      figures = m as Record<string, number>;
    });
    child.once('error', reject);
    child.once('exit', (code) => (figures ? resolve(figures) : reject(new Error(`hall-links run (${n} links, setup ${setup}) exited with ${code}`))));
  });
}

if (process.env.HALL_LINKS_RUN) {
  const { n, setup } = JSON.parse(process.env.HALL_LINKS_RUN) as { n: number; setup: number };
  const figures = await run(n, SETUPS[setup]);
  process.send!(figures, () => process.exit(0));
}

export default async function bench(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const n of COUNTS) {
    const figures: Array<Record<string, number>> = [];
    for (const [i] of SETUPS.entries()) figures.push(await runApart(n, i));
    // One row per figure: (a) beside each other setup, with the ratio.
    for (const figure of Object.keys(figures[0])) {
      const row: Record<string, string | number> = { links: n, figure, [SETUPS[0].name]: figures[0][figure] };
      for (const [i, setup] of SETUPS.entries()) {
        if (i === 0) continue;
        row[setup.name] = figures[i][figure];
        row['× SQLite'] = figures[0][figure] === 0 ? '' : (figures[i][figure] / figures[0][figure]).toFixed(2);
      }
      rows.push(row);
    }
  }
  // The stall is wall time: on a shared machine a busy neighbour shows up in it; the hall's CPU time does not.
  console.log(`kiosks in a process of their own, each setup and count in a fresh one, ${new Date().toISOString()}, load average ${loadavg()[0].toFixed(1)}`);
  console.log('jittered storm: the kiosks come back as a kiosk bridge does (500 ms ± 50 %); all at once: 50 ms, no jitter (worst case)');
  console.table(rows);
}
