/**
 * One hall-server instance in a process of its own, forked by instanceProcess.ts (which describes the orders): starts
 * the bridge with the config it is sent, answers with its URL, measures its own event loop and CPU, and counts the
 * kiosk links it holds from its registry's change events (reading every registry entry on each ask would, at 10,000
 * links, itself stall the loop being measured). Exits when told to stop, or when its parent goes away.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import type { BridgeHandle } from '../../device-bridge/src/main.ts';
import type { InstanceOrder, InstanceReply, InstanceStats } from './instanceProcess.ts';
import { LOOP_RESOLUTION_MS } from './loopResolution.ts';

// The bridge as instanceProcess.ts chose: the compiled one (plain node, as deployed) or the sources under tsx.
const { startBridge } = (await import(process.env.ONEDOOR_BENCH_BRIDGE_MAIN!)) as typeof import('../../device-bridge/src/main.ts');

let bridge: BridgeHandle | null = null;
const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
let cpu0 = process.cpuUsage();

/**
 * The longest stall seen by a timer of the histogram's resolution, with the CPU time this process spent during it:
 * on a box whose cores the other instances, PostgreSQL, Redis and the kiosks share, a stall is partly work of this
 * event loop and partly waiting for a core; the CPU time within it says how much was work (all the process's
 * threads: the garbage collector's helpers included).
 */
let longest = { wallMs: 0, cpuMs: 0 };
let watching = false;

function watchStalls(): void {
  watching = true;
  loop.enable();
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const wallMs = now - last - LOOP_RESOLUTION_MS;
    if (wallMs > longest.wallMs) longest = { wallMs, cpuMs: (cpu.user + cpu.system - lastCpu.user - lastCpu.system) / 1000 };
    last = now;
    lastCpu = cpu;
  }, LOOP_RESOLUTION_MS).unref();
}

// Links this instance holds, and those of them registered at or after `since` (the registry also lists the kiosks
// linked to other instances, reported over Redis: only the ones held here count).
const held = new Set<string>();
const fresh = new Set<string>();
let since = Infinity;

function watchLinks(b: BridgeHandle): void {
  const link = b.kioskLink;
  if (!link) return;
  link.registry.on('change', (k) => {
    const here = k.connected && link.holdsLink(k.kioskId);
    if (!here && k.connected) return;
    if (here) held.add(k.kioskId);
    else held.delete(k.kioskId);
    if (here && (k.registeredAt ?? 0) >= since) fresh.add(k.kioskId);
    else fresh.delete(k.kioskId);
  });
}

function stats(gc: boolean): InstanceStats {
  if (gc) global.gc?.();
  const cpu = process.cpuUsage(cpu0);
  const ms = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
  return {
    loop: watching ? { maxMs: ms(loop.max), p50Ms: ms(loop.percentile(50)), p99Ms: ms(loop.percentile(99)), meanMs: ms(loop.mean), longest }
      : { maxMs: 0, p50Ms: 0, p99Ms: 0, meanMs: 0, longest },
    cpuS: (cpu.user + cpu.system) / 1e6,
    rssBytes: process.memoryUsage().rss,
    links: { held: held.size, registeredSince: fresh.size },
  };
}

async function handle(order: InstanceOrder): Promise<Omit<InstanceReply & { ok: true }, 'id' | 'ok'>> {
  switch (order.cmd) {
    case 'start':
      // Silent unless asked (ONEDOOR_BENCH_LOG=warn, say): why an instance paused its hall functions mid-run, for one.
      bridge = await startBridge(order.config, { log: pino({ level: process.env.ONEDOOR_BENCH_LOG ?? 'silent' }, pino.destination(2)) });
      watchLinks(bridge);
      if (order.watchStalls) watchStalls();
      cpu0 = process.cpuUsage();
      return { url: bridge.url };
    case 'reset':
      loop.reset();
      longest = { wallMs: 0, cpuMs: 0 };
      cpu0 = process.cpuUsage();
      since = order.since;
      fresh.clear();
      return {};
    case 'stats':
      return { stats: stats(order.gc) };
    case 'stop':
      if (watching) loop.disable();
      await bridge?.close();
      bridge = null;
      return {};
  }
}

process.on('message', (order: InstanceOrder) => {
  void handle(order).then(
    (r) => process.send!({ id: order.id, ok: true, ...r } satisfies InstanceReply, () => order.cmd === 'stop' && process.exit(0)),
    (err: Error) => process.send!({ id: order.id, ok: false, error: err.stack ?? err.message } satisfies InstanceReply),
  );
});
// The parent went away (ended or killed): nobody will stop this instance, so it stops itself.
process.on('disconnect', () => process.exit(1));
