// PostgreSQL going away, against the real local server (README "Running a district", faults): a bridge whose
// database refuses connections starts anyway with its hall functions paused and a clear reason; a backend killed in
// the middle of a transaction fails that request with a clear error (the kiosk answers 暂停服务), writes nothing
// of it, and the next request works on a fresh connection; a transaction that cannot get its turn in time fails
// clearly instead of hanging; idle pooled connections killed under the pool do not end the process. (The shared server itself is never stopped here: other suites use it at the same time.)
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { kioskFailure } from '../../src/api/kioskCommands.ts';
import { startBridge } from '../../src/main.ts';
import { openPostgresHallStore } from '../../src/store/hallPostgres.ts';
import type { HallStore } from '../../src/store/hallStore.ts';
import { seedBasics } from '../hall/fixture.ts';
import { postgresBackend, TEST_PG_URL, type StoreTarget } from './backends.ts';
import { untilWith } from '../../../test/support/until.ts';
import { TcpRelay } from '../../../test/support/tcpRelay.ts';
import { HALL_POSTGRES_MIGRATIONS } from '../../src/store/hallPostgresMigrations.ts';

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function admin<T>(f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

/** Backends of this store (its application_name is the test schema) in the given state. */
async function backendsOf(schema: string, state?: string): Promise<number[]> {
  return admin(async (c) => (await c.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1
    AND ($2::text IS NULL OR state = $2)`, [schema, state ?? null])).rows.map((r) => Number(r.pid)));
}

const until = untilWith({ limitMs: 10_000, stepMs: 20 });

const HOLDER = '440106199003071231';
const ticket = { day: '2026-11-25', category: 'A', seq: 1, number: 'A001', holderNumber: HOLDER, priority: null, issuedAt: 1,
  appointmentId: null };

describe('PostgreSQL hall store faults', () => {
  let target: StoreTarget | undefined;
  let store: HallStore | undefined;
  afterEach(async () => {
    await store?.close();
    await target?.destroy();
    store = undefined;
    target = undefined;
  });

  it('connection refused at start: the bridge runs with hall functions paused and says why (no password)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'od-pgdown-'));
    const port = await closedPort();
    let logged = '';
    const log = pino({ level: 'info' }, { write: (line: string) => void (logged += line) });
    const bridge = await startBridge({ http: { port: 0 }, dataDir: dir, store: `postgres://onedoor:hunter2secret@127.0.0.1:${port}/halls?schema=hall_x` },
      { log });
    try {
      // Composed as usual (queue, dashboard...), every hall call refused with the reason until the server answers.
      await expect(bridge.hall.store!.listQueueCategories()).rejects.toThrow(/hall store unavailable: hall database unavailable/);
      expect(bridge.hall.storeProblem).toMatch(new RegExp(`^hall database unavailable \\(PostgreSQL 127\\.0\\.0\\.1:${port}/halls schema hall_x\\): .*ECONNREFUSED`));
      expect(bridge.hall.storeProblem).not.toContain('hunter2secret');
      expect(logged).toContain('hall database unavailable: hall functions paused');
      expect(logged).not.toContain('hunter2secret');
      // The process and its HTTP API stay up.
      expect((await fetch(`${bridge.url}/api/devices`)).status).toBe(200);
    } finally {
      await bridge.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('away at start, back later: retried with a growing delay, migrated when reached, hall functions resume on their own', async () => {
    target = await postgresBackend.create();
    const schema = new URL(target.setting).searchParams.get('schema')!;
    // A relay this test cuts (the shared server itself keeps running): its port refuses until it listens again.
    const relay = new TcpRelay('127.0.0.1', Number(new URL(TEST_PG_URL).port || 5432));
    await relay.listen();
    await relay.cut();
    const dir = mkdtempSync(join(tmpdir(), 'od-pgback-'));
    const url = new URL(TEST_PG_URL);
    url.port = String(relay.port);
    url.searchParams.set('schema', schema);
    let logged = '';
    const log = pino({ level: 'info' }, { write: (line: string) => void (logged += line) });
    const bridge = await startBridge({ http: { port: 0 }, dataDir: dir, store: url.toString() },
      { log, hall: { databaseRetry: { firstMs: 20, maxMs: 100 }, databaseCheckMs: 60_000 } });
    try {
      expect(bridge.hall.storeProblem).toMatch(/^hall database unavailable \(PostgreSQL .*\): .*ECONNREFUSED/);
      const refused = await bridge.hall.store!.listQueueCategories().then(() => null, (e: Error) => e);
      expect(kioskFailure(refused)).toMatchObject({ code: 'deviceNotReady', refusal: { zh: expect.stringContaining('暂停服务') } });
      expect((await fetch(`${bridge.url}/api/health`)).status).toBe(503);
      expect((await fetch(`${bridge.url}/api/devices`)).status).toBe(200);
      await until(async () => logged.includes('hall database still unreachable: trying again'), 'a retry logged');
      expect(await admin(async (c) => (await c.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema])).rowCount)).toBe(0);
      // The server answers again: no restart of the bridge, the watch interval (60 s) not waited for.
      await relay.listen();
      await until(async () => bridge.hall.storeProblem === null, 'hall functions resumed');
      expect(logged).toContain('hall database reached: schema migrated, hall functions resume');
      const s = bridge.hall.store!;
      expect(await s.schemaVersion()).toBe(Math.max(...HALL_POSTGRES_MIGRATIONS.map((m) => m.version)));
      await seedBasics(s);
      expect(await s.withTransaction(async (tx) => {
        await tx.insertTicket(ticket);
        return tx.nextCounterValue('A-2026-11-25');
      })).toBe(1);
      expect((await target.open().then(async (other) => {
        try {
          return await other.listTickets('2026-11-25');
        } finally {
          await other.close();
        }
      })).map((t) => t.number)).toEqual(['A001']);
      expect((await fetch(`${bridge.url}/api/health`)).status).toBe(200);
    } finally {
      await bridge.close();
      await relay.cut();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('a backend killed mid-transaction: that request fails clearly, nothing of it is stored, the next one works', async () => {
    target = await postgresBackend.create();
    store = await target.open();
    await seedBasics(store);
    const schema = new URL(target.setting).searchParams.get('schema')!;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const request = store.withTransaction(async (tx) => {
      await tx.insertTicket(ticket);
      await tx.nextCounterValue('A-2026-11-25');
      await gate;
      await tx.setCalendarDay({ day: '2026-12-01', kind: 'holiday', name: 'x' });
    });
    const failed = request.then(() => new Error('the request should have failed'), (e: unknown) => e as Error);
    await until(async () => (await backendsOf(schema, 'idle in transaction')).length === 1, 'the open transaction');
    const [pid] = await backendsOf(schema, 'idle in transaction');
    expect(await admin(async (c) => (await c.query('SELECT pg_terminate_backend($1) AS ok', [pid])).rows[0].ok)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    release();
    const err = await failed;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/^hall database unavailable \(PostgreSQL .*\): /);
    expect(kioskFailure(err)).toMatchObject({ code: 'deviceNotReady', refusal: { zh: expect.stringContaining('暂停服务') } });
    // Nothing half-written; the pool hands out a fresh connection for the next request.
    expect(await store.listTickets('2026-11-25')).toEqual([]);
    expect(await store.listCalendarDays()).toEqual([]);
    expect(await store.withTransaction(async (tx) => {
      await tx.insertTicket(ticket);
      return tx.nextCounterValue('A-2026-11-25');
    })).toBe(1);
    expect((await store.listTickets('2026-11-25')).map((t) => t.number)).toEqual(['A001']);
  }, 30_000);

  it('a table altered under prepared statements (a newer instance migrating): reads and transactions still answer', async () => {
    target = await postgresBackend.create();
    store = await target.open();
    await seedBasics(store);
    await store.insertTicket(ticket);
    const s = store;
    const inTransaction = () => s.withTransaction((tx) => tx.listTickets('2026-11-25', { holderNumber: HOLDER }));
    // Prepared on every pooled connection the reads used (statements with parameters are prepared, hallPostgres.ts).
    for (let i = 0; i < 6; i++) {
      await Promise.all([s.listTickets('2026-11-25'), inTransaction()]);
    }
    // `SELECT *` of the prepared statements now has one more column: PostgreSQL refuses the old plans
    // ("cached plan must not change result type"); the store plans them anew instead of failing the request.
    await target.sql('ALTER TABLE tickets ADD COLUMN added_by_a_newer_instance TEXT');
    for (let i = 0; i < 6; i++) {
      const [read, inTx] = await Promise.all([s.listTickets('2026-11-25'), inTransaction()]);
      expect(read.map((t) => t.number)).toEqual(['A001']);
      expect(inTx.map((t) => t.number)).toEqual(['A001']);
    }
    expect(await s.withTransaction(async (tx) => {
      await tx.insertTicket({ ...ticket, seq: 2, number: 'A002', holderNumber: null });
      return (await tx.listTickets('2026-11-25')).length;
    })).toBe(2);
  }, 30_000);

  it('a statement past its time limit (waiting its turn) fails clearly, writes nothing; the next one works', async () => {
    target = await postgresBackend.create();
    store = await target.open();
    const schema = new URL(target.setting).searchParams.get('schema')!;
    const impatient = await openPostgresHallStore({ url: TEST_PG_URL, schema, statementTimeoutMs: 300 });
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const holder = store.withTransaction(async (tx) => {
        await tx.setCalendarDay({ day: '2026-12-01', kind: 'holiday', name: 'first' });
        await gate;
      });
      await until(async () => (await backendsOf(schema, 'idle in transaction')).length === 1, 'the open transaction');
      const started = Date.now();
      const err = await impatient.withTransaction(async (tx) => {
        await tx.setCalendarDay({ day: '2026-12-02', kind: 'holiday', name: 'second' });
      }).then(() => new Error('should have timed out'), (e: Error) => e);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(err.message).toMatch(/^hall database \(PostgreSQL\): canceling statement due to statement timeout/);
      expect(kioskFailure(err).code).toBe('deviceNotReady');
      release();
      await holder;
      expect((await store.listCalendarDays()).map((d) => d.name)).toEqual(['first']);
      await impatient.withTransaction((tx) => tx.setCalendarDay({ day: '2026-12-02', kind: 'holiday', name: 'second' }));
      expect((await store.listCalendarDays()).map((d) => d.name)).toEqual(['first', 'second']);
    } finally {
      await impatient.close();
    }
  }, 30_000);

  it('idle pooled connections killed under the pool: no crash, the next requests reconnect', async () => {
    target = await postgresBackend.create();
    store = await target.open();
    const s = store;
    await Promise.all(Array.from({ length: 5 }, () => s.nextCounterValue('n')));
    const pids = await backendsOf(new URL(target.setting).searchParams.get('schema')!);
    expect(pids.length).toBeGreaterThan(0);
    await admin(async (c) => {
      for (const pid of pids) await c.query('SELECT pg_terminate_backend($1)', [pid]);
    });
    await new Promise((r) => setTimeout(r, 100));
    const got = await Promise.all(Array.from({ length: 5 }, () => s.nextCounterValue('n')));
    expect([...got].sort((a, b) => a - b)).toEqual([6, 7, 8, 9, 10]);
  }, 30_000);
});
