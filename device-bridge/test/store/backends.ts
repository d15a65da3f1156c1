/**
 * The two HallStore backends as test factories: SQLite on a real temp file, PostgreSQL on the real local server
 * (`ONEDOOR_TEST_PG_URL`, default postgres://postgres@127.0.0.1:5432/test; .ci/run starts it), each target in a
 * fresh schema of its own that `destroy()` drops. A target is one backing store; `open()` may be called again for
 * a restart or a second instance on the same data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';
import { applyHallMigrations, HALL_MIGRATIONS } from '../../src/store/hallMigrations.ts';
import { openPostgresHallStore } from '../../src/store/hallPostgres.ts';
import { applyHallPostgresMigrations, HALL_POSTGRES_MIGRATIONS } from '../../src/store/hallPostgresMigrations.ts';
import { openSqliteHallStore } from '../../src/store/hallSqlite.ts';
import type { HallStore } from '../../src/store/hallStore.ts';

export const TEST_PG_URL = process.env.ONEDOOR_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface StoreTarget {
  /** A temp dir of its own (SQLite file, hall keys). */
  dir: string;
  /** The config `store` value naming this target ("sqlite" means `<dir>/hall.sqlite`). */
  setting: string;
  /** A store on this target, bound to `hallId` (default: the store's default hall). */
  /** `statisticsCheckMs`: PostgreSQL only (PostgresHallStoreOptions); 0 for a test of plans made without statistics. */
  open(opts?: { hallId?: string; statisticsCheckMs?: number }): Promise<HallStore>;
  /** Creates the schema as an older bridge knowing migrations up to `version` leaves it. */
  migrateTo(version: number): Promise<void>;
  /** Runs SQL directly on the backing store (checks the interface cannot make); `?` placeholders on both. */
  sql(text: string, ...params: unknown[]): Promise<Array<Record<string, unknown>>>;
  destroy(): Promise<void>;
}

export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  /**
   * Several instances in one process may run transactions on the same data at once. Not SQLite: its busy wait
   * blocks the event loop, so a second store in the same process cannot wait for the first one's transaction
   * (one SQLite file belongs to one bridge process; README "Running a district").
   */
  concurrentInstances: boolean;
  create(): Promise<StoreTarget>;
}

export const sqliteBackend: StoreBackend = {
  name: 'sqlite',
  concurrentInstances: false,
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'onedoor-hall-'));
    const file = join(dir, 'hall.sqlite');
    return {
      dir,
      setting: 'sqlite',
      open: async (opts) => openSqliteHallStore(file, { hallId: opts?.hallId }),
      async migrateTo(version) {
        const db = new Database(file);
        try {
          applyHallMigrations(db, HALL_MIGRATIONS.filter((m) => m.version <= version));
        } finally {
          db.close();
        }
      },
      async sql(text, ...params) {
        const db = new Database(file);
        try {
          const st = db.prepare(text);
          if (/^\s*(SELECT|WITH|PRAGMA)\b/i.test(text)) return st.all(...params) as Array<Record<string, unknown>>;
          st.run(...params);
          return [];
        } finally {
          db.close();
        }
      },
      async destroy() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

let schemas = 0;

export const postgresBackend: StoreBackend = {
  name: 'postgres',
  concurrentInstances: true,
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'onedoor-hallpg-'));
    const schema = `t_${process.pid}_${++schemas}_${Math.random().toString(36).slice(2, 8)}`;
    const url = new URL(TEST_PG_URL);
    url.searchParams.set('schema', schema);
    const withSchema = async <T>(f: (c: pg.Client) => Promise<T>): Promise<T> => {
      const c = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
      c.on('error', () => undefined);
      await c.connect();
      try {
        return await f(c);
      } finally {
        await c.end();
      }
    };
    return {
      dir,
      setting: url.toString(),
      open: (opts) => openPostgresHallStore({ url: TEST_PG_URL, schema, applicationName: schema, hallId: opts?.hallId,
        statisticsCheckMs: opts?.statisticsCheckMs }),
      migrateTo: (version) => withSchema(async (c) => {
        await applyHallPostgresMigrations(c, schema, HALL_POSTGRES_MIGRATIONS.filter((m) => m.version <= version));
      }),
      async sql(text, ...params) {
        let n = 0;
        return withSchema(async (c) => (await c.query(text.replace(/\?/g, () => `$${++n}`), params)).rows);
      },
      async destroy() {
        await withSchema((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const STORE_BACKENDS: readonly StoreBackend[] = [sqliteBackend, postgresBackend];

/**
 * Inside a `describe`: a fresh target (file or schema) per test (`target()`), and `open(hallId?)` for stores on it (several are
 * several instances of one database); every store opened is closed and the target destroyed after each test.
 */
export function freshTargetPerTest(backend: StoreBackend): { open: (hallId?: string) => Promise<HallStore>; target: () => StoreTarget } {
  let target: StoreTarget;
  const opened: HallStore[] = [];
  beforeEach(async () => {
    target = await backend.create();
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await target.destroy();
  });
  const open = async (hallId?: string) => {
    const s = await target.open(hallId ? { hallId } : undefined);
    opened.push(s);
    return s;
  };
  return { open, target: () => target };
}
