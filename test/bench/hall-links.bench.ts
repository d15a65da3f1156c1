/**
 * `hall-links` (README "Many instances"): many linked kiosks held by (a) one hall instance on SQLite, today's
 * single-instance setup, and (b) two instances on PostgreSQL + Redis (links spread over them; each link claimed in
 * Redis), each kiosk saying hello and beating its heartbeat as a kiosk bridge does; RSS per 1,000 links; the longest
 * stall and CPU time while they are held for 10 s (two heartbeats each); then two reconnect storms (every link's
 * connection drops at once, as in a network blip): one where the kiosks come back as a kiosk bridge does (500 ms
 * ± 50 %, hallLinkClient.ts HALL_LINK_RECONNECT), one where all come back in the same instant (50 ms, no jitter, the
 * worst case); for each, the longest stall of the instances' event loops (and the CPU time the worst instance spent
 * within it: the rest of a stall is waiting for one of the box's shared cores) and of the kiosks' own, the
 * instances' CPU time and the time until all are registered again. Every figure of (b) is printed beside (a)'s,
 * measured in the same run. "All registered" includes the kiosks' own time: their process closes and reopens every
 * link itself (at 10,000 links most of a storm's seconds are spent there, with the hall idle).
 *
 * What runs where: each instance in a process of its own (instanceProcess.ts), as a district runs them (README
 * "Running a district": the compiled bridge on plain node with the hall's V8 options), started afresh for every setup
 * and count; the kiosks in one process of their own
 * (hallLinksClients.ts), as they are machines of their own, at the lowest CPU priority (they would have cores of
 * their own); this process only orders and counts. So a stall is one instance's own (for (b), the worse of the two),
 * the RSS that of the instances' processes (measured after a full GC), the CPU time the instances' together. On this
 * 2-core box every process still shares the cores with PostgreSQL, Redis and the kiosks, and with whatever else the
 * box runs: the stall is wall time, the CPU time is not.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresBackend } from '../../device-bridge/test/store/backends.ts';
import { HALL_LINK_RECONNECT } from '../../device-bridge/src/hallLink/hallLinkClient.ts';
import { LOOP_RESOLUTION_MS, startInstanceProcess, type InstanceProcess, type InstanceStats } from './instanceProcess.ts';

// 10,000: the district size README "Many instances" plans for (each instance holds its share; the kiosks' process
// holds all 10,000 client sockets, within this machine's 20,000 open files per process).
// ONEDOOR_BENCH_LINK_COUNTS=10000 (a comma list) runs those counts only.
const COUNTS = linkCounts(process.env.ONEDOOR_BENCH_LINK_COUNTS) ?? [500, 1000, 10_000];

/** The counts of ONEDOOR_BENCH_LINK_COUNTS, each a whole number from 1 to 10,000; a bad one names the variable. */
function linkCounts(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const counts = value.split(',').map((c) => Number(c.trim()));
  const bad = counts.find((n) => !Number.isInteger(n) || n < 1 || n > 10_000);
  if (bad !== undefined) throw new Error(`ONEDOOR_BENCH_LINK_COUNTS="${value}": each count must be a whole number from 1 to 10,000`);
  return counts;
}
/** Links held this long (two heartbeats each) between the first connect and the storms. */
const HOLD_MS = 10_000;
const REDIS_URL = process.env.ONEDOOR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The kiosks' process's niceness: the lowest priority (see kiosks()). */
const KIOSKS_NICE = 19;

/** The kiosks' process: sends an order, resolves with its answer. */
function kiosks(): { ask: (order: object) => Promise<unknown>; child: ChildProcess } {
  const child = fork(new URL('./hallLinksClients.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  // The kiosks are machines of their own: on this shared box their process gets the cores only when the hall's
  // processes leave them (nice 19), or the hall's stall would be mostly the kiosks' 10,000 reconnects taking its core.
  setPriority(child.pid!, KIOSKS_NICE);
  const ask = (order: object) => new Promise<unknown>((resolve) => {
    child.once('message', resolve);
    child.send(order);
  });
  return { ask, child };
}

/** Asks every instance for its figures every 50 ms until `ok` holds for them all; resolves with the last ones. */
async function until(what: string, halls: InstanceProcess[], ok: (all: InstanceStats[]) => boolean, limitMs = 120_000): Promise<InstanceStats[]> {
  const t0 = Date.now();
  for (;;) {
    const all = await Promise.all(halls.map((h) => h.stats()));
    if (ok(all)) return all;
    if (Date.now() - t0 > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sum = (all: InstanceStats[], f: (s: InstanceStats) => number) => all.reduce((t, s) => t + f(s), 0);
/** The worst instance's longest stall, ms. */
const stall = (all: InstanceStats[]) => Math.round(Math.max(...all.map((s) => s.loop.maxMs)));
/**
 * The worst instance's longest stall as its own timer saw it, and the CPU time its process spent within it, ms: how
 * much of the stall was that event loop's work and how much waiting for one of the box's shared cores.
 */
const stallCpu = (all: InstanceStats[]) => {
  const worst = all.reduce((a, b) => (b.loop.longest.wallMs > a.loop.longest.wallMs ? b : a));
  return Math.round(worst.loop.longest.cpuMs);
};
/** The instances' CPU time together, ms. */
const cpuMs = (all: InstanceStats[]) => Math.round(sum(all, (s) => s.cpuS) * 1000);

/** The instances' RSS together after a full GC, once it holds still. */
const rssNow = async (halls: InstanceProcess[]) => sum(await Promise.all(halls.map((h) => h.stats({ gc: true }))), (s) => s.rssBytes);

/**
 * The instances' RSS once it no longer shrinks: just started, an instance still gives back several MB over a second or
 * two (memory of its start-up and migrations), as much as 500 links take; read 1 s apart until two agree within 1 MB.
 */
async function settledRss(halls: InstanceProcess[]): Promise<number> {
  let last = await rssNow(halls);
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = await rssNow(halls);
    if (Math.abs(now - last) < 1024 * 1024) return now;
    last = now;
  }
  return last;
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
  const halls: InstanceProcess[] = [];
  let clients: ReturnType<typeof kiosks> | null = null;
  try {
    for (let i = 0; i < setup.instances; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'od-bench-links-'));
      dirs.push(dir);
      // One after another: the first one creates the schema, the other finds it done. The GC exposed: the RSS per
      // 1,000 links is then that of the links, not of memory freed and not yet collected.
      halls.push(await startInstanceProcess({
        http: { port: 0 }, dataDir: dir, store: target?.setting ?? 'sqlite',
        ...(setup.instances > 1 ? { instances: { redisUrl: REDIS_URL, keyPrefix: prefix } } : {}),
        kiosks: tokens.map((token, k) => ({ id: `kiosk-${k + 1}`, token })), options: { logLevel: 'silent' },
      }, { exposeGc: true }));
    }
    const rss0 = await settledRss(halls);
    clients = kiosks();
    const t0 = performance.now();
    await clients.ask({ cmd: 'open', urls: halls.map((h) => h.url), tokens });
    await until('all registered', halls, (all) => sum(all, (s) => s.links.held) === n);
    const firstMs = performance.now() - t0;
    const rss = await rssNow(halls);
    const perThousandMb = ((rss - rss0) / 1024 / 1024) * (1000 / n);

    // Held: every link beating its heartbeat (every 5 s) for two beats; the hall's cost of keeping them.
    await Promise.all(halls.map((h) => h.reset()));
    await new Promise((r) => setTimeout(r, HOLD_MS));
    const hold = await Promise.all(halls.map((h) => h.stats()));

    // A storm: every link's connection drops at once; every kiosk reconnects and says hello again.
    const storm = async (delayMs: number, jitter: number) => {
      const at = Date.now();
      await Promise.all(halls.map((h) => h.reset(at)));
      const t1 = performance.now();
      await clients!.ask({ cmd: 'storm', delayMs, jitter });
      const all = await until('all registered again', halls, (a) => sum(a, (s) => s.links.registeredSince) === n);
      const ms = performance.now() - t1;
      const kioskStall = (await clients!.ask({ cmd: 'stall' })) as { maxMs: number };
      await new Promise((r) => setTimeout(r, 500));
      return {
        ms: Math.round(ms), stall: stall(all), stallCpu: stallCpu(all), cpu: cpuMs(all), kioskStall: Math.round(kioskStall.maxMs),
      };
    };
    const own = await storm(HALL_LINK_RECONNECT.delayMs, HALL_LINK_RECONNECT.jitter);
    const together = await storm(50, 0);
    return {
      'first connect: all registered (ms)': Math.round(firstMs), 'RSS per 1,000 links (MB)': Number(perThousandMb.toFixed(1)),
      [`held ${HOLD_MS / 1000} s: longest stall (ms)`]: stall(hold), [`held ${HOLD_MS / 1000} s: hall CPU (ms)`]: cpuMs(hold),
      'jittered storm: all registered (ms)': own.ms, 'jittered storm: longest stall (ms)': own.stall,
      'jittered storm: CPU within it (ms)': own.stallCpu,
      'jittered storm: kiosks\' longest stall (ms)': own.kioskStall, 'jittered storm: hall CPU (ms)': own.cpu,
      'all-at-once storm: all registered (ms)': together.ms, 'all-at-once storm: longest stall (ms)': together.stall,
      'all-at-once storm: CPU within it (ms)': together.stallCpu,
      'all-at-once storm: kiosks\' longest stall (ms)': together.kioskStall, 'all-at-once storm: hall CPU (ms)': together.cpu,
    };
  } finally {
    if (clients) {
      const exited = new Promise((r) => clients!.child.once('exit', r));
      clients.child.send({ cmd: 'close' });
      await exited;
    }
    for (const h of halls) await h.stop();
    await target?.destroy();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

export default async function bench(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const n of COUNTS) {
    const figures: Array<Record<string, number>> = [];
    for (const setup of SETUPS) figures.push(await run(n, setup));
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
  console.log(`each instance in a process of its own, started afresh for every setup and count; the kiosks in one process of their own
(nice ${KIOSKS_NICE}: they would have cores of their own);
${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`longest stall: the worst instance's event loop (a delay beyond the ${LOOP_RESOLUTION_MS} ms timer of monitorEventLoopDelay);
CPU within it: the CPU time of that instance's process during its longest stall (the rest of the stall it waited for a core);
kiosks' longest stall: the kiosks' process's; hall CPU: the instances' processes together; RSS: theirs, after a full GC`);
  console.log('jittered storm: the kiosks come back as a kiosk bridge does (500 ms ± 50 %); all at once: 50 ms, no jitter (worst case)');
  console.table(rows);
}
