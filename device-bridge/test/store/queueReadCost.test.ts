// README "Many instances", ticketing cost independent of the queue: the wait estimate, the next call and a calling
// rule's candidates read the rows of the ticket's own category near it, not the day's waiting queue. Measured on the
// real PostgreSQL server by the rows each statement made the server read (pg_stat_xact_user_tables: this session's
// own counts, exact and immediate), with 2,997 tickets waiting in other categories and a handful in the one asked
// about, as the plan a prepared statement settles on after its first runs (plan_cache_mode force_generic_plan:
// planned without the values, as the store's prepared statements are, hallPostgres.ts), on a table never analysed.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BEHIND_READ_LIMIT, callCandidatesSql, nextWaitingSql, ticketsOfHoldersSql, waitingAheadOfIdsSql, waitingAheadOfNumbersSql, waitingAheadSql } from '../../src/store/ticketOrderSql.ts';
import { kioskRequestsOfPairsSql } from '../../src/store/hallPostgresBatches.ts';
import { statement, ticketsOfHoldersText, type PostgresHallStore } from '../../src/store/hallPostgres.ts';
import type { HallStore, TicketPriority } from '../../src/store/hallStore.ts';
import { seedBasics } from '../hall/fixture.ts';
import { CHANGES_BEFORE_ANALYZE } from '../../src/store/ticketStatistics.ts';
import { postgresBackend, TEST_PG_URL, type StoreTarget } from './backends.ts';

const DAY = '2026-11-25';
const NOW = '2026-11-25 09:30';
const OTHERS = 2997;
/** Walk-ins waiting in category E, its own long queue: 900 of its 999 a day, the first 5 already called. */
const LONG = 900;

describe('queue reads on PostgreSQL stay within the ticket\'s category', () => {
  let target: StoreTarget;
  let store: HallStore;
  let client: pg.Client;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    target = await postgresBackend.create();
    // A table never analysed, as the statements below must read it (store/ticketStatistics.ts would analyse it).
    store = await target.open({ statisticsCheckMs: 0 });
    await seedBasics(store);
    const schema = new URL(target.setting).searchParams.get('schema')!;
    // 2,997 tickets waiting in B, C and D (999 each, the most of a day: hall-rules.md "A001"), 49 of them green-channel, all issued before
    // anything in A.
    await store.upsertQueueCategory({ letter: 'D', name: '出入境', defaultServiceMinutes: 5 });
    await target.sql(`INSERT INTO tickets (hall_id, day, category, seq, number, holder_number, priority, status, issued_at)
      SELECT 'hall', ?, chr(66 + (g - 1) / 999), (g - 1) % 999 + 1, chr(66 + (g - 1) / 999) || ((g - 1) % 999 + 1), NULL,
        CASE WHEN g % 60 = 0 THEN 'elderly' END, 'waiting', g FROM generate_series(1, ${OTHERS}) g`, DAY);
    let seq = 0;
    const add = async (name: string, priority: string | null) => {
      const t = await store.insertTicket({ day: DAY, category: 'A', seq: ++seq, number: `A${100 + seq}`, holderNumber: null, priority: priority as TicketPriority | null,
        issuedAt: 10_000 + seq, appointmentId: null });
      ids[name] = t.id;
    };
    for (let i = 0; i < 5; i++) await add(`walkIn${i}`, null);
    await add('green', 'elderly');
    await add('last', null);
    await store.upsertQueueCategory({ letter: 'E', name: '公安户政', defaultServiceMinutes: 5 });
    const long = await target.sql(`INSERT INTO tickets (hall_id, day, category, seq, number, holder_number, priority, status, issued_at)
      SELECT 'hall', ?, 'E', g, 'E' || g, NULL, NULL, CASE WHEN g <= 5 THEN 'done' ELSE 'waiting' END, 20000 + g
      FROM generate_series(1, ${LONG}) g RETURNING id, seq`, DAY);
    for (const r of long) ids[`E${Number(r.seq)}`] = Number(r.id);
    // Every ticket of E has a holder, as every ticket a kiosk issues to a card does.
    await target.sql(`UPDATE tickets SET holder_number = '4401061980' || lpad(seq::text, 8, '0') WHERE category = 'E'`);
    client = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
    await client.connect();
    await client.query('SET plan_cache_mode = force_generic_plan');
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    await store?.close();
    await target?.destroy();
  });

  let prepared = 0;
  /**
   * Runs `sql` as a prepared statement (generic plan) with `params`; its rows and the tickets' rows it read. Twice:
   * planned on the full table, and planned while the table was empty (as on a hall's first tickets of a day a pooled
   * connection keeps its plans until the table's next ANALYZE) and then run on the full one; the rows must agree, and
   * `read` is the larger count.
   */
  async function measure(sql: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[]; read: number }> {
    const full = await measureOnce(sql, params, false);
    const planned = await measureOnce(sql, params, true);
    expect(planned.rows).toEqual(full.rows);
    return { rows: full.rows, read: Math.max(full.read, planned.read) };
  }

  async function measureOnce(sql: string, params: unknown[], plannedEmpty: boolean): Promise<{ rows: Record<string, unknown>[]; read: number }> {
    const name = `q${++prepared}`;
    await client.query('BEGIN');
    try {
      if (plannedEmpty) {
        // Rolled back at the end: the rows out, the plan made, the same rows back in (their triggers count them again).
        await client.query('CREATE TEMP TABLE saved ON COMMIT DROP AS SELECT * FROM tickets');
        await client.query('TRUNCATE tickets, waiting_count_stripes CASCADE');
      }
      // Prepared and run five times first: a generic plan is what a pooled connection keeps after that.
      for (let i = 0; i < 6; i++) {
        await client.query({ name, text: sql, values: params });
      }
      if (plannedEmpty) await client.query('INSERT INTO tickets SELECT * FROM saved');
      const before = await tuplesRead();
      const res = await client.query({ name, text: sql, values: params });
      return { rows: res.rows, read: (await tuplesRead()) - before };
    } finally {
      await client.query('ROLLBACK');
    }
  }

  /** Rows of `table` this transaction made the server read: by sequential scans and fetched through indexes. */
  async function tuplesRead(table = 'tickets'): Promise<number> {
    const r = await client.query(`SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) AS n FROM pg_stat_xact_user_tables
      WHERE relname = $1 AND schemaname = current_schema()`, [table]);
    return Number(r.rows[0].n);
  }

  it('the wait estimate of a walk-in and of a green-channel ticket', async () => {
    const ahead = waitingAheadSql('$1::integer', '$2::text', "'hall'");
    const last = await measure(ahead, [ids.last, NOW]);
    expect(Number(last.rows[0].n)).toBe(6);
    expect(last.read).toBeLessThan(60);
    const green = await measure(ahead, [ids.green, NOW]);
    expect(Number(green.rows[0].n)).toBe(0);
    expect(green.read).toBeLessThan(60);
  });

  it('the wait estimate in a long queue of its own category reads the end of the queue nearer the ticket', async () => {
    // Table pages not marked all-visible (never vacuumed), as in a busy hall between two autovacuums: each index
    // entry counted is a row visited. 895 waiting in E (E6..E900).
    const ahead = waitingAheadSql('$1::integer', '$2::text', "'hall'");
    const newest = await measure(ahead, [ids.E900, NOW]);
    expect(Number(newest.rows[0].n)).toBe(894);
    expect(newest.read).toBeLessThan(60);
    const tenthFromEnd = await measure(ahead, [ids.E890, NOW]);
    expect(Number(tenthFromEnd.rows[0].n)).toBe(884);
    expect(tenthFromEnd.read).toBeLessThan(60);
    const front = await measure(ahead, [ids.E8, NOW]);
    expect(Number(front.rows[0].n)).toBe(2);
    expect(front.read).toBeLessThan(BEHIND_READ_LIMIT + 60);
    const middle = await measure(ahead, [ids.E400, NOW]);
    expect(Number(middle.rows[0].n)).toBe(394);
    expect(middle.read).toBeLessThan(BEHIND_READ_LIMIT + 394 + 60);
    const called = await measure(ahead, [ids.E3, NOW]);
    expect(Number(called.rows[0].n)).toBe(0);
    const batch = await measure(waitingAheadOfIdsSql('$1::integer[]', '$2::text', "'hall'"), [[ids.E900, ids.E899, ids.E898, ids.E6], NOW]);
    expect(batch.rows.map((r) => Number(r.n))).toEqual([894, 893, 892, 0]);
    expect(batch.read).toBeLessThan(4 * 60 + BEHIND_READ_LIMIT);
  });

  it('a person\'s tickets of the day and the request records of a batch, each looked up by its own key', async () => {
    const holders = await measure(ticketsOfHoldersSql('$1::text', '$2::text[]', "'hall'"), [DAY, ['440106198000000900', '440106198099999999']]);
    expect(holders.rows.map((r) => r.number)).toEqual(['E900']);
    expect(holders.read).toBeLessThan(10);
    // The request records grow by one per request all day: the plan a pooled connection made on the hall's first
    // requests, of a table then empty, is the one it still runs at the 3,000th (until an ANALYZE).
    await client.query('BEGIN');
    try {
      await client.query('TRUNCATE kiosk_requests');
      const text = kioskRequestsOfPairsSql('$1::text[]', '$2::text[]', "'hall'");
      const pairs = [['kiosk-1', 'kiosk-2', 'kiosk-9'], ['r1', 'r2', 'r3']];
      for (let i = 0; i < 6; i++) await client.query({ name: 'pairs', text, values: pairs });
      await client.query(`INSERT INTO kiosk_requests (hall_id, kiosk_id, request_id, op, answer, applied_at)
        SELECT 'hall', 'kiosk-' || (g % 64), 'r' || g, 'queue.take', '{}', g FROM generate_series(1, 3000) g`);
      const before = await tuplesRead('kiosk_requests');
      const res = await client.query({ name: 'pairs', text, values: pairs });
      expect(res.rows.map((r) => r.request_id).sort()).toEqual(['r1', 'r2']);
      expect((await tuplesRead('kiosk_requests')) - before).toBeLessThan(10);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('a person\'s tickets as the store sends them read that person\'s rows, even on a connection that first ran them on a day of 200 tickets', async () => {
    // With 200 tickets of the day, all with holders, the holder index has grown a level and the numbers' index not yet:
    // a generic plan made then scans the numbers' index for the day, and a prepared statement keeps that plan until
    // the table's next ANALYZE, by when the day may hold thousands. The store sends this statement unnamed
    // (hallPostgres.ts planEachCall): planned with each call's values and the table as it is. Twelve people, as in a
    // group of walk-ins of a busy turn: with ten or more, the generic plan is the cheaper one and is kept.
    const people = ['440106198000000900', ...Array.from({ length: 11 }, (_, i) => `4401061980999999${String(i).padStart(2, '0')}`)];
    const params = [DAY, people];
    await client.query('BEGIN');
    try {
      // As the store's connections run: PostgreSQL's own choice between custom and generic plans.
      await client.query('SET LOCAL plan_cache_mode = auto');
      await client.query('CREATE TEMP TABLE saved ON COMMIT DROP AS SELECT * FROM tickets');
      await client.query('TRUNCATE tickets, waiting_count_stripes CASCADE');
      await client.query('INSERT INTO tickets SELECT * FROM saved WHERE holder_number IS NOT NULL ORDER BY id LIMIT 200');
      const sent = statement(ticketsOfHoldersText("'hall'"), params) as pg.QueryConfig;
      const prepared = { name: 'holders-prepared', text: sent.text, values: params };
      for (let i = 0; i < 6; i++) {
        await client.query(sent);
        await client.query(prepared);
      }
      await client.query('INSERT INTO tickets SELECT * FROM saved s WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = s.id)');
      const read = async (q: pg.QueryConfig) => {
        const before = await tuplesRead();
        const res = await client.query(q);
        expect(res.rows.map((r) => r.number)).toEqual(['E900']);
        return (await tuplesRead()) - before;
      };
      // The trap is there: the same text, prepared, reads the day's tickets.
      expect(await read(prepared)).toBeGreaterThan(1000);
      expect(await read(sent)).toBeLessThan(10);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('the wait estimates of several tickets in one statement (the store\'s batches): each as alone, each reading as few rows', async () => {
    const asked = [ids.last, ids.green, ids.walkIn0, ids.walkIn3, 999_999];
    const batch = await measure(waitingAheadOfIdsSql('$1::integer[]', '$2::text', "'hall'"), [asked, NOW]);
    const n = new Map(batch.rows.map((r) => [Number(r.id), Number(r.n)]));
    expect(asked.map((id) => n.get(id))).toEqual([6, 0, 1, 4, 0]);
    expect(batch.read).toBeLessThan(60 * asked.length);
  });

  it('the wait estimates of new tickets named by their numbers: each number looked up on its own, not the whole day', async () => {
    // The numbers of `last` (A107), `green` (A106), walkIn0 and walkIn3 (A101, A104), and one the day does not have.
    const asked = ['A107', 'A106', 'A101', 'A104', 'A999'];
    const batch = await measure(waitingAheadOfNumbersSql('$1::text', '$2::text[]', '$3::text', "'hall'"), [DAY, asked, NOW]);
    const n = new Map(batch.rows.map((r) => [String(r.number), Number(r.n)]));
    expect(asked.map((k) => n.get(k) ?? 0)).toEqual([6, 0, 1, 4, 0]);
    // The day holds 3,904 tickets: a join of the array with the table read every one of them.
    expect(batch.read).toBeLessThan(60 * asked.length);
  });

  it('the next call for category A and for every category, and a calling rule\'s candidates', async () => {
    const next = nextWaitingSql('$1::text', '$2::text', "'hall'", { rows: 'SELECT u.c FROM unnest($3::text[]) AS u(c)', none: 'cardinality($3::text[]) = 0', lateral: true });
    // The day's tickets with a priority are ranked as a set (49 here); the walk-ins of B, C and D are not read.
    const forA = await measure(next, [DAY, NOW, ['A']]);
    expect(Number(forA.rows[0].id)).toBe(ids.green);
    expect(forA.read).toBeLessThan(60 + OTHERS / 60);
    const forAll = await measure(next, [DAY, NOW, []]);
    expect(forAll.rows[0].number).toBe('B60'); // the first green-channel ticket, issued before everything in A
    expect(forAll.read).toBeLessThan(60 + OTHERS / 60);
    const candidates = await measure(`SELECT * FROM (${callCandidatesSql('$1::text', '$2::text', "'hall'")}) c`, [DAY, 'A']);
    expect(candidates.rows.map((r) => Number(r.id)).sort((x, y) => x - y)).toEqual([ids.walkIn0, ids.green]);
    expect(candidates.read).toBeLessThan(60);
  });

  it('has autovacuum mark the tickets\' pages after a few hundred new or changed rows, not a fifth of the table (migration 22)', async () => {
    // Where the pages are not marked all-visible the estimate's count visits the table row by row (README "The hall
    // data on PostgreSQL"); the default thresholds grow with the table, months of tickets kept.
    const [r] = await target.sql("SELECT reloptions FROM pg_class WHERE oid = 'tickets'::regclass");
    expect([...(r.reloptions as string[])].sort()).toEqual([
      'autovacuum_analyze_scale_factor=0', 'autovacuum_analyze_threshold=500', 'autovacuum_vacuum_insert_scale_factor=0',
      'autovacuum_vacuum_insert_threshold=500', 'autovacuum_vacuum_scale_factor=0', 'autovacuum_vacuum_threshold=500',
    ]);
  });
});

describe('the wait estimate on a large day, never analysed, then with the statistics the store keeps', () => {
  // 23,400 tickets of one day in 26 categories, issued in turn (as a busy hall issues them), none called, on a table
  // autovacuum does not keep (store/ticketStatistics.ts): PostgreSQL believes any index on (hall, day) finds one row,
  // and from about 21,000 tickets of a day the numbers' unique key ranks cheaper than the waiting index.
  let target: StoreTarget;
  let store: PostgresHallStore;
  let client: pg.Client;
  const DAY_TICKETS = 23_400;

  beforeAll(async () => {
    target = await postgresBackend.create();
    // The check runs when the test asks, not on a timer in the middle of it.
    store = (await target.open({ statisticsCheckMs: 0 })) as PostgresHallStore;
    for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') await store.upsertQueueCategory({ letter, name: `业务${letter}`, defaultServiceMinutes: 5 });
    // Whatever the server's own setting: this table is one autovacuum leaves alone.
    await target.sql('ALTER TABLE tickets SET (autovacuum_enabled = false)');
    await target.sql(`INSERT INTO tickets (hall_id, day, category, seq, number, holder_number, priority, status, issued_at)
      SELECT 'hall', ?, chr(65 + g % 26), g / 26 + 1, chr(65 + g % 26) || (g / 26 + 1), '4401061980' || lpad(g::text, 8, '0'),
        NULL, 'waiting', g FROM generate_series(1, ${DAY_TICKETS}) g`, DAY);
    const schema = new URL(target.setting).searchParams.get('schema')!;
    client = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
    await client.connect();
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    await store?.close();
    await target?.destroy();
  });

  it('reads the whole day per ticket without statistics, and the rows near each ticket once the store has kept them', async () => {
    const newest = (await client.query('SELECT id FROM tickets ORDER BY id DESC LIMIT 4')).rows.map((r) => Number(r.id));
    const text = waitingAheadOfIdsSql('$1::integer[]', '$2::text', "'hall'");
    const prepared = { name: 'ahead-large-day', text, values: [newest, NOW] };
    const unnamed = { text, values: prepared.values };
    const read = async (q: pg.QueryConfig) => {
      await client.query('BEGIN');
      try {
        const before = await rowsRead(client);
        const res = await client.query(q);
        // Each is the newest of its category's 900: 899 waiting before it, none behind.
        expect(res.rows.map((r) => Number(r.n))).toEqual([899, 899, 899, 899]);
        return (await rowsRead(client)) - before;
      } finally {
        await client.query('ROLLBACK');
      }
    };
    // As the store's connections run: PostgreSQL's own choice between custom and generic plans.
    await client.query('SET plan_cache_mode = auto');
    for (let i = 0; i < 6; i++) await client.query(prepared);
    // The trap is there: every ticket of the day read for each of the four.
    expect(await read(prepared)).toBeGreaterThan(4 * 20_000);
    expect(await read(unnamed)).toBeGreaterThan(4 * 20_000);
    expect(await store.keepTicketStatistics()).toBe('analysed');
    // Analysed: the kept plan is made again, and each estimate reads the few rows near its ticket.
    expect(await read(prepared)).toBeLessThan(60 * newest.length);
    expect(await read(unnamed)).toBeLessThan(60 * newest.length);
    // Nothing changed since: nothing to do until the next few hundred tickets, and then not within the minute.
    expect(await store.keepTicketStatistics()).toBe('fresh');
    await target.sql(`UPDATE tickets SET status = 'canceled' WHERE id IN (SELECT id FROM tickets ORDER BY id LIMIT ${CHANGES_BEFORE_ANALYZE})`);
    await until(async () => (await store.keepTicketStatistics()) !== 'fresh');
    expect(await store.keepTicketStatistics()).toBe('recent');
  });
});

describe('a PostgreSQL store keeps the tickets\' statistics by itself where autovacuum does not', () => {
  it('analyses the tickets on its own timer once a few hundred have changed, one instance at a time', async () => {
    const target = await postgresBackend.create();
    const stores: PostgresHallStore[] = [];
    try {
      // Two instances of one hall, checking every 100 ms.
      for (let i = 0; i < 2; i++) stores.push((await target.open({ statisticsCheckMs: 100 })) as PostgresHallStore);
      await target.sql('ALTER TABLE tickets SET (autovacuum_enabled = false)');
      await stores[0].upsertQueueCategory({ letter: 'A', name: '户籍', defaultServiceMinutes: 5 });
      const analysed = async () => (await target.sql("SELECT last_analyze, vacuum_count FROM pg_stat_user_tables WHERE relname = 'tickets' AND schemaname = current_schema()"))[0];
      await target.sql(`INSERT INTO tickets (hall_id, day, category, seq, number, holder_number, priority, status, issued_at)
        SELECT 'hall', ?, 'A', g, 'A' || g, NULL, NULL, 'waiting', g FROM generate_series(1, 100) g`, DAY);
      await new Promise((r) => setTimeout(r, 500));
      // 100 changes: under the threshold, left alone.
      expect((await analysed()).last_analyze).toBeNull();
      await target.sql(`INSERT INTO tickets (hall_id, day, category, seq, number, holder_number, priority, status, issued_at)
        SELECT 'hall', ?, 'A', g, 'A' || g, NULL, NULL, 'waiting', g FROM generate_series(101, ${100 + CHANGES_BEFORE_ANALYZE}) g`, DAY);
      await until(async () => (await analysed()).last_analyze !== null);
      // Vacuumed once, by one of the two.
      await new Promise((r) => setTimeout(r, 500));
      expect(Number((await analysed()).vacuum_count)).toBe(1);
    } finally {
      for (const s of stores) await s.close();
      await target.destroy();
    }
  }, 30_000);

  it('checks as soon as its own transactions have written a few hundred tickets, without waiting for its timer', async () => {
    const target = await postgresBackend.create();
    // A timer that never comes within the test, and a store without checks at all.
    const store = (await target.open({ statisticsCheckMs: 600_000 })) as PostgresHallStore;
    const unchecked = (await target.open({ statisticsCheckMs: 0 })) as PostgresHallStore;
    try {
      await target.sql('ALTER TABLE tickets SET (autovacuum_enabled = false)');
      const analysed = async () => (await target.sql("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'tickets' AND schemaname = current_schema()"))[0].last_analyze !== null;
      for (const letter of 'ABCDEFGHIJ') await store.upsertQueueCategory({ letter, name: `业务${letter}`, defaultServiceMinutes: 5 });
      let written = 0;
      // At most 999 numbers a day per category (hall-rules.md): 900 in each letter in turn.
      const write = (by: PostgresHallStore, n: number) => by.withTransaction((tx) => tx.insertTickets(Array.from({ length: n }, () => {
        const category = String.fromCharCode(65 + Math.floor(written / 900));
        const seq = (written % 900) + 1;
        written++;
        return { day: DAY, category, seq, number: `${category}${seq}`, holderNumber: null, priority: null, issuedAt: written, appointmentId: null };
      })));
      // Twice the threshold written by the store without checks: nothing.
      for (let i = 0; i < 10; i++) await write(unchecked, CHANGES_BEFORE_ANALYZE / 5);
      await new Promise((r) => setTimeout(r, 1500));
      expect(await analysed()).toBe(false);
      // The checking store's own writes: analysed long before its timer (the server's counts of changed rows reach the
      // check within a second or so, so a few more writes may be needed).
      const deadline = Date.now() + 10_000;
      while (!(await analysed()) && Date.now() < deadline) {
        await write(store, CHANGES_BEFORE_ANALYZE / 5);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await analysed()).toBe(true);
    } finally {
      await unchecked.close();
      await store.close();
      await target.destroy();
    }
  }, 30_000);
});

describe('the waiting counts\' stripes, kept with the tickets where autovacuum does not', () => {
  it('a transaction of many ticket statements leaves a category\'s count over dead versions every estimate reads, until the check vacuums them', async () => {
    const target = await postgresBackend.create();
    const store = (await target.open({ statisticsCheckMs: 0 })) as PostgresHallStore;
    try {
      await target.sql('ALTER TABLE tickets SET (autovacuum_enabled = false)');
      await target.sql('ALTER TABLE waiting_count_stripes SET (autovacuum_enabled = false)');
      const letters = 'ABCD';
      for (const letter of letters) await store.upsertQueueCategory({ letter, name: `业务${letter}`, defaultServiceMinutes: 5 });
      // One statement per ticket in one transaction, as a day's closing run or a fill of the queue writes them: each
      // statement's trigger updates one stripe of its category, and no version can be pruned while the transaction runs.
      const PER_CATEGORY = 500;
      await store.withTransaction(async (tx) => {
        for (let i = 0; i < PER_CATEGORY * letters.length; i++) {
          const category = letters[i % letters.length];
          const seq = Math.floor(i / letters.length) + 1;
          await tx.insertTicket({ day: DAY, category, seq, number: `${category}${seq}`, holderNumber: null, priority: null, issuedAt: i, appointmentId: null });
        }
      });
      /** The buffers the wait estimate's read of A's count touches (EXPLAIN's own count: exact, at once), and the count. */
      const countRead = async () => {
        const [plan] = await target.sql(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT n FROM waiting_counts WHERE hall_id = 'hall' AND day = ? AND category = 'A'`, DAY);
        const [count] = await target.sql(`SELECT n FROM waiting_counts WHERE hall_id = 'hall' AND day = ? AND category = 'A'`, DAY);
        const top = (plan['QUERY PLAN'] as Array<{ Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number } }>)[0].Plan;
        return { buffers: top['Shared Hit Blocks'] + top['Shared Read Blocks'], n: Number(count.n) };
      };
      // Each measured at its second read: the first marks the index entries it finds dead, as any estimate's would.
      await countRead();
      const bloated = await countRead();
      expect(bloated.n).toBe(PER_CATEGORY);
      // The server's count of changed rows reaches the check within a second or so of the commit.
      let check = '';
      await until(async () => (check = await store.keepTicketStatistics()) !== 'fresh');
      expect(check).toBe('analysed');
      await countRead();
      const kept = await countRead();
      expect(kept.n).toBe(PER_CATEGORY);
      // Measured: about 200 buffers before, 6-9 after.
      expect(kept.buffers).toBeLessThan(20);
      expect(kept.buffers * 10).toBeLessThan(bloated.buffers);
    } finally {
      await store.close();
      await target.destroy();
    }
  }, 30_000);
});

/** Polls `done` every 100 ms until it holds (the server's table statistics are flushed by each session in its own time). */
async function until(done: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Rows of the tickets the session's open transaction made the server read so far. */
async function rowsRead(client: pg.Client): Promise<number> {
  const r = await client.query(`SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) AS n FROM pg_stat_xact_user_tables
    WHERE relname = 'tickets' AND schemaname = current_schema()`);
  return Number(r.rows[0].n);
}
