/**
 * Watches the hall's SQLite file while the bridge runs (README "Security", truthful health). SQLite keeps working on
 * an open file descriptor after the file was deleted or replaced (WAL mode does not notice), so a deleted
 * `hall.sqlite` would go on issuing ticket numbers into a file nobody will ever open again. Every `intervalMs`
 * (default 5 s) the watch checks, cheapest first:
 *
 * 1. the path still names the file that was opened (same device and inode): deleted, moved or replaced otherwise;
 * 2. its first 16 bytes are still the SQLite header (`SQLite format 3\0`): overwritten (corrupt) otherwise;
 * 3. the store still answers a read of its schema version (`HallStore.checkReadable`).
 *
 * The first failure fails the guard (hallStoreGuard.ts), which stops every store call. A full `PRAGMA quick_check`
 * is not run on the interval: it reads the whole file, which on a loaded hall PC every 5 s costs more than it finds
 * that the header and read checks do not.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { HallStoreGuard } from './hallStoreGuard.ts';
import type { HallStore } from './hallStore.ts';

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export const HALL_DB_CHECK_MS = 5000;

export interface FileIdentity {
  dev: number;
  ino: number;
}

/** The device and inode `file` names now (throws ENOENT when it does not exist). */
export function fileIdentity(file: string): FileIdentity {
  const s = statSync(file);
  return { dev: s.dev, ino: s.ino };
}

/** Why the file is no longer the database that was opened as `opened`, or null while it still is. */
export function sqliteFileProblem(file: string, opened: FileIdentity): string | null {
  const name = basename(file);
  let now: FileIdentity;
  try {
    now = fileIdentity(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return `database file ${name} vanished (deleted or moved while open)`;
    return `database file ${name} cannot be checked: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  if (now.dev !== opened.dev || now.ino !== opened.ino) return `database file ${name} was replaced by another file while open`;
  const head = Buffer.alloc(SQLITE_HEADER.length);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const n = readSync(fd, head, 0, head.length, 0);
    if (n < head.length || !head.equals(SQLITE_HEADER)) return `database file ${name} is corrupt (no SQLite header)`;
  } catch (err) {
    return `database file ${name} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return null;
}

export interface HallDatabaseWatchOptions {
  file: string;
  /** Identity of the file as opened (taken right after opening it). */
  opened: FileIdentity;
  /** The store itself (not the guarded one): its read check. */
  store: Pick<HallStore, 'checkReadable'>;
  guard: HallStoreGuard;
  intervalMs?: number;
}

export interface HallDatabaseWatch {
  /** Runs the checks now; resolves to the problem found (also given to the guard) or null. */
  check(): Promise<string | null>;
  stop(): void;
}

export function watchHallDatabase(o: HallDatabaseWatchOptions): HallDatabaseWatch {
  let running: Promise<string | null> | null = null;
  const check = (): Promise<string | null> => {
    if (o.guard.problem !== null) return Promise.resolve(o.guard.problem);
    running ??= (async () => {
      let problem = sqliteFileProblem(o.file, o.opened);
      if (problem === null) {
        try {
          await o.store.checkReadable();
        } catch (err) {
          problem = `database ${basename(o.file)} cannot be read: ${(err as Error).message}`;
        }
      }
      if (problem !== null) o.guard.fail(problem);
      return problem;
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => void check(), o.intervalMs ?? HALL_DB_CHECK_MS);
  // Never keeps the process alive on its own.
  timer.unref();
  return {
    check,
    stop: () => clearInterval(timer),
  };
}
