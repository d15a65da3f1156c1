// A site's PostgreSQL hall role (README "Running a district"): the DBA makes the schema and gives it to a role that
// may not create anything else in the database; the store migrates and works inside that schema alone.
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { openPostgresHallStore } from '../../src/store/hallPostgres.ts';
import { TEST_PG_URL } from './backends.ts';

const name = `t_role_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

afterEach(async () => {
  await admin(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  await admin(`DROP ROLE IF EXISTS ${name}`);
});

it('migrates and runs in a schema its DBA made, as a role without the database CREATE right', async () => {
  await admin(`CREATE ROLE ${name} LOGIN`);
  await admin(`CREATE SCHEMA ${name} AUTHORIZATION ${name}`);
  const url = new URL(TEST_PG_URL);
  url.username = name;
  const store = await openPostgresHallStore({ url: url.toString(), schema: name });
  try {
    expect(await store.schemaVersion()).toBeGreaterThan(0);
    expect(await store.nextCounterValue('A')).toBe(1);
  } finally {
    await store.close();
  }
});
