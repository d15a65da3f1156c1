// The access audit log on a real hall database, SQLite and PostgreSQL (migration 6 on each): the append masks
// whatever it is given, the table itself refuses a full number and any UPDATE, queries filter by day, actor and
// function with paging, and the CSV export has the BOM and its columns.
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { AccessAuditLog, AUDIT_CSV_HEADER } from '../../src/hall/accessAudit.ts';
import { auditSafeEntry, looksMasked } from '../../src/store/accessAuditRecords.ts';
import { hallFixtureOn, STORE_BACKENDS, type HallFixture } from '../hall/fixture.ts';

const FULL = '440106199003071234';
const FULL_X = '44010619490101123X';
const FULL_15 = '440106900307123';
/** Any 15 digits in a row, or 17 digits and a check character: an ID number. */
const FULL_NUMBER_RE = /\d{17}[\dXx]|\d{15}/;

/** A CHECK constraint's refusal, in SQLite's words or PostgreSQL's. */
const CHECK_REFUSED = /CHECK constraint failed|violates check constraint/;

describe.each(STORE_BACKENDS)('access audit log on $name', (backend) => {
  const openHallFixture = hallFixtureOn(backend);
  let fx: HallFixture | undefined;
  afterEach(async () => {
    await fx?.cleanup();
    fx = undefined;
  });

  it('masks a full number given to the append, in the number and in free text, and keeps a masked one as is', async () => {
    fx = await openHallFixture('2026-11-25', '09:00', false);
    const audit = new AccessAuditLog(fx.store, fx.clock, silentLogger());
    await audit.record({ actor: { kind: 'kiosk', id: 'kiosk-1' }, function: 'queue.take', number: FULL, result: 'success' });
    await audit.record({ actor: { kind: 'kiosk', id: 'kiosk-2' }, function: 'certificates.list', number: FULL_X, result: 'refused', code: 'notYours' });
    await audit.record({ actor: { kind: 'kiosk', id: 'kiosk-3' }, function: 'applications.list', number: FULL_15, result: 'success' });
    await audit.record({ actor: { kind: 'staff', id: 'manager', role: 'manager' }, function: 'audit.view', result: 'success',
      detail: `kiosk=${FULL} day=2026-11-25` });
    await audit.record({ actor: { kind: 'kiosk', id: 'kiosk-1' }, function: 'session.start', number: '4401**********1234', result: 'success' });
    const page = await audit.page({}, 1, 50);
    expect(page.total).toBe(5);
    expect(page.entries.map((e) => e.maskedNumber)).toEqual(['4401**********1234', null, '440*********123', '4401**********123X', '4401**********1234']);
    expect(page.entries[1].detail).toBe('kiosk=4401**********1234 day=2026-11-25');
    const rows = await fx.target.sql('SELECT * FROM access_audit ORDER BY id');
    expect(rows).toHaveLength(5);
    expect(JSON.stringify(rows)).not.toMatch(FULL_NUMBER_RE);
  });

  it('auditSafeEntry masks an unmasked short number and a number with too few stars', () => {
    const e = auditSafeEntry({ at: 1, day: '2026-11-25', actorKind: 'kiosk', actor: 'k', role: null, function: 'queue.take',
      maskedNumber: '4401*1990030712*4', result: 'success', code: null, detail: null });
    expect(looksMasked(e.maskedNumber!)).toBe(true);
    expect(e.maskedNumber).not.toContain('19900307');
  });

  it('the table refuses a full number written past the store, and any UPDATE (append-only)', async () => {
    fx = await openHallFixture('2026-11-25', '09:00', false);
    const audit = new AccessAuditLog(fx.store, fx.clock, silentLogger());
    await audit.record({ actor: { kind: 'kiosk', id: 'kiosk-1' }, function: 'queue.take', number: FULL, result: 'success' });
    await fx.store.close();
    try {
      const insert = (actor: string, number: string | null, detail: string | null) => fx!.target.sql(`INSERT INTO access_audit
        (at, day, actor_kind, actor, role, function, masked_number, result, code, detail)
        VALUES (1, '2026-11-25', 'kiosk', ?, NULL, 'queue.take', ?, 'success', NULL, ?)`, actor, number, detail);
      await expect(insert('kiosk-1', FULL, null)).rejects.toThrow(CHECK_REFUSED);
      await expect(insert('kiosk-1', '4401**********1234', `number ${FULL}`)).rejects.toThrow(CHECK_REFUSED);
      await expect(insert(FULL_15, null, null)).rejects.toThrow(CHECK_REFUSED);
      await expect(fx.target.sql(`UPDATE access_audit SET masked_number = '4401**********9999'`)).rejects.toThrow(/append-only/);
      // Rows still leave by age (retention deletes them); only changing one is refused.
      await fx.target.sql('DELETE FROM access_audit WHERE at < ?', 0);
      expect(await fx.target.sql('SELECT count(*) AS n FROM access_audit')).toEqual([{ n: backend.name === 'sqlite' ? 1 : '1' }]);
    } finally {
      await fx.reopen();
    }
  });

  it('filters by day, actor and function, newest first, in pages', async () => {
    fx = await openHallFixture('2026-11-25', '09:00', false);
    const audit = new AccessAuditLog(fx.store, fx.clock, silentLogger());
    for (let i = 0; i < 7; i++) {
      await audit.record({ actor: { kind: 'kiosk', id: i % 2 ? 'kiosk-2' : 'kiosk-1' }, function: i % 3 ? 'queue.take' : 'certificates.list', number: FULL, result: 'success' });
    }
    fx.clock.set('2026-11-26', '10:00');
    await audit.record({ actor: { kind: 'kiosk', id: 'kiosk-1' }, function: 'queue.take', number: FULL, result: 'success' });
    expect((await audit.page({ day: '2026-11-25' }, 1, 50)).total).toBe(7);
    expect((await audit.page({ day: '2026-11-26' }, 1, 50)).entries.map((e) => e.day)).toEqual(['2026-11-26']);
    expect((await audit.page({ day: '2026-11-25', actor: 'kiosk-1' }, 1, 50)).total).toBe(4);
    expect((await audit.page({ function: 'certificates.list' }, 1, 50)).total).toBe(3);
    const p1 = await audit.page({}, 1, 3);
    const p3 = await audit.page({}, 3, 3);
    expect(p1).toMatchObject({ total: 8, page: 1, pageSize: 3 });
    expect(p1.entries.map((e) => e.id)).toEqual([8, 7, 6]);
    expect(p3.entries.map((e) => e.id)).toEqual([2, 1]);
  });

  it('exports CSV with BOM, CRLF, the columns, hall-local times and masked numbers only', async () => {
    fx = await openHallFixture('2026-11-25', '09:00', false);
    const audit = new AccessAuditLog(fx.store, fx.clock, silentLogger());
    await audit.record({ actor: { kind: 'staff', id: 'manager', role: 'manager' }, function: 'dashboard.export', result: 'success', detail: 'day=2026-11-25, today' });
    await audit.record({ actor: { kind: 'kiosk', id: 'kiosk-1' }, function: 'queue.take', number: FULL, result: 'refused', code: 'rateLimited' });
    const csv = await audit.csv({ day: '2026-11-25' });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe(AUDIT_CSV_HEADER.join(','));
    expect(lines[1]).toBe('2,2026-11-25 09:00:00,2026-11-25,kiosk,kiosk-1,,queue.take,4401**********1234,refused,rateLimited,');
    expect(lines[2]).toBe('1,2026-11-25 09:00:00,2026-11-25,staff,manager,manager,dashboard.export,,success,,"day=2026-11-25, today"');
    expect(lines[3]).toBe('');
    expect(csv).not.toMatch(FULL_NUMBER_RE);
  });

  it('a write that fails (database closed) is reported, never thrown at the caller', async () => {
    fx = await openHallFixture('2026-11-25', '09:00', false);
    const errors: unknown[] = [];
    const log = silentLogger();
    const audit = new AccessAuditLog(fx.store, fx.clock, Object.assign(log, { child: () => ({ error: (o: unknown) => errors.push(o) }) }) as never);
    await fx.store.close();
    await expect(audit.record({ actor: { kind: 'kiosk', id: 'kiosk-1' }, function: 'queue.take', number: FULL, result: 'success' })).resolves.toBeUndefined();
    expect(JSON.stringify(errors)).toContain('4401**********1234');
    expect(JSON.stringify(errors)).not.toMatch(FULL_NUMBER_RE);
    await fx.reopen();
  });
});
