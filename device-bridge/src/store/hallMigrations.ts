/**
 * Versioned schema of the hall database (SQLite). Append only: never edit a migration that has shipped, add the
 * next version. `applyHallMigrations` records each applied version in `schema_migrations` and runs each migration
 * once, in version order, in its own transaction; a database carrying a version this build does not know (written
 * by a newer bridge) is refused rather than guessed at.
 *
 * Integrity the tables enforce themselves (so that no code path can break the rules in hall-rules.md):
 * - tickets: `UNIQUE(day, number)` (a number is never issued twice in a day) and one waiting ticket per person per
 *   category per day (partial unique index);
 * - appointments: one active booking per person per service per day (partial unique index);
 * - counters: one row per name, incremented in a single UPSERT statement (atomic numbering across restarts);
 * - print_log has no column for a full number.
 */
import type Database from 'better-sqlite3';

export interface HallMigration {
  version: number;
  name: string;
  sql: string;
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
];

/** Applies the migrations not yet applied; returns the schema version afterwards. */
export function applyHallMigrations(db: Database, migrations: readonly HallMigration[] = HALL_MIGRATIONS): number {
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
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
    })();
  }
  return ordered.length === 0 ? 0 : ordered[ordered.length - 1].version;
}
