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

/**
 * Walk-ins issued after a ticket that its wait estimate reads before it counts the other way (waitingAheadSql): a
 * ticket just issued has a few behind it (those issued while it was answered), one near the front of a long queue has
 * this many read and then the few before it.
 */
export const BEHIND_READ_LIMIT = 100;

/**
 * How many waiting tickets of its category are called before ticket `id` (the wait estimate, hall/queue.ts `view`),
 * without ranking the day's queue. A ticket without priority (rank 2, every walk-in) has ahead of it every waiting
 * ticket issued before it, whatever their rank, and those issued after it that have a priority (rank 0 or 1): every
 * waiting ticket of its category but itself and the walk-ins issued after it. So it is counted from whichever end is
 * nearer: the category's waiting count (`waiting_counts`, kept by the tickets' triggers, migration 23) less one and
 * less the walk-ins after it when fewer than BEHIND_READ_LIMIT are (a ticket just issued: the answer of every
 * `queue.take`); otherwise a count over the category's range of the waiting index before it (`tickets_waiting`: hall,
 * day, category, issued_at, id) and one over the category's waiting tickets with a priority after it
 * (`tickets_waiting_priority`). Counting the tickets before a new one read each of them, and on PostgreSQL, wherever
 * autovacuum had not yet marked the pages all-visible, visited each in the table (bench `hall-load`: most of the
 * server's time per ticket in a long queue). The ticket's own day, category and issue time are scalar subqueries
 * here (the batches' statements read the ticket once and use its columns: aheadOfTicketSql), so they are index
 * bounds whatever the planner believes of the table (a prepared statement's generic plan, made when the table was
 * small, must not turn into a join that scans the queue once per waiting ticket). A ticket with a priority (rare:
 * appointments, green channel) is ranked against its category's waiting tickets as the call does. `CASE` evaluates
 * only the branch it needs; a ticket that is not waiting has nothing ahead. Parameters are the backend's placeholders
 * for the ticket id, the hall-local now and the hall.
 */
export function waitingAheadSql(idParam: string, nowParam: string, hallParam: string): string {
  // The ticket itself, by its primary key alone: the hall and "waiting" are spelt so that no other index can take
  // them. Planned while the table was small (a connection's first statements of the day, kept until an ANALYZE),
  // any index with the hall in front looked as cheap, and the lookup then read the hall's every ticket for the id.
  const of = (column: string) => `(SELECT ${column} FROM tickets WHERE id = ${idParam} AND hall_id || '' = ${hallParam}
    AND status || '' = 'waiting')`;
  return `SELECT ${aheadOfTicketSql({ waiting: `${of('id')} IS NOT NULL`, id: idParam, day: of('day'), category: of('category'),
    issuedAt: of('issued_at'), priority: of('priority') }, nowParam, hallParam)} AS n`;
}

/**
 * The asked ticket's own fields for aheadOfTicketSql, as SQL expressions: a subquery each (waitingAheadSql, by id),
 * or the columns of the row a statement already read (the batches: one read of each ticket instead of seven; a
 * group of ten tickets' wait 10-15 % quicker on the server, alternated runs of the statement alone).
 */
interface AskedTicketSql {
  /** True when the ticket is a waiting ticket of the hall (otherwise nothing is ahead of it). */
  waiting: string;
  id: string;
  day: string;
  category: string;
  issuedAt: string;
  priority: string;
}

/**
 * waitingAheadSql's count as one scalar expression of the asked ticket's fields (`me`). Each field is an index bound
 * of the counts whatever the planner believes of the table: a column of an outer row, or a scalar subquery, is a
 * parameter of the subqueries below, never a join.
 */
function aheadOfTicketSql(me: AskedTicketSql, nowParam: string, hallParam: string): string {
  const same = `o.hall_id = ${hallParam} AND o.status = 'waiting' AND o.day = ${me.day} AND o.category = ${me.category}`;
  const ranked = (extra: string) => `${rankedWaitingSql(nowParam, me.day, hallParam)} AND t.category = ${me.category} ${extra}`;
  // Read once per ticket (a derived table, not a subquery in two branches), at most BEHIND_READ_LIMIT rows of the
  // category's range of tickets_waiting; none for a ticket not found (its fields NULL). "No priority" spelt as in
  // nextWaitingSql: "priority IS NULL" matches the predicate of the walk-in index, in issue order across categories,
  // which a generic plan would walk past every other category's later walk-ins.
  const behind = `(SELECT count(*) FROM (SELECT 1 FROM tickets o WHERE ${same} AND coalesce(o.priority, '') = ''
      AND (o.issued_at, o.id) > (${me.issuedAt}, ${me.id}) LIMIT ${BEHIND_READ_LIMIT}) l)`;
  const waiting = `(SELECT w.n FROM waiting_counts w WHERE w.hall_id = ${hallParam} AND w.day = ${me.day} AND w.category = ${me.category})`;
  return `(SELECT CASE WHEN NOT coalesce(${me.waiting}, false) THEN 0
    WHEN ${me.priority} IS NULL THEN CASE WHEN b.n < ${BEHIND_READ_LIMIT} THEN ${waiting} - 1 - b.n ELSE
      (SELECT count(*) FROM tickets o WHERE ${same} AND (o.issued_at, o.id) < (${me.issuedAt}, ${me.id}))
      + (SELECT count(*) FROM tickets o WHERE ${same} AND o.priority IS NOT NULL AND (o.issued_at, o.id) > (${me.issuedAt}, ${me.id}))
    END
    ELSE
      (SELECT count(*) FROM (${ranked('')}) o, (${ranked(`AND t.id = ${me.id}`)}) m WHERE o.id <> m.id AND ${CALLED_BEFORE_SQL})
    END FROM (SELECT ${behind} AS n) b)`;
}

/**
 * waitingAheadSql for several tickets in one statement (PostgreSQL; hallPostgresBatches.ts): one row (`id`, `n`)
 * per id of the integer array `idsParam`, each the same counts as the single statement, so each id still reads only
 * its own category's rows near it (test/store/queueReadCost.test.ts). Each ticket is read once, by its primary key
 * alone (as waitingAheadSql's subqueries), and its fields are the counts' bounds.
 */
export function waitingAheadOfIdsSql(idsParam: string, nowParam: string, hallParam: string): string {
  return `SELECT u.id, ${aheadOfTicketSql(askedRow('me'), nowParam, hallParam)} AS n FROM unnest(${idsParam}) AS u(id)
    LEFT JOIN LATERAL (SELECT k.id, k.day, k.category, k.issued_at, k.priority, k.status FROM tickets k WHERE k.id = u.id
      AND k.hall_id || '' = ${hallParam} LIMIT 1) me ON true`;
}

/**
 * waitingAheadOfIdsSql for tickets named by their numbers of one day (unique per hall and day, migration 21): rows
 * (`number`, `n`), the same counts. For a transaction's new tickets whose ids it does not know yet, read in the round
 * trip of their insert (hall/queue.ts issueGroupIn). Each number looked up on the unique index on its own (a LATERAL
 * subquery that LIMIT keeps from being flattened): a join of the array with the table was planned, generically, as a
 * hash join over every ticket of the day (900 read for 10 asked; `hall-load` (c): 2 ms a group).
 *
 * The asked tickets are a group issued together, mostly walk-ins of one category one after another, so the walk-ins
 * behind them are read once per category, not once per ticket: from the category's earliest asked walk-in on, at most
 * BEHIND_READ_LIMIT more than were asked (`after`), with the category's waiting count (`counts`). A walk-in's count is
 * then that count less one and less the listed walk-ins after it, exactly waitingAheadSql's, whenever the list is whole
 * (shorter than its limit) and fewer than BEHIND_READ_LIMIT are behind it; any other ticket (a priority, not waiting,
 * far from the end of a long queue) is counted by aheadOfTicketSql, which CASE evaluates for that ticket only. Per
 * ticket, a group of twenty walk-ins read the same rows behind it again and again (twenty lookups of the waiting count,
 * 210 of the walk-ins behind): on the server a fifth of the time (`hall-load` (c): 1.66 ms of 4.4 ms a group).
 */
export function waitingAheadOfNumbersSql(dayParam: string, numbersParam: string, nowParam: string, hallParam: string): string {
  const asked = `(SELECT count(*) FROM me)`;
  return `WITH me AS MATERIALIZED (SELECT k.id, k.number, k.day, k.category, k.issued_at, k.priority, k.status FROM unnest(${numbersParam}) AS u(number)
      CROSS JOIN LATERAL (SELECT k.id, k.number, k.day, k.category, k.issued_at, k.priority, k.status FROM tickets k
        WHERE k.hall_id = ${hallParam} AND k.day = ${dayParam} AND k.number = u.number LIMIT 1) k),
    firsts AS MATERIALIZED (SELECT DISTINCT ON (category) category, issued_at, id FROM me WHERE status = 'waiting' AND priority IS NULL
      ORDER BY category, issued_at, id),
    after AS MATERIALIZED (SELECT f.category, o.issued_at, o.id FROM firsts f CROSS JOIN LATERAL (SELECT o.issued_at, o.id FROM tickets o
        WHERE o.hall_id = ${hallParam} AND o.status = 'waiting' AND o.day = ${dayParam} AND o.category = f.category
        AND coalesce(o.priority, '') = '' AND (o.issued_at, o.id) > (f.issued_at, f.id)
        ORDER BY o.issued_at, o.id LIMIT ${BEHIND_READ_LIMIT} + ${asked}) o),
    counts AS MATERIALIZED (SELECT f.category,
        (SELECT w.n FROM waiting_counts w WHERE w.hall_id = ${hallParam} AND w.day = ${dayParam} AND w.category = f.category) AS n,
        (SELECT count(*) FROM after a WHERE a.category = f.category) < ${BEHIND_READ_LIMIT} + ${asked} AS whole FROM firsts f)
    SELECT me.number, CASE WHEN me.status = 'waiting' AND me.priority IS NULL AND c.whole AND x.b < ${BEHIND_READ_LIMIT} THEN c.n - 1 - x.b
      ELSE ${aheadOfTicketSql(askedRow('me'), nowParam, hallParam)} END AS n
    FROM me LEFT JOIN counts c ON c.category = me.category
      CROSS JOIN LATERAL (SELECT count(*) AS b FROM after a WHERE a.category = me.category AND (a.issued_at, a.id) > (me.issued_at, me.id)) x`;
}

/** The asked ticket's fields as the columns of row `alias` (id, day, category, issued_at, priority, status). */
function askedRow(alias: string): AskedTicketSql {
  return { waiting: `${alias}.status = 'waiting'`, id: `${alias}.id`, day: `${alias}.day`, category: `${alias}.category`,
    issuedAt: `${alias}.issued_at`, priority: `${alias}.priority` };
}

/** A backend's way to name the window's categories: as rows of one column `c`, and the test for "none given". */
export interface CategoryListSql {
  rows: string;
  none: string;
  /**
   * PostgreSQL: a LATERAL join takes each category's earliest walk-in (a correlated id in "id IN (...)" made its
   * generic plan scan the table); SQLite has no LATERAL and looks the ids up by rowid.
   */
  lateral: boolean;
}

/**
 * The next ticket to call among the day's waiting tickets of some categories (every category when none are given),
 * in calling order, without sorting the day's queue: the tickets with a priority (appointments, green channel) ranked
 * as above (index `tickets_waiting_priority`), and the first walk-in: per category given, its earliest over the
 * category's range of `tickets_waiting`; with none given, the day's earliest over `tickets_waiting_walk_in`. The
 * walk-ins of other categories issued before are never read.
 */
export function nextWaitingSql(dayParam: string, nowParam: string, hallParam: string, cats: CategoryListSql): string {
  const waiting = `tickets w WHERE w.hall_id = ${hallParam} AND w.day = ${dayParam} AND w.status = 'waiting'`;
  // Per category, "no priority" is spelt so that it does not match the walk-in index's predicate: that index is in
  // issue order across categories, and a planner that believes the table small would walk it past every other
  // category's walk-ins; the category's range of tickets_waiting is what must be read.
  const walkInsOf = (category: string) => `${waiting} AND w.category = ${category} AND coalesce(w.priority, '') = ''`;
  return `SELECT * FROM (
      SELECT * FROM (${rankedWaitingSql(nowParam, dayParam, hallParam)} AND t.priority IS NOT NULL
        AND (${cats.none} OR t.category IN (${cats.rows}))) p
      UNION ALL
      ${cats.lateral
    ? `SELECT f.*, 2 AS rank FROM (${cats.rows}) k CROSS JOIN LATERAL (SELECT w.* FROM ${walkInsOf('k.c')}
        ORDER BY w.issued_at, w.id LIMIT 1) f`
    : `SELECT t.*, 2 AS rank FROM tickets t WHERE t.id IN (
        SELECT (SELECT w.id FROM ${walkInsOf('k.c')} ORDER BY w.issued_at, w.id LIMIT 1) FROM (${cats.rows}) k)`}
      UNION ALL
      SELECT * FROM (SELECT w.*, 2 AS rank FROM ${waiting} AND w.priority IS NULL AND ${cats.none} ORDER BY w.issued_at, w.id LIMIT 1) a
    ) x ORDER BY rank, issued_at, id LIMIT 1`;
}

/**
 * The waiting tickets of one category a calling rule can pick next (hall/callingRules.ts pickInCategory takes the
 * earliest of each class): every appointment ticket (its class depends on its slot having started), the earliest
 * other ticket with a priority (green channel) and the earliest walk-in, each over the waiting indexes
 * (`tickets_waiting_priority`, `tickets_waiting`; "no priority" spelt as in nextWaitingSql, for the same reason)
 * instead of the category's whole queue.
 */
export function callCandidatesSql(dayParam: string, categoryParam: string, hallParam: string): string {
  const of = `FROM tickets WHERE hall_id = ${hallParam} AND day = ${dayParam} AND category = ${categoryParam} AND status = 'waiting'`;
  return `SELECT * ${of} AND priority = 'appointment'
    UNION ALL SELECT * FROM (SELECT * ${of} AND priority IS NOT NULL AND priority <> 'appointment' ORDER BY issued_at, id LIMIT 1) g
    UNION ALL SELECT * FROM (SELECT * ${of} AND coalesce(priority, '') = '' ORDER BY issued_at, id LIMIT 1) w`;
}

/**
 * Tickets now of one category called today (first calls, not recalls), newest call first, with their priority:
 * the category's call history for the ratio rules, without the day's other calls' tickets.
 */
export function calledOfCategorySql(dayParam: string, categoryParam: string, limitParam: string, hallParam: string): string {
  return `SELECT t.id, t.priority FROM counter_calls c JOIN tickets t ON t.id = c.ticket_id
    WHERE c.hall_id = ${hallParam} AND c.day = ${dayParam} AND c.recall = 0 AND t.category = ${categoryParam}
    ORDER BY c.id DESC LIMIT ${limitParam}`;
}

/**
 * A day's tickets of some people (the per-person limits and "my tickets", hall/queue.ts), each person's looked up on
 * its own over the holder index (`tickets_holder`: hall, day, holder; migration 21): a LATERAL subquery per number,
 * which OFFSET keeps from being flattened. "holder = ANY(array)" was planned, generically and before the table's
 * first ANALYZE, over the numbers' index with the day's every ticket read and filtered (test/store/queueReadCost.test.ts).
 * Even this shape is planned so when the plan is made on a day of a couple of hundred tickets (the holder index has
 * then grown a level, the numbers' index not yet): the PostgreSQL store sends it to be planned on each call
 * (hallPostgres.ts `ticketsOfHoldersText`). `holdersParam`: a text array (PostgreSQL).
 */
export function ticketsOfHoldersSql(dayParam: string, holdersParam: string, hallParam: string): string {
  return `SELECT t.* FROM unnest(${holdersParam}) AS u(holder)
    CROSS JOIN LATERAL (SELECT * FROM tickets h WHERE h.hall_id = ${hallParam} AND h.day = ${dayParam} AND h.holder_number = u.holder OFFSET 0) t
    ORDER BY t.issued_at, t.id`;
}
