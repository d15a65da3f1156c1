// What only the SQLite hall store does (the interface behaviour both stores share is in hallStore.contract.ts):
// WAL journal, and one in-process queue, so a caller outside a transaction waits for it and sees its result.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openHallFixture, type HallFixture } from '../hall/fixture.ts';

let fx: HallFixture;
afterEach(async () => fx?.cleanup());

describe('SqliteHallStore', () => {
  it('uses WAL', async () => {
    fx = await openHallFixture('2026-11-25', '09:00', false);
    const db = new Database(fx.file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('queues a caller outside a transaction behind it, so it sees the committed result', async () => {
    fx = await openHallFixture();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = fx.store.withTransaction(async (t) => { await gate; await t.setCalendarDay({ day: '2026-12-02', kind: 'holiday', name: 'y' }); });
    const outside = fx.store.listCalendarDays();
    release();
    await tx;
    expect((await outside).map((d) => d.day)).toEqual(['2026-12-02']);
  });
});
