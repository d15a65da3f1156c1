// Migration 20 (store/noticeRecords.ts) on both real stores: the result-notice outbox also takes the notices of
// tickets closed or carried over at closing time. A database of the previous version keeps its notices (ids, read
// and delivery state) and keeps numbering after the highest id ever issued; an unknown outcome is still refused.
import { describe, expect, it } from 'vitest';
import type { NewNotice } from '../../src/store/noticeRecords.ts';
import { HALL_MIGRATIONS } from '../../src/store/hallMigrations.ts';
import { freshTargetPerTest, STORE_BACKENDS } from './backends.ts';

const T0 = Date.UTC(2026, 10, 25, 9, 0);
const notice = (key: string, outcome: NewNotice['outcome']): NewNotice => ({
  idempotencyKey: key, serial: 'A012', serviceName: '综合受理', holderNumber: '440106199003071231', phone: null, outcome,
  text: '您的A012号今日未能办理：今日已停止办理，请明日再来', createdAt: T0, createdDay: '2026-11-25',
});

describe.each(STORE_BACKENDS)('notice outcomes (migration 20) on $name', (backend) => {
  const { open, target } = freshTargetPerTest(backend);

  it('a version-18 database keeps its notices and their id sequence, and takes the closing-time outcomes', async () => {
    await target().migrateTo(18);
    // An older bridge's rows, written directly (a store opened now would migrate first).
    const insert = (key: string, outcome: string, readAt: number | null) => target().sql(`INSERT INTO result_notices (hall_id,
      idempotency_key, serial, service_name, holder_number, phone, outcome, text, created_at, created_day, next_attempt_at, read_at)
      VALUES (?, ?, 'GD20261125000001', '测试事项甲', '440106199003071231', NULL, ?, '已办结', ?, '2026-11-25', ?, ?)`,
    'hall', key, outcome, T0, T0, readAt);
    await insert('GD20261125000001:done', 'done', T0 + 1);
    await insert('GD20261125000002:done', 'done', null);
    await expect(insert('ticket:1:closedAtClosing', 'closedAtClosing', null)).rejects.toThrow();
    const ids = (await target().sql('SELECT id FROM result_notices ORDER BY id')).map((r) => Number(r.id));
    await target().sql('DELETE FROM result_notices WHERE id = ?', ids[1]);

    const store = await open();
    expect(await store.schemaVersion()).toBe(HALL_MIGRATIONS.at(-1)!.version);
    expect((await store.listNotices()).map((n) => [n.id, n.serial, n.outcome, n.readAt, n.status])).toEqual([
      [ids[0], 'GD20261125000001', 'done', T0 + 1, 'pending'],
    ]);
    const kept = await store.addNotice({ ...notice('ticket:2:carriedOver', 'carriedOver'), text: '您的A012号今日未能办理，已保留到2026-11-26，新号码A001，当天优先叫号' });
    const closed = await store.addNotice(notice('ticket:3:closedAtClosing', 'closedAtClosing'));
    expect(kept.id).toBeGreaterThan(ids[1]);
    expect(closed).toMatchObject({ outcome: 'closedAtClosing', serial: 'A012', status: 'pending', readAt: null });
    expect((await store.listNotices({ holderNumber: closed.holderNumber, unreadOnly: true })).map((n) => n.outcome)).toEqual(['carriedOver', 'closedAtClosing']);
    await expect(store.addNotice(notice('ticket:4:bogus', 'bogus' as 'done'))).rejects.toThrow();
  });
});
