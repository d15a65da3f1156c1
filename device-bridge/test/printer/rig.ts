/**
 * Test rig for the printer driver: a `PrinterSim` behind a real PTY (socat, through the simulator's own link) and a
 * `PrinterDriver` opening that PTY with the real `serialport` binding, its job store in a fresh temp dir. Everything
 * it makes is undone by `dispose()`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrintJobUpdate } from '@onedoor/protocol';
import { startSimulator, type RunningSimulator } from '../../../simulators/src/link/index.ts';
import { PrinterSim, type PrinterSimOptions } from '../../../simulators/src/printer/index.ts';
import { PrinterDriver } from '../../src/devices/printer/index.ts';
import { silentLogger } from '../../src/log.ts';
import { untilWith } from '../../../test/support/until.ts';

export interface PrinterRig {
  dir: string;
  dataDir: string;
  sim: RunningSimulator<PrinterSim>;
  printer: PrinterSim;
  path: string;
  driver: PrinterDriver;
  updates: PrintJobUpdate[];
  /** A new driver on the same PTY and data dir (after `driver.stop()`), as a restarted bridge would make. */
  newDriver(options?: Record<string, unknown>): PrinterDriver;
  dispose(): Promise<void>;
}

export const FAST_BACKOFF = { minDelayMs: 20, maxDelayMs: 300 };

export const until = untilWith({ limitMs: 30_000, stepMs: 20 });

export async function startPrinterSim(dir: string, simOptions: PrinterSimOptions = {}): Promise<RunningSimulator<PrinterSim>> {
  return startSimulator(new PrinterSim({ nearEndMm: 0, ...simOptions }), { link: 'pty', baud: 115200, dir });
}

export async function startPrinterRig(
  opts: { sim?: PrinterSimOptions; driver?: Record<string, unknown>; start?: boolean } = {},
): Promise<PrinterRig> {
  const dir = mkdtempSync(join(tmpdir(), 'od-printer-'));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const sim = await startPrinterSim(dir, opts.sim);
  const path = sim.path!;
  const updates: PrintJobUpdate[] = [];
  const drivers: PrinterDriver[] = [];
  const make = (options: Record<string, unknown> = opts.driver ?? {}) => {
    const d = new PrinterDriver(
      { id: 'printer', kind: 'printer', path, baud: 115200, options: { pollIntervalMs: 500, ...options } },
      { log: silentLogger(), dataDir, backoff: FAST_BACKOFF },
    );
    d.onJobUpdate((u) => updates.push(u));
    drivers.push(d);
    return d;
  };
  const driver = make();
  if (opts.start !== false) {
    await driver.start();
    await until('printer online', () => driver.status().state === 'online');
  }
  return {
    dir,
    dataDir,
    sim,
    printer: sim.device,
    path,
    driver,
    updates,
    newDriver: make,
    dispose: async () => {
      for (const d of drivers) await d.stop();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An AbortSignal that never aborts, for `execute` calls whose timeout the test does not exercise. */
export const noAbort = (): AbortSignal => new AbortController().signal;
