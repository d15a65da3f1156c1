// The SQLite print job store: migrations, idempotency by requestId (also at the table), order, persistence.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { printJobProcessId } from '../../src/store/printJobs.ts';
import { PRINT_JOB_MIGRATIONS, SqlitePrintJobStore } from '../../src/store/printJobsSqlite.ts';

const dirs: string[] = [];
const stores: SqlitePrintJobStore[] = [];
afterEach(() => {
  while (stores.length) stores.pop()!.close();
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function fresh(): { file: string; open: () => SqlitePrintJobStore } {
  const dir = mkdtempSync(join(tmpdir(), 'od-jobstore-'));
  dirs.push(dir);
  const file = join(dir, 'jobs.sqlite');
  return {
    file,
    open: () => {
      const s = new SqlitePrintJobStore(file);
      stores.push(s);
      return s;
    },
  };
}

describe('printJobProcessId', () => {
  it('is 4 characters in 0x30-0x7E, distinct for consecutive jobs', () => {
    const ids = new Set<string>();
    for (let seq = 1; seq <= 20_000; seq++) {
      const id = printJobProcessId(seq);
      expect(id).toMatch(/^[\x30-\x7e]{4}$/);
      ids.add(id);
    }
    expect(ids.size).toBe(20_000);
    expect(printJobProcessId(1)).toBe('0001');
    expect(() => printJobProcessId(0)).toThrow(/positive integer/);
  });
});

describe('SqlitePrintJobStore', () => {
  it('creates the schema once, in WAL mode, and records the migration', () => {
    const f = fresh();
    f.open().close();
    f.open();
    const db = new Database(f.file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const rows = db.prepare('SELECT version, name FROM schema_migrations').all();
      expect(rows).toEqual(PRINT_JOB_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    } finally {
      db.close();
    }
  });

  it('refuses a database from a newer bridge', () => {
    const f = fresh();
    f.open().close();
    const db = new Database(f.file);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('future');
    db.close();
    expect(() => new SqlitePrintJobStore(f.file)).toThrow(/schema version\(s\) 99 unknown/);
  });

  it('adds jobs with their own process IDs, idempotent by requestId per device', () => {
    const s = fresh().open();
    const a = s.add({ deviceId: 'p1', requestId: 'r1', recipe: { kind: 'standardTicket', ticket: {} } });
    const again = s.add({ deviceId: 'p1', requestId: 'r1', payload: Uint8Array.of(1, 2) });
    const other = s.add({ deviceId: 'p2', requestId: 'r1', payload: Uint8Array.of(1, 2) });
    const anon = s.add({ deviceId: 'p1', payload: Uint8Array.of(0x1b, 0x40) });
    expect(a.created).toBe(true);
    expect(again).toEqual({ job: a.job, created: false });
    expect(other.created).toBe(true);
    expect(a.job).toMatchObject({ id: 'pj-1', state: 'queued', attempts: 0, reprints: 0, processId: printJobProcessId(1), payload: null });
    expect(a.job.recipe).toEqual({ kind: 'standardTicket', ticket: {} });
    expect(anon.job.payload).toEqual(Uint8Array.of(0x1b, 0x40));
    expect(new Set([a.job.processId, other.job.processId, anon.job.processId]).size).toBe(3);
    expect(s.findByProcessId('p1', anon.job.processId)?.id).toBe(anon.job.id);
    expect(() => s.add({ deviceId: 'p1' })).toThrow(/exactly one of payload/);
  });

  it('the table itself refuses a second job with the same device + requestId', () => {
    const f = fresh();
    f.open().add({ deviceId: 'p1', requestId: 'r1', payload: Uint8Array.of(1) });
    const db = new Database(f.file);
    try {
      expect(() =>
        db.prepare("INSERT INTO print_jobs (device_id, request_id, payload, state, created_at, updated_at) VALUES ('p1', 'r1', x'01', 'queued', 0, 0)").run(),
      ).toThrow(/UNIQUE/);
    } finally {
      db.close();
    }
  });

  it('lists unfinished jobs oldest first, updates state, and keeps everything across a reopen', () => {
    const f = fresh();
    const s = f.open();
    const j1 = s.add({ deviceId: 'p1', payload: Uint8Array.of(1) }).job;
    const j2 = s.add({ deviceId: 'p1', payload: Uint8Array.of(2) }).job;
    const j3 = s.add({ deviceId: 'p1', payload: Uint8Array.of(3) }).job;
    s.update(j1.id, { state: 'confirmed', attempts: 1 });
    s.update(j2.id, { state: 'interrupted', attempts: 1, message: 'paper out' });
    expect(s.unfinished('p1').map((j) => j.id)).toEqual([j2.id, j3.id]);
    expect(s.update(j2.id, { state: 'reprinting', reprints: 1 })).toMatchObject({ state: 'reprinting', attempts: 1, reprints: 1, message: 'paper out' });
    expect(s.update(j2.id, { message: null }).message).toBeNull();
    expect(() => s.update('pj-999', { state: 'failed' })).toThrow(/no job with id "pj-999"/);
    expect(() => s.update('nonsense', { state: 'failed' })).toThrow(/no job/);
    s.close();
    const again = f.open();
    expect(again.get(j1.id)).toMatchObject({ state: 'confirmed', attempts: 1 });
    expect(again.unfinished('p1').map((j) => [j.id, j.state])).toEqual([
      [j2.id, 'reprinting'],
      [j3.id, 'queued'],
    ]);
    expect(again.recent('p1', 2).map((j) => j.id)).toEqual([j3.id, j2.id]);
    expect(again.unfinished('other')).toEqual([]);
  });
});
