/**
 * Bridge memory under printing (README "Benchmarks": bridge RSS after 1,000 printed tickets,
 * against its value after start-up). The card-read half (10,000 reads) is measured by
 * card-latency.bench.ts, which runs the same bridge process the same way.
 *
 * The bridge runs as deployed (`device-bridge/src/main.ts --config ...`, its own process, job store in SQLite in its
 * data dir); the printer simulator (PTY, 115200 baud) and a socket.io `/kiosk` client run here. Each ticket is a
 * `deviceCommand` `print` of the standard ticket with its own requestId, awaited until the job is confirmed by its
 * process ID, one after another. RSS is read from /proc/<pid>/status (VmRSS) after start-up, after the first 10% of
 * the tickets (warm-up: JIT, SQLite page cache, socket.io buffers) and at the end; growth after the warm-up is what
 * a leak would show. Throughput is put next to the wire time of the ticket's bytes for scale.
 *
 * Run: npm run bench -- bridge-memory   (ONEDOOR_BENCH_QUICK=1 for a short smoke run)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import {
  buildStandardTicket,
  type Completion,
  type DeviceStatus,
  type KioskClientToServerEvents,
  type KioskServerToClientEvents,
} from '@onedoor/protocol';
import { startSimulator } from '../../simulators/src/link/index.ts';
import { PrinterSim } from '../../simulators/src/printer/index.ts';

/** The kiosk screen secret of the bridge process (config kioskScreen.secret). */
const SCREEN_SECRET = 'bench-screen-secret-0123456789abcdef';

const QUICK = process.env.ONEDOOR_BENCH_QUICK === '1';
const TICKETS = QUICK ? 100 : 1000;
const BAUD = 115200;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function vmRssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

export default async function bridgeMemory(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'onedoor-bench-mem-'));
  // A fast print engine: the figure is about the bridge, not about paper speed.
  const sim = await startSimulator(new PrinterSim({ speedMmPerSec: 5000, cutMs: 5, nearEndMm: 0 }), { link: 'pty', baud: BAUD, dir });
  const configFile = join(dir, 'bridge.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      // A site file with a printer names the URL its QR codes open (config site.publicUrl).
      site: { publicUrl: 'http://192.168.10.5:8080' },
      http: { host: '127.0.0.1', port: 0 },
      dataDir: join(dir, 'data'),
      devices: [{ id: 'printer', kind: 'printer', path: sim.path, baud: BAUD }],
      // The client below stands in for the kiosk's screen, so it needs the screen secret (api/kioskScreen.ts).
      kioskScreen: { secret: SCREEN_SECRET },
      options: { logLevel: 'silent' },
    }),
  );
  const bridge = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'device-bridge/src/main.ts'), '--config', configFile], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let kiosk: Socket<KioskServerToClientEvents, KioskClientToServerEvents> | null = null;
  try {
    let out = '';
    bridge.stdout!.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      bridge.stdout!.on('data', (d: string) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      bridge.once('exit', (code) => reject(new Error(`bridge exited with code ${code}`)));
    });
    const client: Socket<KioskServerToClientEvents, KioskClientToServerEvents> = io(`${url}/kiosk`, { transports: ['websocket'], auth: { screenSecret: SCREEN_SECRET } });
    kiosk = client;
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', reject);
    });
    for (let i = 0; ; i++) {
      const devices = (await (await fetch(`${url}/api/devices`)).json()) as DeviceStatus[];
      if (devices[0]?.state === 'online') break;
      if (i > 600) throw new Error(`printer did not come online: ${JSON.stringify(devices[0])}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 2000)); // let start-up allocations settle
    const rssStart = vmRssKb(bridge.pid!);
    let rssWarm = NaN;
    const t0 = performance.now();
    for (let i = 0; i < TICKETS; i++) {
      const requestId = `bench-${i}`;
      const number = `A${String(i % 1000).padStart(3, '0')}`;
      const c = (await client.timeout(60_000).emitWithAck('deviceCommand', {
        requestId,
        timeout: 60_000,
        deviceId: 'printer',
        action: 'print',
        // The requestId again in args, so the job table holds it (the API does not hand it to drivers yet).
        args: { ticket: { number }, requestId },
      })) as Completion;
      if (c.code !== 'success') throw new Error(`ticket ${i}: ${c.code} ${c.message ?? ''}`);
      if (i + 1 === TICKETS / 10) rssWarm = vmRssKb(bridge.pid!);
    }
    const seconds = (performance.now() - t0) / 1000;
    const rssEnd = vmRssKb(bridge.pid!);
    const ticketBytes = buildStandardTicket().length;
    const wireSeconds = (TICKETS * ticketBytes * 10) / BAUD;
    const mb = (kb: number) => (kb / 1024).toFixed(1);
    console.log(`bridge RSS: after start-up vs after ${TICKETS} printed tickets (standard ticket, PTY ${BAUD} baud, each confirmed by its process ID)`);
    console.table([
      {
        tickets: TICKETS,
        'RSS start MB': mb(rssStart),
        [`RSS at ${TICKETS / 10} MB`]: mb(rssWarm),
        'RSS after MB': mb(rssEnd),
        'after / start': (rssEnd / rssStart).toFixed(3),
        'after / warm': (rssEnd / rssWarm).toFixed(3),
        'bytes/ticket after warm-up': (((rssEnd - rssWarm) * 1024) / (TICKETS - TICKETS / 10)).toFixed(0),
        'tickets/s': (TICKETS / seconds).toFixed(1),
        'time / wire time': (seconds / wireSeconds).toFixed(2),
      },
    ]);
    console.log('card reads: the 10,000-read RSS figure of the same bridge is printed by card-latency.bench.ts');
    const printed = sim.device.snapshot() as { tickets: number };
    if (printed.tickets < Math.min(TICKETS, 100)) throw new Error(`the printer history holds only ${printed.tickets} tickets`);
  } finally {
    kiosk?.disconnect();
    if (bridge.exitCode === null) {
      const exited = once(bridge, 'exit');
      bridge.kill('SIGTERM');
      await exited;
    }
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
