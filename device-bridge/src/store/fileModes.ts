/**
 * Owner-only modes for the data at rest (README "Security", data at rest; PIPL: personal data guarded from other
 * local users): the data dir 0700, the databases and key files 0600. Files and dirs are created with that mode, and
 * an existing one with a looser mode is tightened (a data dir made by an older bridge under umask 022 was 0755).
 * On Windows, POSIX modes do not apply (ACLs do): the calls are skipped there.
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
/** SQLite's companions of a WAL database (they hold recent pages: the same data as the database). */
export const SQLITE_SIDE_FILES = ['-wal', '-shm'] as const;

const posix = process.platform !== 'win32';

/** Removes group and other permissions of `path` when it exists and has any; never widens. */
export function restrictFileMode(path: string, mode = PRIVATE_FILE_MODE): void {
  if (!posix) return;
  let current: number;
  try {
    current = statSync(path).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if ((current & 0o077) !== 0) chmodSync(path, mode);
}

/** The data dir, created 0700 (with its parents) or tightened to 0700. */
export function securePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  restrictFileMode(dir, PRIVATE_DIR_MODE);
}

/**
 * `file` created empty with mode 0600 when it does not exist yet (so nothing is ever written to it under a looser
 * mode), else tightened to 0600.
 */
export function createPrivateFile(file: string): void {
  try {
    // 'a': creates when missing, never truncates an existing file; the mode applies only on creation.
    closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  } catch (err) {
    // A read-only place: let the caller's own open report it.
    if ((err as NodeJS.ErrnoException).code !== 'EACCES' && (err as NodeJS.ErrnoException).code !== 'EROFS') throw err;
  }
  restrictFileMode(file);
}
