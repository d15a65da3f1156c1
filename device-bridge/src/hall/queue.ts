/**
 * Walk-in queue tickets (hall-rules.md "Queue"):
 * - number = category letter + 3-digit daily sequence (A001); the sequence is the store's atomic counter per day
 *   and category, so it restarts each day and is never issued twice in a day, across restarts and crashes (the
 *   counter row is committed with the ticket; the table's UNIQUE(day, number) is the backstop);
 * - one waiting ticket per person per category: a second request returns the same ticket (`reused: true`);
 * - priority (绿色通道): elderly 65+ by birth date, disabled, pregnant; checked-in appointments whose slot has
 *   started go first;
 * - waiting estimate = tickets ahead x the category's recent median service time (a default while it has none).
 */
import { maskIdNumber, type KioskTicket } from '@onedoor/protocol';
import type { HallDay, HallRepository, HallStore, QueueCategoryRecord, TicketPriority, TicketRecord } from '../store/hallStore.ts';
import { isElderly, type Citizen } from './citizen.ts';
import { HallClock } from './clock.ts';
import { HallRuleError } from './errors.ts';
import { checkIntakeHours, type IntakeHours } from './intakeHours.ts';
import { checkTicketLimits, countedRefusal, type PersonLimits } from './personLimits.ts';
import type { DayBoundaries } from './dayBoundaries.ts';
import { checkVisitCategories, checkVisitNotWaiting, VISIT_STEPS_LIMIT, visitViewOf, type VisitsConfig } from './visits.ts';
import type { VisitStepRecord } from '../store/visitRecords.ts';

/** The 3-digit sequence of a ticket number ends at 999 (hall-rules.md "A001"). */
export const MAX_DAILY_TICKETS_PER_CATEGORY = 999;
/** How many finished tickets the median service time looks at. */
export const SERVICE_TIME_SAMPLE = 20;

export interface TicketFlags {
  disabled?: boolean;
  pregnant?: boolean;
}

/** A ticket as the kiosk and the ticket printer see it (the /kiosk contract's KioskTicket): masked number only. */
export type TicketView = KioskTicket;

/**
 * Calling order (hall-rules.md "Calling order"): checked-in appointments whose slot has started, then priority
 * tickets (green channel, and checked-in appointments whose slot has not started yet), then the rest.
 */
export function ticketCallRank(t: Pick<TicketRecord, 'priority'>, slotStarted = true): number {
  if (t.priority === 'appointment') return slotStarted ? 0 : 1;
  return t.priority ? 1 : 2;
}

/** True when `a` is called before `b`; within a rank by issue time. `slotStarted` answers for appointment tickets. */
export function callsBefore(a: TicketRecord, b: TicketRecord, slotStarted: (t: TicketRecord) => boolean = () => true): boolean {
  const ra = ticketCallRank(a, slotStarted(a)), rb = ticketCallRank(b, slotStarted(b));
  if (ra !== rb) return ra < rb;
  return a.issuedAt !== b.issuedAt ? a.issuedAt < b.issuedAt : a.id < b.id;
}

export function medianOf(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function formatTicketNumber(letter: string, seq: number): string {
  return `${letter}${String(seq).padStart(3, '0')}`;
}

export interface IssueTicketRequest {
  citizen: Citizen | null;
  category: string;
  flags?: TicketFlags;
  /** Set by the appointment check-in: the ticket goes first. */
  appointmentId?: number;
  /** Further services of the same visit, in order (visits.ts): one ticket, served window after window. */
  also?: readonly string[];
}

/** What issuing a ticket read on the way that its view needs too (every ticket path reads the category). */
export interface KnownOfTicket {
  category?: QueueCategoryRecord;
  /** The ticket's visit steps when known (none: a new ticket of one service). */
  visitSteps?: readonly VisitStepRecord[];
}

export interface IssuedTicket {
  ticket: TicketRecord;
  reused: boolean;
  known: KnownOfTicket;
}

export class QueueService {
  constructor(
    private readonly store: HallStore,
    private readonly clock: HallClock = new HallClock(),
    private readonly limits: PersonLimits = {},
    private readonly hours: IntakeHours = {},
    /** Intake paused or closed for the day (dayBoundaries.ts); absent: always open. */
    private readonly boundaries?: Pick<DayBoundaries, 'checkOpen'>,
    private readonly visits: VisitsConfig = { maxSteps: VISIT_STEPS_LIMIT },
  ) {}

  /**
   * A walk-in ticket for a category (or the person's waiting one in it); `also`: further services of the same visit
   * (visits.ts), in order. A per-person limit refusal is counted.
   */
  async takeTicket(citizen: Citizen | null, category: string, flags: TicketFlags = {}, also: readonly string[] = []): Promise<TicketView> {
    const { ticket, reused, known } = await countedRefusal(this.store, this.clock.today(),
      () => this.store.withPersonTransaction(citizen?.number ?? null, (tx) => this.issueIn(tx, { citizen, category, flags, also })));
    return this.view(ticket, reused, known);
  }

  /** Issues within the caller's transaction (the appointment check-in uses it). */
  async issueIn(tx: HallRepository, req: IssueTicketRequest): Promise<IssuedTicket> {
    const letter = String(req.category ?? '').toUpperCase();
    const category = await tx.getQueueCategory(letter);
    if (!category) {
      throw new HallRuleError('unknownCategory', `没有“${letter}”类业务，请在屏幕上重新选择`, `there is no queue category "${letter}"`);
    }
    const now = this.clock.now();
    const day = this.clock.dayOf(now);
    const visit = req.also && req.also.length > 0 ? await checkVisitCategories(tx, [letter, ...req.also], this.visits.maxSteps) : null;
    if (req.citizen) {
      const waiting = await tx.findWaitingTicket(day, letter, req.citizen.number);
      // Asked again with more services: the waiting ticket of one service takes them on (still one ticket).
      if (waiting && visit && (await tx.listVisitSteps(waiting.id)).length === 0) {
        await checkVisitNotWaiting(tx, day, req.citizen.number, visit.slice(1));
        await tx.addVisitSteps(waiting.id, visit);
      }
      if (waiting) {
        // One waiting ticket per person per category (hall-rules.md): a check-in or green-channel request upgrades
        // the ticket already held (same number and issue time) instead of leaving the person without priority.
        const wanted = ticketPriority(req, day);
        if (priorityRank(wanted) > priorityRank(waiting.priority)) {
          const patch = { priority: wanted, appointmentId: req.appointmentId ?? waiting.appointmentId };
          await tx.updateTicket(waiting.id, patch);
          return { ticket: { ...waiting, ...patch }, reused: true, known: { category } };
        }
        return { ticket: waiting, reused: true, known: { category } };
      }
    }
    // Appointment check-ins are not walk-in tickets: their slots bound them, and the appointment rules limit them.
    if (req.appointmentId === undefined) {
      await this.boundaries?.checkOpen(tx);
      checkIntakeHours(this.hours, this.clock.timeOf(now));
    }
    if (req.citizen && req.appointmentId === undefined) await checkTicketLimits(tx, this.limits, day, letter, req.citizen.number);
    if (req.citizen && visit) await checkVisitNotWaiting(tx, day, req.citizen.number, visit.slice(1));
    // Taken on its own (takeNumber): tickets of one category do not wait for each other's commits; a ticket that
    // then fails leaves a gap, never a number given twice.
    const seq = await tx.takeNumber(`ticket:${day}:${letter}`);
    if (seq > MAX_DAILY_TICKETS_PER_CATEGORY) {
      throw new HallRuleError('categoryFull', '今日该类业务号码已发完，请咨询工作人员',
        `all ${MAX_DAILY_TICKETS_PER_CATEGORY} numbers of category ${letter} are issued today; please ask staff`);
    }
    const ticket = await tx.insertTicket({
      day,
      category: letter,
      seq,
      number: formatTicketNumber(letter, seq),
      holderNumber: req.citizen?.number ?? null,
      priority: ticketPriority(req, day),
      issuedAt: now,
      appointmentId: req.appointmentId ?? null,
    });
    if (visit) await tx.addVisitSteps(ticket.id, visit);
    // A new ticket of one service has no visit steps: its view need not read them (nor the category again).
    return { ticket, reused: false, known: visit ? { category } : { category, visitSteps: [] } };
  }

  /** The current view of a ticket (position and estimate recomputed now). */
  async ticket(id: number): Promise<TicketView> {
    const t = await this.store.getTicket(id);
    if (!t) throw new Error(`ticket ${id} does not exist`);
    return this.view(t, false);
  }

  /** The person's tickets today (waiting first), e.g. for the kiosk's home screen. */
  async ticketsOf(citizen: Citizen): Promise<TicketView[]> {
    const mine = await this.store.listTickets(this.clock.today(), { holderNumber: citizen.number });
    return Promise.all(mine.map((t) => this.view(t, false)));
  }

  /** Minutes one ticket takes in the category: median of the recent finished ones, else the category default. */
  async serviceMinutes(category: string): Promise<number> {
    const [durations, known] = await Promise.all([
      this.store.recentServiceDurations(category, SERVICE_TIME_SAMPLE), this.store.getQueueCategory(category),
    ]);
    return minutesFrom(durations, known);
  }

  /** `known`: what the caller read already (issueIn), so the view does not read it again. */
  async view(t: TicketRecord, reused: boolean, known: KnownOfTicket = {}): Promise<TicketView> {
    // The reads at once (on PostgreSQL, pooled connections instead of round trips one after another).
    // `ahead` is counted by the database over the waiting queue's index, in calling order (store/ticketOrderSql.ts).
    const [category, ahead, durations, visit] = await Promise.all([
      known.category && known.category.letter === t.category ? known.category : this.store.getQueueCategory(t.category),
      t.status === 'waiting' ? this.store.countWaitingAhead(t.id, this.clock.stamp()) : 0,
      this.store.recentServiceDurations(t.category, SERVICE_TIME_SAMPLE),
      known.visitSteps?.length === 0 ? undefined : visitViewOf(this.store, t, known.visitSteps),
    ]);
    return {
      id: t.id,
      number: t.number,
      category: t.category,
      categoryName: category?.name ?? t.category,
      day: t.day,
      issuedAt: t.issuedAt,
      issuedAtText: this.clock.stamp(t.issuedAt),
      priority: t.priority,
      status: t.status,
      ahead,
      estimatedWaitMinutes: Math.ceil(ahead * minutesFrom(durations, category)),
      maskedNumber: t.holderNumber === null ? null : maskIdNumber(t.holderNumber),
      reused,
      appointmentId: t.appointmentId,
      ...(visit ? { visit } : {}),
    };
  }
}

/** The median of the recent service durations in minutes, else the category's default (5 without one). */
function minutesFrom(durations: number[], category: QueueCategoryRecord | undefined): number {
  const median = medianOf(durations);
  return median !== undefined ? median / 60_000 : category?.defaultServiceMinutes ?? 5;
}

/** An appointment outranks the green channel, which outranks none (the calling order of hall-rules.md). */
function priorityRank(p: TicketPriority | null): number {
  return p === 'appointment' ? 2 : p ? 1 : 0;
}

function ticketPriority(req: IssueTicketRequest, day: HallDay): TicketPriority | null {
  if (req.appointmentId !== undefined) return 'appointment';
  if (req.citizen && isElderly(req.citizen.birthDate, day)) return 'elderly';
  if (req.flags?.disabled) return 'disabled';
  if (req.flags?.pregnant) return 'pregnant';
  return null;
}
