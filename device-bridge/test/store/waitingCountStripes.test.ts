// README "Many instances": two instances' ticket transactions in one category do not wait for each other. A new
// waiting ticket adds to its category's waiting count (migration 23, kept by the tickets' statement triggers); with one
// count row per category that row stayed locked until the transaction's COMMIT, and every other instance's ticket
// group in the category waited for it (bench hall-load (c): 2.5 ms a group in the trigger's upsert). Migration 24
// spreads the count over stripes, one chosen at random per statement. On the real PostgreSQL server: a transaction
// holds its uncommitted ticket while others insert theirs with a lock timeout.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HallStore } from '../../src/store/hallStore.ts';
import { WAITING_COUNT_STRIPES } from '../../src/store/hallPostgresMigrations.ts';
import { seedBasics } from '../hall/fixture.ts';
import { postgresBackend, TEST_PG_URL, type StoreTarget } from './backends.ts';

const DAY = '2026-11-25';

describe('waiting counts on PostgreSQL: concurrent ticket transactions of one category', () => {
  let target: StoreTarget;
  let store: HallStore;
  const clients: pg.Client[] = [];
  let seq = 0;

  beforeAll(async () => {
    target = await postgresBackend.create();
    store = await target.open({ statisticsCheckMs: 0 });
    await seedBasics(store);
    const schema = new URL(target.setting).searchParams.get('schema')!;
    for (let i = 0; i < 2; i++) {
      const c = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
      await c.connect();
      clients.push(c);
    }
  });

  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await store?.close();
    await target?.destroy();
  });

  const insertWaiting = (c: pg.Client) => {
    seq++;
    return c.query(`INSERT INTO tickets (hall_id, day, category, seq, number, status, issued_at)
      VALUES ('hall', $1, 'A', $2, $3, 'waiting', $4)`, [DAY, seq, `A${String(seq).padStart(3, '0')}`, 1_000 + seq]);
  };

  it('a second transaction issues its ticket while the first still holds its own uncommitted, and both are counted', async () => {
    const [holder, other] = clients;
    await holder.query('BEGIN');
    await insertWaiting(holder);
    // The other transaction's statement picks its stripe at random: it meets the holder's one time in
    // WAITING_COUNT_STRIPES, and then waits; a fresh statement tries another stripe. With one row per category every
    // attempt waits for the holder's COMMIT and times out.
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 4 && !outcomes.includes('committed'); attempt++) {
      await other.query('BEGIN');
      await other.query("SET LOCAL lock_timeout = '500ms'");
      try {
        await insertWaiting(other);
        await other.query('COMMIT');
        outcomes.push('committed');
      } catch (err) {
        await other.query('ROLLBACK');
        // 55P03 lock_not_available: it waited for the holder's count row.
        outcomes.push((err as { code?: string }).code ?? String(err));
      }
    }
    expect(outcomes.at(-1), `attempts: ${outcomes.join(', ')}`).toBe('committed');
    expect(outcomes.every((o) => o === 'committed' || o === '55P03')).toBe(true);
    await holder.query('COMMIT');
    // Both counted: the holder's ticket was issued first, so the other's has it ahead.
    const tickets = (await store.listTickets(DAY)).filter((t) => t.status === 'waiting').sort((a, b) => a.issuedAt - b.issuedAt);
    expect(tickets).toHaveLength(2);
    expect(await Promise.all(tickets.map((t) => store.countWaitingAhead(t.id, `${DAY} 09:30`)))).toEqual([0, 1]);
  });

  it('a count is spread over at most WAITING_COUNT_STRIPES rows, and the view waiting_counts is their sum', async () => {
    for (let i = 0; i < 60; i++) await insertWaiting(clients[0]);
    const rows = await target.sql(`SELECT count(*) AS stripes, sum(n) AS waiting, min(stripe) AS low, max(stripe) AS high FROM waiting_count_stripes
      WHERE hall_id = 'hall' AND day = ? AND category = 'A'`, DAY);
    const waiting = (await store.listTickets(DAY)).filter((t) => t.status === 'waiting').length;
    expect(Number(rows[0].waiting)).toBe(waiting);
    // 62 statements, each on a stripe drawn at random: more than one drawn (all on one: odds of 16^-61).
    expect(Number(rows[0].stripes)).toBeGreaterThan(1);
    expect(Number(rows[0].stripes)).toBeLessThanOrEqual(WAITING_COUNT_STRIPES);
    expect(Number(rows[0].low)).toBeGreaterThanOrEqual(0);
    expect(Number(rows[0].high)).toBeLessThan(WAITING_COUNT_STRIPES);
    // What the wait estimate reads, and what an instance of the version before reads while the others are upgraded
    // (one row per category: its statement takes the count as a single value).
    const view = await target.sql(`SELECT n FROM waiting_counts WHERE hall_id = 'hall' AND day = ? AND category = 'A'`, DAY);
    expect(view).toEqual([{ n: waiting }]);
  });
});
