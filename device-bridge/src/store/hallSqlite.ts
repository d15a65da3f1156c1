/**
 * `HallStore` on SQLite (better-sqlite3 12): one file, WAL journal, `synchronous = FULL` (an issued ticket number
 * survives a power cut, so it is never issued again: hall-rules.md "never issued twice in a day, whatever crashes
 * or restarts happen"), `foreign_keys = ON`, versioned migrations (hallMigrations.ts).
 *
 * A store is bound to one hall (`hallId`, config site.hallId): every statement names that hall's rows (README
 * "Running a district", "Many halls, one database"); `districtHalls` is the one read across halls.
 *
 * better-sqlite3 is synchronous; the store keeps the Promise interface the PostgreSQL backend will need. All
 * operations go through one queue, so a transaction (`BEGIN IMMEDIATE` ... `COMMIT`, which may await between its
 * steps) never interleaves with another caller's statements on the shared connection. Calling the outer store from
 * inside `withTransaction` would wait for itself; it throws a clear error instead.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import Database, { type Statement } from 'better-sqlite3';
import { maskIdNumber } from '@onedoor/protocol';
import { applyHallMigrations, HALL_MIGRATIONS } from './hallMigrations.ts';
import { districtFiguresSql, districtRowFrom, type DistrictHallRow } from './districtFigures.ts';
import { checkHallId, DEFAULT_HALL_ID } from './hallScope.ts';
import { createPrivateFile, restrictFileMode, SQLITE_SIDE_FILES } from './fileModes.ts';
import { retentionSql } from './hallRetentionSql.ts';
import type {
  AppointmentRecord, AppointmentStatus, ApplicationEventRecord, ApplicationRecord, ApplicationStatus,
  CalendarDayRecord, CertificateRecord, DepartmentRecord, HallDay, HallRepository, HallStore, MaterialRecord,
  NewAppointment, NewDepartment, NewMaterial, NewSlot, NewTicket, NoShowRecord, PrintLogRecord, QueueCategoryRecord,
  ServiceItemRecord, SlotRecord, TicketFilter, TicketPatch, TicketRecord, TicketStatus,
} from './hallStore.ts';
import type {
  AppliedCounterEventRecord, CounterCallRecord, CounterWindowRecord, RatingFollowUpRecord, TicketHoldRecord, TicketRatingRecord,
  TicketTransferRecord,
} from './hallStore.ts';
import type { HallRetentionCutoffs, HallRetentionResult, KioskRequestRecord, TicketWaits } from './hallStore.ts';
import { numbersWanted, numbersWantedOf } from './hallStore.ts';
import { dayClosingFromRow, intakeStateFromRow, limitRefusalFromRow, type DayClosingRecord, type IntakeStateRecord, type LimitRefusalCount,
  type LimitRefusalKind } from './dayBoundaryRecords.ts';
import { callCandidatesSql, calledOfCategorySql, nextWaitingSql, waitingAheadSql } from './ticketOrderSql.ts';
import { serviceDurationsSql, visitStepsFromRows, visitStepsOfTickets, type VisitStepFinish, type VisitStepRecord } from './visitRecords.ts';
import { auditSafeEntry, type AccessAuditQuery, type AccessAuditRecord, type AccessAuditSlice, type NewAccessAuditRecord } from './accessAuditRecords.ts';
import type { CatalogueLoadRecord, CodedDepartment, HallWindowRecord, LifeEventRecord, ServiceUseCounts } from './catalogueRecords.ts';
import { handoffRefusalOf, holderColumns, phoneSessionFromRow, type PhoneHandoffTake, type PhoneSessionRecord } from './phoneSessionRecords.ts';
import type { ResultCollectionMode, ResultCollectionState } from '@onedoor/protocol';
import type { ResultCertificateType, ResultCollectionPatch, ResultCollectionRecord } from './resultRecords.ts';
import type { CommitmentCheckResult, CommitmentCheckState, CommitmentRecord, IntakeDecision, IntakeField, IntakeMaterialOutcome,
  IntakeRecord, IntakeState, NewCommitment } from './intakeRecords.ts';
import type { NewNotice, NoticeAttemptResult, NoticeDelivery, NoticeOutcome, NoticeRecord } from './noticeRecords.ts';

/** The synchronous twin of an async interface (what the SQLite repository implements). */
type Synchronous<T> = { [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never };

// Row -> record mappers, shared with the PostgreSQL store (hallPostgres.ts): one data model, two engines.
export type Row = Record<string, unknown>;

export const bool = (v: unknown): boolean => v === 1 || v === true;
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function ticketFromRow(r: Row): TicketRecord {
  return {
    id: Number(r.id), day: String(r.day), category: String(r.category), seq: Number(r.seq), number: String(r.number),
    holderNumber: (r.holder_number as string | null) ?? null, priority: (r.priority as TicketRecord['priority']) ?? null,
    status: r.status as TicketStatus, issuedAt: Number(r.issued_at), calledAt: numOrNull(r.called_at),
    startedAt: numOrNull(r.started_at), finishedAt: numOrNull(r.finished_at), appointmentId: numOrNull(r.appointment_id),
    ...(typeof r.closed_reason === 'string' ? { closedReason: r.closed_reason } : {}),
  };
}

export function appointmentFromRow(r: Row): AppointmentRecord {
  return {
    id: Number(r.id), slotId: Number(r.slot_id), serviceId: String(r.service_id), day: String(r.day), start: String(r.start),
    holderNumber: String(r.holder_number), status: r.status as AppointmentStatus, createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at), ticketId: numOrNull(r.ticket_id),
  };
}

export function slotFromRow(r: Row): SlotRecord {
  return {
    id: Number(r.id), serviceId: String(r.service_id), day: String(r.day), start: String(r.start),
    minutes: Number(r.minutes), capacity: Number(r.capacity), booked: Number(r.booked ?? 0),
  };
}

export function lifeEventFromRow(r: Row): LifeEventRecord {
  return { code: String(r.code), name: String(r.name), sortOrder: Number(r.sort_order), services: JSON.parse(String(r.services)) as string[] };
}

export function departmentFromRow(r: Row): DepartmentRecord {
  return {
    id: Number(r.id), code: (r.code as string | null) ?? null, name: String(r.name), batch: Number(r.batch),
    batchDeadline: String(r.batch_deadline), sortOrder: Number(r.sort_order),
  };
}

export function serviceFromRow(r: Row): ServiceItemRecord {
  return {
    id: String(r.id), departmentId: Number(r.department_id), name: String(r.name), category: String(r.category),
    timeLimitDays: Number(r.time_limit_days), slotCapacity: Number(r.slot_capacity),
    stepLimits: r.step_limits ? JSON.parse(String(r.step_limits)) : null,
    ...(bool(r.self_apply) ? { selfApply: true, formFields: JSON.parse(String(r.form_fields ?? '[]')) as IntakeField[] } : {}),
    ...(r.result_collection != null ? { resultCollection: JSON.parse(String(r.result_collection)) as ResultCollectionMode[] } : {}),
    ...(r.result_certificate != null ? { resultCertificate: JSON.parse(String(r.result_certificate)) as ResultCertificateType } : {}),
  };
}

/** The stored form of an item's collection ways: null for the default (counter only), so older rows compare equal. */
export function resultCollectionColumn(item: ServiceItemRecord): string | null {
  const modes = item.resultCollection;
  return !modes || (modes.length === 1 && modes[0] === 'counter') ? null : JSON.stringify(modes);
}

export function resultCertificateColumn(item: ServiceItemRecord): string | null {
  return item.resultCertificate && item.resultCollection?.includes('electronic') ? JSON.stringify(item.resultCertificate) : null;
}

export function resultCollectionFromRow(r: Row): ResultCollectionRecord {
  return {
    serial: String(r.serial), mode: r.mode as ResultCollectionMode, state: r.state as ResultCollectionState,
    applicantNumber: String(r.applicant_number), recipient: (r.recipient as string | null) ?? null,
    address: (r.address as string | null) ?? null, phone: (r.phone as string | null) ?? null,
    ticketId: numOrNull(r.ticket_id), certificateId: (r.certificate_id as string | null) ?? null, chosenAt: Number(r.chosen_at),
    finishedAt: numOrNull(r.finished_at), window: numOrNull(r.window_no), finishedBy: (r.finished_by as string | null) ?? null,
    updatedAt: Number(r.updated_at),
  };
}

export function materialFromRow(r: Row): MaterialRecord {
  return {
    id: Number(r.id), serviceId: String(r.service_id), name: String(r.name), sortOrder: Number(r.sort_order),
    fetchedFrom: (r.fetched_from as string | null) ?? null, commitmentAllowed: bool(r.commitment_allowed),
    ...(r.commitment_text != null ? { commitmentText: String(r.commitment_text), commitmentVersion: String(r.commitment_version ?? '') } : {}),
  };
}

export function intakeFromRow(r: Row): IntakeRecord {
  return {
    serial: String(r.serial), hallId: String(r.hall_id), requestId: String(r.request_id), kioskId: String(r.kiosk_id), serviceId: String(r.service_id),
    applicantNumber: String(r.applicant_number), state: r.state as IntakeState,
    form: JSON.parse(String(r.form)) as Record<string, string>, materials: JSON.parse(String(r.materials)) as IntakeMaterialOutcome[],
    commitmentReview: bool(r.commitment_review), submittedAt: Number(r.submitted_at), submittedDay: String(r.submitted_day),
    decidedAt: numOrNull(r.decided_at), decidedBy: (r.decided_by as string | null) ?? null, reason: (r.reason as string | null) ?? null,
  };
}

export function commitmentFromRow(r: Row): CommitmentRecord {
  return {
    id: Number(r.id), serial: String(r.serial), material: String(r.material), applicantNumber: String(r.applicant_number),
    signedAt: Number(r.signed_at), kioskId: String(r.kiosk_id), textVersion: String(r.text_version),
    cardMasked: String(r.card_masked), dueDay: String(r.due_day), checkState: r.check_state as CommitmentCheckState,
    checkedAt: numOrNull(r.checked_at), checkedBy: (r.checked_by as string | null) ?? null,
    checkNote: (r.check_note as string | null) ?? null,
  };
}

export function noticeFromRow(r: Row): NoticeRecord {
  return {
    id: Number(r.id), idempotencyKey: String(r.idempotency_key), serial: String(r.serial), serviceName: String(r.service_name),
    holderNumber: String(r.holder_number), phone: (r.phone as string | null) ?? null, outcome: r.outcome as NoticeOutcome,
    text: String(r.text), createdAt: Number(r.created_at), createdDay: String(r.created_day), status: r.status as NoticeDelivery,
    attempts: Number(r.attempts), nextAttemptAt: Number(r.next_attempt_at), sentAt: numOrNull(r.sent_at),
    lastError: (r.last_error as string | null) ?? null, readAt: numOrNull(r.read_at),
  };
}

/** One attempt's result as the UPDATE's values, shared by both stores: status, sent_at, last_error, next_attempt_at (null: unchanged). */
export function noticeAttemptParams(r: NoticeAttemptResult): [NoticeDelivery, number | null, string | null, number | null] {
  if (r.status === 'sent') return ['sent', r.at, null, null];
  if (r.status === 'pending') return ['pending', null, r.error.slice(0, 500), r.nextAttemptAt];
  return ['failed', null, r.error.slice(0, 500), null];
}

export function applicationFromRow(r: Row): ApplicationRecord {
  return {
    serial: String(r.serial), serviceId: String(r.service_id), applicantNumber: String(r.applicant_number),
    status: r.status as ApplicationStatus, acceptedAt: Number(r.accepted_at), acceptedDay: String(r.accepted_day),
    result: (r.result as string | null) ?? null, commitments: JSON.parse(String(r.commitments)) as string[],
    updatedAt: Number(r.updated_at),
  };
}

export function kioskRequestFromRow(r: Row): KioskRequestRecord {
  return {
    kioskId: String(r.kiosk_id), requestId: String(r.request_id), op: String(r.op), answer: String(r.answer), appliedAt: Number(r.applied_at),
  };
}

export function certificateFromRow(r: Row): CertificateRecord {
  return {
    identifier: String(r.identifier), typeName: String(r.type_name), issuerName: String(r.issuer_name),
    holderNumber: String(r.holder_number), holderName: String(r.holder_name), issuedOn: String(r.issued_on),
    expiresOn: (r.expires_on as string | null) ?? null, revokedAt: numOrNull(r.revoked_at),
    revokeReason: (r.revoke_reason as string | null) ?? null,
  };
}

export function counterWindowFromRow(r: Row): CounterWindowRecord {
  return {
    window: Number(r.window_no), ticketId: numOrNull(r.ticket_id), recalls: Number(r.recalls), paused: bool(r.paused),
    ratingTicketId: numOrNull(r.rating_ticket_id), updatedAt: Number(r.updated_at),
  };
}

export function followUpFromRow(r: Row): RatingFollowUpRecord {
  return {
    id: Number(r.id), ticketId: Number(r.ticket_id), window: Number(r.window_no), rating: Number(r.rating),
    openedAt: Number(r.opened_at), openedDay: String(r.opened_day), deadlineDay: String(r.deadline_day),
    closedAt: numOrNull(r.closed_at), note: (r.note as string | null) ?? null,
  };
}

const SLOT_WITH_BOOKED = `SELECT s.*, (SELECT count(*) FROM appointments a WHERE a.slot_id = s.id
  AND a.status IN ('booked', 'checkedIn')) AS booked FROM appointment_slots s`;

/** The statements, synchronous. Every public method here becomes an async method of the store. */
class SqliteHallRepository implements Synchronous<Omit<HallRepository, 'atCommit'>> {
  private readonly cache = new Map<string, Statement>();

  /** `hall`: the hall whose rows every statement reads and writes (hallScope.ts). */
  constructor(private readonly db: Database, private readonly hall: string) {}

  private st(sql: string): Statement {
    let s = this.cache.get(sql);
    if (!s) this.cache.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  private all(sql: string, ...params: unknown[]): Row[] {
    return this.st(sql).all(...params) as Row[];
  }

  private one(sql: string, ...params: unknown[]): Row | undefined {
    return this.st(sql).get(...params) as Row | undefined;
  }

  upsertDepartments(list: NewDepartment[]): DepartmentRecord[] {
    for (const d of list) {
      this.st(`INSERT INTO departments (hall_id, name, batch, batch_deadline, sort_order) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (hall_id, name) DO UPDATE SET batch = excluded.batch, batch_deadline = excluded.batch_deadline,
        sort_order = excluded.sort_order`).run(this.hall, d.name, d.batch, d.batchDeadline, d.sortOrder);
    }
    return this.listDepartments();
  }

  listDepartments(): DepartmentRecord[] {
    return this.all('SELECT * FROM departments WHERE hall_id = ? ORDER BY sort_order, id', this.hall).map(departmentFromRow);
  }

  upsertQueueCategory(c: QueueCategoryRecord): void {
    this.st(`INSERT INTO queue_categories (hall_id, letter, name, default_service_minutes) VALUES (?, ?, ?, ?)
      ON CONFLICT (hall_id, letter) DO UPDATE SET name = excluded.name, default_service_minutes = excluded.default_service_minutes`)
      .run(this.hall, c.letter, c.name, c.defaultServiceMinutes);
  }

  listQueueCategories(): QueueCategoryRecord[] {
    return this.all('SELECT * FROM queue_categories WHERE hall_id = ? ORDER BY letter', this.hall).map((r) => ({
      letter: String(r.letter), name: String(r.name), defaultServiceMinutes: Number(r.default_service_minutes),
    }));
  }

  getQueueCategory(letter: string): QueueCategoryRecord | undefined {
    return this.listQueueCategories().find((c) => c.letter === letter);
  }

  upsertServiceItem(item: ServiceItemRecord, materials: NewMaterial[]): void {
    this.st(`INSERT INTO service_items (hall_id, id, department_id, name, category, time_limit_days, slot_capacity,
      step_limits, self_apply, form_fields, result_collection, result_certificate)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hall_id, id) DO UPDATE SET department_id = excluded.department_id,
      name = excluded.name, category = excluded.category, time_limit_days = excluded.time_limit_days,
      slot_capacity = excluded.slot_capacity, step_limits = excluded.step_limits, self_apply = excluded.self_apply,
      form_fields = excluded.form_fields, result_collection = excluded.result_collection,
      result_certificate = excluded.result_certificate`)
      .run(this.hall, item.id, item.departmentId, item.name, item.category, item.timeLimitDays, item.slotCapacity,
        item.stepLimits ? JSON.stringify(item.stepLimits) : null, item.selfApply ? 1 : 0,
        item.selfApply ? JSON.stringify(item.formFields ?? []) : null, resultCollectionColumn(item), resultCertificateColumn(item));
    this.st('DELETE FROM service_materials WHERE hall_id = ? AND service_id = ?').run(this.hall, item.id);
    materials.forEach((m, i) => {
      this.st(`INSERT INTO service_materials (hall_id, service_id, name, sort_order, fetched_from, commitment_allowed,
        commitment_text, commitment_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(this.hall, item.id, m.name, i + 1, m.fetchedFrom,
        m.commitmentAllowed ? 1 : 0, m.commitmentText ?? null, m.commitmentText ? m.commitmentVersion ?? '' : null);
    });
  }

  getServiceItem(id: string): ServiceItemRecord | undefined {
    const r = this.one('SELECT * FROM service_items WHERE hall_id = ? AND id = ?', this.hall, id);
    return r ? serviceFromRow(r) : undefined;
  }

  listServiceItems(departmentId?: number): ServiceItemRecord[] {
    const rows = departmentId === undefined
      ? this.all('SELECT * FROM service_items WHERE hall_id = ? ORDER BY id', this.hall)
      : this.all('SELECT * FROM service_items WHERE hall_id = ? AND department_id = ? ORDER BY id', this.hall, departmentId);
    return rows.map(serviceFromRow);
  }

  listMaterials(serviceId: string): MaterialRecord[] {
    return this.all('SELECT * FROM service_materials WHERE hall_id = ? AND service_id = ? ORDER BY sort_order', this.hall, serviceId)
      .map(materialFromRow);
  }

  setCalendarDay(day: CalendarDayRecord): void {
    this.st(`INSERT INTO calendar_days (hall_id, day, kind, name) VALUES (?, ?, ?, ?)
      ON CONFLICT (hall_id, day) DO UPDATE SET kind = excluded.kind, name = excluded.name`).run(this.hall, day.day, day.kind, day.name);
  }

  listCalendarDays(): CalendarDayRecord[] {
    return this.all('SELECT * FROM calendar_days WHERE hall_id = ? ORDER BY day', this.hall).map((r) => ({
      day: String(r.day), kind: r.kind as CalendarDayRecord['kind'], name: String(r.name),
    }));
  }

  takeNumber(name: string, count = 1): number {
    // One writer holds the file for the whole transaction anyway: nothing is gained by committing apart.
    const n = numbersWanted(count);
    const r = this.one(`INSERT INTO counters (hall_id, name, value) VALUES (?, ?, ?)
      ON CONFLICT (hall_id, name) DO UPDATE SET value = value + excluded.value RETURNING value`, this.hall, name, n);
    return Number(r!.value) - n + 1;
  }

  takeNumbers(wanted: ReadonlyArray<readonly [name: string, count: number]>): number[] {
    return numbersWantedOf(wanted).map(([name, count]) => this.takeNumber(name, count));
  }

  nextCounterValue(name: string): number {
    // One statement: the increment and the read cannot be separated by another writer (atomic numbering).
    const r = this.one(`INSERT INTO counters (hall_id, name, value) VALUES (?, ?, 1)
      ON CONFLICT (hall_id, name) DO UPDATE SET value = value + 1 RETURNING value`, this.hall, name);
    return Number(r!.value);
  }

  ensureSlots(slots: NewSlot[]): void {
    for (const s of slots) {
      this.st(`INSERT INTO appointment_slots (hall_id, service_id, day, start, minutes, capacity) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (hall_id, service_id, day, start) DO NOTHING`).run(this.hall, s.serviceId, s.day, s.start, s.minutes, s.capacity);
    }
  }

  listSlots(serviceId: string, day: HallDay): SlotRecord[] {
    return this.all(`${SLOT_WITH_BOOKED} WHERE s.hall_id = ? AND s.service_id = ? AND s.day = ? ORDER BY s.start`, this.hall, serviceId, day).map(slotFromRow);
  }

  getSlot(id: number): SlotRecord | undefined {
    const r = this.one(`${SLOT_WITH_BOOKED} WHERE s.hall_id = ? AND s.id = ?`, this.hall, id);
    return r ? slotFromRow(r) : undefined;
  }

  insertAppointment(a: NewAppointment): AppointmentRecord {
    const slot = this.getSlot(a.slotId);
    if (!slot) throw new Error(`appointment slot ${a.slotId} does not exist`);
    const r = this.one(`INSERT INTO appointments (hall_id, slot_id, service_id, day, start, holder_number, status, created_at,
      updated_at) VALUES (?, ?, ?, ?, ?, ?, 'booked', ?, ?) RETURNING *`, this.hall, slot.id, slot.serviceId, slot.day, slot.start, a.holderNumber,
    a.createdAt, a.createdAt);
    return appointmentFromRow(r!);
  }

  getAppointment(id: number): AppointmentRecord | undefined {
    const r = this.one('SELECT * FROM appointments WHERE hall_id = ? AND id = ?', this.hall, id);
    return r ? appointmentFromRow(r) : undefined;
  }

  listAppointmentsOfHolder(holderNumber: string, fromDay: HallDay): AppointmentRecord[] {
    return this.all('SELECT * FROM appointments WHERE hall_id = ? AND holder_number = ? AND day >= ? ORDER BY day, start, id',
      this.hall, holderNumber, fromDay).map(appointmentFromRow);
  }

  findActiveAppointment(holderNumber: string, serviceId: string, day: HallDay): AppointmentRecord | undefined {
    const r = this.one(`SELECT * FROM appointments WHERE hall_id = ? AND holder_number = ? AND service_id = ? AND day = ?
      AND status IN ('booked', 'checkedIn')`, this.hall, holderNumber, serviceId, day);
    return r ? appointmentFromRow(r) : undefined;
  }

  listBookedBefore(day: HallDay): AppointmentRecord[] {
    return this.all("SELECT * FROM appointments WHERE hall_id = ? AND status = 'booked' AND day < ? ORDER BY day, start, id",
      this.hall, day)
      .map(appointmentFromRow);
  }

  updateAppointment(id: number, patch: { status: AppointmentStatus; ticketId?: number | null; updatedAt: number }): void {
    const res = this.st(`UPDATE appointments SET status = ?, ticket_id = CASE WHEN ? THEN ? ELSE ticket_id END,
      updated_at = ? WHERE hall_id = ? AND id = ?`).run(patch.status, patch.ticketId !== undefined ? 1 : 0,
      patch.ticketId ?? null, patch.updatedAt, this.hall, id);
    if (res.changes !== 1) throw new Error(`appointment ${id} does not exist`);
  }

  addNoShow(n: Omit<NoShowRecord, 'id'>): void {
    this.st('INSERT INTO no_shows (hall_id, holder_number, day, appointment_id) VALUES (?, ?, ?, ?)').run(this.hall, n.holderNumber, n.day, n.appointmentId);
  }

  listNoShows(holderNumber: string, sinceDay: HallDay): NoShowRecord[] {
    return this.all('SELECT * FROM no_shows WHERE hall_id = ? AND holder_number = ? AND day >= ? ORDER BY day, id', this.hall,
      holderNumber, sinceDay)
      .map((r) => ({ id: Number(r.id), holderNumber: String(r.holder_number), day: String(r.day), appointmentId: numOrNull(r.appointment_id) }));
  }

  insertTicket(t: NewTicket): TicketRecord {
    const r = this.one(`INSERT INTO tickets (hall_id, day, category, seq, number, holder_number, priority, status, issued_at,
      appointment_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?) RETURNING *`, this.hall, t.day, t.category, t.seq, t.number, t.holderNumber,
    t.priority, t.issuedAt, t.appointmentId);
    return ticketFromRow(r!);
  }

  insertTickets(ts: readonly NewTicket[]): TicketRecord[] {
    // All or none, in a transaction of its own or a savepoint of the caller's (better-sqlite3 nests them so).
    return this.db.transaction(() => ts.map((t) => this.insertTicket(t)))();
  }

  getTicket(id: number): TicketRecord | undefined {
    const r = this.one('SELECT * FROM tickets WHERE hall_id = ? AND id = ?', this.hall, id);
    return r ? ticketFromRow(r) : undefined;
  }

  findWaitingTicket(day: HallDay, category: string, holderNumber: string): TicketRecord | undefined {
    const r = this.one(`SELECT * FROM tickets WHERE hall_id = ? AND day = ? AND category = ? AND holder_number = ?
      AND status = 'waiting'`, this.hall, day, category, holderNumber);
    return r ? ticketFromRow(r) : undefined;
  }

  listTickets(day: HallDay, filter: TicketFilter = {}): TicketRecord[] {
    const where = ['day = ?'];
    const params: unknown[] = [this.hall, day];
    for (const [column, value] of [['category', filter.category], ['status', filter.status], ['holder_number', filter.holderNumber]] as const) {
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = ?`);
    }
    return this.all(`SELECT * FROM tickets WHERE hall_id = ? AND ${where.join(' AND ')} ORDER BY issued_at, id`, ...params).map(ticketFromRow);
  }

  listTicketsOfHolders(day: HallDay, holderNumbers: readonly string[]): TicketRecord[] {
    if (holderNumbers.length === 0) return [];
    return this.all(`SELECT * FROM tickets WHERE hall_id = ? AND day = ? AND holder_number IN (SELECT value FROM json_each(?))
      ORDER BY issued_at, id`, this.hall, day, JSON.stringify(holderNumbers)).map(ticketFromRow);
  }

  updateTicket(id: number, patch: TicketPatch): void {
    const cur = this.getTicket(id);
    if (!cur) throw new Error(`ticket ${id} does not exist`);
    const next = { ...cur, ...patch };
    this.st(`UPDATE tickets SET status = ?, called_at = ?, started_at = ?, finished_at = ?, priority = ?, appointment_id = ?
      WHERE hall_id = ? AND id = ?`).run(next.status, next.calledAt, next.startedAt, next.finishedAt, next.priority,
      next.appointmentId, this.hall, id);
  }

  recentServiceDurations(category: string, limit: number): number[] {
    return this.all(serviceDurationsSql('?', '?', '?', '?', '?'), this.hall, category, this.hall, category, limit).map((r) => Number(r.ms));
  }

  countWaitingAhead(ticketId: number, hallNow: string): number {
    const r = this.one(waitingAheadSql('@id', '@now', '@hall'), { id: ticketId, now: hallNow, hall: this.hall });
    return Number(r?.n ?? 0);
  }

  waitsOfTickets(day: HallDay, numbers: readonly string[], hallNow: string, categories: readonly string[], limit: number): TicketWaits {
    // One process, one file: each read is a call into the library, no round trip to save.
    const ahead = numbers.map((number) => {
      const t = this.one(`SELECT id FROM tickets WHERE hall_id = ? AND day = ? AND number = ?`, this.hall, day, number);
      return t ? this.countWaitingAhead(Number(t.id), hallNow) : 0;
    });
    return { ahead, durations: categories.map((c) => this.recentServiceDurations(c, limit)) };
  }

  nextWaitingTicket(day: HallDay, categories: readonly string[], hallNow: string): TicketRecord | undefined {
    const r = this.one(nextWaitingSql('@day', '@now', '@hall', { rows: 'SELECT value AS c FROM json_each(@cats)', none: 'json_array_length(@cats) = 0', lateral: false }),
      { day, now: hallNow, cats: JSON.stringify(categories), hall: this.hall });
    return r ? ticketFromRow(r) : undefined;
  }

  insertApplication(a: ApplicationRecord): void {
    this.st(`INSERT INTO applications (hall_id, serial, service_id, applicant_number, status, accepted_at, accepted_day,
      result, commitments, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(this.hall, a.serial, a.serviceId, a.applicantNumber, a.status,
      a.acceptedAt, a.acceptedDay, a.result, JSON.stringify(a.commitments), a.updatedAt);
  }

  getApplication(serial: string): ApplicationRecord | undefined {
    const r = this.one('SELECT * FROM applications WHERE hall_id = ? AND serial = ?', this.hall, serial);
    return r ? applicationFromRow(r) : undefined;
  }

  listApplicationsOfApplicant(applicantNumber: string): ApplicationRecord[] {
    return this.all('SELECT * FROM applications WHERE hall_id = ? AND applicant_number = ? ORDER BY accepted_at DESC, serial',
      this.hall, applicantNumber).map(applicationFromRow);
  }

  updateApplication(serial: string, patch: { status: ApplicationStatus; result: string | null; updatedAt: number }): void {
    const res = this.st('UPDATE applications SET status = ?, result = ?, updated_at = ? WHERE hall_id = ? AND serial = ?')
      .run(patch.status, patch.result, patch.updatedAt, this.hall, serial);
    if (res.changes !== 1) throw new Error(`application ${serial} does not exist`);
  }

  addApplicationEvent(e: Omit<ApplicationEventRecord, 'id'>): void {
    this.st('INSERT INTO application_events (hall_id, serial, status, at, day, note) VALUES (?, ?, ?, ?, ?, ?)')
      .run(this.hall, e.serial, e.status, e.at, e.day, e.note);
  }

  listApplicationEvents(serial: string): ApplicationEventRecord[] {
    return this.all('SELECT * FROM application_events WHERE hall_id = ? AND serial = ? ORDER BY at, id', this.hall, serial).map((r) => ({
      id: Number(r.id), serial: String(r.serial), status: r.status as ApplicationStatus, at: Number(r.at),
      day: String(r.day), note: (r.note as string | null) ?? null,
    }));
  }

  insertCertificate(c: CertificateRecord): void {
    this.st(`INSERT INTO certificates (hall_id, identifier, type_name, issuer_name, holder_number, holder_name, issued_on,
      expires_on, revoked_at, revoke_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(this.hall, c.identifier, c.typeName,
      c.issuerName, c.holderNumber, c.holderName, c.issuedOn, c.expiresOn, c.revokedAt, c.revokeReason);
  }

  getCertificate(identifier: string): CertificateRecord | undefined {
    const r = this.one('SELECT * FROM certificates WHERE hall_id = ? AND identifier = ?', this.hall, identifier);
    return r ? certificateFromRow(r) : undefined;
  }

  listCertificatesOfHolder(holderNumber: string): CertificateRecord[] {
    return this.all('SELECT * FROM certificates WHERE hall_id = ? AND holder_number = ? ORDER BY issued_on DESC, identifier',
      this.hall, holderNumber)
      .map(certificateFromRow);
  }

  revokeCertificate(identifier: string, at: number, reason: string): void {
    const res = this.st('UPDATE certificates SET revoked_at = ?, revoke_reason = ? WHERE hall_id = ? AND identifier = ?')
      .run(at, reason, this.hall, identifier);
    if (res.changes !== 1) throw new Error(`certificate ${identifier} does not exist`);
  }

  addPrintLog(entry: Omit<PrintLogRecord, 'id'>): PrintLogRecord {
    const r = this.one(`INSERT INTO print_log (hall_id, at, kind, ref, masked_number, detail) VALUES (?, ?, ?, ?, ?, ?)
      RETURNING id`, this.hall, entry.at, entry.kind, entry.ref, entry.maskedNumber, entry.detail);
    return { id: Number(r!.id), ...entry };
  }

  listPrintLog(limit: number): PrintLogRecord[] {
    return this.all('SELECT * FROM print_log WHERE hall_id = ? ORDER BY id DESC LIMIT ?', this.hall, limit).map((r) => ({
      id: Number(r.id), at: Number(r.at), kind: r.kind as PrintLogRecord['kind'], ref: String(r.ref),
      maskedNumber: String(r.masked_number), detail: (r.detail as string | null) ?? null,
    }));
  }

  // ---- counter workflow (tables of migration 4) ----

  getCounterWindow(window: number): CounterWindowRecord | undefined {
    const r = this.one('SELECT * FROM counter_windows WHERE hall_id = ? AND window_no = ?', this.hall, window);
    return r ? counterWindowFromRow(r) : undefined;
  }

  listCounterWindows(): CounterWindowRecord[] {
    return this.all('SELECT * FROM counter_windows WHERE hall_id = ? ORDER BY window_no', this.hall).map(counterWindowFromRow);
  }

  saveCounterWindow(w: CounterWindowRecord): void {
    this.st(`INSERT INTO counter_windows (hall_id, window_no, ticket_id, recalls, paused, rating_ticket_id, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hall_id, window_no) DO UPDATE SET ticket_id = excluded.ticket_id,
      recalls = excluded.recalls, paused = excluded.paused, rating_ticket_id = excluded.rating_ticket_id,
      updated_at = excluded.updated_at`).run(this.hall, w.window, w.ticketId, w.recalls, w.paused ? 1 : 0, w.ratingTicketId, w.updatedAt);
  }

  getAppliedCounterEvent(eventId: string): AppliedCounterEventRecord | undefined {
    const r = this.one('SELECT * FROM counter_applied_events WHERE hall_id = ? AND event_id = ?', this.hall, eventId);
    return r ? {
      eventId: String(r.event_id), window: Number(r.window_no), key: String(r.key), outcome: String(r.outcome),
      appliedAt: Number(r.applied_at),
    } : undefined;
  }

  addAppliedCounterEvent(e: AppliedCounterEventRecord): void {
    this.st(`INSERT INTO counter_applied_events (hall_id, event_id, window_no, key, outcome, applied_at)
      VALUES (?, ?, ?, ?, ?, ?)`).run(this.hall, e.eventId, e.window, e.key, e.outcome, e.appliedAt);
  }

  addCounterCall(c: CounterCallRecord): void {
    this.st(`INSERT INTO counter_calls (hall_id, call_id, ticket_id, number, window_no, text, recall, at, day, reason)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(this.hall, c.callId, c.ticketId, c.number, c.window, c.text, c.recall, c.at, c.day, c.reason);
  }

  listCallCandidates(day: HallDay, category: string): TicketRecord[] {
    return this.all(`SELECT * FROM (${callCandidatesSql('@day', '@category', '@hall')}) c ORDER BY issued_at, id`,
      { day, category, hall: this.hall }).map(ticketFromRow);
  }

  listCalledOfCategory(day: HallDay, category: string, limit: number): Array<Pick<TicketRecord, 'id' | 'priority'>> {
    return this.all(calledOfCategorySql('@day', '@category', '@limit', '@hall'), { day, category, limit, hall: this.hall })
      .map((r) => ({ id: Number(r.id), priority: (r.priority as TicketRecord['priority']) ?? null }));
  }

  listCounterCalls(day: HallDay, limit: number): CounterCallRecord[] {
    return this.all('SELECT * FROM counter_calls WHERE hall_id = ? AND day = ? ORDER BY id DESC LIMIT ?', this.hall, day, limit).map((r) => ({
      callId: String(r.call_id), ticketId: Number(r.ticket_id), number: String(r.number), window: Number(r.window_no),
      text: String(r.text), recall: Number(r.recall), at: Number(r.at), day: String(r.day),
      reason: r.reason === null || r.reason === undefined ? null : String(r.reason),
    }));
  }

  addTicketHold(h: TicketHoldRecord): void {
    this.st(`INSERT INTO ticket_holds (hall_id, ticket_id, window_no, held_at, until_at, released_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (ticket_id) DO UPDATE SET window_no = excluded.window_no, held_at = excluded.held_at,
        until_at = excluded.until_at, released_at = excluded.released_at`)
      .run(this.hall, h.ticketId, h.window, h.heldAt, h.untilAt, h.releasedAt);
  }

  getTicketHold(ticketId: number): TicketHoldRecord | undefined {
    const r = this.one('SELECT * FROM ticket_holds WHERE hall_id = ? AND ticket_id = ?', this.hall, ticketId);
    return r ? holdOf(r) : undefined;
  }

  listOpenTicketHolds(at: number): TicketHoldRecord[] {
    return this.all('SELECT * FROM ticket_holds WHERE hall_id = ? AND released_at IS NULL AND until_at >= ? ORDER BY held_at, ticket_id', this.hall, at).map(holdOf);
  }

  releaseTicketHold(ticketId: number, at: number): boolean {
    return this.st('UPDATE ticket_holds SET released_at = ? WHERE hall_id = ? AND ticket_id = ? AND released_at IS NULL').run(at, this.hall, ticketId).changes === 1;
  }

  addTicketRating(r: TicketRatingRecord): boolean {
    return this.st(`INSERT INTO ticket_ratings (hall_id, ticket_id, window_no, rating, at, day) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (ticket_id) DO NOTHING`).run(this.hall, r.ticketId, r.window, r.rating, r.at, r.day).changes === 1;
  }

  getTicketRating(ticketId: number): TicketRatingRecord | undefined {
    const r = this.one('SELECT * FROM ticket_ratings WHERE hall_id = ? AND ticket_id = ?', this.hall, ticketId);
    return r ? { ticketId: Number(r.ticket_id), window: Number(r.window_no), rating: Number(r.rating), at: Number(r.at), day: String(r.day) } : undefined;
  }

  addRatingFollowUp(f: Omit<RatingFollowUpRecord, 'id' | 'closedAt' | 'note'>): RatingFollowUpRecord {
    const r = this.one(`INSERT INTO rating_follow_ups (hall_id, ticket_id, window_no, rating, opened_at, opened_day, deadline_day)
      VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`, this.hall, f.ticketId, f.window, f.rating, f.openedAt, f.openedDay, f.deadlineDay);
    return followUpFromRow(r!);
  }

  listRatingFollowUps(filter: { openOnly?: boolean } = {}): RatingFollowUpRecord[] {
    return this.all(`SELECT * FROM rating_follow_ups WHERE hall_id = ? AND (? = 0 OR closed_at IS NULL)
      ORDER BY deadline_day, id`, this.hall, filter.openOnly ? 1 : 0).map(followUpFromRow);
  }

  transferTicket(t: TicketTransferRecord): void {
    const res = this.st(`UPDATE tickets SET category = ?, status = 'waiting', called_at = NULL, started_at = NULL
      WHERE hall_id = ? AND id = ?`).run(t.toCategory, this.hall, t.ticketId);
    if (res.changes !== 1) throw new Error(`ticket ${t.ticketId} does not exist`);
    this.st(`UPDATE ticket_visit_steps SET category = ? WHERE hall_id = ? AND ticket_id = ? AND position =
      (SELECT MIN(position) FROM ticket_visit_steps WHERE hall_id = ? AND ticket_id = ? AND state = 'waiting')`)
      .run(t.toCategory, this.hall, t.ticketId, this.hall, t.ticketId);
    this.st(`INSERT INTO ticket_transfers (hall_id, ticket_id, from_category, to_category, window_no, at)
      VALUES (?, ?, ?, ?, ?, ?)`).run(this.hall, t.ticketId, t.fromCategory, t.toCategory, t.window, t.at);
  }

  addVisitSteps(ticketId: number, categories: readonly string[]): VisitStepRecord[] {
    categories.forEach((category, i) => {
      this.st(`INSERT INTO ticket_visit_steps (hall_id, ticket_id, position, category) VALUES (?, ?, ?, ?)`)
        .run(this.hall, ticketId, i + 1, category);
    });
    return this.listVisitSteps(ticketId);
  }

  listVisitSteps(ticketId: number): VisitStepRecord[] {
    const rows = this.all('SELECT * FROM ticket_visit_steps WHERE hall_id = ? AND ticket_id = ? ORDER BY position', this.hall, ticketId);
    return rows.length === 0 ? [] : visitStepsFromRows(rows, this.getTicket(ticketId)?.status);
  }

  listVisitStepsOfDay(day: HallDay): VisitStepRecord[] {
    return visitStepsOfTickets(this.all(`SELECT s.*, t.status AS ticket_status FROM ticket_visit_steps s JOIN tickets t ON t.id = s.ticket_id
      WHERE s.hall_id = ? AND t.hall_id = ? AND t.day = ? ORDER BY s.ticket_id, s.position`, this.hall, this.hall, day));
  }

  finishVisitStep(f: VisitStepFinish): VisitStepRecord | null {
    const waiting = () => this.all(`SELECT * FROM ticket_visit_steps WHERE hall_id = ? AND ticket_id = ? AND state = 'waiting'
      ORDER BY position`, this.hall, f.ticketId);
    const [cur, ...rest] = waiting();
    if (!cur) return null;
    this.st(`UPDATE ticket_visit_steps SET state = 'done', window_no = ?, started_at = ?, finished_at = ? WHERE hall_id = ? AND ticket_id = ?
      AND position = ?`).run(f.window, f.startedAt, f.at, this.hall, f.ticketId, cur.position);
    if (rest.length === 0) return null;
    if (f.endVisit) {
      this.st(`UPDATE ticket_visit_steps SET state = 'skipped', finished_at = ? WHERE hall_id = ? AND ticket_id = ? AND state = 'waiting'`)
        .run(f.at, this.hall, f.ticketId);
      return null;
    }
    this.st(`UPDATE tickets SET category = ?, status = 'waiting', called_at = NULL, started_at = NULL WHERE hall_id = ? AND id = ?`)
      .run(rest[0].category, this.hall, f.ticketId);
    return visitStepsFromRows([rest[0]], 'waiting')[0];
  }

  listTicketTransfers(ticketId: number): TicketTransferRecord[] {
    return this.all('SELECT * FROM ticket_transfers WHERE hall_id = ? AND ticket_id = ? ORDER BY id', this.hall, ticketId).map((r) => ({
      ticketId: Number(r.ticket_id), fromCategory: String(r.from_category), toCategory: String(r.to_category),
      window: Number(r.window_no), at: Number(r.at),
    }));
  }

  // ---- manager dashboard ----

  listAppointmentsOfDay(day: HallDay): AppointmentRecord[] {
    return this.all('SELECT * FROM appointments WHERE hall_id = ? AND day = ? ORDER BY start, id', this.hall, day).map(appointmentFromRow);
  }

  listTicketRatingsOfDay(day: HallDay): TicketRatingRecord[] {
    return this.all('SELECT * FROM ticket_ratings WHERE hall_id = ? AND day = ? ORDER BY at, ticket_id', this.hall, day).map((r) => ({
      ticketId: Number(r.ticket_id), window: Number(r.window_no), rating: Number(r.rating), at: Number(r.at), day: String(r.day),
    }));
  }

  listOpenApplications(): ApplicationRecord[] {
    return this.all(`SELECT * FROM applications WHERE hall_id = ? AND status NOT IN ('done', 'returned', 'rejected')
      ORDER BY accepted_at, serial`, this.hall).map(applicationFromRow);
  }

  getKioskRequest(kioskId: string, requestId: string): KioskRequestRecord | undefined {
    const r = this.one('SELECT * FROM kiosk_requests WHERE hall_id = ? AND kiosk_id = ? AND request_id = ?', this.hall, kioskId,
      requestId);
    return r ? kioskRequestFromRow(r) : undefined;
  }

  addKioskRequest(k: KioskRequestRecord): void {
    this.st(`INSERT INTO kiosk_requests (hall_id, kiosk_id, request_id, op, answer, applied_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (hall_id, kiosk_id, request_id) DO NOTHING`).run(this.hall, k.kioskId, k.requestId, k.op, k.answer, k.appliedAt);
  }

  countKioskRequests(kioskId: string): number {
    return Number(this.one('SELECT count(*) AS n FROM kiosk_requests WHERE hall_id = ? AND kiosk_id = ?', this.hall, kioskId)?.n ?? 0);
  }

  appendAccessAudit(entry: NewAccessAuditRecord): AccessAuditRecord {
    // Masked here, at the one way in, whatever the caller passed (hall-rules.md "Privacy").
    const e = auditSafeEntry(entry);
    const r = this.st(`INSERT INTO access_audit (hall_id, at, day, actor_kind, actor, role, function, masked_number, result, code,
      detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(this.hall, e.at, e.day, e.actorKind, e.actor, e.role, e.function, e.maskedNumber, e.result, e.code, e.detail);
    return { id: Number(r.lastInsertRowid), ...e };
  }

  queryAccessAudit(q: AccessAuditQuery): AccessAuditSlice {
    const where = 'hall_id = ? AND (? IS NULL OR day = ?) AND (? IS NULL OR actor = ?) AND (? IS NULL OR function = ?)';
    const p = [this.hall, q.day ?? null, q.day ?? null, q.actor ?? null, q.actor ?? null, q.function ?? null, q.function ?? null];
    const total = Number(this.one(`SELECT count(*) AS n FROM access_audit WHERE ${where}`, ...p)?.n ?? 0);
    const entries = this.all(`SELECT * FROM access_audit WHERE ${where} ORDER BY id DESC LIMIT ? OFFSET ?`, ...p, q.limit, q.offset)
      .map((r) => ({
        id: Number(r.id), at: Number(r.at), day: String(r.day), actorKind: r.actor_kind as AccessAuditRecord['actorKind'],
        actor: String(r.actor), role: (r.role as string | null) ?? null, function: String(r.function),
        maskedNumber: (r.masked_number as string | null) ?? null, result: r.result as AccessAuditRecord['result'],
        code: (r.code as string | null) ?? null, detail: (r.detail as string | null) ?? null,
      }));
    return { entries, total };
  }

  upsertDepartmentByCode(d: CodedDepartment): DepartmentRecord {
    const byCode = this.one('SELECT id FROM departments WHERE hall_id = ? AND code = ?', this.hall, d.code);
    const adopt = byCode ? undefined : this.one('SELECT id FROM departments WHERE hall_id = ? AND code IS NULL AND name = ?',
      this.hall, d.name);
    const id = byCode?.id ?? adopt?.id;
    if (id !== undefined) {
      this.st(`UPDATE departments SET code = ?, name = ?, batch = ?, batch_deadline = ?, sort_order = ?
        WHERE id = ?`)
        .run(d.code, d.name, d.batch, d.batchDeadline, d.sortOrder, id);
    } else {
      this.st('INSERT INTO departments (hall_id, code, name, batch, batch_deadline, sort_order) VALUES (?, ?, ?, ?, ?, ?)')
        .run(this.hall, d.code, d.name, d.batch, d.batchDeadline, d.sortOrder);
    }
    return departmentFromRow(this.one('SELECT * FROM departments WHERE hall_id = ? AND code = ?', this.hall, d.code)!);
  }

  listHallWindows(): HallWindowRecord[] {
    return this.all('SELECT * FROM hall_windows WHERE hall_id = ? ORDER BY window_no', this.hall).map((r) => ({
      window: Number(r.window_no), name: String(r.name), deviceId: String(r.device_id), unit: Number(r.unit),
      categories: JSON.parse(String(r.categories)) as string[],
    }));
  }

  upsertHallWindow(w: HallWindowRecord): void {
    this.st(`INSERT INTO hall_windows (hall_id, window_no, name, device_id, unit, categories) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (hall_id, window_no) DO UPDATE SET name = excluded.name, device_id = excluded.device_id, unit = excluded.unit,
      categories = excluded.categories`).run(this.hall, w.window, w.name, w.deviceId, w.unit, JSON.stringify(w.categories));
  }

  addCatalogueLoad(r: Omit<CatalogueLoadRecord, 'id'>): CatalogueLoadRecord {
    const res = this.st('INSERT INTO catalogue_loads (at, hall_id, files, summary) VALUES (?, ?, ?, ?)')
      .run(r.at, this.hall, JSON.stringify(r.files), r.summary);
    return { id: Number(res.lastInsertRowid), ...r, hallId: this.hall };
  }

  listCatalogueLoads(limit: number): CatalogueLoadRecord[] {
    return this.all('SELECT * FROM catalogue_loads WHERE hall_id = ? ORDER BY id DESC LIMIT ?', this.hall, limit).map((r) => ({
      id: Number(r.id), at: Number(r.at), hallId: (r.hall_id as string | null) ?? null,
      files: JSON.parse(String(r.files)) as string[], summary: String(r.summary),
    }));
  }

  listLifeEvents(): LifeEventRecord[] {
    return this.all('SELECT * FROM life_events WHERE hall_id = ? ORDER BY sort_order, code', this.hall).map(lifeEventFromRow);
  }

  upsertLifeEvent(e: LifeEventRecord): void {
    this.st(`INSERT INTO life_events (hall_id, code, name, sort_order, services) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (hall_id, code) DO UPDATE SET name = excluded.name, sort_order = excluded.sort_order,
      services = excluded.services`).run(this.hall, e.code, e.name, e.sortOrder, JSON.stringify(e.services));
  }

  serviceUseSince(sinceDay: HallDay): ServiceUseCounts {
    const services: Record<string, number> = {};
    const rows = this.all(`SELECT service_id, COUNT(*) AS n FROM (
        SELECT service_id FROM appointments WHERE hall_id = ? AND day >= ? AND status <> 'canceled'
        UNION ALL SELECT service_id FROM applications WHERE hall_id = ? AND accepted_day >= ?) GROUP BY service_id`,
    this.hall, sinceDay, this.hall, sinceDay);
    for (const r of rows) services[String(r.service_id)] = Number(r.n);
    const categories: Record<string, number> = {};
    for (const r of this.all('SELECT category, COUNT(*) AS n FROM tickets WHERE hall_id = ? AND day >= ? GROUP BY category', this.hall, sinceDay)) {
      categories[String(r.category)] = Number(r.n);
    }
    return { services, categories };
  }

  findIntakeByRequest(kioskId: string, requestId: string): IntakeRecord | undefined {
    const r = this.one('SELECT * FROM intake_applications WHERE hall_id = ? AND kiosk_id = ? AND request_id = ?', this.hall, kioskId, requestId);
    return r ? intakeFromRow(r) : undefined;
  }

  insertIntake(a: IntakeRecord): void {
    this.st(`INSERT INTO intake_applications (serial, hall_id, request_id, kiosk_id, service_id, applicant_number, state, form,
      materials, commitment_review, submitted_at, submitted_day, decided_at, decided_by, reason)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(a.serial, this.hall, a.requestId, a.kioskId, a.serviceId,
      a.applicantNumber, a.state, JSON.stringify(a.form), JSON.stringify(a.materials), a.commitmentReview ? 1 : 0,
      a.submittedAt, a.submittedDay, a.decidedAt, a.decidedBy, a.reason);
  }

  getIntake(serial: string): IntakeRecord | undefined {
    const r = this.one('SELECT * FROM intake_applications WHERE hall_id = ? AND serial = ?', this.hall, serial);
    return r ? intakeFromRow(r) : undefined;
  }

  listIntakes(filter: { state?: IntakeState; applicantNumber?: string } = {}): IntakeRecord[] {
    return this.all(`SELECT * FROM intake_applications WHERE hall_id = ? AND (? IS NULL OR state = ?)
      AND (? IS NULL OR applicant_number = ?) ORDER BY submitted_at, serial`, this.hall, filter.state ?? null, filter.state ?? null, filter.applicantNumber ?? null,
    filter.applicantNumber ?? null).map(intakeFromRow);
  }

  decideIntake(serial: string, d: IntakeDecision): boolean {
    return this.st(`UPDATE intake_applications SET state = ?, decided_at = ?, decided_by = ?, reason = ?
      WHERE hall_id = ? AND serial = ? AND state = 'pending'`).run(d.state, d.decidedAt, d.decidedBy, d.reason, this.hall, serial).changes === 1;
  }

  addCommitment(c: NewCommitment): CommitmentRecord {
    const r = this.st(`INSERT INTO intake_commitments (hall_id, serial, material, applicant_number, signed_at, kiosk_id, text_version,
      card_masked, due_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(this.hall, c.serial, c.material, c.applicantNumber, c.signedAt,
      c.kioskId, c.textVersion, c.cardMasked, c.dueDay);
    return commitmentFromRow(this.one('SELECT * FROM intake_commitments WHERE id = ?', Number(r.lastInsertRowid))!);
  }

  listCommitments(filter: { serial?: string; openOnly?: boolean } = {}): CommitmentRecord[] {
    return this.all(`SELECT * FROM intake_commitments WHERE hall_id = ? AND (? IS NULL OR serial = ?)
      AND (? = 0 OR check_state = 'open') ORDER BY due_day, id`, this.hall, filter.serial ?? null, filter.serial ?? null, filter.openOnly ? 1 : 0).map(commitmentFromRow);
  }

  recordCommitmentCheck(id: number, c: CommitmentCheckResult): boolean {
    return this.st(`UPDATE intake_commitments SET check_state = ?, checked_at = ?, checked_by = ?, check_note = ?
      WHERE hall_id = ? AND id = ? AND check_state = 'open'`).run(c.state, c.checkedAt, c.checkedBy, c.note, this.hall, id).changes === 1;
  }

  countFalseCommitments(applicantNumber: string): number {
    return Number(this.one(`SELECT count(*) AS n FROM intake_commitments WHERE hall_id = ? AND applicant_number = ? AND check_state = 'false'`, this.hall,
      applicantNumber)?.n ?? 0);
  }
  addPhoneSession(r: PhoneSessionRecord): void {
    const h = holderColumns(r.holder);
    this.st(`INSERT INTO phone_sessions (hall_id, token_hash, kind, holder_number, holder, origin, kiosk_id, created_at, expires_at, used_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(this.hall, r.tokenHash, r.kind, h.number, h.json, r.origin, r.kioskId, r.createdAt, r.expiresAt, r.usedAt);
  }

  takePhoneHandoff(tokenHash: string, now: number): PhoneHandoffTake {
    const before = this.one('SELECT * FROM phone_sessions WHERE hall_id = ? AND token_hash = ?', this.hall, tokenHash);
    const taken = this.st(`UPDATE phone_sessions SET used_at = ?, holder = NULL, holder_number = NULL
      WHERE hall_id = ? AND token_hash = ? AND kind = 'handoff' AND used_at IS NULL AND expires_at > ?`).run(now, this.hall, tokenHash, now).changes === 1;
    const row = before ? phoneSessionFromRow(before) : undefined;
    return taken && row ? { ok: true, record: row } : handoffRefusalOf(row, now);
  }

  touchPhoneSession(tokenHash: string, now: number, expiresAt: number): PhoneSessionRecord | undefined {
    const r = this.one(`UPDATE phone_sessions SET expires_at = max(expires_at, ?)
      WHERE hall_id = ? AND token_hash = ? AND kind = 'session' AND expires_at > ? RETURNING *`, expiresAt, this.hall, tokenHash, now);
    return r ? phoneSessionFromRow(r) : undefined;
  }

  deletePhoneSession(tokenHash: string): boolean {
    return this.st('DELETE FROM phone_sessions WHERE hall_id = ? AND token_hash = ?').run(this.hall, tokenHash).changes === 1;
  }

  deletePhoneHandoffsOf(origin: string): number {
    return this.st(`DELETE FROM phone_sessions WHERE hall_id = ? AND origin = ? AND kind = 'handoff' AND used_at IS NULL`).run(this.hall, origin).changes;
  }

  purgePhoneSessions(now: number): number {
    return this.st('DELETE FROM phone_sessions WHERE hall_id = ? AND expires_at <= ?').run(this.hall, now).changes;
  }


  addNotice(n: NewNotice): NoticeRecord {
    this.st(`INSERT INTO result_notices (hall_id, idempotency_key, serial, service_name, holder_number, phone, outcome, text,
      created_at, created_day, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hall_id, idempotency_key) DO NOTHING`)
      .run(this.hall, n.idempotencyKey, n.serial, n.serviceName, n.holderNumber, n.phone, n.outcome, n.text, n.createdAt, n.createdDay,
        n.createdAt);
    return noticeFromRow(this.one('SELECT * FROM result_notices WHERE hall_id = ? AND idempotency_key = ?', this.hall, n.idempotencyKey)!);
  }

  claimNotices(at: number, leaseMs: number, limit: number): NoticeRecord[] {
    return this.all(`UPDATE result_notices SET attempts = attempts + 1, next_attempt_at = ? WHERE hall_id = ? AND id IN (
      SELECT id FROM result_notices WHERE hall_id = ? AND status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?)
      RETURNING *`, at + leaseMs, this.hall, this.hall, at, limit).map(noticeFromRow).sort((a, b) => a.id - b.id);
  }

  finishNoticeAttempt(id: number, r: NoticeAttemptResult): boolean {
    const [status, sentAt, error, next] = noticeAttemptParams(r);
    return this.st(`UPDATE result_notices SET status = ?, sent_at = ?, last_error = ?, next_attempt_at = coalesce(?, next_attempt_at)
      WHERE hall_id = ? AND id = ? AND status = 'pending'`).run(status, sentAt, error, next, this.hall, id).changes === 1;
  }

  listNotices(filter: { holderNumber?: string; serial?: string; unreadOnly?: boolean } = {}): NoticeRecord[] {
    return this.all(`SELECT * FROM result_notices WHERE hall_id = ? AND (? IS NULL OR holder_number = ?) AND (? IS NULL OR serial = ?)
      AND (? = 0 OR read_at IS NULL) ORDER BY id`, this.hall, filter.holderNumber ?? null, filter.holderNumber ?? null,
    filter.serial ?? null, filter.serial ?? null, filter.unreadOnly ? 1 : 0).map(noticeFromRow);
  }

  markNoticesRead(holderNumber: string, ids: readonly number[], at: number): number {
    return this.st(`UPDATE result_notices SET read_at = ? WHERE hall_id = ? AND holder_number = ? AND read_at IS NULL
      AND id IN (SELECT value FROM json_each(?))`).run(at, this.hall, holderNumber, JSON.stringify(ids)).changes;
  }

  countLimitRefusal(day: HallDay, kind: LimitRefusalKind): void {
    this.st(`INSERT INTO limit_refusals (hall_id, day, kind, count) VALUES (?, ?, ?, 1)
      ON CONFLICT (hall_id, day, kind) DO UPDATE SET count = count + 1`).run(this.hall, day, kind);
  }

  listLimitRefusals(day: HallDay): LimitRefusalCount[] {
    return this.all('SELECT kind, count FROM limit_refusals WHERE hall_id = ? AND day = ? ORDER BY kind', this.hall, day).map(limitRefusalFromRow);
  }

  getIntakeState(): IntakeStateRecord | undefined {
    const r = this.one('SELECT * FROM intake_state WHERE hall_id = ?', this.hall);
    return r ? intakeStateFromRow(r) : undefined;
  }

  saveIntakeState(x: IntakeStateRecord): void {
    this.st(`INSERT INTO intake_state (hall_id, mode, message, day, changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (hall_id) DO UPDATE SET mode = excluded.mode, message = excluded.message, day = excluded.day,
      changed_at = excluded.changed_at, changed_by = excluded.changed_by`).run(this.hall, x.mode, x.message, x.day, x.changedAt, x.changedBy);
  }

  claimDayClosing(c: DayClosingRecord): boolean {
    return this.st(`INSERT INTO day_closings (hall_id, day, waiting, at) VALUES (?, ?, ?, ?) ON CONFLICT (hall_id, day) DO NOTHING`)
      .run(this.hall, c.day, c.waiting, c.at).changes === 1;
  }

  getDayClosing(day: HallDay): DayClosingRecord | undefined {
    const r = this.one('SELECT * FROM day_closings WHERE hall_id = ? AND day = ?', this.hall, day);
    return r ? dayClosingFromRow(r) : undefined;
  }

  closeTicketAtClosing(id: number, reason: string, at: number): boolean {
    return this.st(`UPDATE tickets SET status = 'canceled', finished_at = ?, closed_reason = ? WHERE hall_id = ? AND id = ? AND status = 'waiting'`)
      .run(at, reason, this.hall, id).changes === 1;
  }
  getResultCollection(serial: string): ResultCollectionRecord | undefined {
    const r = this.one('SELECT * FROM result_collections WHERE hall_id = ? AND serial = ?', this.hall, serial);
    return r ? resultCollectionFromRow(r) : undefined;
  }

  insertResultCollection(c: ResultCollectionRecord): void {
    this.st(`INSERT INTO result_collections (hall_id, serial, mode, state, applicant_number, recipient, address, phone, ticket_id,
      certificate_id, chosen_at, finished_at, window_no, finished_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(this.hall,
      c.serial, c.mode, c.state, c.applicantNumber, c.recipient, c.address, c.phone, c.ticketId, c.certificateId, c.chosenAt, c.finishedAt, c.window,
      c.finishedBy, c.updatedAt);
  }

  updateResultCollection(serial: string, from: readonly ResultCollectionState[], p: ResultCollectionPatch): boolean {
    const row = this.getResultCollection(serial);
    if (!row || !from.includes(row.state)) return false;
    return this.st(`UPDATE result_collections SET state = ?, finished_at = ?, window_no = ?, finished_by = ?, ticket_id = ?, updated_at = ?
      WHERE hall_id = ? AND serial = ? AND state = ?`).run(p.state, p.finishedAt, p.window === undefined ? row.window : p.window,
      p.finishedBy === undefined ? row.finishedBy : p.finishedBy, p.ticketId === undefined ? row.ticketId : p.ticketId, p.updatedAt,
      this.hall, serial, row.state).changes === 1;
  }

  findResultCollectionByTicket(ticketId: number): ResultCollectionRecord | undefined {
    const r = this.one('SELECT * FROM result_collections WHERE hall_id = ? AND ticket_id = ?', this.hall, ticketId);
    return r ? resultCollectionFromRow(r) : undefined;
  }

  listResultCollections(states: readonly ResultCollectionState[]): ResultCollectionRecord[] {
    return this.all(`SELECT * FROM result_collections WHERE hall_id = ? AND state IN (SELECT value FROM json_each(?))
      ORDER BY chosen_at, serial`, this.hall, JSON.stringify(states)).map(resultCollectionFromRow);
  }

  listDoneApplicationsBefore(at: number): ApplicationRecord[] {
    return this.all(`SELECT * FROM applications WHERE hall_id = ? AND status = 'done' AND updated_at < ? ORDER BY updated_at, serial`,
      this.hall, at).map(applicationFromRow);
  }

}

// No round trip to save on SQLite: it has neither of the optional methods for a group of walk-ins (readBeforeWalkIns,
// insertTicketsAtCommit; hall/queue.ts issueGroupIn).
const REPOSITORY_METHODS = Object.getOwnPropertyNames(SqliteHallRepository.prototype)
  .filter((n) => n !== 'constructor' && !['st', 'all', 'one'].includes(n)) as Array<Exclude<keyof HallRepository, 'atCommit' | 'readBeforeWalkIns' | 'insertTicketsAtCommit'>>;

/** An async HallRepository whose every call runs `call` around the synchronous method. */
function asyncRepository(repo: SqliteHallRepository, call: <R>(f: () => R) => Promise<R>): HallRepository {
  const out: Record<string, unknown> = {};
  for (const name of REPOSITORY_METHODS) {
    const method = repo[name] as (...args: unknown[]) => unknown;
    out[name] = (...args: unknown[]) => call(() => method.apply(repo, args));
  }
  // One process, one file: nothing to save by sending statements with a commit; `f` runs now (a transaction's handle
  // holds the commit until they are done: withTransaction).
  out.atCommit = (f: (r: HallRepository) => Promise<unknown>) => f(out as unknown as HallRepository);
  return out as unknown as HallRepository;
}

export interface SqliteHallStoreOptions {
  /** ms to wait for a lock held by another connection (another process on the same file). */
  busyTimeoutMs?: number;
  /** The hall the store is bound to (config site.hallId; default DEFAULT_HALL_ID). */
  hallId?: string;
}

/** Opens (creating if needed) the hall database at `file` and brings its schema up to date. */
export function openSqliteHallStore(file: string, opts: SqliteHallStoreOptions = {}): SqliteHallStore {
  return new SqliteHallStore(file, opts);
}

export class SqliteHallStore implements HallStore {
  private readonly db: Database;
  private readonly repo: SqliteHallRepository;
  private readonly outer: HallRepository;
  private readonly version: number;
  /** Every operation waits behind the previous one (see the file comment). */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly inTransaction = new AsyncLocalStorage<SqliteHallStore>();
  private closed = false;
  readonly hallId: string;
  /**
   * No linger (HallStore.groupLingerMs): a group's transaction is a call into this process, its fixed part
   * microseconds; a wait would leave the core idle (bench `hall-load`, one SQLite instance at 64 kiosks: 0.8 times
   * the rate with a 10 ms linger, at more CPU per ticket).
   */
  readonly groupLingerMs = 0;

  constructor(readonly file: string, opts: SqliteHallStoreOptions = {}) {
    this.hallId = checkHallId(opts.hallId ?? DEFAULT_HALL_ID);
    // Owner-only before SQLite writes a byte: SQLite gives the -wal and -shm files the database file's mode (README
    // "Security", data at rest). An existing file with a looser mode is tightened.
    createPrivateFile(file);
    this.db = new Database(file, { timeout: opts.busyTimeoutMs ?? 5000 });
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      // Deleted and masked rows are overwritten on disk, not left in free pages (retention must really remove them).
      this.db.pragma('secure_delete = ON');
      this.db.function('od_mask', { deterministic: true }, (v: unknown) => (v === null ? null : maskIdNumber(String(v))));
      this.db.function('od_mask_name', { deterministic: true }, (v: unknown) => {
        const name = [...String(v ?? '')];
        return name.length === 0 ? '' : name[0] + '*'.repeat(name.length - 1);
      });
      this.version = applyHallMigrations(this.db, HALL_MIGRATIONS, this.hallId);
      for (const side of SQLITE_SIDE_FILES) restrictFileMode(file + side);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.repo = new SqliteHallRepository(this.db, this.hallId);
    this.outer = asyncRepository(this.repo, (f) => this.enqueue(async () => f()));
    // Expose the outer repository's methods on the store itself (HallStore extends HallRepository).
    Object.assign(this, this.outer);
  }

  private enqueue<R>(job: () => Promise<R>): Promise<R> {
    if (this.inTransaction.getStore() === this) {
      return Promise.reject(new Error('hall store: use the transaction handle (tx) inside withTransaction, not the store'));
    }
    if (this.closed) return Promise.reject(new Error('hall store is closed'));
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  withPersonTransaction<T>(_person: string | null | readonly string[], fn: (tx: HallRepository) => Promise<T>): Promise<T> {
    // BEGIN IMMEDIATE takes the file's one write lock: every transaction runs alone already.
    return this.withTransaction(fn);
  }

  withTransaction<T>(fn: (tx: HallRepository) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      let open = true;
      const tx = asyncRepository(this.repo, async (f) => {
        if (!open) throw new Error('hall store: transaction handle used after its transaction ended');
        return f();
      });
      // Statements "sent with the commit" (HallRepository.atCommit) run at once; the COMMIT waits for them, and one
      // that fails rolls the transaction back, as on PostgreSQL. Their caller is answered as on PostgreSQL: once the
      // transaction has committed (its error if it did not), or a turn later while fn still runs (it may be waiting).
      const withCommit: Array<Promise<unknown>> = [];
      let fnDone = false;
      let ended!: { committed(): void; failed(err: unknown): void };
      const outcome = new Promise<void>((resolve, reject) => {
        ended = { committed: resolve, failed: reject };
      });
      outcome.catch(() => undefined);
      tx.atCommit = <R>(f: (r: HallRepository) => Promise<R>): Promise<R> => {
        const done = f(tx);
        withCommit.push(done);
        const stillRunning = new Promise<void>((resolve) => setImmediate(() => !fnDone && resolve()));
        return Promise.race([outcome, stillRunning]).then(() => done);
      };
      this.db.exec('BEGIN IMMEDIATE');
      try {
        let result: T;
        try {
          result = await this.inTransaction.run(this, () => fn(tx));
        } finally {
          fnDone = true;
        }
        await Promise.all(withCommit);
        this.db.exec('COMMIT');
        ended.committed();
        return result;
      } catch (err) {
        ended.failed(err);
        // SQLite may already have rolled back (e.g. after SQLITE_FULL); the caller needs fn's error, not ROLLBACK's.
        try {
          this.db.exec('ROLLBACK');
        } catch {
          /* no transaction left to roll back */
        }
        throw err;
      } finally {
        open = false;
      }
    });
  }

  async schemaVersion(): Promise<number> {
    return this.version;
  }

  districtHalls(day: HallDay): Promise<DistrictHallRow[]> {
    return this.enqueue(async () => (this.db.prepare(districtFiguresSql(() => '@day')).all({ day }) as Row[]).map(districtRowFrom));
  }

  checkReadable(): Promise<void> {
    return this.enqueue(async () => {
      // Reads the schema table through SQLite (not the cached version): fails on a file SQLite cannot read any more.
      this.db.prepare('SELECT max(version) AS v FROM schema_migrations').get();
    });
  }

  /**
   * An online backup into `dest` (SQLite's backup API through better-sqlite3's `db.backup`): a consistent copy while
   * the hall runs. Queued like every operation, so no write lands half-way through it; a hall's database copies in
   * well under a second. `dest` should exist already with its final mode (store/hallBackup.ts makes it 0600).
   */
  backupTo(dest: string): Promise<void> {
    return this.enqueue(async () => {
      await this.db.backup(dest);
    });
  }

  applyRetention(cutoffs: HallRetentionCutoffs): Promise<HallRetentionResult> {
    return this.enqueue(async () => {
      const result = this.db.transaction(() => retentionSql(this.db, cutoffs, this.hallId))();
      // Old page images of the masked rows would otherwise stay in the WAL file until the next checkpoint.
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      return result;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    this.db.close();
  }
}

// The repository methods are copied onto each instance in the constructor (Object.assign above).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface SqliteHallStore extends HallRepository {}

function holdOf(r: Record<string, unknown>): TicketHoldRecord {
  return {
      ticketId: Number(r.ticket_id), window: Number(r.window_no), heldAt: Number(r.held_at), untilAt: Number(r.until_at),
      releasedAt: r.released_at === null || r.released_at === undefined ? null : Number(r.released_at),
    };
}
