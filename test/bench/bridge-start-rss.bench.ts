/**
 * Bridge memory at start, sources under tsx against the compiled build under plain node (README "Installing a kiosk
 * PC": the PC runs the compiled build; the target is at most 80 MB resident at start).
 *
 * Each way starts the bridge in its own process on the same demo config (reader, printer and counter bus simulated
 * on PTYs), waits until `/api/health` shows every device online, lets start-up allocations settle for 2 s and reads
 * VmRSS from /proc. Three ways:
 *   - tsx:               node --import tsx device-bridge/src/main.ts   (how `npm start` and the tests run it)
 *   - node:              node device-bridge/dist/main.js
 *   - node, as deployed: with the V8 options of deploy/onedoor-bridge.service's ExecStart
 * The figure is the median of the runs (resident size moves by a few MB with garbage-collection timing). The
 * compiled build is made first when missing or older than its sources.
 *
 * Run: npm run bench -- bridge-start-rss   (ONEDOOR_BENCH_QUICK=1: one run each)
 */
import { BRIDGE_MAIN, compileServer, compiledBuildReason } from '../../scripts/build.ts';
import { deployedNodeFlags, spawnBridge, startDemoSimulators, REPO_ROOT } from '../integration/bridge-process-rig.ts';
import { join } from 'node:path';

const RUNS = process.env.ONEDOOR_BENCH_QUICK === '1' ? 1 : 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (kb: number) => (kb / 1024).toFixed(1);

export default async function bridgeStartRss(): Promise<void> {
  const reason = compiledBuildReason();
  if (reason) {
    console.log(`compiling the bridge first (${reason})`);
    compileServer();
  }
  const ways: Array<{ way: string; args: (config: string) => string[] }> = [
    { way: 'tsx (sources)', args: (c) => ['--import', 'tsx', join(REPO_ROOT, 'device-bridge/src/main.ts'), '--config', c] },
    { way: 'node (compiled)', args: (c) => [BRIDGE_MAIN, '--config', c] },
    { way: 'node (compiled, as deployed)', args: (c) => [...deployedNodeFlags(), BRIDGE_MAIN, '--config', c] },
  ];
  const rss = new Map<string, number[]>(ways.map((w) => [w.way, []]));
  const startMs = new Map<string, number[]>(ways.map((w) => [w.way, []]));
  const sims = await startDemoSimulators();
  try {
    // Interleaved, so a burst of load on the shared machine does not land on one way only.
    for (let run = 0; run < RUNS; run++) {
      for (const w of ways) {
        const t0 = performance.now();
        const bridge = spawnBridge(w.args(sims.configFile));
        try {
          await bridge.started();
          startMs.get(w.way)!.push(performance.now() - t0);
          await new Promise((r) => setTimeout(r, 2000));
          rss.get(w.way)!.push(bridge.rssKb());
        } finally {
          await bridge.stop();
        }
      }
    }
  } finally {
    await sims.close();
  }
  const tsx = median(rss.get(ways[0]!.way)!);
  console.log(`bridge RSS at start (all 3 demo devices online, +2 s), median of ${RUNS} run(s); target <= 80 MB`);
  console.log(`deployed node options: ${deployedNodeFlags().join(' ') || '(none)'}`);
  console.table(
    ways.map((w) => {
      const m = median(rss.get(w.way)!);
      return {
        way: w.way,
        'RSS MB': mb(m),
        'runs MB': rss.get(w.way)!.map(mb).join(' / '),
        'vs tsx': (m / tsx).toFixed(2),
        'to all online s': (median(startMs.get(w.way)!) / 1000).toFixed(1),
        '<= 80 MB': m <= 80 * 1024 ? 'yes' : 'NO',
      };
    }),
  );
}
