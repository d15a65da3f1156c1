/**
 * A4 certificate copy: time from the citizen's tap (the kioskCommand leaves the screen's socket) to the printer's
 * job `completed` (the command's completion carries the confirmed print), beside the 80 mm copy's time to its
 * process-ID echo, in the same bridge: reader and ticket printer simulators on PTYs (115200 baud), the A4 printer
 * is CUPS's ippeveprinter on loopback (it "prints" at once: -c /bin/true), with the PDF made per copy (Noto Sans CJK
 * subset). The A4 figure is therefore the bridge's own cost (PDF, IPP round trips, job polling every 50 ms), not a
 * laser printer's warm-up and page time (about 8-15 s for a first page on office printers).
 *
 * Run: npm run bench -- a4-copy   (ONEDOOR_BENCH_QUICK=1 for a short smoke run)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IppEvePrinterSim, IPPEVEPRINTER_MISSING, ippEvePrinterAvailable } from '@onedoor/simulators';
import { startKioskRig, until } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { DEFAULT_CJK_FONT, DEFAULT_CJK_FONT_NAME } from '../../device-bridge/src/devices/ippPrinter/options.ts';

const QUICK = process.env.ONEDOOR_BENCH_QUICK === '1';
const COPIES = QUICK ? 3 : 15;

const pct = (s: number[], p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;

export default async function bench(): Promise<void> {
  if (!ippEvePrinterAvailable()) {
    console.log(`skipped: ${IPPEVEPRINTER_MISSING}`);
    return;
  }
  const sim = new IppEvePrinterSim({ spoolDir: mkdtempSync(join(tmpdir(), 'od-bench-a4-')) });
  await sim.start();
  const rig = await startKioskRig({ devices: [{ id: 'a4', kind: 'docprinter', path: sim.uri,
    options: { fontPath: DEFAULT_CJK_FONT, fontName: DEFAULT_CJK_FONT_NAME, pollIntervalMs: 500, jobPollMs: 50 } }] });
  try {
    await until('A4 printer online', () => rig.bridge.devices.get('a4')?.status().state === 'online');
    const session = await rig.startSession();
    const id = (await rig.command(session.token, 'certificates.list')).result![0]!.identifier;
    const rows: string[] = [];
    for (const format of ['a4', 'slip'] as const) {
      const times: number[] = [];
      for (let i = 0; i < COPIES; i++) {
        const t0 = performance.now();
        const r = await rig.command(session.token, 'certificates.print', { id, format });
        if (r.result?.print.state !== 'confirmed') throw new Error(`${format} copy not confirmed: ${JSON.stringify(r.result?.print ?? r)}`);
        times.push(performance.now() - t0);
      }
      const s = [...times].sort((a, b) => a - b);
      rows.push(`${format === 'a4' ? 'A4 copy (IPP completed)   ' : '80 mm copy (process ID)   '} ${String(COPIES).padStart(3)} copies  ` +
        `tap -> confirmed: p50 ${pct(s, 50).toFixed(0).padStart(5)} ms  max ${s.at(-1)!.toFixed(0).padStart(5)} ms  (first ${times[0]!.toFixed(0)} ms)`);
    }
    for (const r of rows) console.log(r);
  } finally {
    await rig.close();
    await sim.stop();
  }
}
