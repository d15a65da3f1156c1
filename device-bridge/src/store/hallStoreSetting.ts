/**
 * The config's `store` setting (README "Running a district"): `"sqlite"` (the default: `hall.sqlite` in the data
 * dir, nothing else to install) or a PostgreSQL URL `postgres://user@host:5432/db?schema=hall_x`. The schema rides
 * in the URL so that one value (config field or `npm start -- --store ...`) says where the hall's data lives; it
 * defaults to `public`. The composition root (main.ts) turns the setting into an opener (openHallStore.ts); nothing
 * else chooses. No driver is imported here: the config schema validates with this module alone.
 */
import { join } from 'node:path';

/** The hall database file in the data dir (SQLite store). */
export const HALL_DB_FILE = 'hall.sqlite';
/** Written when the hall's SQLite database is first created (hallSqliteFile.ts: a lost database is not recreated). */
export const HALL_DB_MARKER_FILE = 'hall.sqlite.created';

export type HallStoreSetting =
  | { kind: 'sqlite' }
  | { kind: 'postgres'; /** the URL without `schema` */ url: string; schema: string };

/** Schema names accepted: plain lower-case identifiers (they travel in the connection's startup options). */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Parses `store`; throws an Error naming what is wrong (the config schema reports it against the field). */
export function parseHallStoreSetting(value: string): HallStoreSetting {
  if (value === 'sqlite') return { kind: 'sqlite' };
  if (!/^postgres(ql)?:\/\//.test(value)) {
    throw new Error('must be "sqlite" or a PostgreSQL URL like postgres://user@host:5432/database?schema=hall');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('is not a valid PostgreSQL URL (postgres://user:password@host:5432/database?schema=hall)');
  }
  if (!url.hostname) throw new Error('must name the PostgreSQL host (postgres://user@host:5432/database)');
  const schema = url.searchParams.get('schema') ?? 'public';
  if (!SCHEMA_NAME.test(schema)) throw new Error(`schema "${schema}" must be a lower-case identifier (letters, digits, _)`);
  url.searchParams.delete('schema');
  return { kind: 'postgres', url: url.toString(), schema };
}

/** What the setting opens, safe to log (no password). */
export function describeHallStoreSetting(s: HallStoreSetting, dataDir: string): string {
  if (s.kind === 'sqlite') return `SQLite ${join(dataDir, HALL_DB_FILE)}`;
  const u = new URL(s.url);
  return `PostgreSQL ${u.hostname}:${u.port || '5432'}${u.pathname} schema ${s.schema}`;
}
