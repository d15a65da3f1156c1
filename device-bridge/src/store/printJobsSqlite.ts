/**
 * `PrintJobStore` in SQLite (better-sqlite3 12), one file in the bridge's data directory.
 *
 * - WAL journal with `synchronous = FULL`: a job state written before a byte goes to the printer survives a power
 *   cut or a SIGKILL of the bridge (no job is ever silently dropped, also across a bridge restart).
 * - Versioned migrations: `schema_migrations(version, name, applied_at)`; each migration runs once, in its own
 *   transaction, in version order. A database written by a newer bridge (a version we do not know) is refused
 *   rather than guessed at.
 * - Idempotency by requestId is enforced by the table itself (unique index on device_id + request_id), not only
 *   by the insert path.
 */
import Database, { type Statement } from 'better-sqlite3';
import type { PrintJobState } from '@onedoor/protocol';
import { createPrivateFile, restrictFileMode, SQLITE_SIDE_FILES } from './fileModes.ts';
import {
  FINISHED_PRINT_JOB_STATES,
  UNFINISHED_PRINT_JOB_STATES,
  printJobId,
  printJobProcessId,
  type NewPrintJob,
  type PrintJobPatch,
  type PrintJobRecord,
  type PrintJobStore,
} from './printJobs.ts';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Append only: never edit a migration that has shipped, add the next version. */
export const PRINT_JOB_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'print jobs',
    sql: `
      CREATE TABLE print_jobs (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        device_id   TEXT    NOT NULL,
        request_id  TEXT,
        payload     BLOB,
        recipe      TEXT,
        state       TEXT    NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        reprints    INTEGER NOT NULL DEFAULT 0,
        process_id  TEXT    NOT NULL DEFAULT '',
        message     TEXT,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        CHECK ((payload IS NULL) <> (recipe IS NULL))
      );
      CREATE UNIQUE INDEX print_jobs_request ON print_jobs (device_id, request_id) WHERE request_id IS NOT NULL;
      CREATE INDEX print_jobs_device_state ON print_jobs (device_id, state, seq);
      CREATE INDEX print_jobs_process ON print_jobs (device_id, process_id);
    `,
  },
  {
    version: 2,
    name: 'retention: when a finished job\'s payload was emptied',
    // The CHECK of version 1 wants exactly one of payload and recipe: an emptied job keeps a zero-length one.
    sql: `ALTER TABLE print_jobs ADD COLUMN purged_at INTEGER;`,
  },
];

interface Row {
  seq: number;
  device_id: string;
  request_id: string | null;
  payload: Buffer | null;
  recipe: string | null;
  state: PrintJobState;
  attempts: number;
  reprints: number;
  process_id: string;
  message: string | null;
  created_at: number;
  updated_at: number;
}

function fromRow(r: Row): PrintJobRecord {
  return {
    id: printJobId(r.seq),
    seq: r.seq,
    deviceId: r.device_id,
    requestId: r.request_id,
    payload: r.payload ? new Uint8Array(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength) : null,
    recipe: r.recipe === null ? null : (JSON.parse(r.recipe) as unknown),
    state: r.state,
    attempts: r.attempts,
    reprints: r.reprints,
    processId: r.process_id,
    message: r.message,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function seqOf(id: string): number | undefined {
  const m = /^pj-([1-9]\d{0,15})$/.exec(id);
  return m ? Number(m[1]) : undefined;
}

/** Applies the migrations this build knows; returns the schema version. Exported for tests. */
export function migratePrintJobDb(db: Database): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  const known = new Set(PRINT_JOB_MIGRATIONS.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new Error(`print job database has schema version(s) ${unknown.join(', ')} unknown to this bridge (newer bridge?); refusing to use it`);
  }
  for (const m of [...PRINT_JOB_MIGRATIONS].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    })();
  }
  return Math.max(0, ...PRINT_JOB_MIGRATIONS.map((m) => m.version));
}

export class SqlitePrintJobStore implements PrintJobStore {
  private readonly db: Database;
  private readonly q: Record<'insert' | 'setPid' | 'bySeq' | 'byRequest' | 'byPid' | 'unfinished' | 'recent' | 'update', Statement>;

  /** Opens (creating if needed) the database file at `file` and migrates it. */
  constructor(readonly file: string) {
    // Owner-only (payloads hold names): before SQLite writes, so its -wal and -shm files get the same mode.
    createPrivateFile(file);
    this.db = new Database(file, { timeout: 5000 });
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      // A purged payload is overwritten on disk, not left in a free page.
      this.db.pragma('secure_delete = ON');
      migratePrintJobDb(this.db);
      for (const side of SQLITE_SIDE_FILES) restrictFileMode(file + side);
    } catch (err) {
      this.db.close();
      throw err;
    }
    const unfinished = UNFINISHED_PRINT_JOB_STATES.map((s) => `'${s}'`).join(', ');
    this.q = {
      insert: this.db.prepare(`INSERT INTO print_jobs (device_id, request_id, payload, recipe, state, created_at, updated_at)
        VALUES (?, ?, ?, ?, 'queued', ?, ?)`),
      setPid: this.db.prepare('UPDATE print_jobs SET process_id = ? WHERE seq = ?'),
      bySeq: this.db.prepare('SELECT * FROM print_jobs WHERE seq = ?'),
      byRequest: this.db.prepare('SELECT * FROM print_jobs WHERE device_id = ? AND request_id = ?'),
      byPid: this.db.prepare('SELECT * FROM print_jobs WHERE device_id = ? AND process_id = ? ORDER BY seq DESC LIMIT 1'),
      unfinished: this.db.prepare(`SELECT * FROM print_jobs WHERE device_id = ? AND state IN (${unfinished}) ORDER BY seq`),
      recent: this.db.prepare('SELECT * FROM print_jobs WHERE device_id = ? ORDER BY seq DESC LIMIT ?'),
      update: this.db.prepare(`UPDATE print_jobs SET state = coalesce(?, state), attempts = coalesce(?, attempts),
        reprints = coalesce(?, reprints), message = CASE WHEN ? THEN ? ELSE message END, updated_at = ? WHERE seq = ?`),
    };
  }

  add(job: NewPrintJob): { job: PrintJobRecord; created: boolean } {
    if ((job.payload === undefined) === (job.recipe === undefined)) {
      throw new Error('print job: give exactly one of payload (bytes) and recipe');
    }
    if (job.payload !== undefined && !(job.payload instanceof Uint8Array)) throw new Error('print job: payload must be a Uint8Array');
    const recipe = job.recipe === undefined ? null : JSON.stringify(job.recipe);
    return this.db.transaction(() => {
      if (job.requestId !== undefined) {
        const existing = this.findByRequestId(job.deviceId, job.requestId);
        if (existing) return { job: existing, created: false };
      }
      const now = Date.now();
      const payload = job.payload === undefined ? null : Buffer.from(job.payload.buffer, job.payload.byteOffset, job.payload.byteLength);
      const res = this.q.insert.run(job.deviceId, job.requestId ?? null, payload, recipe, now, now);
      const seq = Number(res.lastInsertRowid);
      this.q.setPid.run(printJobProcessId(seq), seq);
      return { job: this.bySeq(seq)!, created: true };
    })();
  }

  get(id: string): PrintJobRecord | undefined {
    const seq = seqOf(id);
    return seq === undefined ? undefined : this.bySeq(seq);
  }

  findByRequestId(deviceId: string, requestId: string): PrintJobRecord | undefined {
    const r = this.q.byRequest.get(deviceId, requestId) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  findByProcessId(deviceId: string, processId: string): PrintJobRecord | undefined {
    const r = this.q.byPid.get(deviceId, processId) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  unfinished(deviceId: string): PrintJobRecord[] {
    return (this.q.unfinished.all(deviceId) as Row[]).map(fromRow);
  }

  recent(deviceId: string, limit: number): PrintJobRecord[] {
    return (this.q.recent.all(deviceId, Math.max(0, Math.floor(limit))) as Row[]).map(fromRow);
  }

  update(id: string, patch: PrintJobPatch): PrintJobRecord {
    const seq = seqOf(id);
    const hasMessage = Object.prototype.hasOwnProperty.call(patch, 'message');
    const res = seq === undefined ? { changes: 0 } : this.q.update.run(
      patch.state ?? null, patch.attempts ?? null, patch.reprints ?? null, hasMessage ? 1 : 0, patch.message ?? null, Date.now(), seq,
    );
    if (res.changes !== 1) throw new Error(`print job store: no job with id "${id}"`);
    return this.bySeq(seq!)!;
  }

  purgeFinishedPayloads(before: number): number {
    const finished = FINISHED_PRINT_JOB_STATES.map((st) => `'${st}'`).join(', ');
    const n = this.db.prepare(`UPDATE print_jobs
      SET payload = CASE WHEN payload IS NULL THEN NULL ELSE zeroblob(0) END,
          recipe = CASE WHEN recipe IS NULL THEN NULL ELSE 'null' END,
          purged_at = ?
      WHERE state IN (${finished}) AND updated_at < ? AND purged_at IS NULL`).run(Date.now(), before).changes;
    // The old page images would otherwise stay in the WAL file until the next checkpoint.
    if (n > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private bySeq(seq: number): PrintJobRecord | undefined {
    const r = this.q.bySeq.get(seq) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }
}
