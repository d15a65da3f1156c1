/**
 * The manager dashboard's figures (README "For managers: the dashboard"; hall-rules.md "Figures for
 * managers"): pure reads over the HallStore, no I/O of their own.
 *
 * - Queue: waiting per category; average and longest wait = call time - issue time over the day's called tickets
 *   (hall-rules.md); the oldest ticket still waiting (now - issue); average service time = finish - start; windows.
 * - Today: tickets issued, served (done), no-shows (过号), ratings 1..5, open bad reviews (差评 follow-ups, any day:
 *   "the manager's board lists the open ones"), appointments checked in vs booked (canceled ones left out).
 * - Time limits: open applications in yellow or red (hall-rules.md "Time-limit board"), masked numbers only.
 */
import type {
  DashboardBadReview, DashboardCall, DashboardCategoryFigures, DashboardHold, DashboardQueue, DashboardTimeLimitItem, DashboardTimeLimits,
  DashboardToday, DashboardWindow,
} from '@onedoor/protocol';
import type { HallDay, HallRepository, TicketRecord } from '../store/hallStore.ts';
import type { ApplicationView } from './applications.ts';
import { stepsServedOnTheWay } from '../store/visitRecords.ts';

export function averageOf(values: readonly number[]): number | null {
  return values.length === 0 ? null : Math.round(values.reduce((a, b) => a + b, 0) / values.length);
}

export function maxOf(values: readonly number[]): number | null {
  return values.length === 0 ? null : Math.max(...values);
}

const waitOf = (t: TicketRecord): number | null => (t.calledAt !== null ? t.calledAt - t.issuedAt : null);
const serviceOf = (t: TicketRecord): number | null =>
  t.startedAt !== null && t.finishedAt !== null ? t.finishedAt - t.startedAt : null;
const present = <T>(v: T | null): v is T => v !== null;

function ticketFigures(tickets: readonly TicketRecord[]) {
  const waits = tickets.map(waitOf).filter(present);
  return {
    waiting: tickets.filter((t) => t.status === 'waiting').length,
    issued: tickets.length,
    averageWaitMs: averageOf(waits),
    longestWaitMs: maxOf(waits),
    averageServiceMs: averageOf(tickets.map(serviceOf).filter(present)),
  };
}

/** Calls listed with their reason on the dashboard, and how many of the latest calls are read to find them. */
const RECENT_CALLS_SHOWN = 12;
const RECENT_CALLS_READ = 60;

/**
 * Per window: the day's finished tickets and their service time, by the window of each ticket's last call, and the
 * visit steps finished there on the way to a next one.
 */
async function windowWork(store: HallRepository, day: HallDay, tickets: readonly TicketRecord[]): Promise<Map<number, { served: number; busyMs: number }>> {
  const windowOf = new Map<number, number>();
  // Newest first: the first call seen of a ticket is its last (a transferred ticket is finished where it was last called).
  for (const c of await store.listCounterCalls(day, 100_000)) if (!windowOf.has(c.ticketId)) windowOf.set(c.ticketId, c.window);
  const out = new Map<number, { served: number; busyMs: number }>();
  for (const t of tickets) {
    const w = windowOf.get(t.id);
    const ms = serviceOf(t);
    if (w === undefined || t.status !== 'done' || ms === null) continue;
    const acc = out.get(w) ?? { served: 0, busyMs: 0 };
    acc.served++;
    acc.busyMs += ms;
    out.set(w, acc);
  }
  // A visit's steps finished on the way to the next one were services at their windows too (hall/visits.ts).
  for (const s of stepsServedOnTheWay(await store.listVisitStepsOfDay(day))) {
    if (s.window === null || s.startedAt === null || s.finishedAt === null) continue;
    const acc = out.get(s.window) ?? { served: 0, busyMs: 0 };
    acc.served++;
    acc.busyMs += s.finishedAt - s.startedAt;
    out.set(s.window, acc);
  }
  return out;
}

/** Queue figures of `day` at `now`; `windows` as the counter workflow shows them (served and busy time added). */
export async function queueFigures(store: HallRepository, day: HallDay, now: number, windows: DashboardWindow[]): Promise<DashboardQueue> {
  const tickets = await store.listTickets(day);
  const known = await store.listQueueCategories();
  const letters = [...new Set([...known.map((c) => c.letter), ...tickets.map((t) => t.category)])].sort();
  const categories: DashboardCategoryFigures[] = letters.map((letter) => ({
    letter,
    name: known.find((c) => c.letter === letter)?.name ?? letter,
    ...ticketFigures(tickets.filter((t) => t.category === letter)),
    longestWaitingNowMs: maxOf(tickets.filter((t) => t.category === letter && t.status === 'waiting').map((t) => Math.max(0, now - t.issuedAt))),
  }));
  const all = ticketFigures(tickets);
  const waitingSince = tickets.filter((t) => t.status === 'waiting').map((t) => Math.max(0, now - t.issuedAt));
  const work = await windowWork(store, day, tickets);
  const recentCalls: DashboardCall[] = (await store.listCounterCalls(day, RECENT_CALLS_READ)).filter((c) => c.recall === 0)
    .slice(0, RECENT_CALLS_SHOWN).map((c) => ({ ticketNumber: c.number, window: c.window, at: c.at, reason: c.reason }));
  // A window's last change is when it became idle (finish, no-show, transfer, resume all save it).
  const idleSince = new Map((await store.listCounterWindows()).map((w) => [w.window, w.updatedAt]));
  const holds: DashboardHold[] = [];
  for (const h of await store.listOpenTicketHolds(now)) {
    const t = tickets.find((x) => x.id === h.ticketId);
    if (t?.status === 'noShow') holds.push({ ticketId: t.id, ticketNumber: t.number, window: h.window, heldAt: h.heldAt, untilAt: h.untilAt });
  }
  return {
    recentCalls,
    holds,
    waiting: all.waiting,
    averageWaitMs: all.averageWaitMs,
    longestWaitMs: all.longestWaitMs,
    longestWaitingNowMs: maxOf(waitingSince),
    averageServiceMs: all.averageServiceMs,
    categories,
    windows: windows.map((w) => ({
      ...w, served: work.get(w.window)?.served ?? 0, busyMs: work.get(w.window)?.busyMs ?? 0,
      idleSince: w.state === 'idle' ? (idleSince.get(w.window) ?? null) : null,
    })),
  };
}

export async function todayFigures(store: HallRepository, day: HallDay): Promise<DashboardToday> {
  const tickets = await store.listTickets(day);
  const ratings: DashboardToday['ratings'] = [0, 0, 0, 0, 0];
  for (const r of await store.listTicketRatingsOfDay(day)) if (r.rating >= 1 && r.rating <= 5) ratings[r.rating - 1]++;
  const openBadReviews: DashboardBadReview[] = [];
  for (const f of await store.listRatingFollowUps({ openOnly: true })) {
    const t = await store.getTicket(f.ticketId);
    openBadReviews.push({ ticketNumber: t?.number ?? `#${f.ticketId}`, window: f.window, rating: f.rating, openedDay: f.openedDay,
      deadlineDay: f.deadlineDay });
  }
  const appointments = (await store.listAppointmentsOfDay(day)).filter((a) => a.status !== 'canceled');
  return {
    day,
    tickets: tickets.length,
    served: tickets.filter((t) => t.status === 'done').length,
    noShows: tickets.filter((t) => t.status === 'noShow').length,
    ratings,
    openBadReviews,
    appointmentsBooked: appointments.length,
    appointmentsCheckedIn: appointments.filter((a) => a.status === 'checkedIn').length,
    limitRefusals: await store.listLimitRefusals(day),
  };
}

/** Open applications in yellow or red, red first then by due day. `view` is ApplicationService.view (masked). */
export async function timeLimitFigures(
  store: HallRepository,
  view: (a: Awaited<ReturnType<HallRepository['listOpenApplications']>>[number]) => Promise<ApplicationView>,
): Promise<DashboardTimeLimits> {
  const items: DashboardTimeLimitItem[] = [];
  for (const a of await store.listOpenApplications()) {
    const v = await view(a);
    const { state, dueDay, remainingWorkingDays, stepOverLimit } = v.timeLimit;
    if (state !== 'yellow' && state !== 'red') continue;
    items.push({ serial: v.serial, serviceName: v.serviceName, maskedNumber: v.maskedNumber, statusName: v.statusName, state, dueDay,
      remainingWorkingDays, stepOverLimit });
  }
  items.sort((x, y) => (x.state === y.state ? x.dueDay.localeCompare(y.dueDay) : x.state === 'red' ? -1 : 1));
  return { yellow: items.filter((i) => i.state === 'yellow').length, red: items.filter((i) => i.state === 'red').length, items };
}
