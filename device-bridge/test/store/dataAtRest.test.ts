/**
 * Data at rest (README "Security"): a real bridge creates its data dir 0700 and its databases (with their -wal and
 * -shm files), the signing key and the database marker 0600 under the usual umask 022, and tightens a data dir left
 * readable by every local user by an older bridge.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, startBridge } from '../../src/index.ts';

const posix = process.platform !== 'win32';
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

describe.runIf(posix)('data at rest', () => {
  let dir: string;
  let umask: number;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'od-rest-'));
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (dataDir: string) => startBridge({
    http: { host: '127.0.0.1', port: 0 }, dataDir, options: { logLevel: 'silent' },
    // Offline (no such port): the driver still opens its job database.
    devices: [{ id: 'printer', kind: 'printer', path: '/dev/od-no-such-printer' }],
  }, { log: silentLogger() });

  const expectPrivate = (dataDir: string) => {
    expect(mode(dataDir)).toBe('700');
    const files = readdirSync(dataDir).sort();
    for (const f of ['hall.sqlite', 'hall.sqlite-wal', 'hall.sqlite-shm', 'hall-signing-key.json', 'hall.sqlite.created', 'print-jobs.sqlite',
      'print-jobs.sqlite-wal', 'print-jobs.sqlite-shm']) {
      expect(files).toContain(f);
    }
    for (const f of files) expect([f, mode(join(dataDir, f))]).toEqual([f, '600']);
  };

  it('a new data dir is 0700 and every file in it 0600', async () => {
    const dataDir = join(dir, 'fresh', 'data');
    const b = await start(dataDir);
    try {
      await b.hall.store!.listQueueCategories();
      expectPrivate(dataDir);
    } finally {
      await b.close();
    }
  });

  it('an existing data dir readable by everyone is tightened at start', async () => {
    const dataDir = join(dir, 'loose');
    await (await start(dataDir)).close();
    chmodSync(dataDir, 0o755);
    for (const f of readdirSync(dataDir)) chmodSync(join(dataDir, f), 0o644);
    const b = await start(dataDir);
    try {
      await b.hall.store!.listQueueCategories();
      expectPrivate(dataDir);
    } finally {
      await b.close();
    }
  });
});
