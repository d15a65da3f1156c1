/**
 * The tickets' planner statistics where autovacuum does not keep them (README "The hall data on PostgreSQL").
 *
 * Migration 22 has autovacuum vacuum and analyse the tickets after every 500 new or changed rows. Where autovacuum is
 * off (a server set so, as this machine kind's is, or the table's own `autovacuum_enabled`), the table is never
 * analysed, and PostgreSQL then believes any index on a hall's day finds one row: from about 21,000 tickets of a day,
 * once the waiting index (tickets_waiting, wider) has a level more than the unique index of the day's numbers, the
 * numbers' index ranks cheaper and the wait estimate reads the whole day for each ticket
 * (test/store/queueReadCost.test.ts; bench `hall-load`, 5,000 waiting on a day of 21,000). With any statistics the
 * planner knows a day holds many rows and keeps to the category's range. So a hall store on such a server does what
 * autovacuum would: every STATISTICS_CHECK_MS, and as soon as its own transactions wrote CHANGES_BEFORE_ANALYZE tickets
 * since its last check (hallPostgres.ts: in a burst the trap came before the timer), it reads how many rows changed
 * since the table's last ANALYZE and, from
 * CHANGES_BEFORE_ANALYZE on, runs `VACUUM (ANALYZE) tickets` (the visibility map as well: migration 22's reason)
 * and a VACUUM of the waiting counts' stripes, which every ticket statement updates (migration 24),
 * one instance at a time (a session advisory lock tried, never waited for), and at most once per ANALYZE_INTERVAL_S
 * as autovacuum's naptime allows: an ANALYZE makes every connection plan its prepared statements on the tickets
 * again, which in a busy hall past 500 changes every few seconds would be most of what the check costs. A table
 * never analysed is done at the first check.
 */
import type pg from 'pg';

export const STATISTICS_CHECK_MS = 10_000;
/** Migration 22's thresholds (autovacuum_analyze_threshold, autovacuum_vacuum_insert_threshold). */
export const CHANGES_BEFORE_ANALYZE = 500;
/** The least time between two analyses: autovacuum's default naptime (autovacuum_naptime, 1 min). */
export const ANALYZE_INTERVAL_S = 60;
/** Arbitrary constant naming "the tickets' statistics being kept" among advisory locks (keyed by schema). */
const STATISTICS_LOCK_CLASS = 0x0d00_0004;

/**
 * What a check did: `autovacuum` (autovacuum keeps the table: nothing to do), `fresh` (fewer changes than the
 * threshold), `recent` (analysed less than ANALYZE_INTERVAL_S ago), `busy` (another instance is at it), `analysed`.
 */
export type StatisticsCheck = 'autovacuum' | 'fresh' | 'recent' | 'busy' | 'analysed';

/**
 * What the check runs, in order: the tickets (statistics and visibility map, migration 22's reason), then the
 * waiting counts' stripes (migration 24). Every statement that writes tickets updates one stripe, and a transaction of
 * many such statements (a day's closing run, a fill) leaves a dead version per statement that pruning cannot reclaim
 * while it runs. Never vacuumed, a category's count stayed spread over those versions and every wait estimate read
 * them: about 200 buffers against 6-9 after a VACUUM, 2,000 such statements over four categories
 * (test/store/queueReadCost.test.ts); 248 against 12 after bench `hall-load`'s fill of 5,000. A table of a few rows
 * per category and day: its VACUUM costs next to nothing. The bench's tidy runs the same list.
 */
export const TICKET_VACUUMS = ['VACUUM (ANALYZE) tickets', 'VACUUM waiting_count_stripes'] as const;

/** One check on `client` (a pooled connection whose search_path is the hall's schema `schema`). */
export async function keepTicketStatistics(client: pg.ClientBase, schema: string): Promise<StatisticsCheck> {
  const { rows: [t] } = await client.query<{ autovacuum: string; options: string[] | null; changed: string | null; recent: boolean }>(
    `SELECT current_setting('autovacuum') AS autovacuum, c.reloptions AS options, s.n_mod_since_analyze AS changed,
       coalesce(now() - greatest(s.last_analyze, s.last_autoanalyze) < make_interval(secs => $1), false) AS recent
     FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = 'tickets'::regclass`, [ANALYZE_INTERVAL_S]);
  const tableOff = (t.options ?? []).some((o) => /^autovacuum_enabled=(false|off|no|0)$/i.test(o));
  if (t.autovacuum === 'on' && !tableOff) return 'autovacuum';
  if (Number(t.changed ?? 0) < CHANGES_BEFORE_ANALYZE) return 'fresh';
  if (t.recent) return 'recent';
  const { rows: [lock] } = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS taken',
    [STATISTICS_LOCK_CLASS, schema]);
  if (!lock.taken) return 'busy';
  try {
    // No statement limit: a first VACUUM of a large table may take longer than a request's 15 s.
    await client.query('SET statement_timeout = 0');
    for (const statement of TICKET_VACUUMS) await client.query(statement);
  } finally {
    await client.query('RESET statement_timeout').catch(() => undefined);
    await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [STATISTICS_LOCK_CLASS, schema]).catch(() => undefined);
  }
  return 'analysed';
}
