/**
 * The calling order of hall-rules.md "Calling order" as SQL, shared by both hall stores, so that the wait estimate
 * and the next call are answered by the database (an index scan of the waiting tickets) instead of every waiting
 * ticket and its appointment being read into the bridge (README "Many instances": cost independent of the queue).
 *
 * Rank (hall/queue.ts `ticketCallRank`): 0 a checked-in appointment whose slot has started (or whose appointment is
 * gone), 1 one whose slot has not started yet, an appointment ticket without its appointment id, or the green
 * channel, 2 everyone else; within a rank by issue time, then id. "Started" compares the slot's hall-local
 * `day start` with the hall-local now (`YYYY-MM-DD HH:MM`, minute resolution as HallClock.at/stamp), so `:now` is
 * that stamp. `:p` stands for the backend's placeholder of the now parameter.
 */
export function ticketRankSql(nowParam: string): string {
  return `CASE WHEN t.priority = 'appointment' THEN
      CASE WHEN t.appointment_id IS NULL THEN 1 WHEN a.id IS NULL OR (a.day || ' ' || a.start) <= ${nowParam} THEN 0 ELSE 1 END
    WHEN t.priority IS NOT NULL THEN 1 ELSE 2 END`;
}

/**
 * Waiting tickets of one day of one hall (README "Running a district": a store sees its own hall only) with their rank
 * (`id`, `issued_at`, `rank` and every ticket column).
 */
export function rankedWaitingSql(nowParam: string, dayParam: string, hallParam: string): string {
  return `SELECT t.*, ${ticketRankSql(nowParam)} AS rank FROM tickets t LEFT JOIN appointments a ON a.id = t.appointment_id
    WHERE t.hall_id = ${hallParam} AND t.day = ${dayParam} AND t.status = 'waiting'`;
}

/** Rows before `m` in calling order, for `o` and `m` rows of rankedWaitingSql. */
export const CALLED_BEFORE_SQL = `(o.rank < m.rank OR (o.rank = m.rank AND (o.issued_at < m.issued_at
  OR (o.issued_at = m.issued_at AND o.id < m.id))))`;
