/**
 * `hall-links` (README "Many instances"): many linked kiosks held by one hall instance, each saying hello and
 * beating its heartbeat as a kiosk bridge does; RSS per 1,000 links; then a reconnect storm (the hall drops every
 * link at once, all kiosks reconnect together): the longest event-loop stall during it and the time until all are
 * registered again. The kiosk clients run in the same process as the hall (2 cores, one box), so the RSS figure
 * includes the clients' side of each link and is an upper bound for the hall's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { KIOSK_LINK_NAMESPACE } from '@onedoor/protocol';
import { startBridge } from '../../device-bridge/src/main.ts';

const COUNTS = [500, 1000];
const HEARTBEAT_MS = 5000;

async function until(what: string, ok: () => boolean, limitMs = 120_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function run(n: number): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'od-bench-links-'));
  const tokens = Array.from({ length: n }, (_, i) => `bench-link-token-${String(i).padStart(6, '0')}`);
  const hall = await startBridge({
    http: { port: 0 }, dataDir: dir, kiosks: tokens.map((token, i) => ({ id: `kiosk-${i + 1}`, token })), options: { logLevel: 'silent' },
  }, { log: pino({ level: 'silent' }) });
  const registry = hall.kioskLink!.registry;
  const connected = () => registry.list().filter((k) => k.connected).length;
  const sockets: Socket[] = [];
  const timers: NodeJS.Timeout[] = [];
  try {
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    for (const token of tokens) {
      const s = connect(`${hall.url}${KIOSK_LINK_NAMESPACE}`, {
        auth: { token }, transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 500, randomizationFactor: 0,
      });
      s.on('connect', () => s.emit('kioskHello', { devices: [], startedAt: Date.now() }, () => undefined));
      // A link the hall closed is reopened by the kiosk itself (socket.io does not retry a server-side disconnect).
      s.on('disconnect', (reason) => reason === 'io server disconnect' && s.connect());
      timers.push(setInterval(() => s.connected && s.emit('kioskHeartbeat', { at: Date.now() }), HEARTBEAT_MS));
      sockets.push(s);
    }
    const t0 = performance.now();
    await until('all registered', () => connected() === n);
    const firstMs = performance.now() - t0;
    global.gc?.();
    const perThousandMb = ((process.memoryUsage().rss - rss0) / 1024 / 1024) * (1000 / n);

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const t1 = performance.now();
    // The storm: the hall drops every link at once; every kiosk reconnects and says hello again.
    hall.socket.io.of(KIOSK_LINK_NAMESPACE).disconnectSockets(true);
    await until('all dropped', () => connected() === 0, 30_000).catch(() => undefined);
    await until('all registered again', () => connected() === n);
    const stormMs = performance.now() - t1;
    loop.disable();
    return {
      links: n, 'first connect, all registered (ms)': Math.round(firstMs), 'RSS per 1,000 links (MB)': perThousandMb.toFixed(1),
      'storm: all registered again (ms)': Math.round(stormMs), 'storm: longest loop stall (ms)': (loop.max / 1e6).toFixed(0),
    };
  } finally {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.disconnect();
    await hall.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function bench(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const n of COUNTS) rows.push(await run(n));
  console.log(`one hall instance (SQLite), links and hall in one process, ${new Date().toISOString()}`);
  console.table(rows);
}
