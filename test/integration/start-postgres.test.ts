/**
 * `npm start -- --store postgres://...` as a user runs it (scripts/start.ts in its own process): the same demo with
 * the hall's data on the real local PostgreSQL server (README "Running a district"), in a schema of its own that the
 * test drops after. The demo data is seeded through the HallStore interface, no SQLite hall file appears in the
 * data dir, and the launcher stops cleanly.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HALL_POSTGRES_MIGRATIONS } from '../../device-bridge/src/store/hallPostgresMigrations.ts';
import { TEST_PG_URL } from '../../device-bridge/test/store/backends.ts';
import { bridgeUrl, getJson, spawnLauncher, until, waitAllOnline, type LauncherRun } from './start-rig.ts';

const schema = `t_start_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

async function onPostgres<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

describe('npm start -- --store postgres://...', () => {
  let run: LauncherRun;
  const url = new URL(TEST_PG_URL);
  url.searchParams.set('schema', schema);
  beforeAll(async () => {
    run = await spawnLauncher(['--no-build', '--tcp', '--port-base', '0', '--store', url.toString()]);
  }, 300_000);
  afterAll(async () => {
    await run?.cleanup();
    await onPostgres((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  });

  it('prints where the hall data lives (no password), seeds the demo into PostgreSQL and keeps no SQLite hall file', async () => {
    const where = `PostgreSQL ${url.hostname}:${url.port || '5432'}${url.pathname} schema ${schema}`;
    expect(run.stdout().split('\n').find((l) => /^ {2}store /.test(l))?.trim()).toMatch(new RegExp(`^store\\s+${where}$`));
    await waitAllOnline(run);
    const count = (table: string) => onPostgres(async (c) => Number((await c.query(`SELECT count(*) AS n FROM ${schema}.${table}`)).rows[0].n));
    await until(async () => (await count('appointments')) > 0, 'the demo appointments in PostgreSQL');
    expect(await count('queue_categories')).toBeGreaterThan(0);
    expect(await count('certificates')).toBeGreaterThan(0);
    expect((await onPostgres((c) => c.query(`SELECT max(version) AS v FROM ${schema}.schema_migrations`))).rows[0].v)
      .toBe(HALL_POSTGRES_MIGRATIONS.at(-1)!.version);
    expect(existsSync(join(run.dir, 'data', 'hall.sqlite'))).toBe(false);
    // The demo catalogue came from the example catalogue file through the loader (codes, one load logged).
    expect(await count('catalogue_loads')).toBe(1);
    expect(Number((await onPostgres((c) => c.query(`SELECT count(*) AS n FROM ${schema}.departments WHERE code IS NOT NULL`))).rows[0].n)).toBe(43);
    // QR codes of the one-machine demo open this bridge's own pages (start option publicUrl 'own').
    expect((await getJson<{ publicUrl: string | null }>(`${bridgeUrl(run)}/api/site`)).publicUrl).toBe(bridgeUrl(run));
  }, 120_000);

  it('stops cleanly on SIGTERM, closing its pool (exit 0)', async () => {
    const stop = await run.stop('SIGTERM');
    expect(stop.code).toBe(0);
  }, 60_000);
});
