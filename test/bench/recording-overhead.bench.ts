/**
 * What recording costs (README "Record and replay"): card-to-event latency and printer throughput with the recorder
 * off and on, each in alternating blocks of the same run (so machine load hits both alike), and the recording's size
 * for a busy kiosk (reader polled every 300 ms and the printer's status every 1.5 s as on site, plus card reads and
 * tickets), extrapolated to bytes per hour.
 *
 * Latency: from the simulator's last byte of the read response on the wire to `cardRead` on `/kiosk` (one clock,
 * as in card-latency.bench.ts), reader behind a PTY at 115200 baud.
 * Throughput: standard tickets printed back to back through the bridge's printer driver (job confirmed by its
 * process ID after the cut), printer simulator behind a PTY at 115200 baud printing at PRINT_MM_PER_S so the wire,
 * the driver and the recorder (which masks every print job) weigh more than the paper's motion.
 *
 * Run: npm run bench -- recording-overhead   (ONEDOOR_BENCH_QUICK=1 for a short smoke run)
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import type { CardReadEvent } from '@onedoor/protocol';
import { startBridge, silentLogger } from '../../device-bridge/src/index.ts';
import { IdReaderSim } from '../../simulators/src/idreader/index.ts';
import { PrinterSim, startSimulator } from '../../simulators/src/index.ts';

const QUICK = process.env.ONEDOOR_BENCH_QUICK === '1';
const BLOCKS = QUICK ? 2 : 6;
const READS_PER_BLOCK = QUICK ? 5 : 25;
const IDLE_MS = QUICK ? 3_000 : 15_000;
/** A busy kiosk: one card read and one ticket a minute on top of the polling. */
const READS_PER_HOUR = 60;
const TICKETS_PER_HOUR = 60;
const TICKET_BLOCKS = QUICK ? 2 : 6;
const TICKETS_PER_BLOCK = QUICK ? 3 : 10;
/** Faster than a kiosk printer (150 mm/s): the paper's motion would otherwise hide the bridge's share. */
const PRINT_MM_PER_S = 1000;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

export default async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'od-bench-rec-'));
  const sim = new IdReaderSim({ id: `bench-rec-${process.pid}`, timing: 'fast' });
  const running = await startSimulator(sim, { link: 'pty', baud: 115200, dir });
  const printerSim = new PrinterSim({ nearEndMm: 0, speedMmPerSec: PRINT_MM_PER_S });
  const printerRun = await startSimulator(printerSim, { link: 'pty', baud: 115200, dir });
  const recDir = join(dir, 'recordings');
  const bridge = await startBridge(
    {
      http: { host: '127.0.0.1', port: 0 },
      dataDir: join(dir, 'data'),
      devices: [
        { id: 'reader', kind: 'idreader', path: running.path!, baud: 115200, options: { pollMs: 300 } },
        { id: 'printer', kind: 'printer', path: printerRun.path!, baud: 115200 },
      ],
      recording: { dir: recDir },
      options: { logLevel: 'silent' },
    },
    { log: silentLogger() },
  );
  const kiosk: Socket = connect(`${bridge.url}/kiosk`, { transports: ['websocket'], auth: { screenSecret: bridge.kioskScreenSecret, screenId: 'bench' } });
  await new Promise<void>((res, rej) => {
    kiosk.once('connect', () => res());
    kiosk.once('connect_error', rej);
  });
  const online = (id: string) => bridge.devices.get(id)!.status().state === 'online';
  while (!online('reader') || !online('printer')) await new Promise((r) => setTimeout(r, 50));

  const cycle = async (): Promise<number> => {
    const lastByte = sim.expectRead().then(() => performance.now());
    const got = new Promise<number>((res) => kiosk.once('cardRead', (_e: CardReadEvent) => res(performance.now())));
    sim.placeCard('zhang-sanfeng');
    const [a, b] = await Promise.all([lastByte, got]);
    sim.removeCard();
    await new Promise((r) => setTimeout(r, 700)); // the driver sees the card gone
    return b - a;
  };
  const off: number[] = [];
  const on: number[] = [];
  for (let block = 0; block < BLOCKS; block++) {
    const recording = block % 2 === 1;
    if (recording) bridge.recorder.start('bench');
    for (let i = 0; i < READS_PER_BLOCK; i++) (recording ? on : off).push(await cycle());
    if (recording) bridge.recorder.stop();
  }

  // Printer throughput: blocks of tickets back to back, recorder off and on alternating.
  let jobSeq = 0;
  const printTicket = () => bridge.devices.execute('printer', 'print', { ticket: { number: `B${String(++jobSeq).padStart(3, '0')}` }, requestId: `bench-${jobSeq}` },
    { signal: new AbortController().signal, timeoutMs: 60_000 });
  const rateOff: number[] = [];
  const rateOn: number[] = [];
  const ticketTotals = { off: { n: 0, s: 0 }, on: { n: 0, s: 0 } };
  for (let block = 0; block < TICKET_BLOCKS; block++) {
    const recording = block % 2 === 1;
    if (recording) bridge.recorder.start('bench');
    const t = performance.now();
    for (let i = 0; i < TICKETS_PER_BLOCK; i++) await printTicket();
    const seconds = (performance.now() - t) / 1000;
    if (recording) bridge.recorder.stop();
    (recording ? rateOn : rateOff).push(TICKETS_PER_BLOCK / seconds);
    const tot = recording ? ticketTotals.on : ticketTotals.off;
    tot.n += TICKETS_PER_BLOCK;
    tot.s += seconds;
  }

  // Size: an idle stretch (polls only), then reads, then tickets, in one session.
  const sizeOf = () => readdirSync(recDir).reduce((n, f) => n + statSync(join(recDir, f)).size, 0);
  const before = sizeOf();
  bridge.recorder.start('bench');
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const idleSeconds = (performance.now() - t0) / 1000;
  const idleBytes = bridge.recorder.status().bytes;
  const reads = 5;
  for (let i = 0; i < reads; i++) await cycle();
  const readBytes = (bridge.recorder.status().bytes - idleBytes) / reads; // includes the polls during the cycles
  const beforeTickets = bridge.recorder.status().bytes;
  const tickets = 3;
  for (let i = 0; i < tickets; i++) await printTicket();
  const ticketBytes = (bridge.recorder.status().bytes - beforeTickets) / tickets; // includes the polls meanwhile
  bridge.recorder.stop();
  void before;

  const row = (name: string, xs: number[]) => `${name.padEnd(14)} n=${String(xs.length).padStart(3)}  p50 ${pct(xs, 50).toFixed(2)} ms  p95 ${pct(xs, 95).toFixed(2)} ms`;
  console.log(row('recording off', off));
  console.log(row('recording on', on));
  console.log(`p50 difference on-off: ${(pct(on, 50) - pct(off, 50)).toFixed(2)} ms (noise: p95-p50 off ${(pct(off, 95) - pct(off, 50)).toFixed(2)} ms)`);
  const perSec = (t: { n: number; s: number }) => t.n / t.s;
  console.log(`printer off     ${ticketTotals.off.n} tickets  ${perSec(ticketTotals.off).toFixed(2)} tickets/s  (blocks ${rateOff.map((r) => r.toFixed(2)).join(' ')})`);
  console.log(`printer on      ${ticketTotals.on.n} tickets  ${perSec(ticketTotals.on).toFixed(2)} tickets/s  (blocks ${rateOn.map((r) => r.toFixed(2)).join(' ')})`);
  console.log(`throughput on/off: ${(perSec(ticketTotals.on) / perSec(ticketTotals.off)).toFixed(3)} (block spread off: ${Math.min(...rateOff).toFixed(2)}-${Math.max(...rateOff).toFixed(2)} tickets/s)`);
  const idlePerHour = (idleBytes / idleSeconds) * 3600;
  const perHour = idlePerHour + READS_PER_HOUR * readBytes + TICKETS_PER_HOUR * ticketBytes;
  console.log(`recording size: idle polling (reader + printer) ${(idleBytes / idleSeconds).toFixed(0)} B/s, one read cycle ${readBytes.toFixed(0)} B, one ticket ${ticketBytes.toFixed(0)} B`);
  console.log(`busy kiosk (${READS_PER_HOUR} reads and ${TICKETS_PER_HOUR} tickets/h, reader polled every 300 ms, printer status every 1.5 s, the default): ${(perHour / 1024 ** 2).toFixed(2)} MB/hour`);
  kiosk.disconnect();
  await bridge.close();
  await running.close();
  await printerRun.close();
  rmSync(dir, { recursive: true, force: true });
}
