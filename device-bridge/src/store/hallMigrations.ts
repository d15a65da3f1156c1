/**
 * Versioned schema of the hall database (SQLite). Append only: never edit a migration that has shipped, add the
 * next version. `applyHallMigrations` records each applied version in `schema_migrations` and runs each migration
 * once, in version order, in its own transaction; a database carrying a version this build does not know (written
 * by a newer bridge) is refused rather than guessed at.
 *
 * Integrity the tables enforce themselves (so that no code path can break the rules in hall-rules.md), per hall
 * since migration 8 (every row carries its `hall_id`; README "Running a district", "Many halls, one database"):
 * - tickets: `UNIQUE(hall_id, day, number)` (a number is never issued twice in a day in a hall) and one waiting
 *   ticket per person per category per day (partial unique index);
 * - appointments: one active booking per person per service per day (partial unique index);
 * - counters: one row per name, incremented in a single UPSERT statement (atomic numbering across restarts);
 * - print_log has no column for a full number.
 */
import type Database from 'better-sqlite3';
import { DEFAULT_HALL_ID, hallIdLiteral } from './hallScope.ts';
import { NOTICE_OUTCOMES_SQLITE_MIGRATION } from './noticeRecords.ts';
import { PHONE_SESSIONS_MIGRATION } from './phoneSessionRecords.ts';
import { WAITING_COUNTS_TABLE_SQL } from './waitingCounts.ts';

export interface HallMigration {
  version: number;
  name: string;
  /** The statements; a function gets the hall id of the store that migrates (rows that exist adopt it). */
  sql: string | ((hallId: string) => string);
  /**
   * SQLite: the migration rebuilds tables that others reference, so it runs with foreign keys off and checks them
   * (`foreign_key_check`) before it commits (SQLite's "making other kinds of table schema changes" procedure).
   */
  rebuildsTables?: boolean;
}

/** A migration's SQL text for the hall `hallId`. */
export function migrationSql(m: HallMigration, hallId: string): string {
  return typeof m.sql === 'string' ? m.sql : m.sql(hallId);
}

export const HALL_MIGRATIONS: readonly HallMigration[] = [
  {
    version: 1,
    name: 'guidance data: departments, queue categories, service items, materials, calendar, counters',
    sql: `
      CREATE TABLE departments (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        name           TEXT NOT NULL UNIQUE,
        batch          INTEGER NOT NULL,
        batch_deadline TEXT NOT NULL,
        sort_order     INTEGER NOT NULL
      );
      CREATE TABLE queue_categories (
        letter                  TEXT PRIMARY KEY CHECK (length(letter) = 1 AND letter BETWEEN 'A' AND 'Z'),
        name                    TEXT NOT NULL,
        default_service_minutes REAL NOT NULL CHECK (default_service_minutes > 0)
      );
      CREATE TABLE service_items (
        id              TEXT PRIMARY KEY,
        department_id   INTEGER NOT NULL REFERENCES departments(id),
        name            TEXT NOT NULL,
        category        TEXT NOT NULL REFERENCES queue_categories(letter),
        time_limit_days INTEGER NOT NULL CHECK (time_limit_days > 0),
        slot_capacity   INTEGER NOT NULL CHECK (slot_capacity > 0),
        step_limits     TEXT
      );
      CREATE INDEX service_items_department ON service_items (department_id, id);
      CREATE TABLE service_materials (
        id                 INTEGER PRIMARY KEY AUTOINCREMENT,
        service_id         TEXT NOT NULL REFERENCES service_items(id) ON DELETE CASCADE,
        name               TEXT NOT NULL,
        sort_order         INTEGER NOT NULL,
        fetched_from       TEXT,
        commitment_allowed INTEGER NOT NULL DEFAULT 0 CHECK (commitment_allowed IN (0, 1)),
        UNIQUE (service_id, sort_order)
      );
      CREATE TABLE calendar_days (
        day  TEXT PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
        name TEXT NOT NULL
      );
      CREATE TABLE counters (
        name  TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'queue and appointments: tickets, slots, appointments, no-shows',
    sql: `
      CREATE TABLE tickets (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        day            TEXT NOT NULL,
        category       TEXT NOT NULL REFERENCES queue_categories(letter),
        seq            INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 999),
        number         TEXT NOT NULL,
        holder_number  TEXT,
        priority       TEXT CHECK (priority IN ('appointment', 'elderly', 'disabled', 'pregnant')),
        status         TEXT NOT NULL CHECK (status IN ('waiting', 'called', 'serving', 'done', 'noShow', 'canceled')),
        issued_at      INTEGER NOT NULL,
        called_at      INTEGER,
        started_at     INTEGER,
        finished_at    INTEGER,
        appointment_id INTEGER,
        UNIQUE (day, number)
      );
      CREATE UNIQUE INDEX tickets_one_waiting ON tickets (day, category, holder_number)
        WHERE status = 'waiting' AND holder_number IS NOT NULL;
      CREATE INDEX tickets_finished ON tickets (category, finished_at) WHERE finished_at IS NOT NULL;
      CREATE TABLE appointment_slots (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        service_id TEXT NOT NULL REFERENCES service_items(id),
        day        TEXT NOT NULL,
        start      TEXT NOT NULL CHECK (start GLOB '[0-2][0-9]:[0-5][0-9]'),
        minutes    INTEGER NOT NULL CHECK (minutes > 0),
        capacity   INTEGER NOT NULL CHECK (capacity >= 0),
        UNIQUE (service_id, day, start)
      );
      CREATE TABLE appointments (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        slot_id       INTEGER NOT NULL REFERENCES appointment_slots(id),
        service_id    TEXT NOT NULL REFERENCES service_items(id),
        day           TEXT NOT NULL,
        start         TEXT NOT NULL,
        holder_number TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('booked', 'checkedIn', 'late', 'canceled', 'noShow')),
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL,
        ticket_id     INTEGER REFERENCES tickets(id)
      );
      CREATE UNIQUE INDEX appointments_one_per_day ON appointments (holder_number, service_id, day)
        WHERE status IN ('booked', 'checkedIn');
      CREATE INDEX appointments_holder ON appointments (holder_number, day, start);
      CREATE INDEX appointments_slot ON appointments (slot_id, status);
      CREATE TABLE no_shows (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        holder_number  TEXT NOT NULL,
        day            TEXT NOT NULL,
        appointment_id INTEGER REFERENCES appointments(id)
      );
      CREATE INDEX no_shows_holder ON no_shows (holder_number, day);
    `,
  },
  {
    version: 3,
    name: 'applications, certificates, print log',
    sql: `
      CREATE TABLE applications (
        serial           TEXT PRIMARY KEY,
        service_id       TEXT NOT NULL REFERENCES service_items(id),
        applicant_number TEXT NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('accepted', 'review', 'decided', 'done', 'returned', 'rejected')),
        accepted_at      INTEGER NOT NULL,
        accepted_day     TEXT NOT NULL,
        result           TEXT,
        commitments      TEXT NOT NULL DEFAULT '[]',
        updated_at       INTEGER NOT NULL
      );
      CREATE INDEX applications_applicant ON applications (applicant_number, accepted_at);
      CREATE TABLE application_events (
        id     INTEGER PRIMARY KEY AUTOINCREMENT,
        serial TEXT NOT NULL REFERENCES applications(serial) ON DELETE CASCADE,
        status TEXT NOT NULL,
        at     INTEGER NOT NULL,
        day    TEXT NOT NULL,
        note   TEXT
      );
      CREATE INDEX application_events_serial ON application_events (serial, id);
      CREATE TABLE certificates (
        identifier    TEXT PRIMARY KEY,
        type_name     TEXT NOT NULL,
        issuer_name   TEXT NOT NULL,
        holder_number TEXT NOT NULL,
        holder_name   TEXT NOT NULL,
        issued_on     TEXT NOT NULL,
        expires_on    TEXT,
        revoked_at    INTEGER,
        revoke_reason TEXT
      );
      CREATE INDEX certificates_holder ON certificates (holder_number, issued_on);
      CREATE TABLE print_log (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        at            INTEGER NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('queueTicket', 'appointmentSlip', 'certificateCopy', 'progressSlip')),
        ref           TEXT NOT NULL,
        masked_number TEXT NOT NULL,
        detail        TEXT
      );
    `,
  },
  {
    version: 4,
    name: 'counter workflow: windows, calls, applied terminal events, ratings, bad-review follow-ups, transfers',
    // Counter workflow (README "For the hall: counter terminals and the hall display"). `window_no`
    // (not `window`: a keyword since SQLite 3.25). A window has at most one current ticket; applied
    // terminal events are keyed by their event id so a replayed event is applied once; one rating
    // per ticket (hall-rules.md "Ratings": 一次一评), one follow-up per bad review.
    sql: `
      CREATE TABLE counter_windows (
        window_no        INTEGER PRIMARY KEY CHECK (window_no BETWEEN 1 AND 999),
        ticket_id        INTEGER REFERENCES tickets(id),
        recalls          INTEGER NOT NULL DEFAULT 0 CHECK (recalls >= 0),
        paused           INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
        rating_ticket_id INTEGER REFERENCES tickets(id),
        updated_at       INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX counter_windows_one_ticket ON counter_windows (ticket_id) WHERE ticket_id IS NOT NULL;
      CREATE TABLE counter_calls (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        call_id   TEXT NOT NULL UNIQUE,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        number    TEXT NOT NULL,
        window_no INTEGER NOT NULL,
        text      TEXT NOT NULL,
        recall    INTEGER NOT NULL CHECK (recall BETWEEN 0 AND 3),
        at        INTEGER NOT NULL,
        day       TEXT NOT NULL
      );
      CREATE INDEX counter_calls_day ON counter_calls (day, id);
      CREATE TABLE counter_applied_events (
        event_id   TEXT PRIMARY KEY,
        window_no  INTEGER NOT NULL,
        key        TEXT NOT NULL,
        outcome    TEXT NOT NULL,
        applied_at INTEGER NOT NULL
      );
      CREATE TABLE ticket_ratings (
        ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
        window_no INTEGER NOT NULL,
        rating    INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
        at        INTEGER NOT NULL,
        day       TEXT NOT NULL
      );
      CREATE INDEX ticket_ratings_day ON ticket_ratings (day);
      CREATE TABLE rating_follow_ups (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        ticket_id    INTEGER NOT NULL UNIQUE REFERENCES tickets(id),
        window_no    INTEGER NOT NULL,
        rating       INTEGER NOT NULL CHECK (rating IN (4, 5)),
        opened_at    INTEGER NOT NULL,
        opened_day   TEXT NOT NULL,
        deadline_day TEXT NOT NULL,
        closed_at    INTEGER,
        note         TEXT
      );
      CREATE INDEX rating_follow_ups_open ON rating_follow_ups (deadline_day) WHERE closed_at IS NULL;
      CREATE TABLE ticket_transfers (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        ticket_id     INTEGER NOT NULL REFERENCES tickets(id),
        from_category TEXT NOT NULL,
        to_category   TEXT NOT NULL REFERENCES queue_categories(letter),
        window_no     INTEGER NOT NULL,
        at            INTEGER NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'several kiosks, one hall: answers of applied kiosk requests',
    // README "Several kiosks, one hall": a linked kiosk's request that changed the hall database is
    // keyed by (kiosk, requestId) with the answer it got, so a resend after a reconnect gets that
    // answer and is never applied twice. The answer holds the services' masked views only; the
    // request's citizen is not stored.
    sql: `
      CREATE TABLE kiosk_requests (
        kiosk_id   TEXT NOT NULL,
        request_id TEXT NOT NULL,
        op         TEXT NOT NULL,
        answer     TEXT NOT NULL,
        applied_at INTEGER NOT NULL,
        PRIMARY KEY (kiosk_id, request_id)
      );
    `,
  },
  {
    version: 6,
    name: 'access audit: who read or changed a citizen\'s data, masked',
    // 等保 2.0 level 3 "access to personal data audited" (hall/accessAudit.ts). Append-only: an UPDATE is refused by
    // the trigger (rows leave only by age, through the retention policy). No column may hold a full number
    // (hall-rules.md "Privacy"): the masked number must carry its stars and no run of 5 digits, and no text column
    // may hold a run of 15 digits (a 15- or 18-character ID number), whatever the code that appends.
    sql: `
      CREATE TABLE access_audit (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        at            INTEGER NOT NULL,
        day           TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        actor_kind    TEXT NOT NULL CHECK (actor_kind IN ('kiosk', 'staff')),
        actor         TEXT NOT NULL,
        role          TEXT,
        function      TEXT NOT NULL,
        masked_number TEXT CHECK (masked_number IS NULL OR (masked_number GLOB '*[*]*'
                        AND masked_number NOT GLOB '*[0-9][0-9][0-9][0-9][0-9]*')),
        result        TEXT NOT NULL CHECK (result IN ('success', 'refused')),
        code          TEXT,
        detail        TEXT,
        CHECK ((actor || ' ' || function || ' ' || coalesce(role, '') || ' ' || coalesce(code, '') || ' ' || coalesce(detail, ''))
          NOT GLOB '*[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*')
      );
      CREATE INDEX access_audit_day ON access_audit (day, id);
      CREATE TRIGGER access_audit_append_only BEFORE UPDATE ON access_audit
      BEGIN
        SELECT RAISE(ABORT, 'access_audit is append-only');
      END;
    `,
  },
  {
    version: 7,
    name: 'catalogue: department codes, service windows, catalogue loads',
    // README "Loading the catalogue": a reload matches departments by code (names change), windows by number; loads
    // are logged. Nothing here is deleted by a load (tickets and appointments point at categories and items).
    sql: `
      ALTER TABLE departments ADD COLUMN code TEXT;
      CREATE UNIQUE INDEX departments_code ON departments (code) WHERE code IS NOT NULL;
      CREATE TABLE hall_windows (
        window_no  INTEGER PRIMARY KEY CHECK (window_no BETWEEN 1 AND 999),
        name       TEXT NOT NULL,
        device_id  TEXT NOT NULL,
        unit       INTEGER NOT NULL CHECK (unit BETWEEN 1 AND 32),
        categories TEXT NOT NULL DEFAULT '[]',
        UNIQUE (device_id, unit)
      );
      CREATE TABLE catalogue_loads (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        at      INTEGER NOT NULL,
        hall_id TEXT,
        files   TEXT NOT NULL,
        summary TEXT NOT NULL
      );
    `,
  },
  {
    version: 8,
    name: 'many halls in one database: hall_id on every row, keys and numbering per hall',
    // README "Running a district" ("Many halls, one database"): every row belongs to one hall; the keys that were
    // unique in the database become unique per hall (ticket numbers per hall and day, counters, categories, service
    // items, windows, serials, certificates, kiosk requests); rows already there adopt the hall id of the bridge that
    // migrates (config site.hallId, default "hall"). A table whose key or foreign key changes is rebuilt (SQLite
    // cannot alter a key); the others gain the column. Surrogate ids (tickets, appointments, slots...) stay unique
    // in the database, so references by id need no hall column.
    rebuildsTables: true,
    sql: (hallId) => {
      const H = hallIdLiteral(hallId);
      const rebuild = (table: string, ddl: string, columns: string): string => `
        CREATE TABLE ${table}_v8 (${ddl});
        INSERT INTO ${table}_v8 (hall_id, ${columns}) SELECT ${H}, ${columns} FROM ${table};
        DROP TABLE ${table};
        ALTER TABLE ${table}_v8 RENAME TO ${table};`;
      return `
      CREATE TEMP TABLE v8_sequence AS SELECT name, seq FROM sqlite_sequence;
      ${rebuild('departments', `
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        hall_id        TEXT NOT NULL DEFAULT '',
        name           TEXT NOT NULL,
        batch          INTEGER NOT NULL,
        batch_deadline TEXT NOT NULL,
        sort_order     INTEGER NOT NULL,
        code           TEXT,
        UNIQUE (hall_id, name)`, 'id, name, batch, batch_deadline, sort_order, code')}
      CREATE UNIQUE INDEX departments_code ON departments (hall_id, code) WHERE code IS NOT NULL;
      ${rebuild('queue_categories', `
        hall_id                 TEXT NOT NULL DEFAULT '',
        letter                  TEXT NOT NULL CHECK (length(letter) = 1 AND letter BETWEEN 'A' AND 'Z'),
        name                    TEXT NOT NULL,
        default_service_minutes REAL NOT NULL CHECK (default_service_minutes > 0),
        PRIMARY KEY (hall_id, letter)`, 'letter, name, default_service_minutes')}
      ${rebuild('service_items', `
        hall_id         TEXT NOT NULL DEFAULT '',
        id              TEXT NOT NULL,
        department_id   INTEGER NOT NULL REFERENCES departments(id),
        name            TEXT NOT NULL,
        category        TEXT NOT NULL,
        time_limit_days INTEGER NOT NULL CHECK (time_limit_days > 0),
        slot_capacity   INTEGER NOT NULL CHECK (slot_capacity > 0),
        step_limits     TEXT,
        PRIMARY KEY (hall_id, id),
        FOREIGN KEY (hall_id, category) REFERENCES queue_categories (hall_id, letter)`,
      'id, department_id, name, category, time_limit_days, slot_capacity, step_limits')}
      CREATE INDEX service_items_department ON service_items (hall_id, department_id, id);
      ${rebuild('service_materials', `
        id                 INTEGER PRIMARY KEY AUTOINCREMENT,
        hall_id            TEXT NOT NULL DEFAULT '',
        service_id         TEXT NOT NULL,
        name               TEXT NOT NULL,
        sort_order         INTEGER NOT NULL,
        fetched_from       TEXT,
        commitment_allowed INTEGER NOT NULL DEFAULT 0 CHECK (commitment_allowed IN (0, 1)),
        UNIQUE (hall_id, service_id, sort_order),
        FOREIGN KEY (hall_id, service_id) REFERENCES service_items (hall_id, id) ON DELETE CASCADE`,
      'id, service_id, name, sort_order, fetched_from, commitment_allowed')}
      ${rebuild('calendar_days', `
        hall_id TEXT NOT NULL DEFAULT '',
        day     TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        kind    TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
        name    TEXT NOT NULL,
        PRIMARY KEY (hall_id, day)`, 'day, kind, name')}
      ${rebuild('counters', `
        hall_id TEXT NOT NULL DEFAULT '',
        name    TEXT NOT NULL,
        value   INTEGER NOT NULL,
        PRIMARY KEY (hall_id, name)`, 'name, value')}
      ${rebuild('tickets', `
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        hall_id        TEXT NOT NULL DEFAULT '',
        day            TEXT NOT NULL,
        category       TEXT NOT NULL,
        seq            INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 999),
        number         TEXT NOT NULL,
        holder_number  TEXT,
        priority       TEXT CHECK (priority IN ('appointment', 'elderly', 'disabled', 'pregnant')),
        status         TEXT NOT NULL CHECK (status IN ('waiting', 'called', 'serving', 'done', 'noShow', 'canceled')),
        issued_at      INTEGER NOT NULL,
        called_at      INTEGER,
        started_at     INTEGER,
        finished_at    INTEGER,
        appointment_id INTEGER,
        UNIQUE (hall_id, day, number),
        FOREIGN KEY (hall_id, category) REFERENCES queue_categories (hall_id, letter)`,
      'id, day, category, seq, number, holder_number, priority, status, issued_at, called_at, started_at, finished_at, appointment_id')}
      CREATE UNIQUE INDEX tickets_one_waiting ON tickets (hall_id, day, category, holder_number)
        WHERE status = 'waiting' AND holder_number IS NOT NULL;
      CREATE INDEX tickets_finished ON tickets (hall_id, category, finished_at) WHERE finished_at IS NOT NULL;
      ${rebuild('appointment_slots', `
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        hall_id    TEXT NOT NULL DEFAULT '',
        service_id TEXT NOT NULL,
        day        TEXT NOT NULL,
        start      TEXT NOT NULL CHECK (start GLOB '[0-2][0-9]:[0-5][0-9]'),
        minutes    INTEGER NOT NULL CHECK (minutes > 0),
        capacity   INTEGER NOT NULL CHECK (capacity >= 0),
        UNIQUE (hall_id, service_id, day, start),
        FOREIGN KEY (hall_id, service_id) REFERENCES service_items (hall_id, id)`,
      'id, service_id, day, start, minutes, capacity')}
      ${rebuild('appointments', `
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        hall_id       TEXT NOT NULL DEFAULT '',
        slot_id       INTEGER NOT NULL REFERENCES appointment_slots(id),
        service_id    TEXT NOT NULL,
        day           TEXT NOT NULL,
        start         TEXT NOT NULL,
        holder_number TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('booked', 'checkedIn', 'late', 'canceled', 'noShow')),
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL,
        ticket_id     INTEGER REFERENCES tickets(id),
        FOREIGN KEY (hall_id, service_id) REFERENCES service_items (hall_id, id)`,
      'id, slot_id, service_id, day, start, holder_number, status, created_at, updated_at, ticket_id')}
      CREATE UNIQUE INDEX appointments_one_per_day ON appointments (hall_id, holder_number, service_id, day)
        WHERE status IN ('booked', 'checkedIn');
      CREATE INDEX appointments_holder ON appointments (hall_id, holder_number, day, start);
      CREATE INDEX appointments_slot ON appointments (slot_id, status);
      CREATE INDEX appointments_day ON appointments (hall_id, day, start);
      ${rebuild('applications', `
        hall_id          TEXT NOT NULL DEFAULT '',
        serial           TEXT NOT NULL,
        service_id       TEXT NOT NULL,
        applicant_number TEXT NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('accepted', 'review', 'decided', 'done', 'returned', 'rejected')),
        accepted_at      INTEGER NOT NULL,
        accepted_day     TEXT NOT NULL,
        result           TEXT,
        commitments      TEXT NOT NULL DEFAULT '[]',
        updated_at       INTEGER NOT NULL,
        PRIMARY KEY (hall_id, serial),
        FOREIGN KEY (hall_id, service_id) REFERENCES service_items (hall_id, id)`,
      'serial, service_id, applicant_number, status, accepted_at, accepted_day, result, commitments, updated_at')}
      CREATE INDEX applications_applicant ON applications (hall_id, applicant_number, accepted_at);
      ${rebuild('application_events', `
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        hall_id TEXT NOT NULL DEFAULT '',
        serial  TEXT NOT NULL,
        status  TEXT NOT NULL,
        at      INTEGER NOT NULL,
        day     TEXT NOT NULL,
        note    TEXT,
        FOREIGN KEY (hall_id, serial) REFERENCES applications (hall_id, serial) ON DELETE CASCADE`,
      'id, serial, status, at, day, note')}
      CREATE INDEX application_events_serial ON application_events (hall_id, serial, id);
      ${rebuild('certificates', `
        hall_id       TEXT NOT NULL DEFAULT '',
        identifier    TEXT NOT NULL,
        type_name     TEXT NOT NULL,
        issuer_name   TEXT NOT NULL,
        holder_number TEXT NOT NULL,
        holder_name   TEXT NOT NULL,
        issued_on     TEXT NOT NULL,
        expires_on    TEXT,
        revoked_at    INTEGER,
        revoke_reason TEXT,
        PRIMARY KEY (hall_id, identifier)`,
      'identifier, type_name, issuer_name, holder_number, holder_name, issued_on, expires_on, revoked_at, revoke_reason')}
      CREATE INDEX certificates_holder ON certificates (hall_id, holder_number, issued_on);
      ${rebuild('counter_windows', `
        hall_id          TEXT NOT NULL DEFAULT '',
        window_no        INTEGER NOT NULL CHECK (window_no BETWEEN 1 AND 999),
        ticket_id        INTEGER REFERENCES tickets(id),
        recalls          INTEGER NOT NULL DEFAULT 0 CHECK (recalls >= 0),
        paused           INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
        rating_ticket_id INTEGER REFERENCES tickets(id),
        updated_at       INTEGER NOT NULL,
        PRIMARY KEY (hall_id, window_no)`, 'window_no, ticket_id, recalls, paused, rating_ticket_id, updated_at')}
      CREATE UNIQUE INDEX counter_windows_one_ticket ON counter_windows (ticket_id) WHERE ticket_id IS NOT NULL;
      ${rebuild('counter_applied_events', `
        hall_id    TEXT NOT NULL DEFAULT '',
        event_id   TEXT NOT NULL,
        window_no  INTEGER NOT NULL,
        key        TEXT NOT NULL,
        outcome    TEXT NOT NULL,
        applied_at INTEGER NOT NULL,
        PRIMARY KEY (hall_id, event_id)`, 'event_id, window_no, key, outcome, applied_at')}
      ${rebuild('ticket_transfers', `
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        hall_id       TEXT NOT NULL DEFAULT '',
        ticket_id     INTEGER NOT NULL REFERENCES tickets(id),
        from_category TEXT NOT NULL,
        to_category   TEXT NOT NULL,
        window_no     INTEGER NOT NULL,
        at            INTEGER NOT NULL,
        FOREIGN KEY (hall_id, to_category) REFERENCES queue_categories (hall_id, letter)`,
      'id, ticket_id, from_category, to_category, window_no, at')}
      ${rebuild('kiosk_requests', `
        hall_id    TEXT NOT NULL DEFAULT '',
        kiosk_id   TEXT NOT NULL,
        request_id TEXT NOT NULL,
        op         TEXT NOT NULL,
        answer     TEXT NOT NULL,
        applied_at INTEGER NOT NULL,
        PRIMARY KEY (hall_id, kiosk_id, request_id)`, 'kiosk_id, request_id, op, answer, applied_at')}
      ${rebuild('hall_windows', `
        hall_id    TEXT NOT NULL DEFAULT '',
        window_no  INTEGER NOT NULL CHECK (window_no BETWEEN 1 AND 999),
        name       TEXT NOT NULL,
        device_id  TEXT NOT NULL,
        unit       INTEGER NOT NULL CHECK (unit BETWEEN 1 AND 32),
        categories TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (hall_id, window_no),
        UNIQUE (hall_id, device_id, unit)`, 'window_no, name, device_id, unit, categories')}

      ALTER TABLE no_shows ADD COLUMN hall_id TEXT NOT NULL DEFAULT '';
      UPDATE no_shows SET hall_id = ${H};
      DROP INDEX no_shows_holder;
      CREATE INDEX no_shows_holder ON no_shows (hall_id, holder_number, day);
      ALTER TABLE print_log ADD COLUMN hall_id TEXT NOT NULL DEFAULT '';
      UPDATE print_log SET hall_id = ${H};
      ALTER TABLE counter_calls ADD COLUMN hall_id TEXT NOT NULL DEFAULT '';
      UPDATE counter_calls SET hall_id = ${H};
      DROP INDEX counter_calls_day;
      CREATE INDEX counter_calls_day ON counter_calls (hall_id, day, id);
      ALTER TABLE ticket_ratings ADD COLUMN hall_id TEXT NOT NULL DEFAULT '';
      UPDATE ticket_ratings SET hall_id = ${H};
      DROP INDEX ticket_ratings_day;
      CREATE INDEX ticket_ratings_day ON ticket_ratings (hall_id, day);
      ALTER TABLE rating_follow_ups ADD COLUMN hall_id TEXT NOT NULL DEFAULT '';
      UPDATE rating_follow_ups SET hall_id = ${H};
      DROP INDEX rating_follow_ups_open;
      CREATE INDEX rating_follow_ups_open ON rating_follow_ups (hall_id, deadline_day) WHERE closed_at IS NULL;
      UPDATE catalogue_loads SET hall_id = ${H};
      -- The audit is append-only; its trigger is lifted only while the rows there adopt their hall.
      ALTER TABLE access_audit ADD COLUMN hall_id TEXT NOT NULL DEFAULT '';
      DROP TRIGGER access_audit_append_only;
      UPDATE access_audit SET hall_id = ${H};
      CREATE TRIGGER access_audit_append_only BEFORE UPDATE ON access_audit
      BEGIN
        SELECT RAISE(ABORT, 'access_audit is append-only');
      END;
      DROP INDEX access_audit_day;
      CREATE INDEX access_audit_day ON access_audit (hall_id, day, id);

      -- Rebuilt tables keep numbering their ids after the highest ever issued (AUTOINCREMENT), not after the highest kept.
      UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT s.seq FROM temp.v8_sequence s
        WHERE s.name = sqlite_sequence.name), 0));
      INSERT INTO sqlite_sequence (name, seq) SELECT name, seq FROM temp.v8_sequence
        WHERE name NOT IN (SELECT name FROM sqlite_sequence);
      DROP TABLE temp.v8_sequence;
    `;
    },
  },
  {
    version: 9,
    name: 'kiosk intake: self-service items and form fields, pre-review applications, commitments and post-hoc checks',
    // README "Applying at the kiosk (接件受理)": one application per (kiosk, requestId) is enforced by the table, so a
    // double tap or a resend through another instance cannot create a second one; one commitment per material. Keys
    // are per hall (README "Running a district": every row belongs to one hall).
    sql: `
      ALTER TABLE service_items ADD COLUMN self_apply INTEGER NOT NULL DEFAULT 0 CHECK (self_apply IN (0, 1));
      ALTER TABLE service_items ADD COLUMN form_fields TEXT;
      ALTER TABLE service_materials ADD COLUMN commitment_text TEXT;
      ALTER TABLE service_materials ADD COLUMN commitment_version TEXT;
      CREATE TABLE intake_applications (
        hall_id           TEXT NOT NULL DEFAULT '',
        serial            TEXT NOT NULL,
        request_id        TEXT NOT NULL,
        kiosk_id          TEXT NOT NULL,
        service_id        TEXT NOT NULL,
        applicant_number  TEXT NOT NULL,
        state             TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'returned', 'rejected')),
        form              TEXT NOT NULL,
        materials         TEXT NOT NULL,
        commitment_review INTEGER NOT NULL DEFAULT 0 CHECK (commitment_review IN (0, 1)),
        submitted_at      INTEGER NOT NULL,
        submitted_day     TEXT NOT NULL,
        decided_at        INTEGER,
        decided_by        TEXT,
        reason            TEXT,
        PRIMARY KEY (hall_id, serial),
        UNIQUE (hall_id, kiosk_id, request_id),
        FOREIGN KEY (hall_id, service_id) REFERENCES service_items (hall_id, id)
      );
      CREATE INDEX intake_applications_state ON intake_applications (hall_id, state, submitted_at);
      CREATE INDEX intake_applications_applicant ON intake_applications (hall_id, applicant_number, submitted_at);
      CREATE TABLE intake_commitments (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        hall_id          TEXT NOT NULL DEFAULT '',
        serial           TEXT NOT NULL,
        material         TEXT NOT NULL,
        applicant_number TEXT NOT NULL,
        signed_at        INTEGER NOT NULL,
        kiosk_id         TEXT NOT NULL,
        text_version     TEXT NOT NULL,
        card_masked      TEXT NOT NULL,
        due_day          TEXT NOT NULL,
        check_state      TEXT NOT NULL DEFAULT 'open' CHECK (check_state IN ('open', 'confirmed', 'false')),
        checked_at       INTEGER,
        checked_by       TEXT,
        check_note       TEXT,
        UNIQUE (hall_id, serial, material),
        FOREIGN KEY (hall_id, serial) REFERENCES intake_applications (hall_id, serial) ON DELETE CASCADE
      );
      CREATE INDEX intake_commitments_due ON intake_commitments (hall_id, check_state, due_day);
      CREATE INDEX intake_commitments_applicant ON intake_commitments (hall_id, applicant_number, check_state);
    `,
  },
  {
    version: 10,
    name: 'hall floor: why each ticket was called, hold pool',
    // README "Running the hall floor": the dashboard explains each call (its calling rule), and a ticket put on hold
    // (the citizen stepped away) can be brought back within the category's hold time keeping its place.
    sql: `
      ALTER TABLE counter_calls ADD COLUMN reason TEXT;
      CREATE TABLE ticket_holds (
        hall_id     TEXT NOT NULL DEFAULT '',
        ticket_id   INTEGER PRIMARY KEY REFERENCES tickets(id),
        window_no   INTEGER NOT NULL,
        held_at     INTEGER NOT NULL,
        until_at    INTEGER NOT NULL,
        released_at INTEGER
      );
    `,
  },
  {
    version: 12,
    name: 'tickets: index of the waiting queue',
    // README "Many instances", ticketing cost: the wait estimate and the next call count and pick among the waiting
    // tickets of a day in the database (store/ticketOrderSql.ts); this index holds only those, in issue order.
    sql: `
      CREATE INDEX tickets_waiting ON tickets (hall_id, day, category, issued_at, id) WHERE status = 'waiting';
    `,
  },
  {
    version: 13,
    name: 'life events (办事主题) from the catalogue',
    // docs/catalogue-format.md "lifeEvents": curated groups of service items by code; loads upsert, never delete.
    sql: `
      CREATE TABLE life_events (
        hall_id    TEXT NOT NULL DEFAULT '',
        code       TEXT NOT NULL,
        name       TEXT NOT NULL,
        sort_order INTEGER NOT NULL DEFAULT 0,
        services   TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (hall_id, code)
      );
    `,
  },
  {
    version: 14,
    name: 'result notices: the transactional outbox of what the citizen is told',
    // README "Result notices (结果反馈)", docs/notification-gateway.md: one row per (application, outcome), written in
    // the status change's own transaction; delivered by the dispatcher (pending -> sent | failed), read at the kiosk.
    sql: `
      CREATE TABLE result_notices (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        hall_id           TEXT NOT NULL DEFAULT '',
        idempotency_key   TEXT NOT NULL,
        serial            TEXT NOT NULL,
        service_name      TEXT NOT NULL,
        holder_number     TEXT NOT NULL,
        phone             TEXT,
        outcome           TEXT NOT NULL CHECK (outcome IN ('done', 'returned', 'rejected')),
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
      CREATE INDEX result_notices_due ON result_notices (hall_id, next_attempt_at, id) WHERE status = 'pending';
      CREATE INDEX result_notices_holder ON result_notices (hall_id, holder_number, id);
    `,
  },
  {
    version: 15,
    name: 'result collection: how the result of a finished application reaches the citizen',
    // README "Collecting results (领取结果)": per service item the ways offered (counter, post, electronic) and the
    // certificate an electronic result issues; one record per finished application (mode, state, post address,
    // pickup ticket, window and time handed out). The address is erased by retention with the closed application.
    sql: `
      ALTER TABLE service_items ADD COLUMN result_collection TEXT;
      ALTER TABLE service_items ADD COLUMN result_certificate TEXT;
      CREATE TABLE result_collections (
        hall_id          TEXT NOT NULL DEFAULT '',
        serial           TEXT NOT NULL,
        mode             TEXT NOT NULL CHECK (mode IN ('counter', 'post', 'electronic')),
        state            TEXT NOT NULL CHECK (state IN ('waiting', 'ticketIssued', 'collected', 'posted', 'issued')),
        applicant_number TEXT NOT NULL,
        recipient        TEXT,
        address          TEXT,
        phone            TEXT,
        ticket_id        INTEGER,
        certificate_id   TEXT,
        chosen_at        INTEGER NOT NULL,
        finished_at      INTEGER,
        window_no        INTEGER,
        finished_by      TEXT,
        updated_at       INTEGER NOT NULL,
        PRIMARY KEY (hall_id, serial)
      );
      CREATE INDEX result_collections_state ON result_collections (hall_id, state, chosen_at);
      CREATE INDEX result_collections_ticket ON result_collections (hall_id, ticket_id);
    `,
  },
  {
    version: 16,
    name: 'visits: several services on one ticket',
    // README "Running the hall floor", visits (多窗联办): a ticket's ordered steps, one queue category each; the
    // ticket's category is its current step's (store/visitRecords.ts), so the waiting queue needs nothing new.
    sql: `
      CREATE TABLE ticket_visit_steps (
        hall_id     TEXT NOT NULL DEFAULT '',
        ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
        position    INTEGER NOT NULL CHECK (position BETWEEN 1 AND 9),
        category    TEXT NOT NULL,
        state       TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'done', 'skipped')),
        window_no   INTEGER,
        started_at  INTEGER,
        finished_at INTEGER,
        PRIMARY KEY (hall_id, ticket_id, position)
      );
    `,
  },
  {
    version: 17,
    name: 'day boundaries and abuse limits: intake state, closing runs, refusal counts',
    // README "Running the hall floor" (abuse limits, day boundaries): refusal counts per day and limit kind and the
    // intake state are shared by every instance of the hall; the closing run is claimed once per hall day (its
    // primary key), so only one instance carries over or closes the waiting tickets; a closed ticket keeps why.
    sql: `
      ALTER TABLE tickets ADD COLUMN closed_reason TEXT;
      CREATE TABLE limit_refusals (
        hall_id TEXT NOT NULL DEFAULT '',
        day     TEXT NOT NULL,
        kind    TEXT NOT NULL,
        count   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (hall_id, day, kind)
      );
      CREATE TABLE intake_state (
        hall_id    TEXT NOT NULL DEFAULT '' PRIMARY KEY,
        mode       TEXT NOT NULL CHECK (mode IN ('open', 'paused', 'closed')),
        message    TEXT,
        day        TEXT NOT NULL,
        changed_at INTEGER NOT NULL,
        changed_by TEXT NOT NULL
      );
      CREATE TABLE day_closings (
        hall_id TEXT NOT NULL DEFAULT '',
        day     TEXT NOT NULL,
        waiting TEXT NOT NULL CHECK (waiting IN ('carryOver', 'close')),
        at      INTEGER NOT NULL,
        PRIMARY KEY (hall_id, day)
      );
    `,
  },
  // README "The phone channel": the hand-off and the phone session, one table on both backends.
  PHONE_SESSIONS_MIGRATION,
  NOTICE_OUTCOMES_SQLITE_MIGRATION,
  {
    version: 21,
    name: 'tickets: indexes of the walk-in queue in issue order, the waiting tickets with a priority and a person\'s tickets',
    // README "Many instances", ticketing cost: the next call takes the first walk-in (no priority) of the window's
    // categories in issue order by walking the first index, and ranks only the few tickets with a priority (the
    // second); the wait estimate counts those after a ticket in the second (store/ticketOrderSql.ts). The per-person
    // limits and "my tickets" read one person's tickets of the day (the third), not the day's.
    sql: `
      CREATE INDEX tickets_waiting_walk_in ON tickets (hall_id, day, issued_at, id) WHERE status = 'waiting' AND priority IS NULL;
      CREATE INDEX tickets_waiting_priority ON tickets (hall_id, day, category, issued_at, id) WHERE status = 'waiting' AND priority IS NOT NULL;
      CREATE INDEX tickets_holder ON tickets (hall_id, day, holder_number) WHERE holder_number IS NOT NULL;
    `,
  },
  {
    version: 22,
    name: 'tickets: vacuumed after every few hundred new or changed rows, not a fifth of the table',
    // The same version on both stores (one contract, hallStore.contract.ts): PostgreSQL's migration 22 sets how often
    // autovacuum marks the tickets' pages all-visible; SQLite has no visibility map and nothing to set.
    sql: `-- nothing on SQLite`,
  },
  {
    version: 23,
    name: 'waiting_counts: the waiting tickets per hall, day and category, kept by the tickets\' own triggers',
    // The same table as PostgreSQL's migration 23 (the wait estimate's SQL is shared, store/ticketOrderSql.ts), kept
    // by row triggers: SQLite has no statement triggers with transition tables, and one writer at a time. A later
    // migration that rebuilds the tickets table (rebuildsTables) drops these triggers with it and must make them again.
    sql: `${WAITING_COUNTS_TABLE_SQL}
      CREATE TRIGGER tickets_waiting_counts_insert AFTER INSERT ON tickets WHEN NEW.status = 'waiting' BEGIN
        INSERT INTO waiting_counts (hall_id, day, category, n) VALUES (NEW.hall_id, NEW.day, NEW.category, 1)
          ON CONFLICT (hall_id, day, category) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER tickets_waiting_counts_update AFTER UPDATE OF hall_id, day, category, status ON tickets
        WHEN OLD.status = 'waiting' OR NEW.status = 'waiting' BEGIN
        UPDATE waiting_counts SET n = n - 1
          WHERE OLD.status = 'waiting' AND hall_id = OLD.hall_id AND day = OLD.day AND category = OLD.category;
        INSERT INTO waiting_counts (hall_id, day, category, n) SELECT NEW.hall_id, NEW.day, NEW.category, 1 WHERE NEW.status = 'waiting'
          ON CONFLICT (hall_id, day, category) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER tickets_waiting_counts_delete AFTER DELETE ON tickets WHEN OLD.status = 'waiting' BEGIN
        UPDATE waiting_counts SET n = n - 1 WHERE hall_id = OLD.hall_id AND day = OLD.day AND category = OLD.category;
      END;
    `,
  },
  {
    version: 24,
    name: 'waiting_counts in stripes: concurrent ticket transactions no longer wait for each other on one count',
    // The same version on both stores: PostgreSQL's migration 24 spreads a category's count over rows that concurrent
    // transactions update side by side, and waiting_counts becomes the view of their sums; SQLite has one writer at a
    // time, and its table of one row per category is what the shared wait estimate reads (store/ticketOrderSql.ts).
    sql: `-- nothing on SQLite`,
  },
];


/**
 * Applies the migrations not yet applied; returns the schema version afterwards. `hallId`: the hall whose bridge
 * migrates (config site.hallId); rows that exist before the many-halls migration (8) adopt it.
 */
export function applyHallMigrations(db: Database, migrations: readonly HallMigration[] = HALL_MIGRATIONS,
  hallId: string = DEFAULT_HALL_ID): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>;
  const done = new Set(rows.map((r) => r.version));
  const newer = rows.filter((r) => !migrations.some((m) => m.version === r.version));
  if (newer.length > 0) {
    throw new Error(`hall database is at schema version ${newer.map((r) => r.version).join(', ')}, unknown to this bridge ` +
      '(written by a newer bridge?); refusing to open it');
  }
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of ordered.filter((x) => !done.has(x.version))) {
    const sql = migrationSql(m, hallId);
    // foreign_keys cannot change inside a transaction: switched off around it, and checked before the commit.
    const foreignKeys = Number(db.pragma('foreign_keys', { simple: true }));
    if (m.rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(sql);
        if (m.rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new Error(`hall database migration ${m.version}: ${broken.length} rows break a foreign key`);
        }
        record.run(m.version, m.name, Date.now());
      })();
    } finally {
      if (m.rebuildsTables) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    }
  }
  return ordered.length === 0 ? 0 : ordered[ordered.length - 1].version;
}
