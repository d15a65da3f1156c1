/**
 * Scan-to-event latency (README "Benchmarks", `scan-latency`: code presented on the wire -> kiosk
 * screen reacts). This bench measures the bridge's part: from the LAST byte of a code (and its CR
 * suffix) leaving the simulated engine's wire (`QrScannerSim` stamps `wireDoneAt` once the link's
 * `send()` resolved) to `codeScanned` arriving at a socket.io `/tech` client. Both stamps come from
 * this process's clock: simulator, bridge (startBridge, built-in scanner driver) and client run
 * here, the engine behind a real PTY (socat + serialport).
 *
 * Codes of 120 bytes (about the size of a mobile identity code) at 9600 baud (the engine's default) and 115200, with
 * the wire time of one code printed for scale; p50, p99 and max of the latency beyond wire time.
 *
 * Run: npm run bench -- scan-latency   (ONEDOOR_BENCH_QUICK=1 for a short smoke run)
 */
import { presentAndRead, startScannerRig } from '../integration/qrscanner-rig.ts';

const QUICK = process.env.ONEDOOR_BENCH_QUICK === '1';
const CODES = QUICK ? 20 : 200;
const CODE_BYTES = 120;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function run(baud: number): Promise<string> {
  const rig = await startScannerRig({ link: 'pty', baud, sim: { decodeMs: 0 } });
  try {
    const t0 = Date.now();
    while (rig.state() !== 'online') {
      if (Date.now() - t0 > 20_000) throw new Error('scanner did not come online');
      await new Promise((r) => setTimeout(r, 10));
    }
    const lat: number[] = [];
    // Stamped in the client's own listener (not when a poller notices), so the figure is the event's arrival.
    const arrivals: number[] = [];
    rig.tech.on('codeScanned', () => arrivals.push(Date.now()));
    for (let i = 0; i < CODES; i++) {
      const code = `GDID1.${String(i).padStart(6, '0')}.`.padEnd(CODE_BYTES, 'x');
      await presentAndRead(rig, code);
      const receivedAt = arrivals[i];
      const sent = rig.sim.sent.at(-1)!;
      lat.push(receivedAt - sent.wireDoneAt);
      await new Promise((r) => setTimeout(r, 5));
    }
    const wireMs = ((CODE_BYTES + 1) * 10_000) / baud;
    const s = [...lat].sort((a, b) => a - b);
    return `${String(baud).padStart(6)} baud  ${String(CODES).padStart(4)} codes  wire ${wireMs.toFixed(1).padStart(6)} ms/code  ` +
      `beyond wire: p50 ${pct(s, 50)} ms  p99 ${pct(s, 99)} ms  max ${s.at(-1)} ms`;
  } finally {
    await rig.close();
  }
}

export default async function scanLatency(): Promise<void> {
  console.log(`QR code (${CODE_BYTES} B + CR) last byte on the wire -> codeScanned at a /tech socket.io client (PTY):`);
  for (const baud of [9600, 115200]) console.log(`  ${await run(baud)}`);
}
