/**
 * The running bridge's mark in its data dir (`bridge.pid`, README "Backups"): written at start, removed at stop. The
 * restore command (store/restoreCli.ts) refuses to replace the hall database while the process named there is alive.
 *
 * Why a pid file rather than asking the bridge's health URL: the restore command is given the data dir, which is
 * exactly what must not be in use, while the URL would have to be read from a config (host, port, a bridge on
 * 0.0.0.0 or behind a firewall) and a bridge that is still starting, or hung, answers no HTTP but still has the
 * database open. A pid file left by a crash names a process that is gone, so it does not block a restore; the one
 * case it does wrongly (the pid reused by another process) is told with the pid and the file to check and delete.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from './fileModes.ts';

export const BRIDGE_PID_FILE = 'bridge.pid';

/** Writes this process's mark into `dataDir`; the returned function removes it (only if it is still this one's). */
export function holdBridgeLock(dataDir: string): () => void {
  const file = join(dataDir, BRIDGE_PID_FILE);
  const token = randomUUID();
  // A crash's leftover may have any mode: a new file, created 0600.
  rmSync(file, { force: true });
  writeFileSync(file, JSON.stringify({ pid: process.pid, token, startedAt: new Date().toISOString() }) + '\n', { mode: PRIVATE_FILE_MODE });
  return () => {
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as { token?: unknown }).token === token) rmSync(file, { force: true });
    } catch {
      // already gone, or another bridge's mark since
    }
  };
}

/** The pid of a live bridge holding `dataDir`, or null (no mark, or the process named there has ended). */
export function runningBridgePid(dataDir: string): number | null {
  let pid: unknown;
  try {
    pid = (JSON.parse(readFileSync(join(dataDir, BRIDGE_PID_FILE), 'utf8')) as { pid?: unknown }).pid;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Unreadable or garbled: treated as held, the operator decides (the message names the file).
    return -1;
  }
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return -1;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    // EPERM: alive, another user's process.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}
