/**
 * The district view's figures per hall (README "Running a district", "Many halls, one database"): the one read a
 * store makes across every hall of its database, for the read-only district manager role. Counts only, no citizen.
 * One SQL text for both engines; `param(n)` writes the n-th placeholder (`?` on SQLite, `$n` on PostgreSQL).
 */
import type { HallDay } from './hallStore.ts';

export interface DistrictHallRow {
  hallId: string;
  /** Tickets of `day` still waiting. */
  waiting: number;
  /** Tickets of `day` served to the end (status done). */
  servedToday: number;
  /** When the longest-waiting ticket of `day` was issued (epoch ms), or null when nobody waits. */
  oldestWaitingIssuedAt: number | null;
  /** Bad-review follow-ups still open after their deadline day (hall-rules.md "Ratings"). */
  overdueFollowUps: number;
}

/** The halls of the database: every hall that has a queue category, a window, a counter or a ticket. */
export function districtFiguresSql(param: (n: number) => string): string {
  const day = param(1);
  return `SELECT h.hall_id,
      (SELECT count(*) FROM tickets t WHERE t.hall_id = h.hall_id AND t.day = ${day} AND t.status = 'waiting') AS waiting,
      (SELECT count(*) FROM tickets t WHERE t.hall_id = h.hall_id AND t.day = ${day} AND t.status = 'done') AS served,
      (SELECT min(t.issued_at) FROM tickets t WHERE t.hall_id = h.hall_id AND t.day = ${day} AND t.status = 'waiting') AS oldest,
      (SELECT count(*) FROM rating_follow_ups f WHERE f.hall_id = h.hall_id AND f.closed_at IS NULL
        AND f.deadline_day < ${day}) AS overdue
    FROM (SELECT hall_id FROM queue_categories UNION SELECT hall_id FROM hall_windows
      UNION SELECT hall_id FROM counters UNION SELECT hall_id FROM tickets) h
    ORDER BY h.hall_id`;
}

export function districtRowFrom(r: Record<string, unknown>): DistrictHallRow {
  return {
    hallId: String(r.hall_id), waiting: Number(r.waiting), servedToday: Number(r.served),
    oldestWaitingIssuedAt: r.oldest === null || r.oldest === undefined ? null : Number(r.oldest),
    overdueFollowUps: Number(r.overdue),
  };
}

export type { HallDay };
