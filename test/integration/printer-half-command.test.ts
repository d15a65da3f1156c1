/**
 * A printer left inside a command by a bridge that died mid-write (escpos.md: `GS ( k pL pH ...` has length bytes)
 * must be back within 2 s of the next bridge starting. Real parts: the strict PrinterSim (it takes bytes as the
 * pending command's data, real-time commands included, as a real printer does) behind a socat PTY, the previous
 * bridge's last bytes written through a real serialport, then a PrinterDriver opening the same PTY.
 */
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { fromHex } from '@onedoor/protocol';
import { buildTicketJob } from '../../device-bridge/src/devices/printer/index.ts';
import type { PrinterLogEntry } from '../../simulators/src/printer/index.ts';
import { startPrinterRig, until, type PrinterRig } from '../../device-bridge/test/printer/rig.ts';

const rigs: PrinterRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.dispose();
});

/** What a bridge killed mid-command left on the line: `bytes`, written and the port closed. */
async function previousBridgeWrote(path: string, bytes: Uint8Array): Promise<void> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
  await new Promise<void>((res, rej) => port.write(Buffer.from(bytes), (e) => (e ? rej(e) : res())));
  await new Promise<void>((res) => port.drain(() => res()));
  await new Promise<void>((res) => port.close(() => res()));
}

const cases: [string, string][] = [
  ['GS ( k with only its low length byte (1D 28 6B 40)', '1D 28 6B 40'],
  ['GS ( k with a large high length byte (1D 28 6B 40 1B: 6976 bytes to come)', '1D 28 6B 40 1B'],
  ['a QR store cut inside its data (1D 28 6B 2B 02 31 50 30 + 3 of 552 bytes)', '1D 28 6B 2B 02 31 50 30 68 74 74'],
];

describe('printer left inside a command by a killed bridge', () => {
  for (const [name, hex] of cases) {
    it(`${name}: online within 2 s, status queries answered, then a ticket prints`, async () => {
      const rig = await startPrinterRig({ start: false });
      rigs.push(rig);
      const log: PrinterLogEntry[] = [];
      rig.printer.on('log', (e: PrinterLogEntry) => log.push(e));
      const half = fromHex(hex);
      await previousBridgeWrote(rig.path, half);
      await until('the printer received the half command', () => log.some((e) => e.dir === 'rx' && e.hex === hex));

      const t0 = performance.now();
      await rig.driver.start();
      await until('printer online', () => rig.driver.status().state === 'online', 10_000);
      const ms = performance.now() - t0;
      expect(ms).toBeLessThan(2000);

      // The watchdog's DLE EOT queries are answered from now on: no timeouts, more replies.
      const timeouts = rig.driver.status().counters.timeouts;
      const replies = () => log.filter((e) => e.dir === 'tx' && /DLE EOT 1 reply/.test(e.note)).length;
      const before = replies();
      await until('two more status polls answered', () => replies() >= before + 2, 10_000);
      expect(rig.driver.status().counters.timeouts).toBe(timeouts);
      expect(rig.driver.status().state).toBe('online');

      // And the printer prints: one ticket, confirmed by its process ID.
      const { job } = rig.driver.submit(buildTicketJob({ number: 'H001' }));
      await rig.driver.waitForJob(job.id);
      expect(rig.printer.tickets).toHaveLength(1);
      expect(rig.printer.tickets[0].text).toContain('H001');
    });
  }
});
