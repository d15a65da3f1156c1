/**
 * Result notices (README "Result notices (结果反馈)", migrations 14 and 20): the transactional outbox of what the citizen is
 * told when an application reaches 办结, 退回 or 不予受理. One row per (application, outcome), written in the same store
 * transaction as the status change, so a crash never loses a notice nor leaves one for a change that did not commit.
 *
 * A row is delivered through the configured notification gateway (hall/notify/, docs/notification-gateway.md):
 * `pending` until the gateway took it (`sent`) or the dispatcher gave up (`failed`); `attempts` counts the tries.
 * Independently of the gateway, the kiosk shows the unread rows at the holder's next card read (`readAt`).
 *
 * The holder number is stored (the kiosk and the phone page find the holder's notices by it) and never leaves the
 * hall layer; the text never contains it (hall-rules.md "Privacy").
 */
import type { HallDay } from './hallStore.ts';

/**
 * What the citizen is told: an application reached an end (办结 `done`, 退回 `returned`, 不予受理 `rejected`), or, from
 * migration 20, their waiting ticket was handled at the day's closing time (README "Running the hall floor", day
 * boundaries): `carriedOver` (kept for the next working day under a new number) or `closedAtClosing` (closed).
 * Ticket notices carry the old ticket number in `serial` and the queue category's name in `serviceName`.
 */
export const NOTICE_OUTCOMES = ['done', 'returned', 'rejected', 'carriedOver', 'closedAtClosing'] as const;
export type NoticeOutcome = (typeof NOTICE_OUTCOMES)[number];
const OUTCOME_CHECK = `CHECK (outcome IN (${NOTICE_OUTCOMES.map((o) => `'${o}'`).join(', ')}))`;

const WHY_20 = 'result notices also tell the holder of a ticket closed or carried over at closing time';

/**
 * SQLite cannot alter a CHECK constraint: the table is rebuilt with the same columns, rows, indexes and id sequence
 * (AUTOINCREMENT keeps numbering after the highest id ever issued, deleted ones included). No table refers to it.
 */
export const NOTICE_OUTCOMES_SQLITE_MIGRATION = {
  version: 20,
  name: WHY_20,
  sql: `
    CREATE TEMP TABLE v20_sequence AS SELECT seq FROM sqlite_sequence WHERE name = 'result_notices';
    CREATE TABLE result_notices_v20 (
      id                INTEGER PRIMARY KEY AUTOINCREMENT,
      hall_id           TEXT NOT NULL DEFAULT '',
      idempotency_key   TEXT NOT NULL,
      serial            TEXT NOT NULL,
      service_name      TEXT NOT NULL,
      holder_number     TEXT NOT NULL,
      phone             TEXT,
      outcome           TEXT NOT NULL ${OUTCOME_CHECK},
      text              TEXT NOT NULL,
      created_at        INTEGER NOT NULL,
      created_day       TEXT NOT NULL,
      status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      attempts          INTEGER NOT NULL DEFAULT 0,
      next_attempt_at   INTEGER NOT NULL,
      sent_at           INTEGER,
      last_error        TEXT,
      read_at           INTEGER,
      UNIQUE (hall_id, idempotency_key)
    );
    INSERT INTO result_notices_v20 SELECT id, hall_id, idempotency_key, serial, service_name, holder_number, phone, outcome,
      text, created_at, created_day, status, attempts, next_attempt_at, sent_at, last_error, read_at FROM result_notices;
    DROP TABLE result_notices;
    ALTER TABLE result_notices_v20 RENAME TO result_notices;
    CREATE INDEX result_notices_due ON result_notices (hall_id, next_attempt_at, id) WHERE status = 'pending';
    CREATE INDEX result_notices_holder ON result_notices (hall_id, holder_number, id);
    DELETE FROM sqlite_sequence WHERE name = 'result_notices';
    INSERT INTO sqlite_sequence (name, seq) SELECT 'result_notices', max(coalesce((SELECT seq FROM temp.v20_sequence), 0),
      coalesce((SELECT max(id) FROM result_notices), 0));
    DROP TABLE temp.v20_sequence;
  `,
};

/** PostgreSQL names a column's CHECK `<table>_<column>_check` (migration 14 left the name to it). */
export const NOTICE_OUTCOMES_POSTGRES_MIGRATION = {
  version: 20,
  name: WHY_20,
  sql: `
    ALTER TABLE result_notices DROP CONSTRAINT result_notices_outcome_check;
    ALTER TABLE result_notices ADD CONSTRAINT result_notices_outcome_check ${OUTCOME_CHECK};
  `,
};
export type NoticeDelivery = 'pending' | 'sent' | 'failed';

export interface NoticeRecord {
  id: number;
  /** Unique per hall: `<serial>:<outcome>` (an application reaches each end at most once). */
  idempotencyKey: string;
  serial: string;
  serviceName: string;
  holderNumber: string;
  /** The applicant's phone from the application form, when it has one. */
  phone: string | null;
  outcome: NoticeOutcome;
  /** The plain Chinese text the citizen reads (never a full ID number). */
  text: string;
  createdAt: number;
  createdDay: HallDay;
  status: NoticeDelivery;
  attempts: number;
  /** The dispatcher takes a pending row again at or after this instant (epoch ms). */
  nextAttemptAt: number;
  sentAt: number | null;
  lastError: string | null;
  /** When the citizen acknowledged it (kiosk or phone page); null: unread. */
  readAt: number | null;
}

export type NewNotice = Pick<NoticeRecord, 'idempotencyKey' | 'serial' | 'serviceName' | 'holderNumber' | 'phone' | 'outcome'
  | 'text' | 'createdAt' | 'createdDay'>;

/** What one delivery attempt came to (the row must still be pending; a sent or failed row is not changed). */
export type NoticeAttemptResult =
  | { status: 'sent'; at: number }
  | { status: 'pending'; nextAttemptAt: number; error: string }
  | { status: 'failed'; error: string };
