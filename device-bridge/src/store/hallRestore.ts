/**
 * Restoring the SQLite hall database from a backup (README "Backups"), what `npm run restore` runs:
 *
 * 1. refused while a bridge holds the data dir (its `bridge.pid` names a live process: store/bridgeLock.ts);
 * 2. the backup is copied next to the database (`hall.sqlite.restoring`, 0600) and checked there with SQLite's
 *    `PRAGMA integrity_check` and for the hall's schema; a bad or foreign file is refused and nothing is changed;
 * 3. the database it replaces (if any, with its WAL) is kept as `hall.sqlite.before-restore-<time>`, never deleted;
 * 4. the checked copy becomes `hall.sqlite`, and the marker `hall.sqlite.created` is kept (or written), so the
 *    bridge still refuses to start on an empty database later (store/hallSqliteFile.ts).
 *
 * The backup itself is only read.
 */
import { copyFileSync, existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runningBridgePid, BRIDGE_PID_FILE } from './bridgeLock.ts';
import { createPrivateFile, PRIVATE_FILE_MODE, restrictFileMode, securePrivateDir, SQLITE_SIDE_FILES } from './fileModes.ts';
import { HALL_DB_FILE, HALL_DB_MARKER_FILE } from './hallStoreSetting.ts';

export class RestoreRefused extends Error {
  override readonly name = 'RestoreRefused';
}

export interface RestoreResult {
  restored: string;
  /** Where the database that was replaced went; null when there was none. */
  keptPrevious: string | null;
}

/** SQLite's own check of a database file: null when sound and a hall database, else what is wrong. */
export function checkHallDatabaseFile(file: string): string | null {
  let db: Database | null = null;
  try {
    db = new Database(file, { fileMustExist: true });
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    const problems = rows.map((r) => r.integrity_check).filter((m) => m !== 'ok');
    if (problems.length > 0 || rows.length === 0) return `integrity_check failed: ${problems.slice(0, 5).join('; ') || 'no answer'}`;
    const hall = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name IN ('schema_migrations', 'tickets')").all();
    if (hall.length < 2) return 'not a hall database (no schema_migrations and tickets tables)';
    return null;
  } catch (err) {
    return `not a readable SQLite database: ${(err as Error).message}`;
  } finally {
    db?.close();
  }
}

export function restoreHallBackup(o: { dataDir: string; from: string; now?: Date }): RestoreResult {
  const pid = runningBridgePid(o.dataDir);
  if (pid !== null) {
    throw new RestoreRefused(pid > 0
      ? `a bridge (pid ${pid}) is running on ${o.dataDir}: stop it first (systemctl stop ..., or Ctrl-C). If no bridge runs, that pid is another program's: delete ${join(o.dataDir, BRIDGE_PID_FILE)}`
      : `${join(o.dataDir, BRIDGE_PID_FILE)} cannot be read: if no bridge runs on ${o.dataDir}, delete it`);
  }
  if (!existsSync(o.from)) throw new RestoreRefused(`no backup file ${o.from}`);
  securePrivateDir(o.dataDir);
  const db = join(o.dataDir, HALL_DB_FILE);
  const staged = `${db}.restoring`;
  for (const f of [staged, ...SQLITE_SIDE_FILES.map((s) => staged + s)]) rmSync(f, { force: true });
  // 0600 before a byte of the backup is in it (README "Security", data at rest).
  createPrivateFile(staged);
  copyFileSync(o.from, staged);
  const problem = checkHallDatabaseFile(staged);
  if (problem) {
    for (const f of [staged, ...SQLITE_SIDE_FILES.map((s) => staged + s)]) rmSync(f, { force: true });
    throw new RestoreRefused(`${o.from} is not a sound backup, nothing was changed: ${problem}`);
  }
  let keptPrevious: string | null = null;
  if (existsSync(db)) {
    keptPrevious = `${db}.before-restore-${(o.now ?? new Date()).toISOString().replace(/[-:.]/g, '')}`;
    renameSync(db, keptPrevious);
    restrictFileMode(keptPrevious);
  }
  // The old WAL belongs to the old file (kept beside it); the shared-memory index is rebuilt by SQLite.
  if (existsSync(db + '-wal')) {
    if (keptPrevious) renameSync(db + '-wal', keptPrevious + '-wal');
    else rmSync(db + '-wal', { force: true });
  }
  rmSync(db + '-shm', { force: true });
  renameSync(staged, db);
  const marker = join(o.dataDir, HALL_DB_MARKER_FILE);
  if (!existsSync(marker)) writeFileSync(marker, JSON.stringify({ createdAt: `restored ${(o.now ?? new Date()).toISOString()} from ${o.from}` }) + '\n', { mode: PRIVATE_FILE_MODE });
  return { restored: db, keptPrevious };
}
