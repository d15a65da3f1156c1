/**
 * One visit, several windows (多窗联办; README "Running the hall floor", visits): a ticket may carry an ordered list
 * of steps, one queue category each. The ticket's own `category` is always its current step's, so the waiting
 * queue, the calling order (ticketOrderSql.ts), the wait estimate and the dashboard's waiting counts see a ticket
 * waiting at its current step like any other ticket of that category, with its original issue time.
 *
 * Stored per step: `waiting` (not served yet), `done` (finished at a window) or `skipped` (the visit ended before it:
 * the holder already waited in that category with another ticket, hall-rules.md "one waiting ticket per person per
 * category"). `serving` is never stored: the current step reads as `serving` while its ticket is called or served,
 * so the ticket's status stays the one truth about where the citizen is.
 */
import type { Row } from './hallSqlite.ts';
import type { TicketStatus } from './hallStore.ts';

export type VisitStepState = 'waiting' | 'serving' | 'done' | 'skipped';

export interface VisitStepRecord {
  ticketId: number;
  /** 1-based, in the order the citizen chose. */
  position: number;
  /** Queue category letter of this step (a transfer at this step changes it). */
  category: string;
  state: VisitStepState;
  /** The window that finished it; null before. */
  window: number | null;
  /** When its service began (the call's end when start was not pressed); null before it was finished. */
  startedAt: number | null;
  /** When it was finished (or skipped); null before. */
  finishedAt: number | null;
}

/** Finishing the current step at a window (`endVisit`: the rest of the visit is skipped, see the file comment). */
export interface VisitStepFinish {
  ticketId: number;
  window: number;
  /** When the step's service began (the ticket's startedAt, or `at` when start was not pressed). */
  startedAt: number;
  at: number;
  endVisit?: boolean;
}

/** Steps of one ticket from their rows (by position), the current one read as `serving` while its ticket is at a window. */
export function visitStepsFromRows(rows: readonly Row[], ticketStatus: TicketStatus | undefined): VisitStepRecord[] {
  const atWindow = ticketStatus === 'called' || ticketStatus === 'serving';
  let currentSeen = false;
  return [...rows].sort((a, b) => Number(a.position) - Number(b.position)).map((r) => {
    let state = String(r.state) as VisitStepState;
    if (state === 'waiting' && !currentSeen) {
      currentSeen = true;
      if (atWindow) state = 'serving';
    }
    return {
      ticketId: Number(r.ticket_id), position: Number(r.position), category: String(r.category), state,
      window: r.window_no === null || r.window_no === undefined ? null : Number(r.window_no),
      startedAt: r.started_at === null || r.started_at === undefined ? null : Number(r.started_at),
      finishedAt: r.finished_at === null || r.finished_at === undefined ? null : Number(r.finished_at),
    };
  });
}

/** Steps of several tickets from their rows (with `ticket_status`), by ticket and position. */
export function visitStepsOfTickets(rows: readonly Row[]): VisitStepRecord[] {
  const byTicket = new Map<number, Row[]>();
  for (const r of rows) {
    const id = Number(r.ticket_id);
    byTicket.set(id, [...(byTicket.get(id) ?? []), r]);
  }
  return [...byTicket.values()].flatMap((group) => visitStepsFromRows(group, group[0].ticket_status as TicketStatus));
}

/**
 * The finished steps after which the visit went on (a later step not skipped): each a service of its own at its
 * window. A visit's last step (or one after which the rest was skipped) is its ticket's own service instead.
 */
export function stepsServedOnTheWay(steps: readonly VisitStepRecord[]): VisitStepRecord[] {
  return steps.filter((s) => s.state === 'done'
    && steps.some((n) => n.ticketId === s.ticketId && n.position > s.position && n.state !== 'skipped'));
}

/** The step the ticket stands at (first not finished), if any. */
export function currentVisitStep(steps: readonly VisitStepRecord[]): VisitStepRecord | undefined {
  return steps.find((s) => s.state === 'waiting' || s.state === 'serving');
}

/**
 * Service durations (ms) of a category, newest first, for the wait estimate (hall/queue.ts): finished tickets, and
 * the finished steps of visits that went on to a next step (a visit's last step, or one after which the rest was
 * skipped, is its ticket's own duration). Placeholders are used in this order: hall, category, hall, category, limit.
 * `f`: when each finished (the order; several categories in one statement keep each one's order by it).
 */
export function serviceDurationsSql(hall: string, category: string, hall2: string, category2: string, limit: string): string {
  return `SELECT ms, f FROM (
      SELECT finished_at - started_at AS ms, finished_at AS f FROM tickets WHERE hall_id = ${hall} AND category = ${category}
        AND status = 'done' AND started_at IS NOT NULL AND finished_at IS NOT NULL
      UNION ALL
      SELECT s.finished_at - s.started_at AS ms, s.finished_at AS f FROM ticket_visit_steps s WHERE s.hall_id = ${hall2}
        AND s.category = ${category2} AND s.state = 'done' AND s.started_at IS NOT NULL AND EXISTS (SELECT 1 FROM ticket_visit_steps n
          WHERE n.hall_id = s.hall_id AND n.ticket_id = s.ticket_id AND n.position > s.position AND n.state <> 'skipped')
    ) d ORDER BY f DESC LIMIT ${limit}`;
}
