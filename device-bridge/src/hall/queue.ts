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
import type { HallDay, HallRepository, HallStore, NewTicket, QueueCategoryRecord, TicketPriority, TicketRecord } from '../store/hallStore.ts';
import { isElderly, type Citizen } from './citizen.ts';
import { HallClock } from './clock.ts';
import { HallRuleError } from './errors.ts';
import { checkIntakeHours, type IntakeHours } from './intakeHours.ts';
import { checkTicketLimits, countedRefusal, limitsTickets, PersonLimitError, ticketLimitRefusal, type PersonLimits } from './personLimits.ts';
import { HallStoreUnavailableError, isDatabaseOutage } from '../store/hallStoreGuard.ts';
import { ItemFailed, StatementBatches } from '../store/statementBatches.ts';
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

/** A ticket as the store records a new one (status waiting, nothing called yet): insertTickets' answer for `row`. */
function newTicketRecord(row: NewTicket, id: number): TicketRecord {
  return { id, day: row.day, category: row.category, seq: row.seq, number: row.number, holderNumber: row.holderNumber, priority: row.priority,
    status: 'waiting', issuedAt: row.issuedAt, calledAt: null, startedAt: null, finishedAt: null, appointmentId: row.appointmentId };
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
  /** Its wait, read where it was issued (issueGroupIn): the count ahead and the category's recent service times. */
  wait?: Promise<{ ahead: number; durations: readonly number[] }>;
  /** Its view, when made where it was issued (a walk-in with `WalkInOnce`: the answer recorded with it). */
  view?: TicketView;
}

/**
 * What a walk-in asked over a kiosk link brings to its group's transaction (hallLink/hallRequests.ts): reads of its
 * own before the rules, and its outcome's record written with the group's COMMIT, so that the request is applied and
 * recorded in one transaction (exactly once, README "Many instances"), and a linked kiosk's ticket is one stage of
 * statements, not three (bench `hall-load`).
 */
export interface WalkInOnce {
  /**
   * Asked in the turn of the group's first reads and not waited for there (on PostgreSQL they go in one round trip):
   * the answer of the same request applied before (nothing is then taken: the walk-in fails with `AnsweredBefore`),
   * a refusal before the rules, or null to go on.
   */
  before(tx: HallRepository): Promise<{ answered: unknown } | { refused: HallRuleError } | null>;
  /** Its outcome, a ticket's view or a rule's refusal, recorded in the transaction: statements sent with its COMMIT. */
  after(tx: HallRepository, outcome: TicketView | HallRuleError): void;
}

/** A walk-in's request was applied before (WalkInOnce.before): its recorded answer, to give again. */
export class AnsweredBefore extends Error {
  constructor(readonly answer: unknown) {
    super('the request was answered before');
  }
}

/** A walk-in ticket of one service, as kiosks ask for them: issued in groups (issueGroup). */
interface WalkIn {
  citizen: Citizen | null;
  category: string;
  flags: TicketFlags;
  once?: WalkInOnce;
}

/** Walk-in groups served at once (as statementBatches.ts's default: one at a time makes the next group larger). */
const WALK_IN_GROUPS_IN_FLIGHT = 1;

export interface IssuedTicket {
  ticket: TicketRecord;
  reused: boolean;
  known: KnownOfTicket;
}

export class QueueService {
  /**
   * Walk-in tickets asked while others are being issued go together (statementBatches.ts): one transaction, one read of
   * the people's tickets, one number range per category and one insert for the group, instead of a transaction each
   * (README "Many instances", ticketing cost). The rules are the same functions as `issueIn`'s. After a group of
   * several, the next one waits for the kiosks just answered as long as the store says it is worth it
   * (HallStore.groupLingerMs).
   */
  private readonly walkIns: StatementBatches<WalkIn, IssuedTicket>;

  constructor(
    private readonly store: HallStore,
    private readonly clock: HallClock = new HallClock(),
    private readonly limits: PersonLimits = {},
    private readonly hours: IntakeHours = {},
    /** Intake paused or closed for the day (dayBoundaries.ts); absent: always open. */
    private readonly boundaries?: Pick<DayBoundaries, 'checkOpen'>,
    private readonly visits: VisitsConfig = { maxSteps: VISIT_STEPS_LIMIT },
  ) {
    this.walkIns = new StatementBatches<WalkIn, IssuedTicket>((group) => this.issueGroup(group),
      { maxInFlight: WALK_IN_GROUPS_IN_FLIGHT, lingerMs: store.groupLingerMs });
  }

  /**
   * A walk-in ticket for a category (or the person's waiting one in it); `also`: further services of the same visit
   * (visits.ts), in order. A per-person limit refusal is counted. `once`: a walk-in of one service asked over a kiosk
   * link, applied and recorded in one transaction (rejects with AnsweredBefore when it was applied before).
   */
  async takeTicket(citizen: Citizen | null, category: string, flags: TicketFlags = {}, also: readonly string[] = [],
    once?: WalkInOnce): Promise<TicketView> {
    if (also.length > 0 && once) throw new Error('a visit of several services is not issued with WalkInOnce');
    const { ticket, reused, known } = also.length === 0
      ? await this.walkIns.call({ citizen, category, flags, ...(once ? { once } : {}) })
      : await this.issueAlone({ citizen, category, flags, also });
    return known.view ?? this.view(ticket, reused, known);
  }

  /** One request in a transaction of its own (a visit of several services, or a group's request on its own). */
  private issueAlone(req: IssueTicketRequest): Promise<IssuedTicket> {
    return countedRefusal(this.store, this.clock.today(),
      () => this.store.withPersonTransaction(req.citizen?.number ?? null, (tx) => this.issueIn(tx, req)));
  }

  /**
   * A group of walk-ins: each person's first request of the group in one transaction (issueGroupIn), then any
   * further request of the same person in a transaction of its own, after it (it then finds the ticket the first one
   * took). When the group's transaction fails for another reason than the database being out of reach, each request
   * is issued in a transaction of its own, so a fault of one request's data fails that request only. Per-person
   * limit refusals are counted.
   */
  private async issueGroup(group: readonly WalkIn[]): Promise<Array<IssuedTicket | ItemFailed>> {
    const seen = new Set<string>();
    const first: number[] = [];
    const again: number[] = [];
    group.forEach((r, i) => {
      const person = r.citizen?.number;
      if (person !== undefined && seen.has(person)) again.push(i);
      else {
        if (person !== undefined) seen.add(person);
        first.push(i);
      }
    });
    const out: Array<IssuedTicket | ItemFailed> = new Array(group.length);
    const firsts = first.map((i) => group[i]);
    let settled: Array<IssuedTicket | ItemFailed>;
    try {
      settled = await this.store.withPersonTransaction([...seen], (tx) => this.issueGroupIn(tx, firsts));
    } catch (err) {
      if (firsts.length === 1 || isDatabaseOutage(err) || err instanceof HallStoreUnavailableError) settled = firsts.map(() => new ItemFailed(err));
      else settled = await Promise.all(firsts.map((r) => this.issueWalkInAlone(r)));
    }
    first.forEach((i, k) => (out[i] = settled[k]));
    for (const i of again) out[i] = await this.issueWalkInAlone(group[i]);
    const day = this.clock.today();
    for (const s of out) {
      if (s instanceof ItemFailed && s.error instanceof PersonLimitError) await this.store.countLimitRefusal(day, s.error.kind).catch(() => undefined);
    }
    return out;
  }

  /** One walk-in in a transaction of its own: a group of one, the same rules. */
  private async issueWalkInAlone(r: WalkIn): Promise<IssuedTicket | ItemFailed> {
    try {
      return (await this.store.withPersonTransaction(r.citizen?.number ?? null, (tx) => this.issueGroupIn(tx, [r])))[0];
    } catch (err) {
      return new ItemFailed(err);
    }
  }

  /**
   * `issueIn` for walk-ins of distinct people at once, with the same rules in the same order (unknown category, the
   * person's waiting ticket, intake open and hours, per-person limits, the category's last number), read once for
   * the group: the categories, the people's tickets of the day, the intake state, and each walk-in's own reads
   * (WalkInOnce.before), all asked in one turn. A rule's refusal is that request's outcome; any other error rolls the
   * group back.
   */
  private async issueGroupIn(tx: HallRepository, group: readonly WalkIn[]): Promise<Array<IssuedTicket | ItemFailed>> {
    const now = this.clock.now();
    const day = this.clock.dayOf(now);
    const people = group.flatMap((r) => (r.citizen ? [r.citizen.number] : []));
    const asked = [...new Set(group.map((r) => String(r.category ?? '').toUpperCase()))];
    // Asked in one turn, waited for together: on PostgreSQL one round trip (the categories came with BEGIN), with
    // what the new walk-ins' answers need (readBeforeWalkIns, where the store has it: see below).
    const [categoryList, heldList, verdicts, before] = await Promise.all([
      tx.listQueueCategories(),
      people.length > 0 ? tx.listTicketsOfHolders(day, people) : [],
      Promise.all(group.map((r) => r.once?.before(tx) ?? null)),
      tx.readBeforeWalkIns?.(day, asked, group.length, SERVICE_TIME_SAMPLE) ?? null,
    ]);
    const categories = new Map(categoryList.map((c) => [c.letter, c]));
    const held = new Map<string, TicketRecord[]>();
    for (const t of heldList) held.set(t.holderNumber!, [...(held.get(t.holderNumber!) ?? []), t]);
    let closed: HallRuleError | null | undefined;
    const intakeRefusal = async (): Promise<HallRuleError | null> => {
      if (closed === undefined) {
        closed = await ruleRefusal(async () => {
          await this.boundaries?.checkOpen(tx);
          checkIntakeHours(this.hours, this.clock.timeOf(now));
        });
      }
      return closed;
    };
    const out: Array<IssuedTicket | ItemFailed> = new Array(group.length);
    const fresh: Array<{ at: number; letter: string; category: QueueCategoryRecord; priority: TicketPriority | null }> = [];
    for (const [at, req] of group.entries()) {
      const verdict = verdicts[at];
      if (verdict && 'answered' in verdict) {
        out[at] = new ItemFailed(new AnsweredBefore(verdict.answered));
        continue;
      }
      if (verdict) {
        out[at] = new ItemFailed(verdict.refused);
        continue;
      }
      const letter = String(req.category ?? '').toUpperCase();
      const category = categories.get(letter);
      if (!category) {
        out[at] = new ItemFailed(unknownCategory(letter));
        continue;
      }
      const mine = req.citizen ? held.get(req.citizen.number) ?? [] : [];
      const waiting = mine.find((t) => t.category === letter && t.status === 'waiting');
      if (waiting) {
        out[at] = await this.reuse(tx, waiting, req, day, category);
        continue;
      }
      const refusal = (await intakeRefusal())
        ?? (req.citizen && limitsTickets(this.limits) ? ticketLimitRefusal(this.limits, mine, day, letter) : null);
      if (refusal) out[at] = new ItemFailed(refusal);
      else fresh.push({ at, letter, category, priority: ticketPriority(req, day) });
    }
    // Each category's numbers in one increment, all categories in one step, given out in the order of the requests.
    const letters = [...new Set(fresh.map((f) => f.letter))];
    const firsts = await tx.takeNumbers(letters.map((l) => [`ticket:${day}:${l}`, fresh.filter((f) => f.letter === l).length] as const));
    const next = new Map(letters.map((l, i) => [l, firsts[i]]));
    const rows: NewTicket[] = [];
    const placed: typeof fresh = [];
    for (const f of fresh) {
      const seq = next.get(f.letter)!;
      next.set(f.letter, seq + 1);
      if (seq > MAX_DAILY_TICKETS_PER_CATEGORY) {
        out[f.at] = new ItemFailed(categoryFull(f.letter));
        continue;
      }
      const req = group[f.at];
      rows.push({ day, category: f.letter, seq, number: formatTicketNumber(f.letter, seq), holderNumber: req.citizen?.number ?? null,
        priority: f.priority, issuedAt: now, appointmentId: null });
      placed.push(f);
    }
    if (rows.length > 0 && before && tx.insertTicketsAtCommit && placed.every((f) => f.priority === null)) {
      // Walk-ins only, on a store where a round trip costs more than a statement (PostgreSQL): their waits were read
      // with the group's first reads and their ids taken then, so the insert goes with the COMMIT, after the answers
      // are made, and the group takes one round trip fewer (README "Many instances", ticketing cost). A new walk-in
      // has ahead of it every ticket waiting in its category (each issued before it, hall-rules.md "Calling order")
      // and the group's walk-ins of that category before it: the count the read after the insert gives, of the
      // moment of the group's first reads instead of its insert's (tickets other instances commit in between are
      // not in it, as those not yet committed never were: an estimate, recomputed whenever the ticket is viewed).
      const ids = before.ids.slice(0, rows.length);
      // Not waited for: sent with the COMMIT; if the insert fails, nothing of the group is committed.
      void tx.insertTicketsAtCommit(rows, ids).catch(() => undefined);
      const inCategory = new Map<string, number>();
      placed.forEach((f, k) => {
        const j = asked.indexOf(f.letter);
        const earlier = inCategory.get(f.letter) ?? 0;
        inCategory.set(f.letter, earlier + 1);
        const wait = Promise.resolve({ ahead: before.waiting[j] + earlier, durations: before.durations[j] });
        out[f.at] = { ticket: newTicketRecord(rows[k], ids[k]), reused: false, known: { category: f.category, visitSteps: [], wait } };
      });
    } else if (rows.length > 0) {
      // The new tickets and their waits in one turn (README "Many instances", ticketing cost): on PostgreSQL the
      // insert and the read in one round trip, the read naming the tickets by their numbers (their ids are the
      // insert's answer). Read after the insert, the count sees this group's tickets and every one committed before;
      // a concurrent group's uncommitted tickets it does not, as a count after the commit misses those still
      // uncommitted then: the estimate of a moment either way, recomputed whenever the ticket is viewed.
      const inGroup = [...new Set(placed.map((f) => f.letter))];
      const [tickets, waits] = await Promise.all([tx.insertTickets(rows),
        tx.waitsOfTickets(day, rows.map((r) => r.number), this.clock.stamp(now), inGroup, SERVICE_TIME_SAMPLE)]);
      placed.forEach((f, k) => {
        const wait = Promise.resolve({ ahead: waits.ahead[k], durations: waits.durations[inGroup.indexOf(f.letter)] });
        out[f.at] = { ticket: tickets[k], reused: false, known: { category: f.category, visitSteps: [], wait } };
      });
    }
    // Each walk-in asked with WalkInOnce: its outcome recorded with the COMMIT (its view made here, as its answer).
    for (const [at, req] of group.entries()) {
      const o = out[at];
      if (!req.once || (o instanceof ItemFailed && !(o.error instanceof HallRuleError))) continue;
      if (o instanceof ItemFailed) req.once.after(tx, o.error as HallRuleError);
      else {
        o.known.view = await this.view(o.ticket, o.reused, o.known, tx);
        req.once.after(tx, o.known.view);
      }
    }
    return out;
  }

  /**
   * The person's waiting ticket in the category asked again (one waiting ticket per person per category,
   * hall-rules.md): a check-in or green-channel request upgrades it (same number and issue time) instead of leaving
   * the person without priority.
   */
  private async reuse(tx: HallRepository, waiting: TicketRecord, req: Pick<IssueTicketRequest, 'citizen' | 'flags' | 'appointmentId'>,
    day: HallDay, category: QueueCategoryRecord): Promise<IssuedTicket> {
    const wanted = ticketPriority(req, day);
    if (priorityRank(wanted) > priorityRank(waiting.priority)) {
      const patch = { priority: wanted, appointmentId: req.appointmentId ?? waiting.appointmentId };
      await tx.updateTicket(waiting.id, patch);
      return { ticket: { ...waiting, ...patch }, reused: true, known: { category } };
    }
    return { ticket: waiting, reused: true, known: { category } };
  }

  /** Issues within the caller's transaction (the appointment check-in uses it). */
  async issueIn(tx: HallRepository, req: IssueTicketRequest): Promise<IssuedTicket> {
    const letter = String(req.category ?? '').toUpperCase();
    const category = await tx.getQueueCategory(letter);
    if (!category) throw unknownCategory(letter);
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
      if (waiting) return this.reuse(tx, waiting, req, day, category);
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
    if (seq > MAX_DAILY_TICKETS_PER_CATEGORY) throw categoryFull(letter);
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

  /**
   * `known`: what the caller read already (issueIn), so the view does not read it again; `repo`: where to read the
   * rest (a transaction's handle when made inside one).
   */
  async view(t: TicketRecord, reused: boolean, known: KnownOfTicket = {}, repo: HallRepository = this.store): Promise<TicketView> {
    // The reads at once (on PostgreSQL, pooled connections instead of round trips one after another).
    // `ahead` is counted by the database over the waiting queue's index, in calling order (store/ticketOrderSql.ts).
    const wait = await known.wait;
    const [category, ahead, durations, visit] = await Promise.all([
      known.category && known.category.letter === t.category ? known.category : repo.getQueueCategory(t.category),
      wait ? wait.ahead : t.status === 'waiting' ? repo.countWaitingAhead(t.id, this.clock.stamp()) : 0,
      wait ? wait.durations : repo.recentServiceDurations(t.category, SERVICE_TIME_SAMPLE),
      known.visitSteps?.length === 0 ? undefined : visitViewOf(repo, t, known.visitSteps),
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
function minutesFrom(durations: readonly number[], category: QueueCategoryRecord | undefined): number {
  const median = medianOf(durations);
  return median !== undefined ? median / 60_000 : category?.defaultServiceMinutes ?? 5;
}

function unknownCategory(letter: string): HallRuleError {
  return new HallRuleError('unknownCategory', `没有“${letter}”类业务，请在屏幕上重新选择`, `there is no queue category "${letter}"`);
}

function categoryFull(letter: string): HallRuleError {
  return new HallRuleError('categoryFull', '今日该类业务号码已发完，请咨询工作人员',
    `all ${MAX_DAILY_TICKETS_PER_CATEGORY} numbers of category ${letter} are issued today; please ask staff`);
}

/** A hall rule's refusal by `fn` as a value (null when it passed); any other error goes on. */
async function ruleRefusal(fn: () => Promise<void>): Promise<HallRuleError | null> {
  try {
    await fn();
    return null;
  } catch (err) {
    if (err instanceof HallRuleError) return err;
    throw err;
  }
}

/** An appointment outranks the green channel, which outranks none (the calling order of hall-rules.md). */
function priorityRank(p: TicketPriority | null): number {
  return p === 'appointment' ? 2 : p ? 1 : 0;
}

function ticketPriority(req: Pick<IssueTicketRequest, 'citizen' | 'flags' | 'appointmentId'>, day: HallDay): TicketPriority | null {
  if (req.appointmentId !== undefined) return 'appointment';
  if (req.citizen && isElderly(req.citizen.birthDate, day)) return 'elderly';
  if (req.flags?.disabled) return 'disabled';
  if (req.flags?.pregnant) return 'pregnant';
  return null;
}
