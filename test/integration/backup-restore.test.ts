/**
 * Backups (README "Backups"): online backups of a running bridge's SQLite hall database (owner-only, rotated), and
 * `npm run restore` (a real child process, as a technician runs it): refused while the bridge runs, refused for a
 * corrupt file, and after the database was lost, restored so the bridge starts again and ticket numbers continue
 * without a repeat.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, silentLogger, type BridgeHandle } from '../../device-bridge/src/index.ts';
import { seedKioskHall } from '../../device-bridge/test/kiosk/kioskRig.ts';
import { BRIDGE_PID_FILE } from '../../device-bridge/src/store/bridgeLock.ts';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

let dir: string;
let dataDir: string;
let backupDir: string;
let bridge: BridgeHandle | null = null;

const start = () => startBridge(
  { http: { host: '127.0.0.1', port: 0 }, dataDir, backup: { dir: backupDir, everyHours: 6, keep: 2 }, options: { logLevel: 'silent' } },
  { log: silentLogger(), hall: { demo: seedKioskHall(dataDir) } },
);

function restore(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const p = spawn('npm', ['run', '--silent', 'restore', '--', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', rej);
    p.on('close', (code) => res({ code, stdout, stderr }));
  });
}

const takeTicket = async (b: BridgeHandle) => (await b.hall.queue!.takeTicket(null, 'A')).number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'od-backup-'));
  dataDir = join(dir, 'data');
  backupDir = join(dir, 'backups');
  bridge = await start();
});

afterAll(async () => {
  await bridge?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('hall database backups', () => {
  let firstNumber: string;
  let backup: string;

  it('backs up the running hall to 0600 files in a 0700 folder, keeping the newest `keep`', async () => {
    firstNumber = await takeTicket(bridge!);
    const files = [await bridge!.backups.takeNow(), await bridge!.backups.takeNow(), await bridge!.backups.takeNow()];
    expect(mode(backupDir)).toBe('700');
    const left = readdirSync(backupDir).sort();
    // keep: 2 -> the oldest of the three is gone, the two newest remain, nothing else (no .partial).
    expect(left).toEqual(files.slice(1).map((f) => f.slice(backupDir.length + 1)));
    for (const f of left) expect([f, mode(join(backupDir, f))]).toEqual([f, '600']);
    backup = files[2];
  });

  it('restore refuses while the bridge runs on the data dir, and changes nothing', async () => {
    expect(JSON.parse(readFileSync(join(dataDir, BRIDGE_PID_FILE), 'utf8')).pid).toBe(process.pid);
    const before = statSync(join(dataDir, 'hall.sqlite')).ino;
    const r = await restore('--data-dir', dataDir, '--from', backup);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`refused: a bridge \\(pid ${process.pid}\\) is running`));
    expect(statSync(join(dataDir, 'hall.sqlite')).ino).toBe(before);
    // The bridge still serves from its database.
    expect(await bridge!.hall.store!.listTickets(bridge!.hall.clock.today())).toHaveLength(1);
  }, 60_000);

  it('after the database is lost: the bridge will not start afresh, a corrupt backup is refused, the good one restores and numbers continue', async () => {
    await bridge!.close();
    bridge = null;
    expect(existsSync(join(dataDir, BRIDGE_PID_FILE))).toBe(false);
    for (const f of ['hall.sqlite', 'hall.sqlite-wal', 'hall.sqlite-shm']) rmSync(join(dataDir, f), { force: true });

    // The marker says a database existed: no new empty one (it would issue today's numbers again).
    const refused = await start();
    expect(refused.hall.store).toBeNull();
    expect(refused.hall.storeProblem).toMatch(/hall\.sqlite is missing/);
    await refused.close();

    // A corrupt backup (a real one with its pages overwritten) is refused and nothing is written.
    const corrupt = join(dir, 'corrupt.sqlite');
    const bytes = readFileSync(backup);
    bytes.fill(0x5a, 4096, Math.min(bytes.length, 4096 * 3));
    writeFileSync(corrupt, bytes);
    const bad = await restore('--data-dir', dataDir, '--from', corrupt);
    expect(bad.code, bad.stdout + bad.stderr).toBe(1);
    expect(bad.stderr).toMatch(/refused: .* is not a sound backup, nothing was changed/);
    expect(existsSync(join(dataDir, 'hall.sqlite'))).toBe(false);

    const ok = await restore('--data-dir', dataDir, '--from', backup);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^restored /);
    expect(mode(join(dataDir, 'hall.sqlite'))).toBe('600');

    bridge = await start();
    expect(bridge.hall.store, bridge.hall.storeProblem ?? '').not.toBeNull();
    const after = await takeTicket(bridge);
    expect(after).not.toBe(firstNumber);
    const numbers = (await bridge.hall.store!.listTickets(bridge.hall.clock.today())).map((t) => t.number);
    expect(numbers).toEqual([firstNumber, after]);
  }, 120_000);

  it('usage errors exit 2', async () => {
    const r = await restore('--data-dir', dataDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: npm run restore/);
  }, 60_000);
});
