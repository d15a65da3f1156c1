/**
 * The person locks of ticket transactions on PostgreSQL (hallPostgres.ts personLockSql): instances of different
 * versions serve one hall while a district upgrades them one by one, so every version must lock a person under the
 * same key: the first four bytes of SHA-256 of "schema/hall/person", as a signed 32-bit number.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEFAULT_HALL_ID } from '../../src/store/hallScope.ts';
import type { HallStore } from '../../src/store/hallStore.ts';
import { postgresBackend, TEST_PG_URL, type StoreTarget } from './backends.ts';

let target: StoreTarget;
let store: HallStore;

beforeEach(async () => {
  target = await postgresBackend.create();
  store = await target.open();
});

afterEach(async () => {
  await store.close();
  await target.destroy();
});

it('a transaction of several people holds each one under the key every version takes, and the hall lock shared', async () => {
  const schema = new URL(target.setting).searchParams.get('schema')!;
  const people = ['440106198001011234', '44010619800101123X', '110101199003077777'];
  const expected = people.map((p) => createHash('sha256').update(`${schema}/${DEFAULT_HALL_ID}/${p}`).digest().readInt32BE(0) >>> 0);
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let inside!: () => void;
  const started = new Promise<void>((r) => (inside = r));
  const tx = store.withPersonTransaction(people, async (t) => {
    await t.listQueueCategories();
    inside();
    await held;
  });
  await started;
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  try {
    const { rows } = await c.query<{ classid: number; objid: string; mode: string }>(
      `SELECT classid::int8::int AS classid, objid::text AS objid, mode FROM pg_locks
       WHERE locktype = 'advisory' AND granted AND pid IN (SELECT pid FROM pg_stat_activity WHERE application_name = $1)`, [schema]);
    const personKeys = rows.filter((r) => Number(r.classid) === 0x0d00_0003);
    expect(personKeys.map((r) => Number(r.objid)).sort()).toEqual([...expected].sort());
    expect(personKeys.every((r) => r.mode === 'ExclusiveLock')).toBe(true);
    expect(rows.filter((r) => Number(r.classid) === 0x0d00_0002).map((r) => r.mode)).toEqual(['ShareLock']);
  } finally {
    release();
    await tx;
    await c.end();
  }
});

it('groups of the same people asked in every order take their locks in one order: none waits for another in a circle', async () => {
  const people = ['440106198001011234', '44010619800101123X', '110101199003077777', '440104197512120011', '440103196601018888'];
  const rotations = Array.from({ length: 16 }, (_, i) => {
    const r = i % people.length;
    const turned = [...people.slice(r), ...people.slice(0, r)];
    return i % 2 === 0 ? turned : turned.reverse();
  });
  // Each holds its locks across a pause, while the others ask for theirs: taken in the order asked, two of them
  // would each hold a lock the other waits for, and PostgreSQL would end one with a deadlock (40P01).
  const outcomes = await Promise.allSettled(rotations.map((group, i) => store.withPersonTransaction(group, async (t) => {
    await t.listQueueCategories();
    await new Promise((r) => setTimeout(r, 5));
    return i;
  })));
  expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
  expect(outcomes.map((o) => (o as PromiseFulfilledResult<number>).value)).toEqual(rotations.map((_, i) => i));
}, 30_000);
