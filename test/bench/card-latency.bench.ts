/**
 * Card-to-event latency and bridge memory under card reads (README "Benchmarks").
 *
 * The bridge runs as its own process (`device-bridge/src/main.ts --config ...`, exactly as deployed), the simulated
 * readers and the socket.io `/kiosk` client run in this process, so both timestamps of a latency come from one clock:
 * - start: the simulator has sent the LAST byte of the read response (`IdReaderSim` emits `read` once the link's
 *   `send()` resolved, i.e. the last byte is on the wire);
 * - end: the `/kiosk` client has received `cardRead` with the parsed, masked holder.
 * 200 place/remove cycles at 115200 baud over a PTY (socat + serialport), printed next to the wire time of the
 * 1295-byte read response itself (id-reader-sam.md "Line settings": about 112 ms at 115200) for scale.
 *
 * Memory: the bridge's RSS (/proc/<pid>/status VmRSS) after start-up, after the first 1,000 reads (warm-up: JIT,
 * socket.io and pino buffers) and after 10,000 card reads, made by 8 simulated readers over TCP polling every 20 ms
 * (simulator-only pace; real readers are polled every 300 ms). A leak shows as growth after the warm-up.
 * The printer half of the memory figure (1,000 tickets) belongs to the printer bench.
 *
 * Run: npm run bench -- card-latency   (ONEDOOR_BENCH_QUICK=1 for a short smoke run)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connect, type Socket } from 'socket.io-client';
import type { CardReadEvent, DeviceStatus, KioskClientToServerEvents, KioskServerToClientEvents } from '@onedoor/protocol';
import { IdReaderSim } from '../../simulators/src/idreader/index.ts';
import { startSimulator, type LinkKind, type RunningSimulator } from '../../simulators/src/index.ts';

/** The kiosk screen secret of the bridge process (config kioskScreen.secret). */
const SCREEN_SECRET = 'bench-screen-secret-0123456789abcdef';

const QUICK = process.env.ONEDOOR_BENCH_QUICK === '1';
const LATENCY_READS = QUICK ? 20 : 200;
const RSS_READS = QUICK ? 400 : 10_000;
const RSS_READERS = 8;
const BAUD = 115200;
const READ_RESPONSE_BYTES = 1295; // spec "Read response layout (30 01)"

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
type KioskClient = Socket<KioskServerToClientEvents, KioskClientToServerEvents>;

interface BridgeProcess {
  url: string;
  rssBytes(): number;
  stop(): Promise<void>;
}

/** Starts `device-bridge --config` as a child process and waits for its "listening on" line. */
async function startBridgeProcess(dir: string, devices: object[]): Promise<BridgeProcess> {
  const config = join(dir, 'bridge.json');
  writeFileSync(
    config,
    // The /kiosk client stands in for the kiosk's screen, so it needs the screen secret (api/kioskScreen.ts).
    JSON.stringify({ http: { host: '127.0.0.1', port: 0 }, dataDir: join(dir, 'data'), devices, kioskScreen: { secret: SCREEN_SECRET }, options: { logLevel: 'silent' } }),
  );
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(root, 'device-bridge/src/main.ts'), '--config', config], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) res(m[1]);
    });
    child.once('exit', (code) => rej(new Error(`bridge exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    rssBytes: () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : NaN;
    },
    stop: () =>
      new Promise<void>((res) => {
        if (child.exitCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGTERM');
      }),
  };
}

async function kioskClient(url: string): Promise<KioskClient> {
  const s: KioskClient = connect(`${url}/kiosk`, { transports: ['websocket'], auth: { screenSecret: SCREEN_SECRET } });
  await new Promise<void>((res, rej) => {
    s.once('connect', () => res());
    s.once('connect_error', rej);
  });
  return s;
}

async function allOnline(url: string, n: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const list = (await (await fetch(`${url}/api/devices`)).json()) as DeviceStatus[];
    if (list.filter((d) => d.state === 'online').length === n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('readers did not come online');
}

async function startReaders(dir: string, n: number, link: LinkKind): Promise<RunningSimulator<IdReaderSim>[]> {
  const out: RunningSimulator<IdReaderSim>[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await startSimulator(new IdReaderSim({ id: `bench-reader-${i}`, timing: 'fast' }), { link, baud: BAUD, dir, port: 0 }));
  }
  return out;
}

const pathOf = (r: RunningSimulator, link: LinkKind) => (link === 'pty' ? r.path! : `tcp://127.0.0.1:${r.port}`);

/** One place -> cardRead -> remove cycle; resolves with [last byte on the wire, cardRead received] (ms). */
function cycle(sim: IdReaderSim, kiosk: KioskClient, deviceId: string, key: string): Promise<[number, number]> {
  const lastByte = sim.expectRead().then(() => performance.now());
  const received = new Promise<number>((res) => {
    const on = (e: CardReadEvent) => {
      if (e.deviceId !== deviceId) return;
      kiosk.off('cardRead', on);
      res(performance.now());
    };
    kiosk.on('cardRead', on);
  });
  sim.placeCard(key);
  return Promise.all([lastByte, received]).then((t) => {
    sim.removeCard();
    return t;
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function latency(dir: string): Promise<void> {
  const [reader] = await startReaders(dir, 1, 'pty');
  const bridge = await startBridgeProcess(dir, [{ id: 'reader', kind: 'idreader', path: pathOf(reader, 'pty'), baud: BAUD }]);
  try {
    await allOnline(bridge.url, 1);
    const kiosk = await kioskClient(bridge.url);
    const keys = [...reader.device.library.keys()];
    const ms: number[] = [];
    for (let i = 0; i < LATENCY_READS; i++) {
      const [t0, t1] = await cycle(reader.device, kiosk, 'reader', keys[i % keys.length]);
      ms.push(t1 - t0);
    }
    kiosk.disconnect();
    ms.sort((a, b) => a - b);
    const wire = (READ_RESPONSE_BYTES * 10 * 1000) / BAUD;
    const f = (x: number) => x.toFixed(2);
    console.log(`card-to-event latency: last byte of the read response on the wire -> /kiosk cardRead (PTY, ${BAUD} baud, poll 300 ms)`);
    console.table([
      {
        reads: ms.length,
        'p50 ms': f(percentile(ms, 50)),
        'p95 ms': f(percentile(ms, 95)),
        'p99 ms': f(percentile(ms, 99)),
        'max ms': f(ms[ms.length - 1]),
        'read response wire ms': f(wire),
        'p50 / wire': (percentile(ms, 50) / wire).toFixed(3),
        'p99 / wire': (percentile(ms, 99) / wire).toFixed(3),
      },
    ]);
  } finally {
    await bridge.stop();
    await reader.close();
  }
}

async function memory(dir: string): Promise<void> {
  const readers = await startReaders(dir, RSS_READERS, 'tcp');
  const bridge = await startBridgeProcess(
    dir,
    readers.map((r, i) => ({ id: `reader${i}`, kind: 'idreader', path: pathOf(r, 'tcp'), baud: BAUD, options: { pollMs: 20 } })),
  );
  try {
    await allOnline(bridge.url, RSS_READERS);
    const kiosk = await kioskClient(bridge.url);
    await new Promise((r) => setTimeout(r, 2000)); // let start-up allocations settle
    const rssStart = bridge.rssBytes();
    let started = 0;
    let done = 0;
    // RSS once warmed up (10% of the reads): growth from there to the end is what a leak would show.
    let rssWarm = NaN;
    const t0 = performance.now();
    await Promise.all(
      readers.map(async (r, i) => {
        const keys = [...r.device.library.keys()];
        for (let n = 0; started < RSS_READS; n++) {
          started++;
          await cycle(r.device, kiosk, `reader${i}`, keys[(n + i) % keys.length]);
          if (++done === RSS_READS / 10) rssWarm = bridge.rssBytes();
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const rssEnd = bridge.rssBytes();
    kiosk.disconnect();
    const mb = (b: number) => (b / 2 ** 20).toFixed(1);
    console.log(`bridge RSS: after start-up vs after ${done} card reads (${RSS_READERS} readers over TCP, ${seconds.toFixed(0)} s)`);
    console.table([
      {
        reads: done,
        'RSS start MB': mb(rssStart),
        [`RSS at ${RSS_READS / 10} MB`]: mb(rssWarm),
        'RSS after MB': mb(rssEnd),
        'after / start': (rssEnd / rssStart).toFixed(3),
        'after / warm': (rssEnd / rssWarm).toFixed(3),
        'bytes/read after warm-up': ((rssEnd - rssWarm) / (done - RSS_READS / 10)).toFixed(0),
      },
    ]);
  } finally {
    await bridge.stop();
    for (const r of readers) await r.close();
  }
}

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'onedoor-bench-card-'));
  try {
    await latency(dir);
    await memory(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
