/**
 * `HallStore` on PostgreSQL (driver `pg` 8, its `Pool`): the hall's data in one schema of a shared database, so
 * several hall-server processes and the web/phone channels can use the same appointments (README "Running a
 * district"). Same tables, constraints and migration versions as SQLite (hallPostgresMigrations.ts), same row
 * mappers (hallSqlite.ts), same interface contract (test/store/hallStore.contract.ts).
 *
 * How `withTransaction` maps to PostgreSQL:
 * - one pooled client runs `BEGIN` ... `COMMIT`; `fn` gets a repository bound to that client and nothing else;
 * - the transaction first takes a transaction-level advisory lock on the schema and hall, so a hall's transactions
 *   run one at a time across every instance, as `BEGIN IMMEDIATE` makes them on SQLite. The services' rules read then write
 *   inside a transaction (slot capacity, one waiting ticket, recall limits); under READ COMMITTED alone two
 *   instances could both pass a check. Plain reads and single-statement writes outside a transaction do not wait;
 * - `withPersonTransaction` (taking a ticket) takes the hall lock shared and a lock of the person exclusive: it waits
 *   for (and holds off) every hall-wide transaction and the same person's, not other people's, so tickets for
 *   different people are issued side by side; their numbers stay unique through the counter's atomic increment
 *   (`takeNumber`, `takeNumbers`, on a numbering pool of its own: see takeNumbersAlone);
 * - calling the outer store from inside `fn` throws (it would run outside the transaction, on another client);
 * - a rejection of `fn`, or a failed statement or COMMIT, rolls back; a client whose connection broke is destroyed
 *   rather than returned to the pool.
 *
 * A store is bound to one hall (`hallId`, config site.hallId): every statement names that hall's rows
 * (README "Running a district", "Many halls, one database"); `districtHalls` is the one read across halls.
 *
 * Numbering (`nextCounterValue`) is one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` statement: the row lock
 * makes concurrent increments from any number of instances atomic, with no read-then-write.
 *
 * Every error leaves as a `HallDatabaseError` whose message starts with "hall database" (the kiosk API answers such
 * failures with 暂停服务, api/kioskCommands.ts). It carries the message and SQLSTATE only, not the driver's error:
 * PostgreSQL's `detail` can quote a key (a holder number: hall-rules.md "Privacy"), and pg hangs the client and its
 * connection parameters (the password) on some errors, which a logger would print.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
// A namespace import: `hash` (Node 20.12 on) is looked up at run time, so an older Node 20 still loads the module.
import * as nodeCrypto from 'node:crypto';
import pg from 'pg';
import { serviceDurationsSql, visitStepsFromRows, visitStepsOfTickets, type VisitStepFinish, type VisitStepRecord } from './visitRecords.ts';
import { auditSafeEntry, type AccessAuditQuery, type AccessAuditRecord, type AccessAuditSlice, type NewAccessAuditRecord } from './accessAuditRecords.ts';
import type { CatalogueLoadRecord, CodedDepartment, HallWindowRecord, LifeEventRecord, ServiceUseCounts } from './catalogueRecords.ts';
import { applyHallPostgresMigrations, HALL_POSTGRES_MIGRATIONS } from './hallPostgresMigrations.ts';
import { districtFiguresSql, districtRowFrom, type DistrictHallRow } from './districtFigures.ts';
import { checkHallId, DEFAULT_HALL_ID, hallIdLiteral } from './hallScope.ts';
import { CHANGES_BEFORE_ANALYZE, keepTicketStatistics, STATISTICS_CHECK_MS, type StatisticsCheck } from './ticketStatistics.ts';

import { handoffRefusalOf, holderColumns, phoneSessionFromRow, type PhoneHandoffTake, type PhoneSessionRecord } from './phoneSessionRecords.ts';
import type { CommitmentCheckResult, CommitmentRecord, IntakeDecision, IntakeRecord, IntakeState, NewCommitment } from './intakeRecords.ts';
import type { NewNotice, NoticeAttemptResult, NoticeRecord } from './noticeRecords.ts';
import { BATCHED_METHODS, batchedStatements, type BatchedMethods, type BatchedStatements } from './hallPostgresBatches.ts';
import { retentionPostgres } from './hallRetentionPostgres.ts';
import { dayClosingFromRow, intakeStateFromRow, limitRefusalFromRow, type DayClosingRecord, type IntakeStateRecord, type LimitRefusalCount,
  type LimitRefusalKind } from './dayBoundaryRecords.ts';
import { SCHEMA_NAME } from './hallStoreSetting.ts';
import { callCandidatesSql, calledOfCategorySql, nextWaitingSql, ticketsOfHoldersSql, waitingAheadOfNumbersSql, waitingAheadSql } from './ticketOrderSql.ts';
import {
  appointmentFromRow, applicationFromRow, bool, certificateFromRow, counterWindowFromRow, departmentFromRow, lifeEventFromRow, commitmentFromRow, followUpFromRow, intakeFromRow, materialFromRow,
  kioskRequestFromRow, noticeAttemptParams, noticeFromRow, numOrNull, resultCertificateColumn, resultCollectionColumn, resultCollectionFromRow, serviceFromRow,
  slotFromRow, ticketFromRow, type Row,
} from './hallSqlite.ts';
import type { ResultCollectionState } from '@onedoor/protocol';
import type { ResultCollectionPatch, ResultCollectionRecord } from './resultRecords.ts';
import type {
  AppliedCounterEventRecord, AppointmentRecord, HallRetentionCutoffs, HallRetentionResult, AppointmentStatus, ApplicationEventRecord, ApplicationRecord,
  ApplicationStatus, CalendarDayRecord, CertificateRecord, CounterCallRecord, TicketHoldRecord, CounterWindowRecord, DepartmentRecord,
  HallDay, HallRepository, HallStore, KioskRequestRecord, MaterialRecord, NewAppointment, NewDepartment, NewMaterial,
  NewSlot, NewTicket, NoShowRecord, PrintLogRecord, QueueCategoryRecord, RatingFollowUpRecord, ServiceItemRecord,
  SlotRecord, TicketFilter, TicketPatch, TicketRatingRecord, TicketRecord, TicketStatus, TicketTransferRecord, TicketWaits, WalkInsReads,
} from './hallStore.ts';
import { aheadFrom, durationsFrom, durationsOfCategoriesSql, jsonRows, waitsSql } from './ticketWaitsSql.ts';
import { numbersWanted, numbersWantedOf } from './hallStore.ts';

/** A failure of the PostgreSQL hall database; `unavailable` when the connection itself failed (refused, lost). */
export class HallDatabaseError extends Error {
  /** SQLSTATE (e.g. 23505) or the socket error code (ECONNREFUSED); undefined when neither is known. */
  readonly sqlState: string | undefined;

  constructor(message: string, readonly unavailable: boolean, sqlState: string | undefined) {
    super(message);
    this.name = 'HallDatabaseError';
    this.sqlState = sqlState;
  }
}

/** SQLSTATE classes and socket errors that mean "the database went away", not "this statement is wrong". */
function isConnectionFailure(err: { code?: unknown; message?: string }): boolean {
  const code = typeof err.code === 'string' ? err.code : '';
  return /^(08|57P0|53300)/.test(code) || /^E(CONNREFUSED|CONNRESET|HOSTUNREACH|NETUNREACH|PIPE|TIMEDOUT|AI_AGAIN)$/.test(code)
    || code === 'ENOTFOUND' || /connection terminated|not queryable|timeout exceeded when trying to connect|Connection ended/i.test(err.message ?? '');
}

function databaseError(err: unknown, where: string): HallDatabaseError {
  if (err instanceof HallDatabaseError) return err;
  const e = (err ?? {}) as { code?: unknown; message?: string };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (isConnectionFailure(e)) {
    return new HallDatabaseError(`hall database unavailable (PostgreSQL ${where}): ${e.message ?? String(err)}`, true, code);
  }
  return new HallDatabaseError(`hall database (PostgreSQL): ${e.message ?? String(err)}`, false, code);
}

/**
 * A statement with parameters goes as a named prepared statement: PostgreSQL parses and plans it once per pooled
 * connection instead of on every call (the ticket path runs a dozen statements; re-planning them was most of the
 * server's time per ticket, bench `hall-load`). The name is the text's hash, so one text is one statement on every
 * connection. Statements without parameters (BEGIN with its lock, COMMIT) stay simple queries: they may hold two
 * statements, which a prepared statement cannot.
 */
const statementNames = new Map<string, string>();
export function statement(text: string, params?: unknown[]): string | pg.QueryConfig {
  if (!params || params.length === 0) return text;
  if (plannedEachCall.has(text)) return { text, values: params };
  return { name: statementName(text), text, values: params };
}

/** `od_` and the text's hash, cached per text (the ticket path's texts are few and hashed once each). */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `od_${nodeCrypto.createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (statementNames.size < 5000) statementNames.set(text, name);
  }
  return name;
}

/**
 * Statements sent unnamed, so PostgreSQL plans each call with its values and the table as it is then (see
 * `planEachCall`).
 */
const plannedEachCall = new Set<string>();

/**
 * `text`, marked to be planned on every call rather than prepared once per connection. For a statement whose right
 * plan depends on how full a table is now: a prepared statement's plan is settled after its first runs (PostgreSQL
 * then keeps a generic plan while it costs no more than the custom ones), and on a day's first tickets, before the
 * table's first ANALYZE, that can be an index that fits a small table and reads every ticket of the day once the
 * table is full. Measured in `hall-load` (c): a person's tickets (`ticketsOfHoldersSql`) planned so on a connection
 * (over the numbers' index: 6,146 rows read and dropped per person, 1.7 ms a group, half of PostgreSQL's statement
 * time); planned on each call, 0.04 ms a group. Only for such statements: re-planning them all was most of the
 * server's time per ticket (above).
 */
function planEachCall(text: string): string {
  if (plannedEachCall.size < 1000) plannedEachCall.add(text);
  return text;
}

/** A day's tickets of some people ($1 the day, $2 their numbers), as the store sends it: planned on each call. */
export function ticketsOfHoldersText(hallLiteral: string): string {
  return planEachCall(ticketsOfHoldersSql('$1::text', '$2::text[]', hallLiteral));
}

/**
 * A prepared `SELECT *` whose table gained a column since (a newer instance migrated the shared schema) fails with
 * "cached plan must not change result type"; the same text unprepared still works.
 */
function isStalePlan(err: unknown): boolean {
  const e = (err ?? {}) as { code?: unknown; sqlState?: unknown; message?: unknown };
  return (e.code === '0A000' || e.sqlState === '0A000') && /cached plan must not change result type/.test(String(e.message));
}

interface QueryResult {
  rows: Row[];
  rowCount: number;
}

/** A hall's queue categories, in letter order (`h`: the hall as an SQL literal). */
function queueCategoriesSql(h: string): string {
  return `SELECT * FROM queue_categories WHERE hall_id = ${h} ORDER BY letter`;
}

/** A hall's intake state (open, paused, closed). */
function intakeStateSql(h: string): string {
  return `SELECT * FROM intake_state WHERE hall_id = ${h}`;
}

/**
 * What a person's transaction (taking tickets, queue.ts issueGroupIn) reads first whatever the request: the
 * categories and whether intake is open. They go in BEGIN's round trip, after the locks (see `attempt`).
 */
function ticketOpeningReads(h: string): string[] {
  return [queueCategoriesSql(h), intakeStateSql(h)];
}

/**
 * A value as SQL text, for EXECUTE's arguments in a simple query (togetherQuery): as the driver would send it as text
 * (arrays as array literals, element by element), quoted by the driver, so the prepared statement's parameter types
 * read it as they read the driver's values. Anything else (a Buffer, an object) cannot go this way: the statements
 * then go one by one.
 */
export function sqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'string') return quoteLiteral(v);
  if (typeof v === 'number' && Number.isFinite(v)) return `'${String(v)}'`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return arrayLiteralSql(v);
  throw new Error(`hall store: ${typeof v} value cannot be sent in a statement's text`);
}

const QUOTE_OR_BACKSLASH = /['\\]/;

/**
 * A string as an SQL literal, exactly as the driver's `escapeLiteral` writes it (quotes and backslashes doubled, an
 * E'' literal when there is a backslash), by the engine's own search and replace: the driver's loop adds one
 * character at a time, about four times as long for the answers' JSON a group's COMMIT carries (hundreds of
 * characters each, one literal per array), test/store/sqlLiteral.test.ts.
 */
export function quoteLiteral(s: string): string {
  if (!QUOTE_OR_BACKSLASH.test(s)) return `'${s}'`;
  const quoted = s.replaceAll("'", "''");
  return s.includes('\\') ? ` E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}

/**
 * An array as an SQL literal: what `quoteLiteral` makes of the driver's text form of the array (elements in double
 * quotes, their backslashes and double quotes backslashed, NULL bare, nested arrays in braces), written in one pass
 * that copies each element once. A group's answers are arrays of JSON texts, full of double quotes: escaped for the
 * array, then the whole array quoted for SQL, each answer was copied again at every step, and those copies were a
 * quarter of what an instance allocated per ticket in bench `hall-load` (V8's sampling heap profiler). The array's
 * text holds a backslash exactly when an element holds a backslash or a double quote: the literal is then an E''
 * literal, each of its backslashes doubled once more (test/store/sqlLiteral.test.ts holds it to the driver's text).
 */
function arrayLiteralSql(values: readonly unknown[]): string {
  const backslashed = arrayHolds(values, BACKSLASH_OR_DOUBLE_QUOTE);
  return `${backslashed ? ' E\'' : '\''}${arrayText(values, backslashed || arrayHolds(values, QUOTE), backslashed)}'`;
}

const BACKSLASH_OR_DOUBLE_QUOTE = /[\\"]/;
const QUOTE = /'/;
const ESCAPED_IN_E_LITERAL = /[\\"']/g;
const E_LITERAL_ESCAPES: Record<string, string> = { '\\': '\\\\\\\\', '"': '\\\\"', "'": "''" };

/** An element's text as the driver writes it in an array (a string, a finite number, a boolean), else it throws. */
function elementText(e: unknown): string {
  if (typeof e === 'string') return e;
  if ((typeof e === 'number' && Number.isFinite(e)) || typeof e === 'boolean') return String(e);
  throw new Error(`hall store: ${typeof e} array element cannot be sent in a statement's text`);
}

/** Whether an element of `values` (or of an array in it) has a character of `pattern` in its text. */
function arrayHolds(values: readonly unknown[], pattern: RegExp): boolean {
  for (let i = 0; i < values.length; i++) {
    const e = values[i];
    if (e === null || e === undefined) continue;
    if (Array.isArray(e) ? arrayHolds(e, pattern) : pattern.test(elementText(e))) return true;
  }
  return false;
}

/**
 * The array's text inside the literal's quotes. `escape`: some element holds a character to escape; `eLiteral`: the
 * literal is an E'' literal (backslashes and double quotes escaped for the array, then every backslash doubled),
 * else only quotes are doubled (no element holds a backslash or a double quote).
 */
function arrayText(values: readonly unknown[], escape: boolean, eLiteral: boolean): string {
  let text = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) text += ',';
    const v = values[i];
    if (v === null || v === undefined) text += 'NULL';
    else if (Array.isArray(v)) text += arrayText(v, escape, eLiteral);
    else text += `"${escape ? escapedElement(elementText(v), eLiteral) : elementText(v)}"`;
  }
  return `${text}}`;
}

/** An element's text escaped for the array and for the SQL literal around it (arrayText). */
function escapedElement(t: string, eLiteral: boolean): string {
  return eLiteral ? t.replace(ESCAPED_IN_E_LITERAL, (c) => E_LITERAL_ESCAPES[c]) : t.replaceAll("'", "''");
}

/** A new ticket's columns as insertTickets writes them from arrays: column, its name in the unnest, type, value. */
const NEW_TICKET_COLUMNS: ReadonlyArray<readonly [string, string, string, (t: NewTicket) => unknown]> = [
  ['day', 'day', 'text', (t) => t.day], ['category', 'category', 'text', (t) => t.category], ['seq', 'seq', 'integer', (t) => t.seq],
  ['number', 'number', 'text', (t) => t.number], ['holder_number', 'holder', 'text', (t) => t.holderNumber],
  ['priority', 'priority', 'text', (t) => t.priority], ['issued_at', 'issued_at', 'bigint', (t) => t.issuedAt],
  ['appointment_id', 'appointment_id', 'integer', (t) => t.appointmentId],
];

/**
 * Tickets as one INSERT of arrays, status waiting, in hall `h` (insertTickets; insertTicketsAtCommit with `ids`, the
 * ids read before: WalkInsReads): its text and parameters, the ids first when given.
 */
function ticketsInsert(h: string, ts: readonly NewTicket[], ids: readonly number[] | null): { text: string; params: unknown[] } {
  const columns = [...(ids ? [['id', 'id', 'integer', null] as const] : []), ...NEW_TICKET_COLUMNS];
  const text = `INSERT INTO tickets (hall_id, status, ${columns.map(([c]) => c).join(', ')})
      SELECT ${h}, 'waiting', ${columns.map(([, u]) => `u.${u}`).join(', ')}
      FROM unnest(${columns.map(([, , type], i) => `$${i + 1}::${type}[]`).join(', ')}) AS u(${columns.map(([, u]) => u).join(', ')})`;
  return { text, params: [...(ids ? [[...ids]] : []), ...NEW_TICKET_COLUMNS.map(([, , , value]) => ts.map(value))] };
}

/** Statements a connection has PREPAREd for statements sent together (names `odc_...`, apart from the driver's `od_...`). */
const preparedOnConnection = new WeakMap<pg.PoolClient, Set<string>>();

/** A statement asked in a transaction, to go with others in one round trip (togetherQuery), and its caller's answer. */
interface AskedStatement {
  text: string;
  params?: unknown[];
  resolve(r: QueryResult): void;
  reject(e: unknown): void;
}

/**
 * One simple query of `asked` (then COMMIT when `commit`): a statement with parameters is PREPAREd the first time
 * on the connection (`prepared`: what it has), then EXECUTEd with the values as literals. Each runs on the plan it
 * would have had alone: a statement planned on every call with its values (`planEachCall`) under
 * force_custom_plan, every other one on its generic plan. Left to choose, PostgreSQL plans a prepared statement anew
 * for its first five runs after every ANALYZE and, where those custom plans look cheaper than the generic one, for
 * every run after: measured in `hall-load` after the tickets' VACUUM (ANALYZE), the wait's read was planned at 49 of
 * 82 commits, 1.1 ms of the server's CPU each, three times its run, and the rate fell to 0.7-0.8 of the cell before.
 * The statements of the ticket path are written to need no plan of their values (ticketOrderSql.ts: the ticket's own
 * day and category are subqueries that bound the index whatever the planner believes; test/store/queueReadCost.test.ts).
 * The setting is for this transaction only (SET LOCAL) and put back after the statements. `at`: each statement's
 * result among the query's results; `names`: the statements it prepares.
 */
function togetherQuery(asked: readonly AskedStatement[], prepared: ReadonlySet<string>, commit: boolean): { text: string; at: number[]; names: string[] } {
  const texts: string[] = [];
  const at: number[] = [];
  const names: string[] = [];
  let mode: string | null = null;
  for (const c of asked) {
    if (!c.params || c.params.length === 0) {
      at.push(texts.push(c.text) - 1);
      continue;
    }
    const wanted = plannedEachCall.has(c.text) ? 'force_custom_plan' : 'force_generic_plan';
    if (wanted !== mode) texts.push(`SET LOCAL plan_cache_mode = ${(mode = wanted)}`);
    const name = `odc_${statementName(c.text).slice('od_'.length)}`;
    if (!prepared.has(name) && !names.includes(name)) {
      texts.push(`PREPARE ${name} AS ${c.text}`);
      names.push(name);
    }
    at.push(texts.push(`EXECUTE ${name}(${c.params.map(sqlLiteral).join(', ')})`) - 1);
  }
  if (commit) texts.push('COMMIT');
  else if (mode !== null) texts.push('SET LOCAL plan_cache_mode = DEFAULT');
  return { text: texts.join('; '), at, names };
}

/** Where a repository's statements go: the pool (each statement on its own) or one transaction's client. */
interface Sql {
  query(text: string, params?: unknown[]): Promise<QueryResult>;
  /** `takeNumbers`: increments committed on a connection of their own, whatever this handle is bound to. */
  takeNumbers(wanted: ReadonlyArray<readonly [string, number]>): Promise<number[]>;
  /** Runs `fn` atomically: in a transaction of its own on the pool, or simply inside the current one. */
  atomic<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /**
   * A transaction's handle only: a statement sent with the COMMIT, in its round trip, answered once it is committed;
   * sent before instead when the transaction's function is still running a turn after the call (it waits for the
   * answer). Absent on the pool.
   */
  atCommit?(text: string, params?: unknown[]): Promise<QueryResult>;
  /**
   * A transaction's handle only: runs `start` just before the handle sends the statements asked in this turn, so
   * statements it asks for go with them (statementBatches.ts `schedule`: a transaction's batches).
   */
  schedule?(start: () => void): void;
  /**
   * A transaction's handle only: `schedule` for batches of statements sent with the COMMIT (atCommit): `start` runs
   * just before the COMMIT is sent, so calls made in any turn of the transaction go in one batch; or a turn after the
   * call when the transaction's function is still running then (it may be waiting for the answer).
   */
  scheduleAtCommit?(start: () => void): void;
  /** A transaction's handle only: the transaction does not commit once `p` has rejected (HallRepository.atCommit). */
  holdCommit?(p: Promise<unknown>): void;
  /** The handle of a transaction's atCommit repository: its statements are answered with the COMMIT. */
  holdsForCommit?: boolean;
}

const TICKET_COLUMNS: Record<keyof TicketPatch, string> = {
  status: 'status', calledAt: 'called_at', startedAt: 'started_at', finishedAt: 'finished_at', priority: 'priority',
  appointmentId: 'appointment_id',
};

const SLOT_WITH_BOOKED = `SELECT s.*, (SELECT count(*) FROM appointments a WHERE a.slot_id = s.id
  AND a.status IN ('booked', 'checkedIn')) AS booked FROM appointment_slots s`;

/** The repository over `Sql`: every method one statement, or several under `atomic`. */
class PostgresHallRepository implements HallRepository {
  /** The bound hall as an SQL literal: checked against HALL_ID_PATTERN (no quote can pass), so safe in the text. */
  private readonly h: string;
  /** A transaction's repository for statements sent with its COMMIT (atCommit), one per transaction. */
  private committing?: PostgresHallRepository;

  constructor(private readonly sql: Sql, readonly hallId: string) {
    this.h = hallIdLiteral(hallId);
    // On a transaction's handle, calls of the batched kinds asked in one turn (the records and names of a group of
    // linked kiosks' walk-ins, their answers' records and audit entries) go as one set-based statement, with the
    // turn's other statements (hallPostgresBatches.ts, as on the outer store); the repository's own methods answer
    // a batch of one. No item goes again on its own: a failed statement has aborted the transaction.
    // Made at the first such call: most transactions ask for none.
    if (sql.schedule) {
      let batched: BatchedMethods | undefined;
      const methods = () => (batched ??= batchedStatements({
        h: this.h, query: (text, params) => sql.query(text, params), single: new PostgresHallRepository({ ...sql, schedule: undefined }, hallId),
        rowFault: () => false, refuse: () => null, schedule: (start) => sql.schedule!(start),
        // A batch held for the COMMIT answers with it: a later call must not wait for it (hallPostgresBatches.ts).
        ...(sql.holdsForCommit ? { maxInFlight: Number.MAX_SAFE_INTEGER } : {}),
      }).methods);
      for (const name of BATCHED_METHODS) {
        (this as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => (methods()[name] as (...a: unknown[]) => unknown)(...args);
      }
    }
  }

  private async all(text: string, ...params: unknown[]): Promise<Row[]> {
    return (await this.sql.query(text, params)).rows;
  }

  private async one(text: string, ...params: unknown[]): Promise<Row | undefined> {
    return (await this.sql.query(text, params)).rows[0];
  }

  private async run(text: string, ...params: unknown[]): Promise<number> {
    return (await this.sql.query(text, params)).rowCount;
  }

  upsertDepartments(list: NewDepartment[]): Promise<DepartmentRecord[]> {
    return this.sql.atomic(async (sql) => {
      const repo = new PostgresHallRepository(sql, this.hallId);
      for (const d of list) {
        await repo.run(`INSERT INTO departments (hall_id, name, batch, batch_deadline, sort_order)
          VALUES (${this.h}, $1, $2, $3, $4) ON CONFLICT (hall_id, name) DO UPDATE SET batch = excluded.batch, batch_deadline = excluded.batch_deadline,
          sort_order = excluded.sort_order`, d.name, d.batch, d.batchDeadline, d.sortOrder);
      }
      return repo.listDepartments();
    });
  }

  async listDepartments(): Promise<DepartmentRecord[]> {
    return (await this.all(`SELECT * FROM departments WHERE hall_id = ${this.h} ORDER BY sort_order, id`)).map(departmentFromRow);
  }

  async upsertQueueCategory(c: QueueCategoryRecord): Promise<void> {
    await this.run(`INSERT INTO queue_categories (hall_id, letter, name, default_service_minutes) VALUES (${this.h}, $1, $2, $3)
      ON CONFLICT (hall_id, letter) DO UPDATE SET name = excluded.name, default_service_minutes = excluded.default_service_minutes`,
    c.letter, c.name, c.defaultServiceMinutes);
  }

  async listQueueCategories(): Promise<QueueCategoryRecord[]> {
    return (await this.all(queueCategoriesSql(this.h))).map((r) => ({
      letter: String(r.letter), name: String(r.name), defaultServiceMinutes: Number(r.default_service_minutes),
    }));
  }

  async getQueueCategory(letter: string): Promise<QueueCategoryRecord | undefined> {
    const r = await this.one(`SELECT * FROM queue_categories WHERE hall_id = ${this.h} AND letter = $1`, letter);
    return r ? { letter: String(r.letter), name: String(r.name), defaultServiceMinutes: Number(r.default_service_minutes) } : undefined;
  }

  upsertServiceItem(item: ServiceItemRecord, materials: NewMaterial[]): Promise<void> {
    return this.sql.atomic(async (sql) => {
      const repo = new PostgresHallRepository(sql, this.hallId);
      await repo.run(`INSERT INTO service_items (hall_id, id, department_id, name, category, time_limit_days, slot_capacity,
        step_limits, self_apply, form_fields, result_collection, result_certificate)
        VALUES (${this.h}, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (hall_id, id) DO UPDATE SET department_id = excluded.department_id,
        name = excluded.name, category = excluded.category, time_limit_days = excluded.time_limit_days,
        slot_capacity = excluded.slot_capacity, step_limits = excluded.step_limits, self_apply = excluded.self_apply,
        form_fields = excluded.form_fields, result_collection = excluded.result_collection,
        result_certificate = excluded.result_certificate`,
      item.id, item.departmentId, item.name, item.category, item.timeLimitDays, item.slotCapacity,
      item.stepLimits ? JSON.stringify(item.stepLimits) : null, item.selfApply ? 1 : 0,
      item.selfApply ? JSON.stringify(item.formFields ?? []) : null, resultCollectionColumn(item), resultCertificateColumn(item));
      await repo.run(`DELETE FROM service_materials WHERE hall_id = ${this.h} AND service_id = $1`, item.id);
      for (const [i, m] of materials.entries()) {
        await repo.run(`INSERT INTO service_materials (hall_id, service_id, name, sort_order, fetched_from, commitment_allowed,
          commitment_text, commitment_version) VALUES (${this.h}, $1, $2, $3, $4, $5, $6, $7)`, item.id, m.name, i + 1, m.fetchedFrom,
        m.commitmentAllowed, m.commitmentText ?? null, m.commitmentText ? m.commitmentVersion ?? '' : null);
      }
    });
  }

  async getServiceItem(id: string): Promise<ServiceItemRecord | undefined> {
    const r = await this.one(`SELECT * FROM service_items WHERE hall_id = ${this.h} AND id = $1`, id);
    return r ? serviceFromRow(r) : undefined;
  }

  async listServiceItems(departmentId?: number): Promise<ServiceItemRecord[]> {
    const rows = departmentId === undefined
      ? await this.all(`SELECT * FROM service_items WHERE hall_id = ${this.h} ORDER BY id`)
      : await this.all(`SELECT * FROM service_items WHERE hall_id = ${this.h} AND department_id = $1 ORDER BY id`, departmentId);
    return rows.map(serviceFromRow);
  }

  async listMaterials(serviceId: string): Promise<MaterialRecord[]> {
    return (await this.all(`SELECT * FROM service_materials WHERE hall_id = ${this.h} AND service_id = $1 ORDER BY sort_order`,
      serviceId)).map(materialFromRow);
  }

  async setCalendarDay(day: CalendarDayRecord): Promise<void> {
    await this.run(`INSERT INTO calendar_days (hall_id, day, kind, name) VALUES (${this.h}, $1, $2, $3)
      ON CONFLICT (hall_id, day) DO UPDATE SET kind = excluded.kind, name = excluded.name`, day.day, day.kind, day.name);
  }

  async listCalendarDays(): Promise<CalendarDayRecord[]> {
    return (await this.all(`SELECT * FROM calendar_days WHERE hall_id = ${this.h} ORDER BY day`)).map((r) => ({
      day: String(r.day), kind: r.kind as CalendarDayRecord['kind'], name: String(r.name),
    }));
  }

  async takeNumber(name: string, count = 1): Promise<number> {
    return (await this.sql.takeNumbers([[name, numbersWanted(count)]]))[0];
  }

  async takeNumbers(wanted: ReadonlyArray<readonly [name: string, count: number]>): Promise<number[]> {
    const checked = numbersWantedOf(wanted);
    return checked.length === 0 ? [] : this.sql.takeNumbers(checked);
  }

  async nextCounterValue(name: string): Promise<number> {
    // One statement: the conflicting row is locked while it is incremented, so concurrent callers on any instance
    // each get their own value (no read-then-write). Inside a transaction the increment commits or rolls back with it.
    const r = await this.one(`INSERT INTO counters (hall_id, name, value) VALUES (${this.h}, $1, 1)
      ON CONFLICT (hall_id, name) DO UPDATE SET value = counters.value + 1 RETURNING value`, name);
    return Number(r!.value);
  }

  ensureSlots(slots: NewSlot[]): Promise<void> {
    return this.sql.atomic(async (sql) => {
      for (const s of slots) {
        await sql.query(`INSERT INTO appointment_slots (hall_id, service_id, day, start, minutes, capacity)
          VALUES (${this.h}, $1, $2, $3, $4, $5) ON CONFLICT (hall_id, service_id, day, start) DO NOTHING`, [s.serviceId, s.day, s.start, s.minutes, s.capacity]);
      }
    });
  }

  async listSlots(serviceId: string, day: HallDay): Promise<SlotRecord[]> {
    return (await this.all(`${SLOT_WITH_BOOKED} WHERE s.hall_id = ${this.h} AND s.service_id = $1 AND s.day = $2 ORDER BY s.start`, serviceId, day)).map(slotFromRow);
  }

  async getSlot(id: number): Promise<SlotRecord | undefined> {
    const r = await this.one(`${SLOT_WITH_BOOKED} WHERE s.hall_id = ${this.h} AND s.id = $1`, id);
    return r ? slotFromRow(r) : undefined;
  }

  async insertAppointment(a: NewAppointment): Promise<AppointmentRecord> {
    // The slot's service, day and start are copied in the same statement (no read-then-write).
    const r = await this.one(`INSERT INTO appointments (hall_id, slot_id, service_id, day, start, holder_number, status, created_at,
      updated_at) SELECT hall_id, id, service_id, day, start, $2, 'booked', $3, $3 FROM appointment_slots
      WHERE hall_id = ${this.h} AND id = $1 RETURNING *`,
    a.slotId, a.holderNumber, a.createdAt);
    if (!r) throw new Error(`appointment slot ${a.slotId} does not exist`);
    return appointmentFromRow(r);
  }

  async getAppointment(id: number): Promise<AppointmentRecord | undefined> {
    const r = await this.one(`SELECT * FROM appointments WHERE hall_id = ${this.h} AND id = $1`, id);
    return r ? appointmentFromRow(r) : undefined;
  }

  async listAppointmentsOfHolder(holderNumber: string, fromDay: HallDay): Promise<AppointmentRecord[]> {
    return (await this.all(`SELECT * FROM appointments WHERE hall_id = ${this.h} AND holder_number = $1 AND day >= $2
      ORDER BY day, start, id`,
      holderNumber, fromDay)).map(appointmentFromRow);
  }

  async findActiveAppointment(holderNumber: string, serviceId: string, day: HallDay): Promise<AppointmentRecord | undefined> {
    const r = await this.one(`SELECT * FROM appointments WHERE hall_id = ${this.h} AND holder_number = $1 AND service_id = $2 AND day = $3
      AND status IN ('booked', 'checkedIn')`, holderNumber, serviceId, day);
    return r ? appointmentFromRow(r) : undefined;
  }

  async listBookedBefore(day: HallDay): Promise<AppointmentRecord[]> {
    return (await this.all(`SELECT * FROM appointments WHERE hall_id = ${this.h} AND status = 'booked' AND day < $1
      ORDER BY day, start, id`, day))
      .map(appointmentFromRow);
  }

  async updateAppointment(id: number, patch: { status: AppointmentStatus; ticketId?: number | null; updatedAt: number }): Promise<void> {
    const n = await this.run(`UPDATE appointments SET status = $1,
      ticket_id = CASE WHEN $2::boolean THEN $3::integer ELSE ticket_id END, updated_at = $4 WHERE hall_id = ${this.h} AND id = $5`,
    patch.status, patch.ticketId !== undefined, patch.ticketId ?? null, patch.updatedAt, id);
    if (n !== 1) throw new Error(`appointment ${id} does not exist`);
  }

  async addNoShow(n: Omit<NoShowRecord, 'id'>): Promise<void> {
    await this.run(`INSERT INTO no_shows (hall_id, holder_number, day, appointment_id) VALUES (${this.h}, $1, $2, $3)`, n.holderNumber, n.day, n.appointmentId);
  }

  async listNoShows(holderNumber: string, sinceDay: HallDay): Promise<NoShowRecord[]> {
    return (await this.all(`SELECT * FROM no_shows WHERE hall_id = ${this.h} AND holder_number = $1 AND day >= $2 ORDER BY day, id`,
      holderNumber, sinceDay))
      .map((r) => ({ id: Number(r.id), holderNumber: String(r.holder_number), day: String(r.day), appointmentId: numOrNull(r.appointment_id) }));
  }

  async insertTicket(t: NewTicket): Promise<TicketRecord> {
    const r = await this.one(`INSERT INTO tickets (hall_id, day, category, seq, number, holder_number, priority, status, issued_at,
      appointment_id) VALUES (${this.h}, $1, $2, $3, $4, $5, $6, 'waiting', $7, $8) RETURNING *`, t.day, t.category, t.seq, t.number, t.holderNumber,
    t.priority, t.issuedAt, t.appointmentId);
    return ticketFromRow(r!);
  }

  async insertTickets(ts: readonly NewTicket[]): Promise<TicketRecord[]> {
    if (ts.length === 0) return [];
    // One statement for the group; each record goes back to its place by its number (unique on the day).
    const { text, params } = ticketsInsert(this.h, ts, null);
    const rows = await this.all(`${text} RETURNING *`, ...params);
    const byNumber = new Map(rows.map((r) => [`${String(r.day)} ${String(r.number)}`, ticketFromRow(r)]));
    return ts.map((t) => byNumber.get(`${t.day} ${t.number}`)!);
  }

  async getTicket(id: number): Promise<TicketRecord | undefined> {
    const r = await this.one(`SELECT * FROM tickets WHERE hall_id = ${this.h} AND id = $1`, id);
    return r ? ticketFromRow(r) : undefined;
  }

  async findWaitingTicket(day: HallDay, category: string, holderNumber: string): Promise<TicketRecord | undefined> {
    const r = await this.one(`SELECT * FROM tickets WHERE hall_id = ${this.h} AND day = $1 AND category = $2 AND holder_number = $3
      AND status = 'waiting'`,
      day, category, holderNumber);
    return r ? ticketFromRow(r) : undefined;
  }

  async listTickets(day: HallDay, filter: TicketFilter = {}): Promise<TicketRecord[]> {
    // Only the filters given are in the text: each combination is its own prepared statement whose plan uses the
    // index for it (a generic plan of "($2 IS NULL OR category = $2)" could not).
    const where = ['day = $1'];
    const params: unknown[] = [day];
    for (const [column, value] of [['category', filter.category], ['status', filter.status], ['holder_number', filter.holderNumber]] as const) {
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    return (await this.all(`SELECT * FROM tickets WHERE hall_id = ${this.h} AND ${where.join(' AND ')} ORDER BY issued_at, id`, ...params))
      .map(ticketFromRow);
  }

  async listTicketsOfHolders(day: HallDay, holderNumbers: readonly string[]): Promise<TicketRecord[]> {
    if (holderNumbers.length === 0) return [];
    return (await this.all(ticketsOfHoldersText(this.h), day, [...new Set(holderNumbers)])).map(ticketFromRow);
  }

  async updateTicket(id: number, patch: TicketPatch): Promise<void> {
    // Only the fields the patch names are set, in one statement (no read-then-write of the others).
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [key, column] of Object.entries(TICKET_COLUMNS) as Array<[keyof TicketPatch, string]>) {
      if (patch[key] === undefined) continue;
      params.push(patch[key]);
      sets.push(`${column} = $${params.length}`);
    }
    const n = await this.run(`UPDATE tickets SET ${sets.length > 0 ? sets.join(', ') : 'id = id'} WHERE hall_id = ${this.h} AND id = $1`, ...params);
    if (n !== 1) throw new Error(`ticket ${id} does not exist`);
  }

  async recentServiceDurations(category: string, limit: number): Promise<number[]> {
    return (await this.all(serviceDurationsSql(this.h, '$1', this.h, '$1', '$2'), category, limit)).map((r) => Number(r.ms));
  }

  async countWaitingAhead(ticketId: number, hallNow: string): Promise<number> {
    const r = await this.one(waitingAheadSql('$1::integer', '$2::text', this.h), ticketId, hallNow);
    return Number(r?.n ?? 0);
  }

  async waitsOfTickets(day: HallDay, numbers: readonly string[], hallNow: string, categories: readonly string[], limit: number): Promise<TicketWaits> {
    const text = waitsSql(this.h, waitingAheadOfNumbersSql('$1::text', '$2::text[]', '$3::text', this.h), '$4::text[]', '$5::integer');
    const r = await this.one(text, day, [...new Set(numbers)], hallNow, [...new Set(categories)], limit);
    return { ahead: aheadFrom(numbers, jsonRows(r?.ahead), 'number'), durations: durationsFrom(categories, jsonRows(r?.durations)) };
  }

  /**
   * HallRepository.readBeforeWalkIns in one statement of one row: the categories' waiting counts (the view kept by the
   * tickets' triggers, migration 23), their service times (as waitsOfTickets) and `count` ids from the tickets'
   * identity sequence (nextval: outside the transaction, never the same id twice).
   */
  async readBeforeWalkIns(day: HallDay, categories: readonly string[], count: number, limit: number): Promise<WalkInsReads> {
    const r = await this.one(`SELECT
      (SELECT json_agg(coalesce((SELECT w.n FROM waiting_counts w WHERE w.hall_id = ${this.h} AND w.day = $1 AND w.category = u.c), 0) ORDER BY u.i)
        FROM unnest($2::text[]) WITH ORDINALITY AS u(c, i)) AS waiting,
      (SELECT coalesce(json_agg(d ORDER BY d.i, d.f DESC), '[]'::json) FROM (${durationsOfCategoriesSql(this.h, '$2::text[]', '$4::integer')}) d) AS durations,
      (SELECT coalesce(json_agg(nextval(pg_get_serial_sequence('tickets', 'id'))), '[]'::json) FROM generate_series(1, $3::integer)) AS ids`,
    day, [...categories], count, limit);
    const numbers = (v: unknown) => (Array.isArray(v) ? v.map(Number) : []);
    return { waiting: numbers(r?.waiting), durations: durationsFrom(categories, jsonRows(r?.durations)), ids: numbers(r?.ids) };
  }

  /** HallRepository.insertTicketsAtCommit: insertTickets' statement with the ids given, sent with the COMMIT. */
  insertTicketsAtCommit(ts: readonly NewTicket[], ids: readonly number[]): Promise<void> {
    return this.atCommit(async (c) => {
      // Inside: whatever fails here fails the COMMIT with it.
      if (ts.length !== ids.length) throw new Error(`insertTicketsAtCommit: ${ts.length} tickets, ${ids.length} ids`);
      const { text, params } = ticketsInsert(this.h, ts, ids);
      await (c as PostgresHallRepository).run(text, ...params);
    });
  }

  /** In a transaction: `f`'s statements go with the COMMIT, in its round trip (Sql.atCommit). */
  atCommit<T>(f: (repo: HallRepository) => Promise<T>): Promise<T> {
    const atCommit = this.sql.atCommit;
    if (!atCommit) return f(this);
    if (!this.committing) {
      // Its batches gather every call made before the COMMIT, whatever the turn (Sql.scheduleAtCommit).
      const sql: Sql = { ...this.sql, query: (text, params) => atCommit(text, params), atomic: (g) => g(sql),
        schedule: this.sql.scheduleAtCommit, holdsForCommit: true };
      this.committing = new PostgresHallRepository(sql, this.hallId);
    }
    const done = f(this.committing);
    this.sql.holdCommit?.(done);
    return done;
  }

  async nextWaitingTicket(day: HallDay, categories: readonly string[], hallNow: string): Promise<TicketRecord | undefined> {
    const r = await this.one(nextWaitingSql('$1::text', '$2::text', this.h, {
      rows: 'SELECT u.c FROM unnest($3::text[]) AS u(c)', none: 'cardinality($3::text[]) = 0', lateral: true,
    }), day, hallNow, [...categories]);
    return r ? ticketFromRow(r) : undefined;
  }

  async listCallCandidates(day: HallDay, category: string): Promise<TicketRecord[]> {
    return (await this.all(`SELECT * FROM (${callCandidatesSql('$1::text', '$2::text', this.h)}) c ORDER BY issued_at, id`, day, category))
      .map(ticketFromRow);
  }

  async listCalledOfCategory(day: HallDay, category: string, limit: number): Promise<Array<Pick<TicketRecord, 'id' | 'priority'>>> {
    return (await this.all(calledOfCategorySql('$1::text', '$2::text', '$3::integer', this.h), day, category, limit))
      .map((r) => ({ id: Number(r.id), priority: (r.priority as TicketRecord['priority']) ?? null }));
  }

  async insertApplication(a: ApplicationRecord): Promise<void> {
    await this.run(`INSERT INTO applications (hall_id, serial, service_id, applicant_number, status, accepted_at, accepted_day,
      result, commitments, updated_at) VALUES (${this.h}, $1, $2, $3, $4, $5, $6, $7, $8, $9)`, a.serial, a.serviceId, a.applicantNumber, a.status,
    a.acceptedAt, a.acceptedDay, a.result, JSON.stringify(a.commitments), a.updatedAt);
  }

  async getApplication(serial: string): Promise<ApplicationRecord | undefined> {
    const r = await this.one(`SELECT * FROM applications WHERE hall_id = ${this.h} AND serial = $1`, serial);
    return r ? applicationFromRow(r) : undefined;
  }

  async listApplicationsOfApplicant(applicantNumber: string): Promise<ApplicationRecord[]> {
    return (await this.all(`SELECT * FROM applications WHERE hall_id = ${this.h} AND applicant_number = $1
      ORDER BY accepted_at DESC, serial`,
      applicantNumber)).map(applicationFromRow);
  }

  async updateApplication(serial: string, patch: { status: ApplicationStatus; result: string | null; updatedAt: number }): Promise<void> {
    const n = await this.run(`UPDATE applications SET status = $1, result = $2, updated_at = $3 WHERE hall_id = ${this.h} AND serial = $4`,
      patch.status, patch.result, patch.updatedAt, serial);
    if (n !== 1) throw new Error(`application ${serial} does not exist`);
  }

  async addApplicationEvent(e: Omit<ApplicationEventRecord, 'id'>): Promise<void> {
    await this.run(`INSERT INTO application_events (hall_id, serial, status, at, day, note)
      VALUES (${this.h}, $1, $2, $3, $4, $5)`,
      e.serial, e.status, e.at, e.day, e.note);
  }

  async listApplicationEvents(serial: string): Promise<ApplicationEventRecord[]> {
    return (await this.all(`SELECT * FROM application_events WHERE hall_id = ${this.h} AND serial = $1 ORDER BY at, id`, serial)).map((r) => ({
      id: Number(r.id), serial: String(r.serial), status: r.status as ApplicationStatus, at: Number(r.at),
      day: String(r.day), note: (r.note as string | null) ?? null,
    }));
  }

  async insertCertificate(c: CertificateRecord): Promise<void> {
    await this.run(`INSERT INTO certificates (hall_id, identifier, type_name, issuer_name, holder_number, holder_name, issued_on,
      expires_on, revoked_at, revoke_reason) VALUES (${this.h}, $1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.identifier, c.typeName,
    c.issuerName, c.holderNumber, c.holderName, c.issuedOn, c.expiresOn, c.revokedAt, c.revokeReason);
  }

  async getCertificate(identifier: string): Promise<CertificateRecord | undefined> {
    const r = await this.one(`SELECT * FROM certificates WHERE hall_id = ${this.h} AND identifier = $1`, identifier);
    return r ? certificateFromRow(r) : undefined;
  }

  async listCertificatesOfHolder(holderNumber: string): Promise<CertificateRecord[]> {
    return (await this.all(`SELECT * FROM certificates WHERE hall_id = ${this.h} AND holder_number = $1
      ORDER BY issued_on DESC, identifier`, holderNumber))
      .map(certificateFromRow);
  }

  async revokeCertificate(identifier: string, at: number, reason: string): Promise<void> {
    const n = await this.run(`UPDATE certificates SET revoked_at = $1, revoke_reason = $2 WHERE hall_id = ${this.h} AND identifier = $3`,
      at, reason, identifier);
    if (n !== 1) throw new Error(`certificate ${identifier} does not exist`);
  }

  async addPrintLog(entry: Omit<PrintLogRecord, 'id'>): Promise<PrintLogRecord> {
    const r = await this.one(`INSERT INTO print_log (hall_id, at, kind, ref, masked_number, detail)
      VALUES (${this.h}, $1, $2, $3, $4, $5) RETURNING id`,
      entry.at, entry.kind, entry.ref, entry.maskedNumber, entry.detail);
    return { id: Number(r!.id), ...entry };
  }

  async listPrintLog(limit: number): Promise<PrintLogRecord[]> {
    return (await this.all(`SELECT * FROM print_log WHERE hall_id = ${this.h} ORDER BY id DESC LIMIT $1`, limit)).map((r) => ({
      id: Number(r.id), at: Number(r.at), kind: r.kind as PrintLogRecord['kind'], ref: String(r.ref),
      maskedNumber: String(r.masked_number), detail: (r.detail as string | null) ?? null,
    }));
  }

  // ---- counter workflow (tables of migration 4) ----

  async getCounterWindow(window: number): Promise<CounterWindowRecord | undefined> {
    const r = await this.one(`SELECT * FROM counter_windows WHERE hall_id = ${this.h} AND window_no = $1`, window);
    return r ? counterWindowFromRow(r) : undefined;
  }

  async listCounterWindows(): Promise<CounterWindowRecord[]> {
    return (await this.all(`SELECT * FROM counter_windows WHERE hall_id = ${this.h} ORDER BY window_no`)).map(counterWindowFromRow);
  }

  async saveCounterWindow(w: CounterWindowRecord): Promise<void> {
    await this.run(`INSERT INTO counter_windows (hall_id, window_no, ticket_id, recalls, paused, rating_ticket_id, updated_at)
      VALUES (${this.h}, $1, $2, $3, $4, $5, $6) ON CONFLICT (hall_id, window_no) DO UPDATE SET ticket_id = excluded.ticket_id,
      recalls = excluded.recalls, paused = excluded.paused, rating_ticket_id = excluded.rating_ticket_id,
      updated_at = excluded.updated_at`, w.window, w.ticketId, w.recalls, w.paused, w.ratingTicketId, w.updatedAt);
  }

  async getAppliedCounterEvent(eventId: string): Promise<AppliedCounterEventRecord | undefined> {
    const r = await this.one(`SELECT * FROM counter_applied_events WHERE hall_id = ${this.h} AND event_id = $1`, eventId);
    return r ? {
      eventId: String(r.event_id), window: Number(r.window_no), key: String(r.key), outcome: String(r.outcome),
      appliedAt: Number(r.applied_at),
    } : undefined;
  }

  async addAppliedCounterEvent(e: AppliedCounterEventRecord): Promise<void> {
    await this.run(`INSERT INTO counter_applied_events (hall_id, event_id, window_no, key, outcome, applied_at)
      VALUES (${this.h}, $1, $2, $3, $4, $5)`,
      e.eventId, e.window, e.key, e.outcome, e.appliedAt);
  }

  async addCounterCall(c: CounterCallRecord): Promise<void> {
    await this.run(`INSERT INTO counter_calls (hall_id, call_id, ticket_id, number, window_no, text, recall, at, day, reason)
      VALUES (${this.h}, $1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.callId, c.ticketId, c.number, c.window, c.text, c.recall, c.at, c.day, c.reason);
  }

  async listCounterCalls(day: HallDay, limit: number): Promise<CounterCallRecord[]> {
    return (await this.all(`SELECT * FROM counter_calls WHERE hall_id = ${this.h} AND day = $1 ORDER BY id DESC LIMIT $2`,
      day, limit)).map((r) => ({
      callId: String(r.call_id), ticketId: Number(r.ticket_id), number: String(r.number), window: Number(r.window_no),
      text: String(r.text), recall: Number(r.recall), at: Number(r.at), day: String(r.day),
      reason: r.reason === null || r.reason === undefined ? null : String(r.reason),
    }));
  }

  async addTicketHold(h: TicketHoldRecord): Promise<void> {
    await this.run(`INSERT INTO ticket_holds (hall_id, ticket_id, window_no, held_at, until_at, released_at) VALUES (${this.h}, $1, $2, $3, $4, $5)
      ON CONFLICT (ticket_id) DO UPDATE SET window_no = excluded.window_no, held_at = excluded.held_at,
        until_at = excluded.until_at, released_at = excluded.released_at`, h.ticketId, h.window, h.heldAt, h.untilAt, h.releasedAt);
  }

  async getTicketHold(ticketId: number): Promise<TicketHoldRecord | undefined> {
    const r = await this.one(`SELECT * FROM ticket_holds WHERE hall_id = ${this.h} AND ticket_id = $1`, ticketId);
    return r ? holdOf(r) : undefined;
  }

  async listOpenTicketHolds(at: number): Promise<TicketHoldRecord[]> {
    return (await this.all(`SELECT * FROM ticket_holds WHERE hall_id = ${this.h} AND released_at IS NULL AND until_at >= $1 ORDER BY held_at, ticket_id`, at)).map(holdOf);
  }

  async releaseTicketHold(ticketId: number, at: number): Promise<boolean> {
    return (await this.run(`UPDATE ticket_holds SET released_at = $1 WHERE hall_id = ${this.h} AND ticket_id = $2 AND released_at IS NULL`, at, ticketId)) === 1;
  }

  async addTicketRating(r: TicketRatingRecord): Promise<boolean> {
    return (await this.run(`INSERT INTO ticket_ratings (hall_id, ticket_id, window_no, rating, at, day)
      VALUES (${this.h}, $1, $2, $3, $4, $5)
      ON CONFLICT (ticket_id) DO NOTHING`, r.ticketId, r.window, r.rating, r.at, r.day)) === 1;
  }

  async getTicketRating(ticketId: number): Promise<TicketRatingRecord | undefined> {
    const r = await this.one(`SELECT * FROM ticket_ratings WHERE hall_id = ${this.h} AND ticket_id = $1`, ticketId);
    return r ? { ticketId: Number(r.ticket_id), window: Number(r.window_no), rating: Number(r.rating), at: Number(r.at), day: String(r.day) } : undefined;
  }

  async addRatingFollowUp(f: Omit<RatingFollowUpRecord, 'id' | 'closedAt' | 'note'>): Promise<RatingFollowUpRecord> {
    const r = await this.one(`INSERT INTO rating_follow_ups (hall_id, ticket_id, window_no, rating, opened_at, opened_day, deadline_day)
      VALUES (${this.h}, $1, $2, $3, $4, $5, $6) RETURNING *`, f.ticketId, f.window, f.rating, f.openedAt, f.openedDay, f.deadlineDay);
    return followUpFromRow(r!);
  }

  async listRatingFollowUps(filter: { openOnly?: boolean } = {}): Promise<RatingFollowUpRecord[]> {
    return (await this.all(`SELECT * FROM rating_follow_ups WHERE hall_id = ${this.h} AND (NOT $1::boolean OR closed_at IS NULL)
      ORDER BY deadline_day, id`,
      filter.openOnly === true)).map(followUpFromRow);
  }

  transferTicket(t: TicketTransferRecord): Promise<void> {
    return this.sql.atomic(async (sql) => {
      const moved = await sql.query(`UPDATE tickets SET category = $1, status = 'waiting', called_at = NULL, started_at = NULL
        WHERE hall_id = ${this.h} AND id = $2`, [t.toCategory, t.ticketId]);
      if (moved.rowCount !== 1) throw new Error(`ticket ${t.ticketId} does not exist`);
      await sql.query(`UPDATE ticket_visit_steps SET category = $1 WHERE hall_id = ${this.h} AND ticket_id = $2 AND position =
        (SELECT MIN(position) FROM ticket_visit_steps WHERE hall_id = ${this.h} AND ticket_id = $2 AND state = 'waiting')`,
      [t.toCategory, t.ticketId]);
      await sql.query(`INSERT INTO ticket_transfers (hall_id, ticket_id, from_category, to_category, window_no, at)
        VALUES (${this.h}, $1, $2, $3, $4, $5)`,
        [t.ticketId, t.fromCategory, t.toCategory, t.window, t.at]);
    });
  }

  addVisitSteps(ticketId: number, categories: readonly string[]): Promise<VisitStepRecord[]> {
    return this.sql.atomic(async (sql) => {
      const repo = new PostgresHallRepository(sql, this.hallId);
      for (const [i, category] of categories.entries()) {
        await repo.run(`INSERT INTO ticket_visit_steps (hall_id, ticket_id, position, category) VALUES (${this.h}, $1, $2, $3)`,
          ticketId, i + 1, category);
      }
      return repo.listVisitSteps(ticketId);
    });
  }

  async listVisitSteps(ticketId: number): Promise<VisitStepRecord[]> {
    const rows = await this.all(`SELECT s.*, t.status AS ticket_status FROM ticket_visit_steps s JOIN tickets t ON t.id = s.ticket_id
      WHERE s.hall_id = ${this.h} AND s.ticket_id = $1 ORDER BY s.position`, ticketId);
    return rows.length === 0 ? [] : visitStepsFromRows(rows, rows[0].ticket_status as TicketStatus);
  }

  async listVisitStepsOfDay(day: HallDay): Promise<VisitStepRecord[]> {
    return visitStepsOfTickets(await this.all(`SELECT s.*, t.status AS ticket_status FROM ticket_visit_steps s JOIN tickets t ON t.id = s.ticket_id
      WHERE s.hall_id = ${this.h} AND t.hall_id = ${this.h} AND t.day = $1 ORDER BY s.ticket_id, s.position`, day));
  }

  finishVisitStep(f: VisitStepFinish): Promise<VisitStepRecord | null> {
    return this.sql.atomic(async (sql) => {
      const repo = new PostgresHallRepository(sql, this.hallId);
      const [cur, ...rest] = await repo.all(`SELECT * FROM ticket_visit_steps WHERE hall_id = ${this.h} AND ticket_id = $1
        AND state = 'waiting' ORDER BY position FOR UPDATE`, f.ticketId);
      if (!cur) return null;
      await repo.run(`UPDATE ticket_visit_steps SET state = 'done', window_no = $1, started_at = $2, finished_at = $3 WHERE hall_id = ${this.h}
        AND ticket_id = $4 AND position = $5`, f.window, f.startedAt, f.at, f.ticketId, cur.position);
      if (rest.length === 0) return null;
      if (f.endVisit) {
        await repo.run(`UPDATE ticket_visit_steps SET state = 'skipped', finished_at = $1 WHERE hall_id = ${this.h} AND ticket_id = $2
          AND state = 'waiting'`, f.at, f.ticketId);
        return null;
      }
      await repo.run(`UPDATE tickets SET category = $1, status = 'waiting', called_at = NULL, started_at = NULL
        WHERE hall_id = ${this.h} AND id = $2`, rest[0].category, f.ticketId);
      return visitStepsFromRows([rest[0]], 'waiting')[0];
    });
  }

  async listTicketTransfers(ticketId: number): Promise<TicketTransferRecord[]> {
    return (await this.all(`SELECT * FROM ticket_transfers WHERE hall_id = ${this.h} AND ticket_id = $1 ORDER BY id`, ticketId)).map((r) => ({
      ticketId: Number(r.ticket_id), fromCategory: String(r.from_category), toCategory: String(r.to_category),
      window: Number(r.window_no), at: Number(r.at),
    }));
  }

  // ---- manager dashboard ----

  async listAppointmentsOfDay(day: HallDay): Promise<AppointmentRecord[]> {
    return (await this.all(`SELECT * FROM appointments WHERE hall_id = ${this.h} AND day = $1 ORDER BY start, id`, day)).map(appointmentFromRow);
  }

  async listTicketRatingsOfDay(day: HallDay): Promise<TicketRatingRecord[]> {
    return (await this.all(`SELECT * FROM ticket_ratings WHERE hall_id = ${this.h} AND day = $1 ORDER BY at, ticket_id`, day)).map((r) => ({
      ticketId: Number(r.ticket_id), window: Number(r.window_no), rating: Number(r.rating), at: Number(r.at), day: String(r.day),
    }));
  }

  async listOpenApplications(): Promise<ApplicationRecord[]> {
    return (await this.all(`SELECT * FROM applications WHERE hall_id = ${this.h} AND status NOT IN ('done', 'returned', 'rejected')
      ORDER BY accepted_at, serial`)).map(applicationFromRow);
  }

  async getKioskRequest(kioskId: string, requestId: string): Promise<KioskRequestRecord | undefined> {
    const r = await this.one(`SELECT * FROM kiosk_requests WHERE hall_id = ${this.h} AND kiosk_id = $1 AND request_id = $2`,
      kioskId, requestId);
    return r ? kioskRequestFromRow(r) : undefined;
  }

  async addKioskRequest(k: KioskRequestRecord): Promise<void> {
    await this.run(`INSERT INTO kiosk_requests (hall_id, kiosk_id, request_id, op, answer, applied_at)
      VALUES (${this.h}, $1, $2, $3, $4, $5) ON CONFLICT (hall_id, kiosk_id, request_id) DO NOTHING`, k.kioskId, k.requestId, k.op, k.answer, k.appliedAt);
  }

  async countKioskRequests(kioskId: string): Promise<number> {
    return Number((await this.one(`SELECT count(*) AS n FROM kiosk_requests WHERE hall_id = ${this.h} AND kiosk_id = $1`, kioskId))?.n ?? 0);
  }

  async appendAccessAudit(entry: NewAccessAuditRecord): Promise<AccessAuditRecord> {
    // Masked here, at the one way in, whatever the caller passed (hall-rules.md "Privacy"); the table's CHECKs too.
    const e = auditSafeEntry(entry);
    const r = await this.one(`INSERT INTO access_audit (hall_id, at, day, actor_kind, actor, role, function, masked_number, result, code,
      detail) VALUES (${this.h}, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    e.at, e.day, e.actorKind, e.actor, e.role, e.function, e.maskedNumber, e.result, e.code, e.detail);
    return { id: Number(r!.id), ...e };
  }

  async queryAccessAudit(q: AccessAuditQuery): Promise<AccessAuditSlice> {
    const where = `hall_id = ${this.h} AND ($1::text IS NULL OR day = $1) AND ($2::text IS NULL OR actor = $2)
      AND ($3::text IS NULL OR function = $3)`;
    const p = [q.day ?? null, q.actor ?? null, q.function ?? null];
    const total = Number((await this.one(`SELECT count(*) AS n FROM access_audit WHERE ${where}`, ...p))?.n ?? 0);
    const entries = (await this.all(`SELECT * FROM access_audit WHERE ${where} ORDER BY id DESC LIMIT $4 OFFSET $5`, ...p, q.limit, q.offset))
      .map((r) => ({
        id: Number(r.id), at: Number(r.at), day: String(r.day), actorKind: r.actor_kind as AccessAuditRecord['actorKind'],
        actor: String(r.actor), role: (r.role as string | null) ?? null, function: String(r.function),
        maskedNumber: (r.masked_number as string | null) ?? null, result: r.result as AccessAuditRecord['result'],
        code: (r.code as string | null) ?? null, detail: (r.detail as string | null) ?? null,
      }));
    return { entries, total };
  }

  upsertDepartmentByCode(d: CodedDepartment): Promise<DepartmentRecord> {
    // Several statements (find by code, else adopt a code-less namesake, else insert): one transaction, as on SQLite.
    return this.sql.atomic(async (sql) => {
      const repo = new PostgresHallRepository(sql, this.hallId);
      const byCode = await repo.one(`SELECT id FROM departments WHERE hall_id = ${this.h} AND code = $1`, d.code);
      const adopt = byCode ? undefined : await repo.one(`SELECT id FROM departments WHERE hall_id = ${this.h} AND code IS NULL
        AND name = $1`, d.name);
      const id = byCode?.id ?? adopt?.id;
      const r = id !== undefined
        ? await repo.one(`UPDATE departments SET code = $1, name = $2, batch = $3, batch_deadline = $4, sort_order = $5
            WHERE id = $6 RETURNING *`, d.code, d.name, d.batch, d.batchDeadline, d.sortOrder, id)
        : await repo.one(`INSERT INTO departments (hall_id, code, name, batch, batch_deadline, sort_order)
            VALUES (${this.h}, $1, $2, $3, $4, $5) RETURNING *`, d.code, d.name, d.batch, d.batchDeadline, d.sortOrder);
      return departmentFromRow(r!);
    });
  }

  async listHallWindows(): Promise<HallWindowRecord[]> {
    return (await this.all(`SELECT * FROM hall_windows WHERE hall_id = ${this.h} ORDER BY window_no`)).map((r) => ({
      window: Number(r.window_no), name: String(r.name), deviceId: String(r.device_id), unit: Number(r.unit),
      categories: JSON.parse(String(r.categories)) as string[],
    }));
  }

  async upsertHallWindow(w: HallWindowRecord): Promise<void> {
    await this.run(`INSERT INTO hall_windows (hall_id, window_no, name, device_id, unit, categories)
      VALUES (${this.h}, $1, $2, $3, $4, $5) ON CONFLICT (hall_id, window_no) DO UPDATE SET name = excluded.name, device_id = excluded.device_id, unit = excluded.unit,
      categories = excluded.categories`, w.window, w.name, w.deviceId, w.unit, JSON.stringify(w.categories));
  }

  async addCatalogueLoad(r: Omit<CatalogueLoadRecord, 'id'>): Promise<CatalogueLoadRecord> {
    const row = await this.one('INSERT INTO catalogue_loads (at, hall_id, files, summary) VALUES ($1, $2, $3, $4) RETURNING id',
      r.at, this.hallId, JSON.stringify(r.files), r.summary);
    return { id: Number(row!.id), ...r, hallId: this.hallId };
  }

  async listCatalogueLoads(limit: number): Promise<CatalogueLoadRecord[]> {
    return (await this.all(`SELECT * FROM catalogue_loads WHERE hall_id = ${this.h} ORDER BY id DESC LIMIT $1`, limit)).map((r) => ({
      id: Number(r.id), at: Number(r.at), hallId: (r.hall_id as string | null) ?? null,
      files: JSON.parse(String(r.files)) as string[], summary: String(r.summary),
    }));
  }

  async listLifeEvents(): Promise<LifeEventRecord[]> {
    return (await this.all(`SELECT * FROM life_events WHERE hall_id = ${this.h} ORDER BY sort_order, code`)).map(lifeEventFromRow);
  }

  async upsertLifeEvent(e: LifeEventRecord): Promise<void> {
    await this.run(`INSERT INTO life_events (hall_id, code, name, sort_order, services) VALUES (${this.h}, $1, $2, $3, $4)
      ON CONFLICT (hall_id, code) DO UPDATE SET name = excluded.name, sort_order = excluded.sort_order,
      services = excluded.services`, e.code, e.name, e.sortOrder, JSON.stringify(e.services));
  }

  async serviceUseSince(sinceDay: HallDay): Promise<ServiceUseCounts> {
    const services: Record<string, number> = {};
    const rows = await this.all(`SELECT service_id, COUNT(*) AS n FROM (
        SELECT service_id FROM appointments WHERE hall_id = ${this.h} AND day >= $1 AND status <> 'canceled'
        UNION ALL SELECT service_id FROM applications WHERE hall_id = ${this.h} AND accepted_day >= $1) AS used GROUP BY service_id`, sinceDay);
    for (const r of rows) services[String(r.service_id)] = Number(r.n);
    const categories: Record<string, number> = {};
    for (const r of await this.all(`SELECT category, COUNT(*) AS n FROM tickets WHERE hall_id = ${this.h} AND day >= $1 GROUP BY category`, sinceDay)) {
      categories[String(r.category)] = Number(r.n);
    }
    return { services, categories };
  }

  async findIntakeByRequest(kioskId: string, requestId: string): Promise<IntakeRecord | undefined> {
    const r = await this.one(`SELECT * FROM intake_applications WHERE hall_id = ${this.h} AND kiosk_id = $1 AND request_id = $2`, kioskId, requestId);
    return r ? intakeFromRow(r) : undefined;
  }

  async insertIntake(a: IntakeRecord): Promise<void> {
    await this.run(`INSERT INTO intake_applications (serial, hall_id, request_id, kiosk_id, service_id, applicant_number, state, form,
      materials, commitment_review, submitted_at, submitted_day, decided_at, decided_by, reason)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`, a.serial, this.hallId, a.requestId, a.kioskId, a.serviceId,
    a.applicantNumber, a.state, JSON.stringify(a.form), JSON.stringify(a.materials), a.commitmentReview ? 1 : 0,
    a.submittedAt, a.submittedDay, a.decidedAt, a.decidedBy, a.reason);
  }

  async getIntake(serial: string): Promise<IntakeRecord | undefined> {
    const r = await this.one(`SELECT * FROM intake_applications WHERE hall_id = ${this.h} AND serial = $1`, serial);
    return r ? intakeFromRow(r) : undefined;
  }

  async listIntakes(filter: { state?: IntakeState; applicantNumber?: string } = {}): Promise<IntakeRecord[]> {
    return (await this.all(`SELECT * FROM intake_applications WHERE hall_id = ${this.h} AND ($1::text IS NULL OR state = $1)
      AND ($2::text IS NULL OR applicant_number = $2) ORDER BY submitted_at, serial`, filter.state ?? null,
    filter.applicantNumber ?? null)).map(intakeFromRow);
  }

  async decideIntake(serial: string, d: IntakeDecision): Promise<boolean> {
    return (await this.run(`UPDATE intake_applications SET state = $1, decided_at = $2, decided_by = $3, reason = $4
      WHERE hall_id = ${this.h} AND serial = $5 AND state = 'pending'`, d.state, d.decidedAt, d.decidedBy, d.reason, serial)) === 1;
  }

  async addCommitment(c: NewCommitment): Promise<CommitmentRecord> {
    const r = await this.one(`INSERT INTO intake_commitments (hall_id, serial, material, applicant_number, signed_at, kiosk_id,
      text_version, card_masked, due_day) VALUES (${this.h}, $1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`, c.serial, c.material,
    c.applicantNumber, c.signedAt, c.kioskId, c.textVersion, c.cardMasked, c.dueDay);
    return commitmentFromRow(r!);
  }

  async listCommitments(filter: { serial?: string; openOnly?: boolean } = {}): Promise<CommitmentRecord[]> {
    return (await this.all(`SELECT * FROM intake_commitments WHERE hall_id = ${this.h} AND ($1::text IS NULL OR serial = $1)
      AND ($2::boolean = false OR check_state = 'open') ORDER BY due_day, id`, filter.serial ?? null,
    filter.openOnly ?? false)).map(commitmentFromRow);
  }

  async recordCommitmentCheck(id: number, c: CommitmentCheckResult): Promise<boolean> {
    return (await this.run(`UPDATE intake_commitments SET check_state = $1, checked_at = $2, checked_by = $3, check_note = $4
      WHERE hall_id = ${this.h} AND id = $5 AND check_state = 'open'`, c.state, c.checkedAt, c.checkedBy, c.note, id)) === 1;
  }

  async countFalseCommitments(applicantNumber: string): Promise<number> {
    const r = await this.one(`SELECT count(*) AS n FROM intake_commitments WHERE hall_id = ${this.h} AND applicant_number = $1 AND check_state = 'false'`,
      applicantNumber);
    return Number(r?.n ?? 0);
  }
  async addPhoneSession(r: PhoneSessionRecord): Promise<void> {
    const h = holderColumns(r.holder);
    await this.run(`INSERT INTO phone_sessions (hall_id, token_hash, kind, holder_number, holder, origin, kiosk_id, created_at, expires_at, used_at)
      VALUES (${this.h}, $1, $2, $3, $4, $5, $6, $7, $8, $9)`, r.tokenHash, r.kind, h.number, h.json, r.origin, r.kioskId, r.createdAt, r.expiresAt, r.usedAt);
  }

  async takePhoneHandoff(tokenHash: string, now: number): Promise<PhoneHandoffTake> {
    // One statement: the row as it was before the update (the holder the phone session takes), only when this take won.
    const won = await this.one(`WITH before AS (SELECT * FROM phone_sessions WHERE hall_id = ${this.h} AND token_hash = $1 FOR UPDATE)
      UPDATE phone_sessions p SET used_at = $2, holder = NULL, holder_number = NULL FROM before
      WHERE p.hall_id = before.hall_id AND p.token_hash = before.token_hash AND p.kind = 'handoff' AND p.used_at IS NULL AND p.expires_at > $2
      RETURNING before.*`, tokenHash, now);
    if (won) return { ok: true, record: phoneSessionFromRow(won) };
    const row = await this.one(`SELECT * FROM phone_sessions WHERE hall_id = ${this.h} AND token_hash = $1`, tokenHash);
    return handoffRefusalOf(row ? phoneSessionFromRow(row) : undefined, now);
  }

  async touchPhoneSession(tokenHash: string, now: number, expiresAt: number): Promise<PhoneSessionRecord | undefined> {
    const r = await this.one(`UPDATE phone_sessions SET expires_at = GREATEST(expires_at, $1)
      WHERE hall_id = ${this.h} AND token_hash = $2 AND kind = 'session' AND expires_at > $3 RETURNING *`, expiresAt, tokenHash, now);
    return r ? phoneSessionFromRow(r) : undefined;
  }

  async deletePhoneSession(tokenHash: string): Promise<boolean> {
    return (await this.run(`DELETE FROM phone_sessions WHERE hall_id = ${this.h} AND token_hash = $1`, tokenHash)) === 1;
  }

  deletePhoneHandoffsOf(origin: string): Promise<number> {
    return this.run(`DELETE FROM phone_sessions WHERE hall_id = ${this.h} AND origin = $1 AND kind = 'handoff' AND used_at IS NULL`, origin);
  }

  purgePhoneSessions(now: number): Promise<number> {
    return this.run(`DELETE FROM phone_sessions WHERE hall_id = ${this.h} AND expires_at <= $1`, now);
  }


  async addNotice(n: NewNotice): Promise<NoticeRecord> {
    await this.run(`INSERT INTO result_notices (hall_id, idempotency_key, serial, service_name, holder_number, phone, outcome, text,
      created_at, created_day, next_attempt_at) VALUES (${this.h}, $1, $2, $3, $4, $5, $6, $7, $8, $9, $8)
      ON CONFLICT (hall_id, idempotency_key) DO NOTHING`, n.idempotencyKey, n.serial, n.serviceName, n.holderNumber, n.phone, n.outcome,
    n.text, n.createdAt, n.createdDay);
    return noticeFromRow((await this.one(`SELECT * FROM result_notices WHERE hall_id = ${this.h} AND idempotency_key = $1`, n.idempotencyKey))!);
  }

  async claimNotices(at: number, leaseMs: number, limit: number): Promise<NoticeRecord[]> {
    // SKIP LOCKED: another instance's dispatcher claiming at the same moment takes other rows, never the same ones.
    return (await this.all(`UPDATE result_notices SET attempts = attempts + 1, next_attempt_at = $1 WHERE hall_id = ${this.h} AND id IN (
      SELECT id FROM result_notices WHERE hall_id = ${this.h} AND status = 'pending' AND next_attempt_at <= $2 ORDER BY id LIMIT $3
      FOR UPDATE SKIP LOCKED) RETURNING *`, at + leaseMs, at, limit)).map(noticeFromRow).sort((a, b) => a.id - b.id);
  }

  async finishNoticeAttempt(id: number, r: NoticeAttemptResult): Promise<boolean> {
    const [status, sentAt, error, next] = noticeAttemptParams(r);
    return (await this.run(`UPDATE result_notices SET status = $1, sent_at = $2, last_error = $3,
      next_attempt_at = coalesce($4::bigint, next_attempt_at) WHERE hall_id = ${this.h} AND id = $5 AND status = 'pending'`,
    status, sentAt, error, next, id)) === 1;
  }

  async listNotices(filter: { holderNumber?: string; serial?: string; unreadOnly?: boolean } = {}): Promise<NoticeRecord[]> {
    return (await this.all(`SELECT * FROM result_notices WHERE hall_id = ${this.h} AND ($1::text IS NULL OR holder_number = $1)
      AND ($2::text IS NULL OR serial = $2) AND ($3::boolean = false OR read_at IS NULL) ORDER BY id`, filter.holderNumber ?? null,
    filter.serial ?? null, filter.unreadOnly ?? false)).map(noticeFromRow);
  }

  async markNoticesRead(holderNumber: string, ids: readonly number[], at: number): Promise<number> {
    return this.run(`UPDATE result_notices SET read_at = $1 WHERE hall_id = ${this.h} AND holder_number = $2 AND read_at IS NULL
      AND id = ANY($3::integer[])`, at, holderNumber, [...ids]);
  }

  async countLimitRefusal(day: HallDay, kind: LimitRefusalKind): Promise<void> {
    await this.run(`INSERT INTO limit_refusals (hall_id, day, kind, count) VALUES (${this.h}, $1, $2, 1)
      ON CONFLICT (hall_id, day, kind) DO UPDATE SET count = limit_refusals.count + 1`, day, kind);
  }

  async listLimitRefusals(day: HallDay): Promise<LimitRefusalCount[]> {
    return (await this.all(`SELECT kind, count FROM limit_refusals WHERE hall_id = ${this.h} AND day = $1 ORDER BY kind`, day)).map(limitRefusalFromRow);
  }

  async getIntakeState(): Promise<IntakeStateRecord | undefined> {
    const r = await this.one(intakeStateSql(this.h));
    return r ? intakeStateFromRow(r) : undefined;
  }

  async saveIntakeState(x: IntakeStateRecord): Promise<void> {
    await this.run(`INSERT INTO intake_state (hall_id, mode, message, day, changed_at, changed_by) VALUES (${this.h}, $1, $2, $3, $4, $5)
      ON CONFLICT (hall_id) DO UPDATE SET mode = excluded.mode, message = excluded.message, day = excluded.day,
      changed_at = excluded.changed_at, changed_by = excluded.changed_by`, x.mode, x.message, x.day, x.changedAt, x.changedBy);
  }

  async claimDayClosing(c: DayClosingRecord): Promise<boolean> {
    return (await this.run(`INSERT INTO day_closings (hall_id, day, waiting, at) VALUES (${this.h}, $1, $2, $3) ON CONFLICT (hall_id, day) DO NOTHING`,
      c.day, c.waiting, c.at)) === 1;
  }

  async getDayClosing(day: HallDay): Promise<DayClosingRecord | undefined> {
    const r = await this.one(`SELECT * FROM day_closings WHERE hall_id = ${this.h} AND day = $1`, day);
    return r ? dayClosingFromRow(r) : undefined;
  }

  async closeTicketAtClosing(id: number, reason: string, at: number): Promise<boolean> {
    return (await this.run(`UPDATE tickets SET status = 'canceled', finished_at = $1, closed_reason = $2 WHERE hall_id = ${this.h} AND id = $3
      AND status = 'waiting'`, at, reason, id)) === 1;
  }

  async getResultCollection(serial: string): Promise<ResultCollectionRecord | undefined> {
    const r = await this.one(`SELECT * FROM result_collections WHERE hall_id = ${this.h} AND serial = $1`, serial);
    return r ? resultCollectionFromRow(r) : undefined;
  }

  async insertResultCollection(c: ResultCollectionRecord): Promise<void> {
    await this.run(`INSERT INTO result_collections (hall_id, serial, mode, state, applicant_number, recipient, address, phone,
      ticket_id, certificate_id, chosen_at, finished_at, window_no, finished_by, updated_at)
      VALUES (${this.h}, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, c.serial, c.mode, c.state, c.applicantNumber,
    c.recipient, c.address, c.phone, c.ticketId, c.certificateId, c.chosenAt, c.finishedAt, c.window, c.finishedBy, c.updatedAt);
  }

  async updateResultCollection(serial: string, from: readonly ResultCollectionState[], p: ResultCollectionPatch): Promise<boolean> {
    return (await this.run(`UPDATE result_collections SET state = $1, finished_at = $2,
      window_no = CASE WHEN $3::boolean THEN $4::integer ELSE window_no END,
      finished_by = CASE WHEN $5::boolean THEN $6::text ELSE finished_by END,
      ticket_id = CASE WHEN $7::boolean THEN $8::integer ELSE ticket_id END, updated_at = $9
      WHERE hall_id = ${this.h} AND serial = $10 AND state = ANY($11::text[])`, p.state, p.finishedAt, p.window !== undefined,
    p.window ?? null, p.finishedBy !== undefined, p.finishedBy ?? null, p.ticketId !== undefined, p.ticketId ?? null, p.updatedAt,
    serial, [...from])) === 1;
  }

  async findResultCollectionByTicket(ticketId: number): Promise<ResultCollectionRecord | undefined> {
    const r = await this.one(`SELECT * FROM result_collections WHERE hall_id = ${this.h} AND ticket_id = $1`, ticketId);
    return r ? resultCollectionFromRow(r) : undefined;
  }

  async listResultCollections(states: readonly ResultCollectionState[]): Promise<ResultCollectionRecord[]> {
    return (await this.all(`SELECT * FROM result_collections WHERE hall_id = ${this.h} AND state = ANY($1::text[])
      ORDER BY chosen_at, serial`, [...states])).map(resultCollectionFromRow);
  }

  async listDoneApplicationsBefore(at: number): Promise<ApplicationRecord[]> {
    return (await this.all(`SELECT * FROM applications WHERE hall_id = ${this.h} AND status = 'done' AND updated_at < $1
      ORDER BY updated_at, serial`, at)).map(applicationFromRow);
  }
}

export interface PostgresHallStoreOptions {
  /** A `postgres://` or `postgresql://` URL (user, password, host, port, database; libpq's PG* variables fill gaps). */
  url: string;
  /** The schema holding the hall's tables (created when missing); every pooled connection has it as search_path. */
  schema: string;
  /** Most connections the pool opens (default 10). */
  maxConnections?: number;
  /** How long to wait for a connection, new or from the pool, before failing the request (default 5 s). */
  connectTimeoutMs?: number;
  /** Server-side limit of one statement, waiting for the transaction lock included (default 15 s; 0 = none). */
  statementTimeoutMs?: number;
  /** Shown in pg_stat_activity (default `onedoor-hall`); lets an operator or a test find this instance's sessions. */
  applicationName?: string;
  /** The hall the store is bound to (config site.hallId; default DEFAULT_HALL_ID): it sees only that hall's rows. */
  hallId?: string;
  /**
   * How often to check whether the tickets need the statistics autovacuum would keep (ticketStatistics.ts; default
   * STATISTICS_CHECK_MS; 0: never, for a test that studies plans made without them).
   */
  statisticsCheckMs?: number;
  /**
   * Whether a call of the store itself inside one of its transactions is refused (default true): "use the transaction
   * handle". The check follows each transaction's function through its awaits with an AsyncLocalStorage, which on
   * Node 20 hooks every promise the process makes: 10-16 % of a hall instance's CPU per ticket (bench `hall-load`'s
   * cells, with and without it alternating in one run: one instance at concurrency 21, four runs; 7 % for (c), three
   * instances at 64, where the rate rose by as much). A hall server turns it off
   * (openHallStore.ts): on PostgreSQL such a call does not hang (the store has connections of its own besides the
   * transaction's), and every hall-service test runs on SQLite too, whose check stays on (there the call would wait
   * for the transaction forever), and on PostgreSQL with it on (test/store/backends.ts).
   */
  checkNesting?: boolean;
}

/**
 * SHA-256 of a text: Node's one-shot `crypto.hash` where it has it (20.12 on), a hash object otherwise; the same
 * digest either way. A group of walk-ins locks each person under a key from it (personLockSql): a hash object per
 * person was 2 % of an instance's CPU time in `hall-load`, the one-shot about half of that.
 */
const sha256: (text: string) => Buffer = typeof nodeCrypto.hash === 'function'
  ? (text) => nodeCrypto.hash('sha256', text, 'buffer')
  : (text) => nodeCrypto.createHash('sha256').update(text).digest();

/** Arbitrary constant naming "a hall transaction" among advisory locks (one lock per schema). */
const TRANSACTION_LOCK_CLASS = 0x0d00_0002;
/** Arbitrary constant naming "one person's transaction" among advisory locks (keyed by schema, hall and person). */
const PERSON_LOCK_CLASS = 0x0d00_0003;
/** A statement that writes tickets (hall/queue.ts issues them in transactions): counted for the statistics check. */
const TICKET_WRITE = /^\s*(INSERT\s+INTO|UPDATE)\s+tickets\b/i;

/** Connects, migrates (or refuses a newer schema) and returns the store; rejects with a clear error otherwise. */
export async function openPostgresHallStore(opts: PostgresHallStoreOptions): Promise<PostgresHallStore> {
  if (!SCHEMA_NAME.test(opts.schema)) throw new Error(`hall database schema "${opts.schema}" must match ${SCHEMA_NAME}`);
  const hallId = checkHallId(opts.hallId ?? DEFAULT_HALL_ID);
  const where = describePostgresUrl(opts.url, opts.schema);
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.maxConnections ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    statement_timeout: opts.statementTimeoutMs ?? 15_000,
    application_name: opts.applicationName ?? 'onedoor-hall',
    options: `-c search_path=${opts.schema}`,
  });
  // Numbers taken on their own (takeNumber) go over connections of their own: a transaction waiting for a number must
  // never wait for a connection of the pool it holds one of (with every connection held, none would come back).
  const numbering = new pg.Pool({
    connectionString: opts.url, max: 2, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    statement_timeout: opts.statementTimeoutMs ?? 15_000, application_name: opts.applicationName ?? 'onedoor-hall',
    options: `-c search_path=${opts.schema}`,
  });
  // An idle pooled connection that dies (server restart, pg_terminate_backend) is dropped by the pool; without a
  // listener its 'error' event would end the process.
  pool.on('error', () => undefined);
  numbering.on('error', () => undefined);
  let version: number;
  try {
    const client = await pool.connect();
    try {
      version = await applyHallPostgresMigrations(client, opts.schema, HALL_POSTGRES_MIGRATIONS, hallId);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    await numbering.end().catch(() => undefined);
    if (err instanceof Error && /refusing to start/.test(err.message)) throw err;
    throw databaseError(err, where);
  }
  const store = new PostgresHallStore(pool, numbering, opts.schema, where, version, hallId, opts.checkNesting ?? true);
  store.checkStatisticsEvery(opts.statisticsCheckMs ?? STATISTICS_CHECK_MS);
  return store;
}

/** `host:port/database schema x` without user or password (for messages and logs). */
export function describePostgresUrl(url: string, schema: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname || '/'} schema ${schema}`;
  } catch {
    return `schema ${schema}`;
  }
}

/**
 * HallStore.groupLingerMs on PostgreSQL. A group of walk-ins costs its round trips and their statements whatever its
 * size. Kiosks answered together ask again together, a few milliseconds later; without a wait they met the group
 * that had started meanwhile with the calls that came during the last one, and two half groups took turns for ever
 * (three instances at 64 kiosks in bench `hall-load`: 10.5 tickets a group, mostly 21 with the wait, and a fifth
 * less CPU per ticket: README "Many instances", how many). Ten milliseconds is nothing a citizen sees in a ticket
 * that takes seconds to print.
 */
export const POSTGRES_GROUP_LINGER_MS = 10;

export class PostgresHallStore implements HallStore {
  readonly groupLingerMs = POSTGRES_GROUP_LINGER_MS;
  /** The transaction whose function is running, along its awaits; absent when nesting is not checked. */
  private readonly inTransaction: AsyncLocalStorage<PostgresHallStore> | undefined;
  private closed = false;
  private readonly batches: BatchedStatements;
  private statisticsTimer: NodeJS.Timeout | undefined;

  constructor(private readonly pool: pg.Pool, private readonly numbering: pg.Pool, readonly schema: string, readonly where: string,
    private readonly version: number, readonly hallId: string = DEFAULT_HALL_ID, checkNesting = true) {
    this.inTransaction = checkNesting ? new AsyncLocalStorage<PostgresHallStore>() : undefined;
    const outer: Sql = {
      query: (text, params) => this.poolQuery(text, params),
      atomic: (fn) => this.transaction(fn, ['BEGIN']),
      takeNumbers: (wanted) => this.takeNumbersAlone(wanted),
    };
    // Expose the repository's methods on the store itself (HallStore extends HallRepository).
    const repo = new PostgresHallRepository(outer, hallId);
    for (const name of Object.getOwnPropertyNames(PostgresHallRepository.prototype)) {
      if (name === 'constructor' || ['all', 'one', 'run', 'h', 'hallId'].includes(name)) continue;
      const method = (repo as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
      (this as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => method.apply(repo, args);
    }
    // The outer store's independent reads and writes of a ticket go in batches with concurrent calls of their kind
    // (hallPostgresBatches.ts); the repository's own methods answer a batch of one. Transaction handles are untouched.
    this.batches = batchedStatements({
      h: hallIdLiteral(hallId),
      query: (text, params) => this.poolQuery(text, params),
      single: {
        getKioskRequest: (k, r) => repo.getKioskRequest(k, r), listCertificatesOfHolder: (n) => repo.listCertificatesOfHolder(n),
        countWaitingAhead: (id, now) => repo.countWaitingAhead(id, now), recentServiceDurations: (c, l) => repo.recentServiceDurations(c, l),
        addKioskRequest: (k) => repo.addKioskRequest(k), appendAccessAudit: (e) => repo.appendAccessAudit(e),
      },
      // Only a row's own fault (SQLSTATE class 22 data exception, 23 integrity constraint) is worth going item by item:
      // the database being away, a timeout or a closed store would fail each item again, one after another.
      rowFault: (err) => err instanceof HallDatabaseError && !err.unavailable && /^2[23]/.test(err.sqlState ?? ''),
      refuse: () => this.refuseHere(),
    });
    Object.assign(this, this.batches.methods);
  }

  /**
   * Runs keepTicketStatistics every `ms` (0: never) until the store closes, and also as soon as this store's
   * transactions have written CHANGES_BEFORE_ANALYZE tickets since its last check (a busy hall, or a burst, writes
   * tens of thousands between two ticks: the plan trap of ticketStatistics.ts is reached before the timer comes). One
   * check at a time; a failed check waits for the next.
   */
  checkStatisticsEvery(ms: number): void {
    if (this.statisticsTimer) clearInterval(this.statisticsTimer);
    this.statisticsTimer = ms > 0 ? setInterval(() => this.checkStatisticsNow(), ms).unref() : undefined;
    this.ticketsWritten = 0;
  }

  private ticketsWritten = 0;
  private checkingStatistics = false;

  private checkStatisticsNow(): void {
    if (this.checkingStatistics || this.closed) return;
    this.checkingStatistics = true;
    this.ticketsWritten = 0;
    // Outside the transaction whose write asked for it (its own pooled connection, as the timer's).
    const check = () => void this.keepTicketStatistics().catch(() => undefined).finally(() => {
      this.checkingStatistics = false;
    });
    if (this.inTransaction) this.inTransaction.exit(check);
    else check();
  }

  /** Counts the tickets a transaction's statement wrote (`text` an INSERT or UPDATE of tickets), for the check. */
  private countTicketsWritten(text: string, rows: number): void {
    if (!this.statisticsTimer || rows === 0 || !TICKET_WRITE.test(text)) return;
    this.ticketsWritten += rows;
    if (this.ticketsWritten >= CHANGES_BEFORE_ANALYZE) this.checkStatisticsNow();
  }

  /** The tickets' statistics kept where autovacuum does not (ticketStatistics.ts): one check, on a pooled connection. */
  async keepTicketStatistics(): Promise<StatisticsCheck> {
    const refused = this.refuseHere();
    if (refused) throw refused;
    const client = await this.connect(this.pool);
    let broken: Error | undefined;
    try {
      return await keepTicketStatistics(client, this.schema);
    } catch (err) {
      if (isConnectionFailure(err as Error)) broken = err as Error;
      throw databaseError(err, this.where);
    } finally {
      client.release(broken);
    }
  }

  /** Calls made and statements sent per batched method (hallPostgresBatches.ts): how much the batches saved. */
  statementCounts(): ReturnType<BatchedStatements['counts']> {
    return this.batches.counts();
  }

  /** Statements the batched methods sent in all (one serving two methods counts once). */
  statementsSent(): number {
    return this.batches.sentInAll();
  }

  private refuseHere(): Error | null {
    if (this.inTransaction?.getStore() === this) {
      return new Error('hall store: use the transaction handle (tx) inside withTransaction, not the store');
    }
    if (this.closed) return new Error('hall store is closed');
    return null;
  }

  private async poolQuery(text: string, params?: unknown[]): Promise<QueryResult> {
    const refused = this.refuseHere();
    if (refused) throw refused;
    try {
      return await this.onPooledClient(statement(text, params)).catch((err: unknown) => {
        // The stale statement went with its connection (onPooledClient); the text goes again on another, planned anew.
        if (isStalePlan(err)) return this.onPooledClient(text, params);
        throw err;
      });
    } catch (err) {
      throw databaseError(err, this.where);
    }
  }

  /** A client of `pool`; failing to get one is a HallDatabaseError like any statement's (unavailable when refused). */
  private async connect(pool: pg.Pool): Promise<pg.PoolClient> {
    try {
      return await pool.connect();
    } catch (err) {
      throw databaseError(err, this.where);
    }
  }

  /** One statement on a pooled client; a client whose prepared statement went stale is destroyed, not reused. */
  private async onPooledClient(query: string | pg.QueryConfig, params?: unknown[]): Promise<QueryResult> {
    const client = await this.pool.connect();
    let drop: Error | undefined;
    // A connection that ends while its client is out fails the statement and also emits 'error' on the client (pg 8);
    // unheard, that event would end the process. The client is then destroyed rather than returned.
    const onError = (err: Error) => {
      drop ??= err;
    };
    client.on('error', onError);
    try {
      const res = await client.query(query as pg.QueryConfig, params);
      return { rows: res.rows as Row[], rowCount: res.rowCount ?? 0 };
    } catch (err) {
      if (isStalePlan(err) || isConnectionFailure(err as Error)) drop ??= err as Error;
      throw err;
    } finally {
      client.off('error', onError);
      client.release(drop);
    }
  }

  /**
   * `takeNumbers`: the counters' increments in a transaction of their own on the numbering pool, committed at once and
   * asynchronously (synchronous_commit off: no wait for the disk), so their rows are locked only for that statement
   * and tickets of one category are not issued one disk flush after another. Safe across crashes: the increment's
   * WAL record comes before that of any transaction that later commits a ticket with the number, and that commit
   * flushes the WAL up to itself; an increment lost in a crash was used by no stored ticket. One round trip (a simple
   * query of four statements; names quoted by the driver, counts checked numbers), one row per counter, in name
   * order (the order the rows are locked in).
   */
  private async takeNumbersAlone(wanted: ReadonlyArray<readonly [string, number]>): Promise<number[]> {
    if (this.closed) throw new Error('hall store is closed');
    const client = await this.connect(this.numbering);
    let drop: Error | undefined;
    try {
      const hall = hallIdLiteral(this.hallId);
      const rows = [...wanted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, count]) => `(${hall}, ${quoteLiteral(name)}, ${count})`);
      const results = (await client.query(`BEGIN; SET LOCAL synchronous_commit = off;
        INSERT INTO counters (hall_id, name, value) VALUES ${rows.join(', ')}
        ON CONFLICT (hall_id, name) DO UPDATE SET value = counters.value + EXCLUDED.value RETURNING name, value; COMMIT`)) as unknown as pg.QueryResult[];
      const last = new Map(results[2].rows.map((r) => [String(r.name), Number(r.value)]));
      return wanted.map(([name, count]) => last.get(name)! - count + 1);
    } catch (err) {
      drop = err as Error;
      // A failed statement leaves the transaction open on this connection: it is destroyed, not returned.
      throw databaseError(err, this.where);
    } finally {
      client.release(drop);
    }
  }

  withTransaction<T>(fn: (tx: HallRepository) => Promise<T>): Promise<T> {
    return this.transaction((sql) => fn(new PostgresHallRepository(sql, this.hallId)), this.hallLockSql());
  }

  withPersonTransaction<T>(person: string | null | readonly string[], fn: (tx: HallRepository) => Promise<T>): Promise<T> {
    return this.transaction((sql) => fn(new PostgresHallRepository(sql, this.hallId)), this.personLockSql(person),
      ticketOpeningReads(hallIdLiteral(this.hallId)), true);
  }

  /**
   * One lock per hall of the schema: a hall's rules never read another hall's rows, so halls do not wait for each
   * other (README "Running a district", "Many halls, one database"). BEGIN and the lock go in one round trip (a
   * simple query of several statements; the key is the schema and hall id, both checked names): every round trip
   * saved is one less the hall's other transactions wait for.
   */
  private hallLockSql(): string[] {
    return ['BEGIN', `SELECT pg_advisory_xact_lock(${TRANSACTION_LOCK_CLASS}, hashtext('${this.schema}/${this.hallId}'))`];
  }

  /**
   * The hall lock shared, then each person's exclusive (a 32-bit key from a hash: a clash only makes two wait). A
   * group's keys are taken in ascending order, as every transaction takes them, so two groups never wait for each
   * other in a circle: one statement over the sorted keys, which `unnest` gives in the array's order, each taken as
   * its row is counted. One statement instead of one per key: a group of ten people answered ten results that the
   * driver described and made row objects of for nothing (its `addFields` was the first of the driver's functions in
   * a profile of such transactions; the instance's CPU per transaction of ten people with one read, 5-10 % less).
   */
  private personLockSql(person: string | null | readonly string[]): string[] {
    const shared = ['BEGIN', `SELECT pg_advisory_xact_lock_shared(${TRANSACTION_LOCK_CLASS}, hashtext('${this.schema}/${this.hallId}'))`];
    const people = person === null ? [] : typeof person === 'string' ? [person] : person;
    const keys = [...new Set(people.map((p) => sha256(`${this.schema}/${this.hallId}/${p}`).readInt32BE(0)))].sort((a, b) => a - b);
    if (keys.length === 0) return shared;
    if (keys.length === 1) return [...shared, `SELECT pg_advisory_xact_lock(${PERSON_LOCK_CLASS}, ${keys[0]})`];
    return [...shared, `SELECT count(pg_advisory_xact_lock(${PERSON_LOCK_CLASS}, k)) FROM unnest('{${keys.join(',')}}'::int4[]) AS k`];
  }

  /**
   * BEGIN ... COMMIT (`attempt`), once more on another connection when a prepared statement went stale (isStalePlan:
   * a newer instance altered a table). Everything of the first attempt was rolled back and its connection, with
   * its statements, destroyed, so `fn` runs again from the start, as a caller's retry would.
   */
  private async transaction<T>(fn: (sql: Sql) => Promise<T>, begin: readonly string[], opening: readonly string[] = [],
    withFirstStatements = false): Promise<T> {
    try {
      return await this.attempt(fn, begin, opening, withFirstStatements);
    } catch (err) {
      if (!isStalePlan(err)) throw err;
      return this.attempt(fn, begin, opening, withFirstStatements);
    }
  }

  /**
   * BEGIN ... COMMIT on one pooled client; `fn` gets statements bound to it, valid until the transaction ends.
   * `begin`: BEGIN and the locks, one statement each. `opening`: reads without parameters sent in BEGIN's round trip,
   * after the locks, so they see what the transaction would see reading them first; `fn`'s first run of the same text
   * is answered with that result instead of a round trip of its own (a ticket group's transaction had three round
   * trips before its first write; each one is time the hall's other transactions may wait and CPU on both sides,
   * bench `hall-load`). A statement other than a SELECT may change what they read, so after one every statement goes
   * to the server again.
   * `withFirstStatements`: `fn` starts at once and BEGIN, the locks and the opening reads go in the round trip of its
   * first statements (those it asks in its first turn: a ticket group's categories, people's tickets, request records
   * and names), so the transaction begins with its first statement. For a function that does nothing before its
   * first statement that the locks should cover (HallStore.withPersonTransaction).
   */
  private async attempt<T>(fn: (sql: Sql) => Promise<T>, begin: readonly string[], opening: readonly string[] = [],
    withFirstStatements = false): Promise<T> {
    const refused = this.refuseHere();
    if (refused) throw refused;
    const client = await this.connect(this.pool);
    // A checked-out client whose connection dies between statements emits 'error'; keep it (the next statement
    // fails with it) instead of letting it end the process, and destroy the client afterwards.
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken ??= err;
    };
    client.on('error', onError);
    let open = true;
    const run = async (text: string, params?: unknown[]): Promise<QueryResult & { all: pg.QueryResult[] }> => {
      try {
        const res = await client.query(statement(text, params) as pg.QueryConfig);
        // Several statements in one simple query: an array of results, one per statement.
        const all = Array.isArray(res) ? (res as pg.QueryResult[]) : [res];
        const last = all[all.length - 1];
        this.countTicketsWritten(text, last.rowCount ?? 0);
        return { rows: last.rows as Row[], rowCount: last.rowCount ?? 0, all };
      } catch (err) {
        // A stale prepared plan (isStalePlan) aborts the transaction; the client is destroyed so its cache goes too.
        if (isConnectionFailure(err as Error) || isStalePlan(err)) broken ??= err as Error;
        const e = databaseError(err, this.where);
        failed ??= e;
        throw e;
      }
    };
    /**
     * The first statement of the transaction that failed, or statements for its commit that failed before it (a
     * value that could not be written): PostgreSQL answers a COMMIT after a failed statement with a silent ROLLBACK,
     * so the transaction fails with it even when fn did not wait for that statement.
     */
    let failed: Error | undefined;
    const early = new Map<string, QueryResult>();
    /** The i-th opening read among the results of the query that began the transaction (after BEGIN and the locks). */
    const openingRead = (results: readonly pg.QueryResult[], i: number): QueryResult =>
      ({ rows: results[begin.length + i].rows as Row[], rowCount: results[begin.length + i].rowCount ?? 0 });
    /** The opening reads not answered yet (`except`: their indexes), kept for fn's later turns. */
    const keepOpeningReads = (results: readonly pg.QueryResult[], except: ReadonlySet<number> = new Set()) =>
      opening.forEach((text, i) => except.has(i) || early.set(text, openingRead(results, i)));
    /** Statements to send with the COMMIT (Sql.atCommit), in the order asked. */
    const closing: AskedStatement[] = [];
    /** Statements asked in this turn of the microtask queue: sent together once it is over (sendAsked). */
    const asked: AskedStatement[] = [];
    /** Batches' starts (Sql.schedule), run just before the turn's statements are sent, or the COMMIT. */
    const starts: Array<() => void> = [];
    const runStarts = () => {
      while (starts.length > 0) starts.shift()!();
    };
    /** Starts of batches of statements for the COMMIT (Sql.scheduleAtCommit), run just before it is sent. */
    const commitStarts: Array<() => void> = [];
    const runCommitStarts = () => {
      while (commitStarts.length > 0) commitStarts.shift()!();
    };
    let sendQueued = false;
    let fnDone = false;
    /** BEGIN, the locks and the opening reads, until they are sent with fn's first statements (withFirstStatements). */
    let unsentBegin = withFirstStatements;
    /**
     * What goes before `batch` in its simple query: once, when the transaction has not begun, BEGIN, the locks and the
     * opening reads (`skip`: their results, before the batch's). A statement of the batch without parameters asking an
     * opening read, before any statement that may write, is answered with that read (`served`) instead of being sent
     * again; the reads not asked wait in `early` for fn's later turns, unless the batch may write.
     */
    const beginWith = (batch: AskedStatement[]) => {
      if (!unsentBegin) return { head: [] as string[], skip: 0, batch, answer: () => undefined };
      unsentBegin = false;
      const served = new Map<AskedStatement, number>();
      const servedAt = new Set<number>();
      let writes = false;
      for (const c of batch) {
        const at = opening.indexOf(c.text);
        if (!writes && at >= 0 && (!c.params || c.params.length === 0) && !servedAt.has(at)) {
          served.set(c, at);
          servedAt.add(at);
        } else if (!/^\s*SELECT\b/i.test(c.text)) writes = true;
      }
      const answer = (results: pg.QueryResult[]) => {
        for (const [c, i] of served) c.resolve(openingRead(results, i));
        if (!writes) keepOpeningReads(results, servedAt);
      };
      return { head: [...begin, ...opening], skip: begin.length + opening.length, batch: batch.filter((c) => !served.has(c)), answer };
    };
    /** `batch` in one simple query (togetherQuery), the COMMIT last when `commit`; each caller answered with its result. */
    const sendTogether = async (asked: AskedStatement[], commit: boolean) => {
      const prepared = preparedOnConnection.get(client) ?? new Set<string>();
      preparedOnConnection.set(client, prepared);
      const { head, skip, batch, answer } = beginWith(asked);
      let query: ReturnType<typeof togetherQuery>;
      try {
        query = togetherQuery(batch, prepared, commit);
      } catch (err) {
        // A value that cannot be written as a literal: with the COMMIT, the statements and the transaction fail
        // alike; otherwise the statements go one by one, in order (queued on the connection now, before anything
        // asked later, the COMMIT included), after BEGIN when it has not gone yet.
        if (!commit) {
          if (head.length > 0) void run(head.join('; ')).then((r) => answer(r.all), (e: unknown) => asked.forEach((c) => c.reject(e)));
          for (const c of batch) void run(c.text, c.params).then(c.resolve, c.reject);
          return;
        }
        for (const c of asked) c.reject(err);
        throw err;
      }
      // The names count as prepared once sent, so a query built while this one is on its way does not PREPARE them
      // again (PostgreSQL refuses a name the connection has). If it fails, which PREPAREs ran is not known, and a
      // ROLLBACK does not undo them: the connection is dropped with them (below).
      for (const name of query.names) prepared.add(name);
      try {
        const results = (await run([...head, query.text].join('; '))).all;
        if (commit) checkCommitted(results[results.length - 1]);
        answer(results);
        batch.forEach((c, i) => {
          const r = results[skip + query.at[i]];
          if (query.at.length > 1) this.countTicketsWritten(c.text, r.rowCount ?? 0);
          c.resolve({ rows: r.rows as Row[], rowCount: r.rowCount ?? 0 });
        });
      } catch (err) {
        // One statement failed: PostgreSQL skipped the rest and aborted the transaction, which rolls back; which
        // statement it was the driver does not say, so each caller gets the error. Dropped after a failed COMMIT
        // query, or one that prepared statements: whatever it prepared goes with it.
        if (commit || query.names.length > 0) broken ??= err as Error;
        for (const c of asked) c.reject(err);
        if (commit) throw err;
      }
    };
    const sendAsked = () => {
      if (!open) return;
      runStarts();
      sendQueued = false;
      const batch = asked.splice(0);
      if (batch.length === 1 && !unsentBegin) void run(batch[0].text, batch[0].params).then(batch[0].resolve, batch[0].reject);
      else if (batch.length > 0) void sendTogether(batch, false);
    };
    /** The turn's statements sent once its microtasks are done (once per turn). */
    const sendAtTurnEnd = () => {
      if (sendQueued) return;
      sendQueued = true;
      queueMicrotask(sendAsked);
    };
    const ask = (list: AskedStatement[], text: string, params: unknown[] | undefined) => new Promise<QueryResult>((resolve, reject) => {
      list.push({ text, params, resolve, reject });
    });
    /**
     * PostgreSQL answers a COMMIT after a failed statement with a ROLLBACK, no error: a statement fn did not wait for
     * can fail after fn's end was checked (`failed`), so the COMMIT's own answer is checked too.
     */
    const checkCommitted = (r: pg.QueryResult | undefined) => {
      if (r?.command === 'ROLLBACK') {
        throw failed ?? new HallDatabaseError('hall database (PostgreSQL): the transaction was rolled back at its COMMIT (one of its statements had failed)', false, '25P02');
      }
    };
    /**
     * Statements for the COMMIT still held a turn later while fn is still running: fn may be waiting for their
     * answer, which must not wait for fn's end, so they go now, in a round trip of their own.
     */
    const sendForCommitIfStillRunning = () => setImmediate(() => {
      if (fnDone || !open) return;
      runCommitStarts();
      if (closing.length === 0) return;
      asked.push(...closing.splice(0));
      if (!sendQueued) sendAsked();
    });
    const tx: Sql = {
      query: async (text, params) => {
        if (!open) throw new Error('hall store: transaction handle used after its transaction ended');
        if (early.size > 0) {
          const read = !params || params.length === 0 ? early.get(text) : undefined;
          if (read) {
            early.delete(text);
            return read;
          }
          if (!/^\s*SELECT\b/i.test(text)) early.clear();
        }
        // Statements keep their order: batches gathering calls asked before this one, and statements asked for the
        // commit before it, go first, in its round trip.
        runStarts();
        if (closing.length > 0) asked.push(...closing.splice(0));
        // Statements asked in one turn (fn's `Promise.all`, or calls one after another without waiting) go in one
        // round trip: each one saved is a system call and a wake-up on both sides, time every transaction holding
        // the same rows waits (bench `hall-load`).
        sendAtTurnEnd();
        return ask(asked, text, params);
      },
      atomic: (f) => f(tx),
      takeNumbers: (wanted) => this.takeNumbersAlone(wanted),
      holdCommit: (p) => {
        p.catch((err: unknown) => {
          failed ??= err instanceof Error ? err : new Error(String(err));
        });
      },
      schedule: (start) => {
        // The transaction is ending: the batch starts at once and its statements are refused (query, atCommit).
        if (!open) return start();
        starts.push(start);
        sendAtTurnEnd();
      },
      atCommit: (text, params) => {
        if (!open) return Promise.reject(new Error('hall store: transaction handle used after its transaction ended'));
        const answer = ask(closing, text, params);
        sendForCommitIfStillRunning();
        return answer;
      },
      scheduleAtCommit: (start) => {
        if (!open) return start();
        commitStarts.push(start);
        sendForCommitIfStillRunning();
      },
    };
    try {
      if (withFirstStatements) {
        // Sent with fn's first statements (beginWith).
      } else if (opening.length === 0) await run(begin.join('; '));
      else {
        // A simple query of several statements answers one result per statement, in order: the opening reads last.
        keepOpeningReads((await run([...begin, ...opening].join('; '))).all);
      }
      let result: T;
      try {
        result = await (this.inTransaction ? this.inTransaction.run(this, () => fn(tx)) : fn(tx));
      } finally {
        fnDone = true;
      }
      // One simple query: the statements asked for the commit, then COMMIT, one result each (togetherQuery). One
      // that fails aborts the rest: nothing is committed, the catch below rolls back, each caller gets the error,
      // and the connection is dropped (whatever it prepared).
      // Batches gathered in fn's last turn, and statements it asked and did not wait for, go with it too.
      runStarts();
      runCommitStarts();
      if (failed) throw failed;
      const last = [...asked.splice(0), ...closing.splice(0)];
      // From here on a statement asked (by a function fn did not wait for) is refused, not sent after the COMMIT
      // outside the transaction, nor left unanswered.
      open = false;
      if (last.length === 0 && !unsentBegin) checkCommitted((await run('COMMIT')).all.at(-1));
      else await sendTogether(last, true);
      return result;
    } catch (err) {
      // Statements asked for a commit that does not come, or not sent yet when fn failed; batches not started yet
      // start now and have their statements refused. None is sent after this point (open).
      open = false;
      runStarts();
      runCommitStarts();
      for (const c of [...asked.splice(0), ...closing.splice(0)]) c.reject(err);
      // The caller needs fn's error, not ROLLBACK's; a lost connection has rolled back on the server already, and a
      // transaction whose BEGIN was never sent has nothing to roll back.
      if (!broken && !unsentBegin) {
        await client.query('ROLLBACK').catch((e: Error) => {
          broken ??= e;
        });
      }
      throw err;
    } finally {
      open = false;
      client.off('error', onError);
      client.release(broken);
    }
  }

  async schemaVersion(): Promise<number> {
    return this.version;
  }

  async districtHalls(day: HallDay): Promise<DistrictHallRow[]> {
    return (await this.poolQuery(districtFiguresSql(() => '$1'), [day])).rows.map(districtRowFrom);
  }

  async checkReadable(): Promise<void> {
    // A read through the server (not the cached version): rejects while PostgreSQL cannot be reached or the schema
    // is gone. The hall's connection watch (hallServerWatch.ts) calls it on an interval.
    const read = () => this.poolQuery('SELECT max(version) AS v FROM schema_migrations');
    try {
      await read();
    } catch (err) {
      // Once more on a fresh connection: when the server dropped every connection (a restart of a pooler, a network
      // blip) the pool can still hand out an idle one that died unnoticed; the pool discards it on its error, so
      // the second read is on a new connection and fails only when the server is really out of reach.
      if (!(err instanceof HallDatabaseError) || !err.unavailable) throw err;
      await read();
    }
  }

  applyRetention(cutoffs: HallRetentionCutoffs): Promise<HallRetentionResult> {
    // Under the hall transaction lock: one instance at a time applies it, and never in the middle of another's rule.
    return this.transaction((sql) => retentionPostgres((text, params) => sql.query(text, params), cutoffs, this.hallId), this.hallLockSql());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.statisticsTimer);
    await Promise.all([this.pool.end(), this.numbering.end()]);
  }
}

// The repository methods are copied onto each instance in the constructor.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface PostgresHallStore extends HallRepository {}

function holdOf(r: Record<string, unknown>): TicketHoldRecord {
  return {
      ticketId: Number(r.ticket_id), window: Number(r.window_no), heldAt: Number(r.held_at), untilAt: Number(r.until_at),
      releasedAt: r.released_at === null || r.released_at === undefined ? null : Number(r.released_at),
    };
}
