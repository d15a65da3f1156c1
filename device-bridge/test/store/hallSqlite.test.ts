// The SQLite hall store on real files: versioned migrations applied once, WAL and foreign keys, atomic counters,
// transactions that roll back, the 43 seed departments.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { HALL_MIGRATIONS } from '../../src/store/hallMigrations.ts';
import { openSqliteHallStore } from '../../src/store/hallSqlite.ts';
import { loadDepartmentSeed, parseDepartmentSeed } from '../../src/store/departmentSeed.ts';
import { departmentSeedFile, openHallFixture, type HallFixture } from '../hall/fixture.ts';

let fx: HallFixture;
afterEach(async () => fx?.cleanup());

function migrationRows(file: string): Array<{ version: number; applied_at: number }> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all() as Array<{ version: number; applied_at: number }>;
  } finally {
    db.close();
  }
}

describe('SqliteHallStore', () => {
  it('applies every migration once, in order, and nothing again on reopening', async () => {
    fx = await openHallFixture('2026-11-25', '09:00', false);
    expect(await fx.store.schemaVersion()).toBe(HALL_MIGRATIONS[HALL_MIGRATIONS.length - 1].version);
    const first = migrationRows(fx.file);
    expect(first.map((r) => r.version)).toEqual(HALL_MIGRATIONS.map((m) => m.version));
    await fx.reopen();
    await fx.reopen();
    expect(migrationRows(fx.file)).toEqual(first);
  });

  it('refuses a database written by a newer bridge', async () => {
    fx = await openHallFixture('2026-11-25', '09:00', false);
    await fx.store.close();
    const db = new Database(fx.file);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('from the future');
    db.close();
    expect(() => openSqliteHallStore(fx.file)).toThrow(/schema version 99/);
  }, 30_000);

  it('uses WAL and enforces foreign keys', async () => {
    fx = await openHallFixture('2026-11-25', '09:00', false);
    const db = new Database(fx.file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    await expect(fx.store.upsertServiceItem({ id: 'X-1', departmentId: 999, name: 'x', category: 'Z', timeLimitDays: 1, slotCapacity: 1,
      stepLimits: null }, [])).rejects.toThrow(/FOREIGN KEY/);
  });

  it('numbers atomically: concurrent callers get 1..n exactly once, and the counter survives reopening', async () => {
    fx = await openHallFixture('2026-11-25', '09:00', false);
    const got = await Promise.all(Array.from({ length: 40 }, () => fx.store.nextCounterValue('c')));
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    await fx.reopen();
    expect(await fx.store.nextCounterValue('c')).toBe(41);
    expect(await fx.store.nextCounterValue('other')).toBe(1);
  });

  it('rolls a failed transaction back as a whole and refuses the outer store inside it', async () => {
    fx = await openHallFixture();
    await expect(fx.store.withTransaction(async (tx) => {
      await tx.nextCounterValue('t');
      await tx.setCalendarDay({ day: '2026-12-01', kind: 'holiday', name: 'x' });
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(await fx.store.listCalendarDays()).toEqual([]);
    expect(await fx.store.nextCounterValue('t')).toBe(1);
    await expect(fx.store.withTransaction(async () => fx.store.listDepartments())).rejects.toThrow(/transaction handle/);
    // A caller outside the transaction waits for it and sees its committed result.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = fx.store.withTransaction(async (t) => { await gate; await t.setCalendarDay({ day: '2026-12-02', kind: 'holiday', name: 'y' }); });
    const outside = fx.store.listCalendarDays();
    release();
    await tx;
    expect((await outside).map((d) => d.day)).toEqual(['2026-12-02']);
  });

  it('loads the 43 seed departments in 3 batches and keeps them on re-seeding', async () => {
    fx = await openHallFixture();
    const depts = await fx.store.listDepartments();
    expect(depts).toHaveLength(43);
    expect([1, 2, 3].map((b) => depts.filter((d) => d.batch === b).length)).toEqual([20, 13, 10]);
    await fx.store.upsertDepartments(loadDepartmentSeed(departmentSeedFile));
    expect(await fx.store.listDepartments()).toEqual(depts);
    expect(() => parseDepartmentSeed({ batches: [{ batch: 1, deadline: '2016-03-31', departments: ['a', 'a'] }] })).toThrow(/twice/);
    expect(() => parseDepartmentSeed({})).toThrow(/batches/);
  });

  it('enforces one waiting ticket per person per category and unique numbers per day in the table itself', async () => {
    fx = await openHallFixture();
    const t = { day: '2026-11-25', category: 'A', seq: 1, number: 'A001', holderNumber: '440106199003071231', priority: null,
      issuedAt: 1, appointmentId: null };
    await fx.store.insertTicket(t);
    await expect(fx.store.insertTicket({ ...t, seq: 2, number: 'A002' })).rejects.toThrow(/UNIQUE/);
    await expect(fx.store.insertTicket({ ...t, holderNumber: null })).rejects.toThrow(/UNIQUE/);
  });
});
