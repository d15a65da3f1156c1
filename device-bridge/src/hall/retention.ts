/**
 * Applies the retention policy (retentionPolicy.ts: fields, defaults and why) to the hall database and the print job
 * databases: at start and then every `RETENTION_EVERY_MS` (a day) on an unref'd timer (it never keeps the process
 * alive). Failures are logged at error level and retried on the next run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { HallStore, HallRetentionResult } from '../store/hallStore.ts';
import { SqlitePrintJobStore } from '../store/printJobsSqlite.ts';
import type { HallClock } from './clock.ts';
import { DAY_MS, hallRetentionCutoffs, type RetentionConfig } from './retentionPolicy.ts';

export const RETENTION_EVERY_MS = 24 * 60 * 60_000;

export interface RetentionRunOptions {
  policy: RetentionConfig;
  clock: Pick<HallClock, 'now' | 'today'>;
  /** The hall database; null on a kiosk linked to a hall (the hall applies the policy to its own) or when paused. */
  store: Pick<HallStore, 'applyRetention'> | null;
  /** Print job databases (file paths) to purge; a missing file is skipped. */
  printJobFiles: string[];
  log: Logger;
}

export interface RetentionRunResult {
  hall: HallRetentionResult | null;
  printPayloadsPurged: number;
}

/** One pass of the policy over the hall database and the print job databases. Never throws: failures are logged. */
export async function runRetention(o: RetentionRunOptions): Promise<RetentionRunResult> {
  const now = o.clock.now();
  let hall: HallRetentionResult | null = null;
  if (o.store) {
    try {
      hall = await o.store.applyRetention(hallRetentionCutoffs(o.policy, o.clock.today(), now));
    } catch (err) {
      o.log.error({ err }, 'retention: hall database not processed (will retry)');
    }
  }
  let printPayloadsPurged = 0;
  for (const file of o.printJobFiles) {
    if (!existsSync(file)) continue;
    try {
      // Its own connection next to the printer driver's (WAL: readers and one writer at a time, busy timeout 5 s).
      const jobs = new SqlitePrintJobStore(file);
      try {
        printPayloadsPurged += jobs.purgeFinishedPayloads(now - o.policy.printPayloadsDeletedAfterDays * DAY_MS);
      } finally {
        jobs.close();
      }
    } catch (err) {
      o.log.error({ err }, 'retention: print job database not processed (will retry)');
    }
  }
  o.log.info({ ...(hall ?? {}), printPayloadsPurged }, 'retention applied');
  return { hall, printPayloadsPurged };
}

/** The print job database files of the configured printers (printer option `jobDbFile`). */
export function printJobFilesOf(dataDir: string, devices: ReadonlyArray<{ kind: string; options: Record<string, unknown> }>): string[] {
  return devices.filter((d) => d.kind === 'printer').map((d) => {
    const f = d.options.jobDbFile;
    return join(dataDir, typeof f === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(f) ? f : 'print-jobs.sqlite');
  });
}

/** Runs the policy now and every day; `stop` ends the schedule. The timer never keeps the process alive. */
export function scheduleRetention(o: RetentionRunOptions, everyMs = RETENTION_EVERY_MS): { first: Promise<RetentionRunResult>; stop(): void } {
  const first = runRetention(o);
  const timer = setInterval(() => void runRetention(o), everyMs);
  timer.unref();
  return { first, stop: () => clearInterval(timer) };
}
