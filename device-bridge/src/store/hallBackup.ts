/**
 * Scheduled online backups of the SQLite hall database (README "Backups"; config `backup`): every `everyHours` a
 * consistent copy through SQLite's backup API (SqliteHallStore.backupTo) into `backup.dir`, named by its UTC time
 * (`hall-20261204T193800123Z.sqlite`, so names sort by age), then only the newest `keep` are kept.
 *
 * Backups hold the same personal data as the database: the folder is owner-only (0700) and each file 0600 from the
 * moment it exists (README "Security", data at rest). A backup is written under a `.partial` name and renamed when
 * complete, so a crash mid-copy never leaves a file that looks like a backup; rotation only counts complete ones.
 *
 * PostgreSQL halls are backed up with `pg_dump` instead (README "Backups"): nothing is scheduled for them here.
 */
import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createPrivateFile, securePrivateDir } from './fileModes.ts';
import type { HallStore } from './hallStore.ts';
import { SqliteHallStore } from './hallSqlite.ts';

export interface BackupPolicy {
  /** Where backups go (absolute). */
  dir: string;
  /** Hours between backups; 0: none scheduled. */
  everyHours: number;
  /** Newest backups kept. */
  keep: number;
}

const NAME = /^hall-(\d{8}T\d{9}Z)\.sqlite$/;

/** `hall-YYYYMMDDTHHMMSSmmmZ.sqlite` for `at`. */
export function backupFileName(at: Date): string {
  return `hall-${at.toISOString().replace(/[-:.]/g, '')}.sqlite`;
}

/** Complete backups in `dir`, oldest first (their names sort by time). */
export function listBackups(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.filter((n) => NAME.test(n)).sort().map((n) => join(dir, n));
}

/** One backup of `store` into `dir` now, then rotation; returns the new file. */
export async function takeHallBackup(store: SqliteHallStore, dir: string, keep: number, now = new Date()): Promise<string> {
  securePrivateDir(dir);
  let file = join(dir, backupFileName(now));
  // Two backups in the same millisecond (a manual one beside the schedule): the later one waits a tick.
  for (let at = now.getTime() + 1; listBackups(dir).includes(file); at++) file = join(dir, backupFileName(new Date(at)));
  const partial = `${file}.partial`;
  createPrivateFile(partial);
  try {
    await store.backupTo(partial);
    renameSync(partial, file);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  rotateBackups(dir, keep);
  return file;
}

/** Deletes all but the newest `keep` backups (and `.partial` leftovers of a crash); returns the deleted files. */
export function rotateBackups(dir: string, keep: number): string[] {
  const all = listBackups(dir);
  const old = all.slice(0, Math.max(0, all.length - keep));
  for (const f of old) rmSync(f, { force: true });
  for (const n of readdirSync(dir)) if (n.endsWith('.sqlite.partial') && NAME.test(n.slice(0, -'.partial'.length))) rmSync(join(dir, n), { force: true });
  return old;
}

export interface HallBackupSchedule {
  /** Take one now (as the schedule does), e.g. before an upgrade; rejects when there is no SQLite hall database. */
  takeNow(): Promise<string>;
  stop(): void;
}

/** A minute after start when the newest backup is older than the interval: a bridge restarted often still backs up. */
const FIRST_AFTER_MS = 60_000;

export function scheduleHallBackups(o: { policy: BackupPolicy; store: () => HallStore | null; log: Logger; now?: () => number }): HallBackupSchedule {
  const now = o.now ?? Date.now;
  const sqlite = () => {
    const s = o.store();
    return s instanceof SqliteHallStore ? s : null;
  };
  const takeNow = async () => {
    const store = sqlite();
    if (!store) throw new Error('no SQLite hall database is open here: nothing to back up');
    const file = await takeHallBackup(store, o.policy.dir, o.policy.keep, new Date(now()));
    o.log.info({ file, keep: o.policy.keep }, 'hall database backed up');
    return file;
  };
  const run = () => {
    // A linked kiosk or a PostgreSQL hall has no SQLite database; a paused one (gone or bad) cannot be copied.
    if (!sqlite()) return;
    takeNow().catch((err: unknown) => o.log.error({ err, dir: o.policy.dir }, 'hall database backup failed'));
  };
  const everyMs = o.policy.everyHours * 3_600_000;
  const timers: NodeJS.Timeout[] = [];
  if (everyMs > 0) {
    let age = Infinity;
    try {
      const newest = listBackups(o.policy.dir).at(-1);
      if (newest) age = now() - statSync(newest).mtimeMs;
    } catch {
      // An unreadable folder: the first backup reports it, a minute after start.
    }
    const first = setTimeout(() => {
      run();
      const every = setInterval(run, everyMs);
      every.unref();
      timers.push(every);
    }, age >= everyMs ? FIRST_AFTER_MS : everyMs - age);
    first.unref();
    timers.push(first);
  }
  return {
    takeNow,
    stop() {
      for (const t of timers.splice(0)) {
        clearTimeout(t);
        clearInterval(t);
      }
    },
  };
}
