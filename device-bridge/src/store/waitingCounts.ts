/**
 * `waiting_counts` (migration 23 on both stores): the waiting tickets per hall, day and category, which a new
 * walk-in's wait estimate reads instead of counting every ticket before it (store/ticketOrderSql.ts waitingAheadSql).
 * The table and its first counts are the same on both stores; each keeps it by triggers of its own kind
 * (hallMigrations.ts: row triggers; hallPostgresMigrations.ts: statement triggers).
 */
export const WAITING_COUNTS_TABLE_SQL = `
  CREATE TABLE waiting_counts (
    hall_id  TEXT NOT NULL,
    day      TEXT NOT NULL,
    category TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (hall_id, day, category)
  );
  INSERT INTO waiting_counts (hall_id, day, category, n)
    SELECT hall_id, day, category, CAST(count(*) AS INTEGER) FROM tickets WHERE status = 'waiting' GROUP BY hall_id, day, category;
`;
