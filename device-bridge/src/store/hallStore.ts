/**
 * The hall's repository interface (hall-rules.md): the ONLY way the hall services (`../hall/`)
 * touch stored data. `SqliteHallStore` (hallSqlite.ts) is the embedded implementation,
 * `PostgresHallStore` (hallPostgres.ts) the shared one; both are held to one contract
 * (test/store/hallStore.contract.ts) and need no service changes, hence:
 *
 * - every data method returns a Promise (PostgreSQL is asynchronous; SQLite answers at once but keeps the shape);
 * - multi-step rules run inside `withTransaction(fn)`: `fn` gets a `HallRepository` bound to the transaction and
 *   must use only that handle until its promise settles (the SQLite store throws when the outer store is used from
 *   inside a transaction instead of deadlocking); a rejection rolls everything back;
 * - numbering is done atomically by the store (`nextCounterValue`), never read-then-write in a service;
 * - no SQL or row shapes leak out: records are plain objects with hall-local ISO days (`YYYY-MM-DD`), times of day
 *   `HH:MM` and instants as epoch milliseconds.
 *
 * Holder numbers are stored only where the function needs them (hall-rules.md "Privacy": tickets, appointments,
 * applications, certificates, no-show history); the print log holds the masked form only.
 */

import type { ResultCollectionMode } from '@onedoor/protocol';
import type { AccessAuditQuery, AccessAuditRecord, AccessAuditSlice, NewAccessAuditRecord } from './accessAuditRecords.ts';
import type { CatalogueLoadRecord, CodedDepartment, HallWindowRecord, LifeEventRecord, ServiceUseCounts } from './catalogueRecords.ts';
import type { DayClosingRecord, IntakeStateRecord, LimitRefusalCount, LimitRefusalKind } from './dayBoundaryRecords.ts';
import type { VisitStepFinish, VisitStepRecord } from './visitRecords.ts';
import type { PhoneHandoffTake, PhoneSessionRecord } from './phoneSessionRecords.ts';
import type { ResultCertificateType, ResultCollectionRepository } from './resultRecords.ts';
import type { CommitmentCheckResult, CommitmentRecord, IntakeDecision, IntakeField, IntakeRecord, IntakeState,
  NewCommitment } from './intakeRecords.ts';
import type { NewNotice, NoticeAttemptResult, NoticeRecord } from './noticeRecords.ts';

/** Hall-local calendar day, `YYYY-MM-DD`. */
export type HallDay = string;
/** Hall-local time of day, `HH:MM`. */
export type HallTimeOfDay = string;

export interface DepartmentRecord {
  id: number;
  /** The catalogue's key (catalogueRecords.ts); null for a department stored by name only (older seed). */
  code: string | null;
  name: string;
  /** Batch of the provincial plan (seed-data/departments.json), 1-3. */
  batch: number;
  batchDeadline: HallDay;
  sortOrder: number;
}

export type NewDepartment = Omit<DepartmentRecord, 'id' | 'code'>;

/** A queue category (取号类别): the letter on tickets and the name printed beside the number. */
export interface QueueCategoryRecord {
  letter: string;
  name: string;
  /** Service time assumed for the waiting estimate while the category has no history yet (minutes). */
  defaultServiceMinutes: number;
}

/** Per-step limits in working days (hall-rules.md: "a single step over its own limit is also yellow"). */
export interface StepLimits {
  accepted: number;
  review: number;
  decided: number;
}

/** A service item (事项). */
export interface ServiceItemRecord {
  /** Stable code, e.g. `GDSZJJ-0001`. */
  id: string;
  departmentId: number;
  name: string;
  /** Queue category letter (QueueCategoryRecord.letter). */
  category: string;
  /** Statutory time limit in working days (法定/承诺时限). */
  timeLimitDays: number;
  /** Default capacity of each 30-minute appointment slot. */
  slotCapacity: number;
  /** null: the services derive step limits from `timeLimitDays`. */
  stepLimits: StepLimits | null;
  /**
   * Citizens may apply for it at the kiosk (接件受理, migration 9); absent on items stored without it (read back
   * only when true, so older records compare equal).
   */
  selfApply?: boolean;
  /** The kiosk form (intakeRecords.ts IntakeField); absent unless `selfApply`. */
  formFields?: IntakeField[];
  /**
   * How the result is collected (migration 15, README "Collecting results (领取结果)"), in the order offered; absent on
   * items stored without it (read back only when not the default `['counter']`, so older records compare equal).
   */
  resultCollection?: ResultCollectionMode[];
  /** The certificate an electronic result issues; absent unless `resultCollection` has 'electronic'. */
  resultCertificate?: ResultCertificateType;
}

/** A required material (申请材料) of a service item. */
export interface MaterialRecord {
  id: number;
  serviceId: string;
  name: string;
  sortOrder: number;
  /**
   * Where the platform fetches it instead of asking the citizen (免提交), e.g. `电子证照库：居民身份证`; null when the
   * citizen must bring it.
   */
  fetchedFrom: string | null;
  /** A written commitment (告知承诺) may replace the proof. */
  commitmentAllowed: boolean;
  /** The commitment text shown, read aloud and signed at the kiosk, and its version; absent when none is set. */
  commitmentText?: string;
  commitmentVersion?: string;
}

export type NewMaterial = Omit<MaterialRecord, 'id' | 'serviceId' | 'sortOrder'>;

/** A holiday table row (hall-rules.md "Working days"): `holiday` closes a weekday, `workday` opens a weekend (调休). */
export interface CalendarDayRecord {
  day: HallDay;
  kind: 'holiday' | 'workday';
  name: string;
}

export interface SlotRecord {
  id: number;
  serviceId: string;
  day: HallDay;
  start: HallTimeOfDay;
  minutes: number;
  capacity: number;
  /** Active bookings (booked or checked in). */
  booked: number;
}

export type NewSlot = Omit<SlotRecord, 'id' | 'booked'>;

/**
 * booked -> checkedIn (priority ticket) | late (arrived after the window: walk-in ticket) | canceled | noShow.
 */
export type AppointmentStatus = 'booked' | 'checkedIn' | 'late' | 'canceled' | 'noShow';

export interface AppointmentRecord {
  id: number;
  slotId: number;
  serviceId: string;
  day: HallDay;
  start: HallTimeOfDay;
  holderNumber: string;
  status: AppointmentStatus;
  createdAt: number;
  updatedAt: number;
  ticketId: number | null;
}

export type NewAppointment = Pick<AppointmentRecord, 'slotId' | 'holderNumber'> & { createdAt: number };

export type TicketStatus = 'waiting' | 'called' | 'serving' | 'done' | 'noShow' | 'canceled';
/** Why a ticket goes before ordinary ones (hall-rules.md "Calling order"). */
export type TicketPriority = 'appointment' | 'elderly' | 'disabled' | 'pregnant';

export interface TicketRecord {
  id: number;
  day: HallDay;
  category: string;
  seq: number;
  /** Letter + 3-digit daily sequence, e.g. A012. */
  number: string;
  /** null for a ticket taken without a card. */
  holderNumber: string | null;
  priority: TicketPriority | null;
  status: TicketStatus;
  issuedAt: number;
  calledAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  appointmentId: number | null;
  /**
   * Why the hall closed the ticket at the day's closing time (migration 17; dayBoundaryRecords.ts): `closedAtClosing`
   * (closed with a notice) or `carriedOver:<day> <number>` (kept for that day under that number). Absent otherwise.
   */
  closedReason?: string;
}

export type NewTicket = Omit<TicketRecord, 'id' | 'calledAt' | 'startedAt' | 'finishedAt' | 'status' | 'closedReason'>;
/** `priority` and `appointmentId` change only when a waiting ticket is upgraded (appointment check-in). */
export interface TicketFilter {
  category?: string;
  status?: TicketStatus;
  holderNumber?: string;
}

/**
 * readBeforeWalkIns' answer, per category asked (in that order): `waiting[j]`, how many tickets of the day wait in it
 * (a new walk-in has each of them ahead of it: every one was issued before it, hall-rules.md "Calling order"), and
 * `durations[j]`, recentServiceDurations; and `ids`, as many ticket ids as asked, taken from the tickets' own
 * sequence (outside the transaction: an id not used stays unused, as an id of a transaction rolled back does).
 */
export interface WalkInsReads {
  waiting: number[];
  durations: number[][];
  ids: number[];
}

/** waitsOfTickets' answer: `ahead[i]` of the i-th ticket asked, `durations[j]` of the j-th category (newest first). */
export interface TicketWaits {
  ahead: number[];
  durations: number[][];
}

export type TicketPatch = Partial<Pick<TicketRecord, 'status' | 'calledAt' | 'startedAt' | 'finishedAt' | 'priority' | 'appointmentId'>>;

/** 受理 accepted -> 审查 review -> 决定 decided -> 办结 done; or 退回 returned / 不予受理 rejected (with a reason). */
export type ApplicationStatus = 'accepted' | 'review' | 'decided' | 'done' | 'returned' | 'rejected';

export interface ApplicationRecord {
  /** 申办流水号. */
  serial: string;
  serviceId: string;
  applicantNumber: string;
  status: ApplicationStatus;
  acceptedAt: number;
  acceptedDay: HallDay;
  /** Decision text once decided, or the reason of a return / rejection. */
  result: string | null;
  /** Materials replaced by a written commitment (告知承诺) the citizen confirmed. */
  commitments: string[];
  updatedAt: number;
}

export interface ApplicationEventRecord {
  id: number;
  serial: string;
  status: ApplicationStatus;
  at: number;
  day: HallDay;
  note: string | null;
}

export interface CertificateRecord {
  /** GB/T 36904 identifier with its MOD 37,36 check character. */
  identifier: string;
  typeName: string;
  issuerName: string;
  holderNumber: string;
  holderName: string;
  issuedOn: HallDay;
  /** null: valid without limit. */
  expiresOn: HallDay | null;
  revokedAt: number | null;
  revokeReason: string | null;
}

export type PrintLogKind = 'queueTicket' | 'appointmentSlip' | 'certificateCopy' | 'progressSlip';

export interface PrintLogRecord {
  id: number;
  at: number;
  kind: PrintLogKind;
  /** What was printed: ticket number, appointment id, certificate identifier, application serial. */
  ref: string;
  /** Masked holder number only (hall-rules.md "Privacy"). */
  maskedNumber: string;
  /** Non-personal detail, e.g. the copy's expiry. */
  detail: string | null;
}

export interface NoShowRecord {
  id: number;
  holderNumber: string;
  day: HallDay;
  appointmentId: number | null;
}

/**
 * A service window's persisted state (README "For the hall: counter terminals and the hall
 * display"): its current ticket (called or serving), how many times that ticket was recalled,
 * paused or not, and the finished ticket whose rating the pad is waiting for.
 */
export interface CounterWindowRecord {
  window: number;
  ticketId: number | null;
  recalls: number;
  paused: boolean;
  ratingTicketId: number | null;
  updatedAt: number;
}

/** One call of a ticket to a window (first call or a recall), as the hall display announces it. */
export interface CounterCallRecord {
  callId: string;
  ticketId: number;
  number: string;
  window: number;
  /** `请A012号到3号窗口办理` (hall-rules.md "Voice and screen call text"). */
  text: string;
  /** 0 for the first call, 1..3 for recalls. */
  recall: number;
  at: number;
  day: HallDay;
  /** Why this ticket was called now (the calling rule that chose it; README "Running the hall floor"). */
  reason: string | null;
}

/**
 * A ticket put on hold (migration 10): its holder stepped away; until `untilAt` it can be brought back to the
 * queue keeping its place (issue time), after that it stays a no-show. `releasedAt`: when it was brought back.
 */
export interface TicketHoldRecord {
  ticketId: number;
  window: number;
  heldAt: number;
  untilAt: number;
  releasedAt: number | null;
}

/** A terminal event the counter workflow has applied (so a replay of it is not applied again). */
export interface AppliedCounterEventRecord {
  eventId: string;
  window: number;
  key: string;
  /** What applying it did, e.g. `called A012`, `refused: recall limit`. */
  outcome: string;
  appliedAt: number;
}

/**
 * A linked kiosk's request the hall applied, with its answer (README "Several kiosks, one hall").
 */
export interface KioskRequestRecord {
  kioskId: string;
  requestId: string;
  op: string;
  /** The answer as JSON (masked views only). */
  answer: string;
  appliedAt: number;
}

/** A citizen's 好差评 rating of a finished ticket (1 非常满意 .. 5 非常不满意). */
export interface TicketRatingRecord {
  ticketId: number;
  window: number;
  rating: number;
  at: number;
  day: HallDay;
}

/** A bad review (不满意, 非常不满意) to follow up within 15 working days (hall-rules.md "Ratings"). */
export interface RatingFollowUpRecord {
  id: number;
  ticketId: number;
  window: number;
  rating: number;
  openedAt: number;
  openedDay: HallDay;
  deadlineDay: HallDay;
  closedAt: number | null;
  note: string | null;
}

export interface TicketTransferRecord {
  ticketId: number;
  fromCategory: string;
  toCategory: string;
  window: number;
  at: number;
}

/**
 * The `count` of `takeNumber`, checked: a whole number from 1 to 999 (a category's numbers end at 999 a day,
 * hall-rules.md "A001"), so the stores may write it into their statements.
 */
export function numbersWanted(count: number): number {
  if (!Number.isInteger(count) || count < 1 || count > 999) throw new RangeError(`takeNumber: count ${count} is not a whole number from 1 to 999`);
  return count;
}

/** What `takeNumbers` is asked, checked: each count as `numbersWanted`, each counter named once. */
export function numbersWantedOf(wanted: ReadonlyArray<readonly [name: string, count: number]>): Array<[string, number]> {
  const names = new Set<string>();
  return wanted.map(([name, count]) => {
    if (names.has(name)) throw new RangeError(`takeNumbers: counter ${name} asked twice`);
    names.add(name);
    return [name, numbersWanted(count)];
  });
}

/** Every data operation; what a transaction handle offers too. */
export interface HallRepository extends ResultCollectionRepository {
  // departments, categories, service items, materials (guidance data)
  /** Inserts or updates by name; returns the departments as stored. */
  upsertDepartments(list: NewDepartment[]): Promise<DepartmentRecord[]>;
  listDepartments(): Promise<DepartmentRecord[]>;
  upsertQueueCategory(c: QueueCategoryRecord): Promise<void>;
  listQueueCategories(): Promise<QueueCategoryRecord[]>;
  getQueueCategory(letter: string): Promise<QueueCategoryRecord | undefined>;
  /** Inserts or replaces a service item and its materials (in the order given). */
  upsertServiceItem(item: ServiceItemRecord, materials: NewMaterial[]): Promise<void>;
  getServiceItem(id: string): Promise<ServiceItemRecord | undefined>;
  /** All items, or those of one department, in code order. */
  listServiceItems(departmentId?: number): Promise<ServiceItemRecord[]>;
  listMaterials(serviceId: string): Promise<MaterialRecord[]>;

  // working-day calendar
  setCalendarDay(day: CalendarDayRecord): Promise<void>;
  listCalendarDays(): Promise<CalendarDayRecord[]>;

  // numbering
  /** Atomically increments the named counter (created at 0) and returns the new value: 1, 2, 3... */
  nextCounterValue(name: string): Promise<number>;
  /**
   * `nextCounterValue` committed at once on its own, even when called inside a transaction: it does not roll back
   * with it, and the counter is not held for the rest of the transaction, so many callers at once (tickets of one
   * category) do not queue behind each other's commits. A number taken and then not used is a gap in the sequence,
   * never a number given twice, whatever crashes happen (hall-rules.md "Queue"). SQLite, with one writer, takes it in
   * the transaction. `count` (default 1, at most 999): that many consecutive numbers at once (a group of tickets of one
   * category, hall/queue.ts); the first is returned.
   */
  takeNumber(name: string, count?: number): Promise<number>;
  /**
   * `takeNumber` of several counters at once (each named once): the first number of each, in the order asked. A group
   * of tickets of several categories (hall/queue.ts) takes its numbers in one step: on PostgreSQL one statement, the
   * counters locked in name order, so two takers of the same counters never wait for each other in a circle.
   */
  takeNumbers(wanted: ReadonlyArray<readonly [name: string, count: number]>): Promise<number[]>;

  // appointment slots and appointments
  /** Creates the slots that do not exist yet (service + day + start is unique); existing ones are left alone. */
  ensureSlots(slots: NewSlot[]): Promise<void>;
  listSlots(serviceId: string, day: HallDay): Promise<SlotRecord[]>;
  getSlot(id: number): Promise<SlotRecord | undefined>;
  insertAppointment(a: NewAppointment): Promise<AppointmentRecord>;
  getAppointment(id: number): Promise<AppointmentRecord | undefined>;
  /** The holder's appointments on or after `fromDay`, by day and start. */
  listAppointmentsOfHolder(holderNumber: string, fromDay: HallDay): Promise<AppointmentRecord[]>;
  /** The holder's booked or checked-in appointment for the service on the day, if any. */
  findActiveAppointment(holderNumber: string, serviceId: string, day: HallDay): Promise<AppointmentRecord | undefined>;
  /** Appointments still `booked` on days before `day` (candidates for no-show marking). */
  listBookedBefore(day: HallDay): Promise<AppointmentRecord[]>;
  updateAppointment(id: number, patch: { status: AppointmentStatus; ticketId?: number | null; updatedAt: number }): Promise<void>;
  addNoShow(n: Omit<NoShowRecord, 'id'>): Promise<void>;
  listNoShows(holderNumber: string, sinceDay: HallDay): Promise<NoShowRecord[]>;

  // tickets
  insertTicket(t: NewTicket): Promise<TicketRecord>;
  /** Several tickets in one statement (a group issued together, hall/queue.ts); the records in the order given. */
  insertTickets(ts: readonly NewTicket[]): Promise<TicketRecord[]>;
  getTicket(id: number): Promise<TicketRecord | undefined>;
  findWaitingTicket(day: HallDay, category: string, holderNumber: string): Promise<TicketRecord | undefined>;
  /** Tickets of a day, optionally of one category and/or status, by issue order. */
  /** The day's tickets in issue order; `holderNumber`: one person's only (index `tickets_holder`, not the day read whole). */
  listTickets(day: HallDay, filter?: TicketFilter): Promise<TicketRecord[]>;
  /** Every ticket of the day of any of these people, in issue order (index `tickets_holder`): one read for a group. */
  listTicketsOfHolders(day: HallDay, holderNumbers: readonly string[]): Promise<TicketRecord[]>;
  updateTicket(id: number, patch: TicketPatch): Promise<void>;
  /** Service durations (finish - start, ms) of the category's latest finished tickets, newest first. */
  recentServiceDurations(category: string, limit: number): Promise<number[]>;
  /**
   * How many waiting tickets of its day and category are called before this one (hall-rules.md "Calling order";
   * store/ticketOrderSql.ts); 0 for a ticket not waiting. `hallNow`: hall-local `YYYY-MM-DD HH:MM`.
   */
  countWaitingAhead(ticketId: number, hallNow: string): Promise<number>;
  /**
   * countWaitingAhead of each ticket (named by its number of `day`, 0 for none) and recentServiceDurations of each
   * category, in the orders given, in one read where the store can (PostgreSQL: one statement): the wait of a group
   * of walk-ins, read in the group's transaction in the round trip of their insert (hall/queue.ts), before their ids
   * are known.
   */
  waitsOfTickets(day: HallDay, numbers: readonly string[], hallNow: string, categories: readonly string[], limit: number): Promise<TicketWaits>;
  /**
   * Where a round trip costs more than a statement (PostgreSQL, on a transaction's handle; absent elsewhere): what the
   * answers of a group of new walk-ins need, read with the group's first reads, before their numbers are taken, so
   * that their insert can go with the COMMIT (insertTicketsAtCommit) instead of in a round trip of its own. See
   * WalkInsReads.
   */
  readBeforeWalkIns?(day: HallDay, categories: readonly string[], count: number, limit: number): Promise<WalkInsReads>;
  /**
   * insertTickets with the ids given (WalkInsReads.ids), sent with the COMMIT (as atCommit): if the insert fails,
   * nothing is committed. Resolves once committed.
   */
  insertTicketsAtCommit?(ts: readonly NewTicket[], ids: readonly number[]): Promise<void>;
  /**
   * `f`'s statements sent with the transaction's COMMIT, in its round trip, and answered once it is committed
   * (PostgreSQL, on a transaction's handle; one that `f` waits for goes a turn later, on its own). If one fails,
   * nothing is committed. `f` asks for its statements before waiting for any answer: on PostgreSQL one asked once
   * the transaction's function has ended and the COMMIT gone is refused (rejects), as is every one when the
   * transaction fails. Elsewhere `f(this)`: statements as any other.
   */
  atCommit<T>(f: (repo: HallRepository) => Promise<T>): Promise<T>;
  /** The first waiting ticket of the day in calling order among `categories` (empty: all). */
  nextWaitingTicket(day: HallDay, categories: readonly string[], hallNow: string): Promise<TicketRecord | undefined>;
  /**
   * The waiting tickets of a category that a calling rule can call next: every appointment ticket, the earliest other
   * one with a priority and the earliest walk-in (store/ticketOrderSql.ts callCandidatesSql), in issue order.
   */
  listCallCandidates(day: HallDay, category: string): Promise<TicketRecord[]>;
  /** Tickets now of `category` first called today (recalls left out), newest call first, at most `limit`. */
  listCalledOfCategory(day: HallDay, category: string, limit: number): Promise<Array<Pick<TicketRecord, 'id' | 'priority'>>>;

  // applications
  insertApplication(a: ApplicationRecord): Promise<void>;
  getApplication(serial: string): Promise<ApplicationRecord | undefined>;
  listApplicationsOfApplicant(applicantNumber: string): Promise<ApplicationRecord[]>;
  updateApplication(serial: string, patch: { status: ApplicationStatus; result: string | null; updatedAt: number }): Promise<void>;
  addApplicationEvent(e: Omit<ApplicationEventRecord, 'id'>): Promise<void>;
  listApplicationEvents(serial: string): Promise<ApplicationEventRecord[]>;

  // certificates
  insertCertificate(c: CertificateRecord): Promise<void>;
  getCertificate(identifier: string): Promise<CertificateRecord | undefined>;
  listCertificatesOfHolder(holderNumber: string): Promise<CertificateRecord[]>;
  revokeCertificate(identifier: string, at: number, reason: string): Promise<void>;

  // print log (masked numbers only)
  addPrintLog(entry: Omit<PrintLogRecord, 'id'>): Promise<PrintLogRecord>;
  listPrintLog(limit: number): Promise<PrintLogRecord[]>;

  // counter workflow: windows, calls, applied terminal events, ratings, follow-ups, transfers
  getCounterWindow(window: number): Promise<CounterWindowRecord | undefined>;
  listCounterWindows(): Promise<CounterWindowRecord[]>;
  /** Inserts or replaces the window's state. */
  saveCounterWindow(w: CounterWindowRecord): Promise<void>;
  getAppliedCounterEvent(eventId: string): Promise<AppliedCounterEventRecord | undefined>;
  /** Records an applied event; throws when the id was recorded before (apply inside the same transaction). */
  addAppliedCounterEvent(e: AppliedCounterEventRecord): Promise<void>;
  addCounterCall(c: CounterCallRecord): Promise<void>;
  /** The day's calls, newest first. */
  listCounterCalls(day: HallDay, limit: number): Promise<CounterCallRecord[]>;
  /** false when the ticket was rated before (one rating per ticket: the first stays). */
  addTicketRating(r: TicketRatingRecord): Promise<boolean>;
  getTicketRating(ticketId: number): Promise<TicketRatingRecord | undefined>;
  addRatingFollowUp(f: Omit<RatingFollowUpRecord, 'id' | 'closedAt' | 'note'>): Promise<RatingFollowUpRecord>;
  /** Follow-ups by deadline; `openOnly` leaves out the closed ones. */
  listRatingFollowUps(filter?: { openOnly?: boolean }): Promise<RatingFollowUpRecord[]>;
  /**
   * Moves a ticket to another category as a waiting ticket, keeping its number and issue time; records the move. A
   * ticket of several services moves its current step (visitRecords.ts).
   */
  transferTicket(t: TicketTransferRecord): Promise<void>;
  listTicketTransfers(ticketId: number): Promise<TicketTransferRecord[]>;
  /** Puts a ticket in the hold pool (one hold per ticket: a second one replaces the first). */
  addTicketHold(h: TicketHoldRecord): Promise<void>;
  getTicketHold(ticketId: number): Promise<TicketHoldRecord | undefined>;
  /** Holds not brought back whose time has not run out at `at`, oldest first. */
  listOpenTicketHolds(at: number): Promise<TicketHoldRecord[]>;
  /** Marks the hold brought back; false when it was released before. */
  releaseTicketHold(ticketId: number, at: number): Promise<boolean>;

  // visits: several services on one ticket (migration 16, visitRecords.ts)
  /**
   * Gives a waiting ticket its visit steps, in order (the first is the ticket's category now); throws when it has
   * steps already.
   */
  addVisitSteps(ticketId: number, categories: readonly string[]): Promise<VisitStepRecord[]>;
  /** The ticket's steps by position; empty for a ticket of one service. */
  listVisitSteps(ticketId: number): Promise<VisitStepRecord[]>;
  /** The steps of every ticket of a day, by ticket and position (the dashboard's per-window figures). */
  listVisitStepsOfDay(day: HallDay): Promise<VisitStepRecord[]>;
  /**
   * Finishes the ticket's current step at a window. When a step follows, the ticket moves to that step's category as
   * a waiting ticket keeping its number, priority and issue time, and the step is returned; null when the ticket had
   * no steps, or this was its last (the caller closes the ticket). `endVisit`: every later step is skipped (null).
   */
  finishVisitStep(f: VisitStepFinish): Promise<VisitStepRecord | null>;

  // manager dashboard (README "For managers: the dashboard"): a day's figures
  /** Every appointment of a day, whatever its status, by start. */
  listAppointmentsOfDay(day: HallDay): Promise<AppointmentRecord[]>;
  /** Ratings given on a day. */
  listTicketRatingsOfDay(day: HallDay): Promise<TicketRatingRecord[]>;
  /** Applications not yet closed (not done, returned or rejected), oldest first: the time-limit board. */
  listOpenApplications(): Promise<ApplicationRecord[]>;

  // linked kiosks (README "Several kiosks, one hall"): applied requests, so a resend is answered,
  // not applied again
  getKioskRequest(kioskId: string, requestId: string): Promise<KioskRequestRecord | undefined>;
  /** Records an applied request; a second record of the same (kiosk, requestId) keeps the first. */
  addKioskRequest(r: KioskRequestRecord): Promise<void>;
  /** How many requests of a kiosk were recorded (health pages and tests). */
  countKioskRequests(kioskId: string): Promise<number>;

  // access audit (migration 6): append and read only; the append masks (accessAuditRecords.ts auditSafeEntry)
  appendAccessAudit(e: NewAccessAuditRecord): Promise<AccessAuditRecord>;
  queryAccessAudit(q: AccessAuditQuery): Promise<AccessAuditSlice>;

  // catalogue (migration 7, catalogueRecords.ts): loads upsert by code and delete nothing
  /**
   * Inserts or updates the department with this code; a department stored by name only (no code yet) with the same
   * name is adopted (given the code). Returns it as stored.
   */
  upsertDepartmentByCode(d: CodedDepartment): Promise<DepartmentRecord>;
  /** Service windows by number. */
  listHallWindows(): Promise<HallWindowRecord[]>;
  /** Inserts or replaces the window with this number. */
  upsertHallWindow(w: HallWindowRecord): Promise<void>;
  addCatalogueLoad(r: Omit<CatalogueLoadRecord, 'id'>): Promise<CatalogueLoadRecord>;
  /** Newest first. */
  listCatalogueLoads(limit: number): Promise<CatalogueLoadRecord[]>;

  // finding a service (migration 13, catalogueRecords.ts): life events from the catalogue, the hall's own counts
  /** Life events by sortOrder, then code. */
  listLifeEvents(): Promise<LifeEventRecord[]>;
  /** Inserts or replaces the life event with this code. */
  upsertLifeEvent(e: LifeEventRecord): Promise<void>;
  /** Use per service item and per queue category on days >= `sinceDay` (README "Finding a service"). */
  serviceUseSince(sinceDay: HallDay): Promise<ServiceUseCounts>;

  // kiosk intake (migration 9, intakeRecords.ts): pre-review applications, commitments, post-hoc checks
  /** The application a kiosk submitted with this requestId, if any (a resend answers it, not a second one). */
  findIntakeByRequest(kioskId: string, requestId: string): Promise<IntakeRecord | undefined>;
  /** Throws when (kiosk, requestId) or the serial was stored before (check with findIntakeByRequest first). */
  insertIntake(a: IntakeRecord): Promise<void>;
  getIntake(serial: string): Promise<IntakeRecord | undefined>;
  /** Oldest first; by state and/or applicant. */
  listIntakes(filter?: { state?: IntakeState; applicantNumber?: string }): Promise<IntakeRecord[]>;
  /** Decides a pending application; false (nothing changed) when it is not pending any more. */
  decideIntake(serial: string, d: IntakeDecision): Promise<boolean>;
  addCommitment(c: NewCommitment): Promise<CommitmentRecord>;
  /** By due day; of one application, and/or open ones only. */
  listCommitments(filter?: { serial?: string; openOnly?: boolean }): Promise<CommitmentRecord[]>;
  /** Records an open check's outcome; false (nothing changed) when it was checked before or does not exist. */
  recordCommitmentCheck(id: number, r: CommitmentCheckResult): Promise<boolean>;
  /** How many of the applicant's commitments were found false. */
  countFalseCommitments(applicantNumber: string): Promise<number>;

  // result notices (migration 14, noticeRecords.ts): the transactional outbox
  /** Queues a notice (pending, due at once); one per idempotency key: a second add returns the first row unchanged. */
  addNotice(n: NewNotice): Promise<NoticeRecord>;
  /**
   * Claims up to `limit` pending notices due at `at`, oldest first: each gets one more attempt and is not due again
   * before `at + leaseMs` (so two dispatchers never take the same row at once; a crashed one's rows come back).
   */
  claimNotices(at: number, leaseMs: number, limit: number): Promise<NoticeRecord[]>;
  /** Records an attempt's result on a pending notice; false (nothing changed) when it is not pending any more. */
  finishNoticeAttempt(id: number, r: NoticeAttemptResult): Promise<boolean>;
  /** By id (oldest first): of one holder and/or application, unread ones only. */
  listNotices(filter?: { holderNumber?: string; serial?: string; unreadOnly?: boolean }): Promise<NoticeRecord[]>;
  /** Marks the holder's notices among `ids` read at `at` (others' ids are left alone); returns how many changed. */
  markNoticesRead(holderNumber: string, ids: readonly number[], at: number): Promise<number>;
  // day boundaries and abuse limits (migration 17, dayBoundaryRecords.ts)
  /** Adds one refusal of `kind` to the day's count (an atomic increment: instances count together). */
  countLimitRefusal(day: HallDay, kind: LimitRefusalKind): Promise<void>;
  /** The day's refusal counts, by kind (kinds never refused that day are absent). */
  listLimitRefusals(day: HallDay): Promise<LimitRefusalCount[]>;
  /** The hall's intake state as last set; undefined: never set (open). */
  getIntakeState(): Promise<IntakeStateRecord | undefined>;
  /** Inserts or replaces the hall's intake state. */
  saveIntakeState(s: IntakeStateRecord): Promise<void>;
  /** Claims the day's closing run; false when it was claimed before (by this or another instance). */
  claimDayClosing(c: DayClosingRecord): Promise<boolean>;
  getDayClosing(day: HallDay): Promise<DayClosingRecord | undefined>;
  /** Cancels a waiting ticket at closing time with its reason; false when it was not waiting any more. */
  closeTicketAtClosing(id: number, reason: string, at: number): Promise<boolean>;
  // phone sessions (migration 18, phoneSessionRecords.ts): hand-offs and phone sessions by token hash
  addPhoneSession(r: PhoneSessionRecord): Promise<void>;
  /**
   * Takes an unused, unexpired hand-off once (atomic: of two takes at once on any instances, one wins): marks it used
   * and wipes its holder; answers the record as it was, or why not.
   */
  takePhoneHandoff(tokenHash: string, now: number): Promise<PhoneHandoffTake>;
  /** The live session with this hash, its expiry slid to `expiresAt` (never shortened); undefined when none is live. */
  touchPhoneSession(tokenHash: string, now: number, expiresAt: number): Promise<PhoneSessionRecord | undefined>;
  /** Deletes the row with this hash (logout); false when there was none. */
  deletePhoneSession(tokenHash: string): Promise<boolean>;
  /** Deletes the unused hand-offs that came from `origin` (the kiosk session ended first); how many. */
  deletePhoneHandoffsOf(origin: string): Promise<number>;
  /** Deletes every row expired at `now` (their holder with them); how many. */
  purgePhoneSessions(now: number): Promise<number>;
}

/** A point in time for retention: the hall-local day and the epoch ms (rows dated by day or by instant). */
export interface RetentionCutoff {
  day: HallDay;
  at: number;
}

/**
 * What the retention policy removes (hall/retention.ts computes the cut-offs from the config; README "Security",
 * retention defaults). Rows dated before a cut-off are masked (the holder number keeps only its masked form,
 * hall-rules.md "Privacy") or deleted. Masking is idempotent: a masked number is not masked again.
 */
import type { DistrictHallRow } from './districtFigures.ts';

export interface HallRetentionCutoffs {
  /** Tickets of days before this keep the masked holder number only. */
  maskTickets: RetentionCutoff;
  /** Tickets of days before this are deleted, with their calls, ratings, follow-ups and transfers. */
  deleteTickets: RetentionCutoff;
  /** Appointments of days before this keep the masked holder number only. */
  maskAppointments: RetentionCutoff;
  /** Appointments of days before this are deleted (and no-shows pointing at them). */
  deleteAppointments: RetentionCutoff;
  /** No-show history of days before this is deleted (the lockout rule looks back 30 days). */
  deleteNoShows: RetentionCutoff;
  /**
   * Closed applications (done, returned, rejected) last changed before this keep the masked applicant number only;
   * kiosk applications decided before it (and closed) lose their form data too, and result notices queued before it
   * are deleted (told long ago; they hold the holder number and phone).
   */
  maskClosedApplications: RetentionCutoff;
  /** Certificates that expired or were revoked before this keep the masked holder number, and no holder name. */
  maskEndedCertificates: RetentionCutoff;
  /** Answers of linked kiosks' requests applied before this are deleted. */
  deleteKioskRequests: RetentionCutoff;
  /** Access audit rows recorded before this are deleted (the only way rows leave the append-only audit). */
  deleteAccessAudit: RetentionCutoff;
}

export interface HallRetentionResult {
  ticketsMasked: number;
  ticketsDeleted: number;
  appointmentsMasked: number;
  appointmentsDeleted: number;
  noShowsDeleted: number;
  applicationsMasked: number;
  /** Kiosk applications whose form data was erased and applicant number masked (with the closed application). */
  intakeFormsErased: number;
  certificatesMasked: number;
  /** Result collections of closed applications whose post address and phone were erased (and number masked). */
  resultAddressesErased: number;
  kioskRequestsDeleted: number;
  accessAuditDeleted: number;
  /** Result notices (with their holder number) deleted with the closed applications' masking (migration 14). */
  noticesDeleted: number;
}

export interface HallStore extends HallRepository {
  /**
   * The hall this store is bound to (config site.hallId; hallScope.ts): every repository method reads and writes
   * only its rows. Tables added later carry `hall_id` and filter on this value.
   */
  readonly hallId: string;
  /**
   * How long, at most, a group of requests served together (hall/queue.ts: walk-in tickets) waits after a group of
   * several for the callers it answered to ask again, ms (statementBatches.ts `lingerMs`): worth it where a group's
   * transaction costs round trips to a server whatever its size, not where it is a call into the process.
   */
  readonly groupLingerMs: number;
  /**
   * Figures of every hall in the database for `day` (the district manager's read-only view); the one read that
   * crosses halls.
   */
  districtHalls(day: HallDay): Promise<DistrictHallRow[]>;
  /**
   * Runs `fn` in one transaction: all of it or none of it is stored. Use only `tx` inside `fn`. Transactions do
   * not nest; the result is `fn`'s.
   */
  withTransaction<T>(fn: (tx: HallRepository) => Promise<T>): Promise<T>;
  /**
   * `withTransaction` for a rule about one person only (taking a ticket: one waiting ticket per person and category,
   * the person's limits, a number from `nextCounterValue`): it runs one at a time with this person's other
   * transactions and with every `withTransaction`, but beside other people's, so kiosks issuing tickets to different
   * people do not wait for each other (README "Many instances"). `person`: the holder number, null for a ticket
   * without a holder (no rule of a person to keep), or several holder numbers (a group of tickets issued together,
   * hall/queue.ts: it runs one at a time with each one's other transactions). The transaction begins with `fn`'s
   * first statement: `fn` is called at once, and on PostgreSQL BEGIN and the locks go in the round trip of the
   * statements it asks in its first turn, so nothing `fn` does before its first statement is covered by them. On
   * SQLite, where one writer holds the file, it is `withTransaction`.
   */
  withPersonTransaction<T>(person: string | null | readonly string[], fn: (tx: HallRepository) => Promise<T>): Promise<T>;
  /** The schema version the store runs at (for health pages and tests). */
  schemaVersion(): Promise<number>;
  /**
   * A cheap read of the database itself (not of a cached value): rejects when the database cannot answer. The
   * health watches call it on an interval (hallDbWatch.ts for the SQLite file, hallServerWatch.ts for PostgreSQL).
   */
  checkReadable(): Promise<void>;
  /** Applies the retention policy's cut-offs in one transaction; returns what changed. */
  applyRetention(cutoffs: HallRetentionCutoffs): Promise<HallRetentionResult>;
  close(): Promise<void>;
}
