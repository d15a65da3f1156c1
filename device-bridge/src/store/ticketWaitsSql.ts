/**
 * A ticket's wait on PostgreSQL as set-based statements (README "Many instances", ticketing cost): the count ahead
 * of each ticket of an id or number array (ticketOrderSql.ts, each ticket's correlated counts as the single
 * statement's) and the recent service times of each category of an array (visitRecords.ts serviceDurationsSql,
 * each category read on its own, LATERAL, newest first), alone or both in one statement of one row (two JSON
 * arrays). Used by the outer store's batches (hallPostgresBatches.ts) and by a transaction's `waitsOfTickets` (the
 * wait of a group of walk-ins, read in the group's transaction: hall/queue.ts).
 */
import type { Row } from './hallSqlite.ts';
import { serviceDurationsSql } from './visitRecords.ts';

/** Rows (`category`, `i`, `ms`, `f`): each category of the text array `categoriesParam`, its latest `limitParam`. */
export function durationsOfCategoriesSql(h: string, categoriesParam: string, limitParam: string): string {
  return `SELECT u.c AS category, u.i, d.ms, d.f
        FROM unnest(${categoriesParam}) WITH ORDINALITY AS u(c, i)
        CROSS JOIN LATERAL (${serviceDurationsSql(h, 'u.c', h, 'u.c', limitParam)}) d`;
}

/**
 * Both reads in one statement of one row: `ahead` and `durations`, JSON arrays of the rows above (durations in order);
 * `aheadSql`: the counts ahead as rows (ticketOrderSql.ts waitingAheadOfIdsSql or waitingAheadOfNumbersSql).
 */
export function waitsSql(h: string, aheadSql: string, categoriesParam: string, limitParam: string): string {
  return `SELECT
        (SELECT coalesce(json_agg(a), '[]'::json) FROM (${aheadSql}) a) AS ahead,
        (SELECT coalesce(json_agg(d ORDER BY d.i, d.f DESC), '[]'::json) FROM (${durationsOfCategoriesSql(h, categoriesParam, limitParam)}) d) AS durations`;
}

/**
 * The count ahead of each ticket asked, from rows (`id` or `number`, `n`) as the key asked names them; 0 for a ticket
 * without a row.
 */
export function aheadFrom(keys: ReadonlyArray<number | string>, found: readonly Row[], key: 'id' | 'number' = 'id'): number[] {
  const n = new Map(found.map((r) => [String(r[key]), Number(r.n ?? 0)]));
  return keys.map((k) => n.get(String(k)) ?? 0);
}

/** Each category's service times (newest first), from rows in category then newest-first order; each its own array. */
export function durationsFrom(categories: readonly string[], found: readonly Row[]): number[][] {
  const of = new Map<string, number[]>(categories.map((c) => [c, []]));
  for (const r of found) of.get(String(r.category))?.push(Number(r.ms));
  return categories.map((c) => [...of.get(c)!]);
}

/** JSON rows of a combined statement back into the driver's row shape (json_agg answers numbers for bigint columns). */
export function jsonRows(value: unknown): Row[] {
  return Array.isArray(value) ? (value as Row[]) : [];
}
