/**
 * The HallStore contract (store/hallStore.ts), one suite for every backend: versioned migrations (a newer build
 * migrates, an older one refuses), constraints enforced by the tables, atomic numbering across instances,
 * transactions that commit or roll back whole and run one at a time, the outer store refused inside a transaction,
 * and the record round trips the services rely on. Run by hallStore.contract.test.ts on SQLite and PostgreSQL.
 */
import { DEFAULT_HALL_ID } from '../../src/store/hallScope.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HALL_MIGRATIONS } from '../../src/store/hallMigrations.ts';
import { HALL_POSTGRES_MIGRATIONS } from '../../src/store/hallPostgresMigrations.ts';
import { loadDepartmentSeed, parseDepartmentSeed } from '../../src/store/departmentSeed.ts';
import type { NewAccessAuditRecord } from '../../src/store/accessAuditRecords.ts';
import type { CodedDepartment } from '../../src/store/catalogueRecords.ts';
import type { IntakeRecord } from '../../src/store/intakeRecords.ts';
import type { HallRetentionCutoffs, HallRepository, HallRetentionResult, HallStore, NewTicket, TicketRecord } from '../../src/store/hallStore.ts';
import { BEHIND_READ_LIMIT } from '../../src/store/ticketOrderSql.ts';
import { departmentSeedFile, seedBasics, SERVICE_A, SERVICE_B } from '../hall/fixture.ts';
import type { StoreBackend, StoreTarget } from './backends.ts';

const LATEST = HALL_MIGRATIONS[HALL_MIGRATIONS.length - 1].version;
/** Epoch ms past 2^31 (BIGINT on PostgreSQL): must come back as the same number. */
const T0 = Date.UTC(2026, 10, 25, 1, 0);
const HOLDER = '440106199003071231';

const ticket = (over: Partial<NewTicket> = {}): NewTicket => ({
  day: '2026-11-25', category: 'A', seq: 1, number: 'A001', holderNumber: HOLDER, priority: null, issuedAt: T0,
  appointmentId: null, ...over,
});

export function describeHallStoreContract(backend: StoreBackend): void {
  describe(`HallStore contract on ${backend.name}`, () => {
    let target: StoreTarget;
    const opened: HallStore[] = [];
    const open = async () => {
      const s = await target.open();
      opened.push(s);
      return s;
    };

    beforeEach(async () => {
      target = await backend.create();
    });

    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
      await target.destroy();
    });

    describe('migrations', () => {
      it('applies every migration once, in order, and nothing again on reopening', async () => {
        const store = await open();
        expect(await store.schemaVersion()).toBe(LATEST);
        const rows = () => target.sql('SELECT version, applied_at FROM schema_migrations ORDER BY version');
        const first = await rows();
        expect(first.map((r) => Number(r.version))).toEqual(HALL_MIGRATIONS.map((m) => m.version));
        await store.close();
        opened.length = 0;
        await (await open()).close();
        opened.length = 0;
        expect(await rows()).toEqual(first);
      });

      it('keeps the same versions on both backends', () => {
        expect(HALL_POSTGRES_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(HALL_MIGRATIONS.map((m) => [m.version, m.name]));
      });

      it('migration 23 counts the waiting tickets a version-22 database already holds', async () => {
        await target.migrateTo(22);
        await target.sql("INSERT INTO queue_categories (hall_id, letter, name, default_service_minutes) VALUES (?, 'A', '综合受理', 6)", DEFAULT_HALL_ID);
        for (const [seq, status] of [[1, 'done'], [2, 'waiting'], [3, 'waiting'], [4, 'called'], [5, 'waiting']] as const) {
          await target.sql(`INSERT INTO tickets (hall_id, day, category, seq, number, status, issued_at) VALUES (?, '2026-11-25', 'A', ?, ?, ?, ?)`,
            DEFAULT_HALL_ID, seq, `A00${seq}`, status, T0 + seq);
        }
        const store = await open();
        const waiting = (await store.listTickets('2026-11-25')).filter((t) => t.status === 'waiting');
        expect(await Promise.all(waiting.map((t) => store.countWaitingAhead(t.id, '2026-11-25 09:30')))).toEqual([0, 1, 2]);
      });

      it('migration 24 keeps the waiting counts a version-23 database holds, and they stay right through issues and calls', async () => {
        await target.migrateTo(23);
        await target.sql("INSERT INTO queue_categories (hall_id, letter, name, default_service_minutes) VALUES (?, 'A', '综合受理', 6)", DEFAULT_HALL_ID);
        // Counted by migration 23's triggers, before the counts are spread over stripes (PostgreSQL) or left as they are (SQLite).
        for (const seq of [1, 2, 3]) {
          await target.sql(`INSERT INTO tickets (hall_id, day, category, seq, number, status, issued_at) VALUES (?, '2026-11-25', 'A', ?, ?, 'waiting', ?)`,
            DEFAULT_HALL_ID, seq, `A00${seq}`, T0 + seq);
        }
        const store = await open();
        expect(await store.schemaVersion()).toBe(LATEST);
        const made: number[] = (await store.listTickets('2026-11-25')).map((t) => t.id);
        for (const seq of [4, 5, 6, 7]) {
          made.push((await store.insertTicket(ticket({ seq, number: `A00${seq}`, holderNumber: null, issuedAt: T0 + seq }))).id);
        }
        const at = '2026-11-25 09:30';
        const ahead = () => Promise.all(made.map((id) => store.countWaitingAhead(id, at)));
        expect(await ahead()).toEqual([0, 1, 2, 3, 4, 5, 6]);
        // Calls of tickets counted before and after the migration: each leaves the queue once.
        await store.updateTicket(made[0], { status: 'called', calledAt: T0 + 100 });
        await store.updateTicket(made[4], { status: 'called', calledAt: T0 + 101 });
        expect(await ahead()).toEqual([0, 0, 1, 2, 0, 3, 4]);
      });

      it('a newer build migrates a database an older build created, keeping its data', async () => {
        await target.migrateTo(3);
        await target.sql("INSERT INTO calendar_days (day, kind, name) VALUES ('2026-10-01', 'holiday', '国庆节')");
        const store = await open();
        expect(await store.schemaVersion()).toBe(LATEST);
        expect((await target.sql('SELECT version FROM schema_migrations ORDER BY version')).map((r) => Number(r.version)))
          .toEqual(HALL_MIGRATIONS.map((m) => m.version));
        expect(await store.listCalendarDays()).toEqual([{ day: '2026-10-01', kind: 'holiday', name: '国庆节' }]);
        // Tables of the later migrations exist and work.
        await store.addKioskRequest({ kioskId: 'k', requestId: 'r', op: 'queue.take', answer: '{}', appliedAt: T0 });
        expect(await store.countKioskRequests('k')).toBe(1);
      });

      it('an older build refuses a database written by a newer one, with a message that says so', async () => {
        await (await open()).close();
        opened.length = 0;
        await target.sql('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', 99, 'from the future', 0);
        await expect(open()).rejects.toThrow(/schema version 99.*newer bridge/s);
      });
    });

    describe('constraints in the tables', () => {
      it('enforces foreign keys', async () => {
        const store = await open();
        await expect(store.upsertServiceItem({ id: 'X-1', departmentId: 999, name: 'x', category: 'Z', timeLimitDays: 1,
          slotCapacity: 1, stepLimits: null }, [])).rejects.toThrow(/FOREIGN KEY|foreign key/);
        expect(await store.listServiceItems()).toEqual([]);
      });

      it('enforces one waiting ticket per person per category and unique numbers per day', async () => {
        const store = await open();
        await seedBasics(store);
        await store.insertTicket(ticket());
        await expect(store.insertTicket(ticket({ seq: 2, number: 'A002' }))).rejects.toThrow(/UNIQUE|unique constraint/);
        await expect(store.insertTicket(ticket({ holderNumber: null }))).rejects.toThrow(/UNIQUE|unique constraint/);
        expect(await store.listTickets('2026-11-25')).toHaveLength(1);
      });

      it('refuses a queue category that is not one upper-case letter', async () => {
        const store = await open();
        await expect(store.upsertQueueCategory({ letter: 'b', name: 'x', defaultServiceMinutes: 5 })).rejects.toThrow();
        await expect(store.upsertQueueCategory({ letter: 'AB', name: 'x', defaultServiceMinutes: 5 })).rejects.toThrow();
        expect(await store.listQueueCategories()).toEqual([]);
      });
    });

    describe('numbering', () => {
      it('gives concurrent callers 1..n exactly once, and the counter survives reopening', async () => {
        let store = await open();
        const got = await Promise.all(Array.from({ length: 40 }, () => store.nextCounterValue('c')));
        expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        await store.close();
        opened.length = 0;
        store = await open();
        expect(await store.nextCounterValue('c')).toBe(41);
        expect(await store.nextCounterValue('other')).toBe(1);
      });

      it('stays atomic across two instances on the same data: 200 parallel calls get 1..200, each once', async () => {
        const [a, b] = [await open(), await open()];
        const got = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).nextCounterValue('A-2026-11-25')));
        expect([...got].sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      }, 30_000);

      it('rolls a number taken in a failed transaction back with it', async () => {
        const store = await open();
        await store.nextCounterValue('n');
        await expect(store.withTransaction(async (tx) => {
          expect(await tx.nextCounterValue('n')).toBe(2);
          throw new Error('printer jam');
        })).rejects.toThrow('printer jam');
        expect(await store.nextCounterValue('n')).toBe(2);
      });
    });

    describe('transactions', () => {
      it('commits fn\'s writes and returns its result', async () => {
        const store = await open();
        const r = await store.withTransaction(async (tx) => {
          await tx.setCalendarDay({ day: '2026-12-01', kind: 'holiday', name: 'x' });
          return { n: await tx.nextCounterValue('t') };
        });
        expect(r).toEqual({ n: 1 });
        expect((await store.listCalendarDays()).map((d) => d.day)).toEqual(['2026-12-01']);
      });

      it('rolls a failed transaction back as a whole', async () => {
        const store = await open();
        await expect(store.withTransaction(async (tx) => {
          await tx.nextCounterValue('t');
          await tx.setCalendarDay({ day: '2026-12-01', kind: 'holiday', name: 'x' });
          throw new Error('boom');
        })).rejects.toThrow('boom');
        expect(await store.listCalendarDays()).toEqual([]);
        expect(await store.nextCounterValue('t')).toBe(1);
      });

      it('rolls back when a statement inside fails (a constraint), and the store goes on working', async () => {
        const store = await open();
        await seedBasics(store);
        await expect(store.withTransaction(async (tx) => {
          await tx.insertTicket(ticket());
          await tx.insertTicket(ticket({ seq: 2 })); // same number the same day
        })).rejects.toThrow(/UNIQUE|unique constraint/);
        expect(await store.listTickets('2026-11-25')).toEqual([]);
        expect((await store.insertTicket(ticket())).number).toBe('A001');
      });

      it('refuses the outer store inside a transaction, and the handle after it ended', async () => {
        const store = await open();
        await expect(store.withTransaction(async () => store.listDepartments())).rejects.toThrow(/transaction handle/);
        await expect(store.withTransaction(async () => store.withTransaction(async () => 1))).rejects.toThrow(/transaction handle/);
        let kept!: Parameters<Parameters<HallStore['withTransaction']>[0]>[0];
        await store.withTransaction(async (tx) => {
          kept = tx;
        });
        await expect(kept.listDepartments()).rejects.toThrow(/after its transaction ended/);
        // The refused calls left nothing open: the store still works.
        expect(await store.nextCounterValue('after')).toBe(1);
      });

      it('runs transactions one at a time, on one instance and across two (a read-then-write rule holds)', async () => {
        const a = await open();
        const b = backend.concurrentInstances ? await open() : a;
        // Each transaction reads how many days exist and adds the next: interleaved, two would write the same day.
        const addNext = (s: HallStore) => s.withTransaction(async (tx) => {
          const n = (await tx.listCalendarDays()).length;
          await new Promise((r) => setTimeout(r, 2));
          await tx.setCalendarDay({ day: `2026-12-${String(n + 1).padStart(2, '0')}`, kind: 'holiday', name: `d${n + 1}` });
        });
        await Promise.all(Array.from({ length: 12 }, (_, i) => addNext(i % 2 === 0 ? a : b)));
        expect((await a.listCalendarDays()).map((d) => d.name)).toEqual(Array.from({ length: 12 }, (_, i) => `d${i + 1}`));
      }, 30_000);
      it('a person transaction reads the categories and intake state as they were when it began, then its own writes', async () => {
        const a = await open();
        await a.upsertQueueCategory({ letter: 'A', name: '户籍', defaultServiceMinutes: 5 });
        const paused = { mode: 'paused' as const, message: '系统维护', day: '2026-11-25', changedAt: T0, changedBy: 'manager' };
        if (backend.concurrentInstances) {
          // Another instance renames the category and pauses intake while the transaction is open: a read in it still
          // sees the state at its start (PostgreSQL: read in BEGIN's round trip, after the locks), as SQLite's
          // write lock makes every transaction see it.
          const b = await open();
          let began!: () => void;
          const open1 = new Promise<void>((r) => (began = r));
          let changed!: () => void;
          const after = new Promise<void>((r) => (changed = r));
          // A person transaction begins with its first statement (PostgreSQL: BEGIN, the locks and the opening reads go
          // in its round trip), so it has asked one before the other instance changes anything.
          const seen = a.withPersonTransaction(HOLDER, async (tx) => {
            await tx.listCalendarDays();
            began();
            await after;
            return [await tx.listQueueCategories(), await tx.getIntakeState()] as const;
          });
          await open1;
          await b.upsertQueueCategory({ letter: 'A', name: '改名', defaultServiceMinutes: 5 });
          await b.saveIntakeState(paused);
          changed();
          const [categories, intake] = await seen;
          expect(categories.map((c) => c.name)).toEqual(['户籍']);
          expect(intake).toBeUndefined();
          // The next transaction sees them.
          expect(await a.withPersonTransaction(HOLDER, async (tx) => [(await tx.listQueueCategories())[0].name, (await tx.getIntakeState())?.mode]))
            .toEqual(['改名', 'paused']);
          await a.upsertQueueCategory({ letter: 'A', name: '户籍', defaultServiceMinutes: 5 });
          await a.saveIntakeState({ ...paused, mode: 'open', message: null });
        }
        // The transaction's own writes are read back, whichever it read first.
        const own = await a.withPersonTransaction(HOLDER, async (tx) => {
          await tx.saveIntakeState(paused);
          await tx.upsertQueueCategory({ letter: 'B', name: '社保', defaultServiceMinutes: 7 });
          return [await tx.getIntakeState(), (await tx.listQueueCategories()).map((c) => c.letter)] as const;
        });
        expect(own[0]?.mode).toBe('paused');
        expect(own[1]).toEqual(['A', 'B']);
        // Read twice in one transaction, with a write between: the second read is the server's.
        expect(await a.withPersonTransaction(null, async (tx) => {
          const before = (await tx.getIntakeState())?.mode;
          await tx.saveIntakeState({ ...paused, mode: 'closed' });
          return [before, (await tx.getIntakeState())?.mode];
        })).toEqual(['paused', 'closed']);
        // Asked in the transaction's first turn, a read before a write and the same read after it: each sees the state
        // where it stands (PostgreSQL: the first is answered by BEGIN's opening read, the second by the server).
        expect(await a.withPersonTransaction(null, async (tx) => {
          const [before, , after] = await Promise.all([tx.getIntakeState(), tx.saveIntakeState({ ...paused, mode: 'open', message: null }),
            tx.getIntakeState()]);
          return [before?.mode, after?.mode, (await tx.getIntakeState())?.mode];
        })).toEqual(['closed', 'open', 'open']);
        // A write first, then reads: in its turn, and in the next, each read sees it.
        expect(await a.withPersonTransaction(null, async (tx) => {
          const [, inTurn] = await Promise.all([tx.saveIntakeState({ ...paused, mode: 'closed' }), tx.getIntakeState()]);
          return [inTurn?.mode, (await tx.listQueueCategories()).length];
        })).toEqual(['closed', 2]);
        expect(await a.withPersonTransaction(null, async (tx) => {
          await tx.upsertQueueCategory({ letter: 'C', name: '公积金', defaultServiceMinutes: 6 });
          return (await tx.listQueueCategories()).map((c) => c.letter);
        })).toEqual(['A', 'B', 'C']);
      }, 30_000);

      it('person transactions: one person one at a time, beside other people, never beside a hall-wide one', async () => {
        const a = await open();
        const b = backend.concurrentInstances ? await open() : a;
        const log: string[] = [];
        /**
         * A transaction that logs its start once its first statement is answered (a person transaction begins with its
         * first statement: on PostgreSQL BEGIN and the locks go in its round trip), waits for `gate`, logs its end.
         */
        const held = (s: HallStore, name: string, gate: Promise<void>, person: string | null | 'hall') => {
          const fn = async (tx: HallRepository) => {
            await tx.nextCounterValue(`n:${name}`);
            log.push(`${name} start`);
            await gate;
            log.push(`${name} end`);
          };
          return person === 'hall' ? s.withTransaction(fn) : s.withPersonTransaction(person, fn);
        };
        const opened = () => new Promise((r) => setTimeout(r, 100));
        let release!: () => void;
        let gate = new Promise<void>((r) => (release = r));
        const x1 = held(a, 'x1', gate, HOLDER);
        await opened();
        const y = held(b, 'y', Promise.resolve(), '110101199001011237');
        const anonymous = held(b, 'anonymous', Promise.resolve(), null);
        const x2 = held(b, 'x2', Promise.resolve(), HOLDER);
        if (backend.concurrentInstances) {
          // Other people's tickets go through while x1 is open; the same person's second waits for it.
          await Promise.all([y, anonymous]);
          await opened();
          expect(log).toEqual(expect.arrayContaining(['x1 start', 'y start', 'y end', 'anonymous start', 'anonymous end']));
          expect(log).not.toContain('x1 end');
          expect(log).not.toContain('x2 start');
        }
        release();
        await Promise.all([x1, x2, y, anonymous]);
        expect(log.indexOf('x2 start')).toBeGreaterThan(log.indexOf('x1 end'));
        // A hall-wide transaction waits for an open person transaction, and holds off the next one.
        log.length = 0;
        gate = new Promise<void>((r) => (release = r));
        const p1 = held(a, 'p1', gate, HOLDER);
        await opened();
        const hall = held(b, 'hall', Promise.resolve(), 'hall');
        await opened();
        const p2 = held(b, 'p2', Promise.resolve(), '110101199001011237');
        await opened();
        expect(log).toEqual(['p1 start']);
        release();
        await Promise.all([p1, hall, p2]);
        expect(log).toEqual(['p1 start', 'p1 end', 'hall start', 'hall end', 'p2 start', 'p2 end']);
      }, 30_000);

      it('takeNumber: the counter nextCounterValue counts, taken on its own; unique from many people at once', async () => {
        const a = await open();
        const b = backend.concurrentInstances ? await open() : a;
        expect(await a.takeNumber('ticket:x')).toBe(1);
        expect(await a.nextCounterValue('ticket:x')).toBe(2);
        expect(await b.takeNumber('ticket:x')).toBe(3);
        // Inside a transaction that rolls back: on PostgreSQL the number stays taken (a gap), on SQLite it goes back.
        await expect(a.withPersonTransaction(HOLDER, async (tx) => {
          expect(await tx.takeNumber('ticket:x')).toBe(4);
          throw new Error('refused after the number');
        })).rejects.toThrow('refused after the number');
        expect(await a.takeNumber('ticket:x')).toBe(backend.name === 'postgres' ? 5 : 4);
        // Many people's tickets at once, on two instances: every number once.
        const people = Array.from({ length: 40 }, (_, i) => `44010619900307${String(1000 + i)}`);
        const got = await Promise.all(people.map((p, i) => (i % 2 ? a : b).withPersonTransaction(p, (tx) => tx.takeNumber('ticket:y'))));
        expect([...got].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      }, 30_000);

      it('numbers from person transactions of many people at once are unique and without gaps', async () => {
        const a = await open();
        const b = backend.concurrentInstances ? await open() : a;
        const people = Array.from({ length: 40 }, (_, i) => `44010619900307${String(1000 + i)}`);
        const got = await Promise.all(people.map((p, i) => (i % 2 ? a : b).withPersonTransaction(p, (tx) => tx.nextCounterValue('ticket:A'))));
        expect([...got].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      }, 30_000);
    });

      it('takeNumber of a count: that many consecutive numbers at once, the first returned; never shared with another taker', async () => {
        const a = await open();
        const b = backend.concurrentInstances ? await open() : a;
        expect(await a.takeNumber('ticket:z', 3)).toBe(1);
        expect(await b.takeNumber('ticket:z')).toBe(4);
        expect(await a.withPersonTransaction([HOLDER, '110101199001011237'], (tx) => tx.takeNumber('ticket:z', 2))).toBe(5);
        const ranges = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).takeNumber('ticket:w', 1 + (i % 3))));
        const taken = ranges.flatMap((first, i) => Array.from({ length: 1 + (i % 3) }, (_, k) => first + k));
        expect([...taken].sort((x, y) => x - y)).toEqual(Array.from({ length: taken.length }, (_, i) => i + 1));
        await expect(a.takeNumber('ticket:z', 0)).rejects.toThrow(/count 0/);
        await expect(a.takeNumber('ticket:z', 1.5)).rejects.toThrow(/count 1.5/);
      }, 30_000);

      it('takeNumbers: several counters in one step, the first of each in the order asked; never shared, whatever order other takers ask in', async () => {
        const a = await open();
        const b = backend.concurrentInstances ? await open() : a;
        expect(await a.takeNumber('ticket:B', 2)).toBe(1);
        // Asked B before A: answered in that order; A is new.
        expect(await a.takeNumbers([['ticket:B', 3], ['ticket:A', 2]])).toEqual([3, 1]);
        expect(await b.withPersonTransaction(HOLDER, (tx) => tx.takeNumbers([['ticket:A', 1], ['ticket:C', 4], ['ticket:B', 1]]))).toEqual([3, 1, 6]);
        expect(await a.takeNumbers([])).toEqual([]);
        // Many takers at once on two instances, the same counters asked in opposite orders: every number once, in each.
        const asks = Array.from({ length: 20 }, (_, i) => (i % 2
          ? [['ticket:D', 1 + (i % 3)], ['ticket:E', 2]] : [['ticket:E', 1], ['ticket:D', 2]]) as Array<[string, number]>);
        const got = await Promise.all(asks.map((ask, i) => (i % 2 ? a : b).takeNumbers(ask)));
        for (const counter of ['ticket:D', 'ticket:E']) {
          const taken = asks.flatMap((ask, i) => ask.flatMap(([name, count], k) => (name === counter
            ? Array.from({ length: count }, (_, n) => got[i][k] + n) : [])));
          expect([...taken].sort((x, y) => x - y)).toEqual(Array.from({ length: taken.length }, (_, n) => n + 1));
        }
        await expect(a.takeNumbers([['ticket:F', 1], ['ticket:F', 2]])).rejects.toThrow(/ticket:F asked twice/);
        await expect(a.takeNumbers([['ticket:F', 1000]])).rejects.toThrow(/count 1000/);
        // Refused before anything was taken.
        expect(await a.takeNumber('ticket:F')).toBe(1);
      }, 30_000);

      it('insertTickets stores a group in one call and answers each record in the order given; listTicketsOfHolders reads people', async () => {
        const store = await open();
        await seedBasics(store);
        const other = '110101199001011237';
        const got = await store.insertTickets([
          ticket({ category: 'B', seq: 7, number: 'B007' }),
          ticket(),
          ticket({ seq: 2, number: 'A002', holderNumber: null, issuedAt: T0 + 1 }),
          ticket({ seq: 3, number: 'A003', holderNumber: other, priority: 'elderly', issuedAt: T0 + 2 }),
        ]);
        expect(got.map((t) => [t.number, t.holderNumber, t.priority, t.status, t.issuedAt])).toEqual([
          ['B007', HOLDER, null, 'waiting', T0], ['A001', HOLDER, null, 'waiting', T0], ['A002', null, null, 'waiting', T0 + 1],
          ['A003', other, 'elderly', 'waiting', T0 + 2],
        ]);
        for (const t of got) expect(await store.getTicket(t.id)).toEqual(t);
        expect(await store.insertTickets([])).toEqual([]);
        // A group breaking a table rule is stored not at all.
        await expect(store.insertTickets([ticket({ seq: 4, number: 'A004', holderNumber: null }), ticket({ seq: 5, number: 'A001' })]))
          .rejects.toThrow(/UNIQUE|unique constraint/);
        expect(await store.listTickets('2026-11-25')).toHaveLength(4);
        expect((await store.listTicketsOfHolders('2026-11-25', [HOLDER, other])).map((t) => t.number)).toEqual(['B007', 'A001', 'A003']);
        expect((await store.listTicketsOfHolders('2026-11-25', [other, '440106200001011234'])).map((t) => t.number)).toEqual(['A003']);
        expect(await store.listTicketsOfHolders('2026-11-25', [])).toEqual([]);
        expect(await store.listTicketsOfHolders('2026-11-26', [HOLDER])).toEqual([]);
      });

      it('a transaction of several people waits for each one\'s open transaction and holds off each one\'s next', async () => {
        const a = await open();
        const b = backend.concurrentInstances ? await open() : a;
        const other = '110101199001011237';
        const log: string[] = [];
        const opened = () => new Promise((r) => setTimeout(r, 100));
        let release!: () => void, releaseGroup!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        const groupGate = new Promise<void>((r) => (releaseGroup = r));
        // Each logs its start once its first statement is answered (a person transaction begins with it).
        const first = a.withPersonTransaction(other, async (tx) => {
          await tx.nextCounterValue('n:other');
          log.push('other start');
          await gate;
          log.push('other end');
        });
        await opened();
        const group = b.withPersonTransaction([HOLDER, other], async (tx) => {
          await tx.nextCounterValue('n:group');
          log.push('group start');
          await groupGate;
          log.push('group end');
        });
        await opened();
        expect(log).toEqual(['other start']);
        release();
        await first;
        await opened();
        const next = a.withPersonTransaction(HOLDER, async (tx) => {
          await tx.nextCounterValue('n:holder');
          log.push('holder start');
        });
        await opened();
        expect(log).toEqual(['other start', 'other end', 'group start']);
        releaseGroup();
        await Promise.all([group, next]);
        expect(log).toEqual(['other start', 'other end', 'group start', 'group end', 'holder start']);
      }, 30_000);

    describe('records', () => {
      it('loads the 43 seed departments in 3 batches and keeps them on re-seeding', async () => {
        const store = await open();
        await seedBasics(store);
        const depts = await store.listDepartments();
        expect(depts).toHaveLength(43);
        expect([1, 2, 3].map((b) => depts.filter((d) => d.batch === b).length)).toEqual([20, 13, 10]);
        await store.upsertDepartments(loadDepartmentSeed(departmentSeedFile));
        expect(await store.listDepartments()).toEqual(depts);
        expect(() => parseDepartmentSeed({ batches: [{ batch: 1, deadline: '2016-03-31', departments: ['a', 'a'] }] })).toThrow(/twice/);
        expect(() => parseDepartmentSeed({})).toThrow(/batches/);
      });

      it('round-trips service items with materials in order, replacing them on upsert', async () => {
        const store = await open();
        await seedBasics(store);
        const item = await store.getServiceItem(SERVICE_A);
        expect(item).toMatchObject({ id: SERVICE_A, category: 'A', timeLimitDays: 10, slotCapacity: 2, stepLimits: null });
        expect((await store.getServiceItem('T-0002'))?.stepLimits).toEqual({ accepted: 1, review: 2, decided: 1 });
        const mats = await store.listMaterials(SERVICE_A);
        expect(mats.map((m) => [m.sortOrder, m.name, m.fetchedFrom, m.commitmentAllowed])).toEqual([
          [1, '居民身份证', '电子证照库：居民身份证', false], [2, '申请表', null, false], [3, '无犯罪记录证明', null, true]]);
        await store.upsertServiceItem(item!, [{ name: '新材料', fetchedFrom: null, commitmentAllowed: true }]);
        expect((await store.listMaterials(SERVICE_A)).map((m) => m.name)).toEqual(['新材料']);
        expect((await store.listServiceItems(item!.departmentId)).map((s) => s.id)).toEqual([SERVICE_A]);
        expect(await store.getQueueCategory('B')).toEqual({ letter: 'B', name: '社保医保', defaultServiceMinutes: 10 });
        expect(await store.getQueueCategory('Q')).toBeUndefined();
      });

      it('counts the tickets ahead and picks the next one in calling order, in the database', async () => {
        const store = await open();
        await seedBasics(store);
        const slot = { serviceId: SERVICE_A, day: '2026-11-25', start: '09:00', minutes: 30, capacity: 2 };
        await store.ensureSlots([slot, { ...slot, start: '10:00' }]);
        const [nine, ten] = await store.listSlots(SERVICE_A, '2026-11-25');
        const apNine = await store.insertAppointment({ slotId: nine.id, holderNumber: HOLDER, createdAt: T0 });
        const apTen = await store.insertAppointment({ slotId: ten.id, holderNumber: '110101199001011237', createdAt: T0 });
        let n = 0;
        const add = (over: Partial<NewTicket>) => store.insertTicket(ticket({ seq: ++n, number: `A${100 + n}`, holderNumber: null, ...over }));
        const p1 = await add({ issuedAt: T0 });
        const p2 = await add({ issuedAt: T0 + 1 });
        const green = await add({ priority: 'elderly', issuedAt: T0 + 2 });
        const late = await add({ priority: 'appointment', appointmentId: apTen.id, issuedAt: T0 + 3 });
        const started = await add({ priority: 'appointment', appointmentId: apNine.id, issuedAt: T0 + 4 });
        const noId = await add({ priority: 'appointment', appointmentId: null, issuedAt: T0 + 5 });
        const otherCategory = await add({ category: 'B', issuedAt: T0 - 10 });
        const called = await add({ issuedAt: T0 - 5 });
        await store.updateTicket(called.id, { status: 'called', calledAt: T0 + 9 });

        const at930 = '2026-11-25 09:30';
        const order = [started, green, late, noId, p1, p2];
        expect(await Promise.all(order.map((t) => store.countWaitingAhead(t.id, at930)))).toEqual([0, 1, 2, 3, 4, 5]);
        expect(await store.countWaitingAhead(otherCategory.id, at930)).toBe(0);
        expect(await store.countWaitingAhead(called.id, at930)).toBe(0);
        expect((await store.nextWaitingTicket('2026-11-25', ['A'], at930))?.id).toBe(started.id);
        expect((await store.nextWaitingTicket('2026-11-25', [], at930))?.id).toBe(started.id);
        expect((await store.nextWaitingTicket('2026-11-25', ['B', 'C'], at930))?.id).toBe(otherCategory.id);
        expect(await store.nextWaitingTicket('2026-11-25', ['C'], at930)).toBeUndefined();
        expect(await store.nextWaitingTicket('2026-11-26', [], at930)).toBeUndefined();
        // Before nine no slot has started: the checked-in appointments wait with the green channel, by issue time.
        const at0800 = '2026-11-25 08:00';
        expect(await Promise.all([green, late, started, noId, p1].map((t) => store.countWaitingAhead(t.id, at0800)))).toEqual([0, 1, 2, 3, 4]);
        expect((await store.nextWaitingTicket('2026-11-25', ['A'], at0800))?.id).toBe(green.id);
        // The slot's start minute itself counts as started (HallClock.at <= now).
        expect(await store.countWaitingAhead(started.id, '2026-11-25 09:00')).toBe(0);
      });

      it('the wait estimate stays right through calls, closings, transfers and visit steps, counted from either end', async () => {
        // A queue longer than the walk-ins the estimate reads behind a ticket (ticketOrderSql.ts BEHIND_READ_LIMIT):
        // a new ticket's estimate is the category's waiting count (migration 23, kept by the tickets' triggers) less
        // those behind it, a front ticket's a count of those before it; both must agree with the rule itself.
        const store = await open();
        await seedBasics(store);
        const day = '2026-11-25';
        const now = '2026-11-25 09:30';
        const made: number[] = [];
        let n = 0;
        const add = async (category: string, priority: NewTicket['priority'] = null) => {
          n++;
          made.push((await store.insertTicket(ticket({ category, seq: n, number: `${category}${n}`, holderNumber: null, priority, issuedAt: T0 + n }))).id);
        };
        for (let i = 0; i < BEHIND_READ_LIMIT + 30; i++) await add(i % 40 === 7 ? 'B' : 'A', i % 50 === 20 ? 'elderly' : null);
        /** The rule (hall-rules.md "Calling order", store/ticketOrderSql.ts), over every ticket of the day, for walk-ins. */
        const expected = async () => {
          const all = await store.listTickets(day);
          const waiting = all.filter((t) => t.status === 'waiting');
          return new Map(waiting.filter((t) => t.priority === null).map((m) => [m.id, waiting.filter((o) => o.category === m.category && o.id !== m.id
            && ((o.issuedAt < m.issuedAt || (o.issuedAt === m.issuedAt && o.id < m.id)) || o.priority !== null)).length]));
        };
        const check = async (what: string) => {
          const want = await expected();
          const got = new Map(await Promise.all([...want.keys()].map(async (id) => [id, await store.countWaitingAhead(id, now)] as const)));
          expect(got, what).toEqual(want);
        };
        await check('as issued');
        await store.updateTicket(made[0], { status: 'called', calledAt: T0 + 500 });
        await store.updateTicket(made[1], { status: 'serving', calledAt: T0 + 500, startedAt: T0 + 501 });
        await store.updateTicket(made[1], { status: 'done', finishedAt: T0 + 502 });
        expect(await store.closeTicketAtClosing(made[2], 'dayEnd', T0 + 503)).toBe(true);
        await store.transferTicket({ ticketId: made[3], fromCategory: 'A', toCategory: 'B', window: 1, at: T0 + 504 });
        await store.transferTicket({ ticketId: made[7], fromCategory: 'B', toCategory: 'A', window: 1, at: T0 + 505 });
        await check('after a call, a service, a closing and two transfers');
        // A ticket of two services: its second step puts it back in the queue of B, waiting, with its issue time.
        await store.addVisitSteps(made[5], ['A', 'B']);
        await store.updateTicket(made[5], { status: 'serving', calledAt: T0 + 506, startedAt: T0 + 507 });
        await check('with a ticket served');
        expect((await store.finishVisitStep({ ticketId: made[5], window: 1, startedAt: T0 + 507, at: T0 + 508 }))?.category).toBe('B');
        await store.updateTicket(made[6], { status: 'noShow', finishedAt: T0 + 509 });
        await store.updateTicket(made[6], { status: 'waiting', finishedAt: null });
        await check('after a visit step and a no-show brought back');
      });

      it('waitsOfTickets answers as countWaitingAhead and recentServiceDurations do; in a transaction, with its own tickets', async () => {
        const store = await open();
        await seedBasics(store);
        const day = '2026-11-25';
        const now = '2026-11-25 09:30';
        let n = 0;
        const add = (repo: HallRepository, category: string, priority: NewTicket['priority'] = null) =>
          repo.insertTicket(ticket({ category, seq: ++n, number: `${category}${n}`, holderNumber: null, priority, issuedAt: T0 + n }));
        const made: TicketRecord[] = [];
        for (let i = 0; i < 5; i++) made.push(await add(store, i === 3 ? 'B' : 'A', i === 4 ? 'elderly' : null));
        await store.updateTicket(made[0].id, { status: 'serving', calledAt: T0 + 100, startedAt: T0 + 100 });
        await store.updateTicket(made[0].id, { status: 'done', finishedAt: T0 + 100 + 240_000 });
        const categories = ['A', 'B', 'C'];
        const waits = await store.waitsOfTickets(day, made.map((t) => t.number), now, categories, 10);
        expect(waits).toEqual({ ahead: await Promise.all(made.map((t) => store.countWaitingAhead(t.id, now))),
          durations: await Promise.all(categories.map((c) => store.recentServiceDurations(c, 10))) });
        // Done; the walk-ins behind the green channel; B alone; the green channel first (hall-rules.md "Calling order").
        expect(waits).toEqual({ ahead: [0, 1, 2, 0, 0], durations: [[240_000], [], []] });
        // A number of another day, or none: nothing ahead.
        expect((await store.waitsOfTickets('2026-11-26', [made[2].number, 'A999'], now, [], 10)).ahead).toEqual([0, 0]);
        // Asked in a transaction in the same turn as the insert of its ticket (on PostgreSQL in its round trip): it
        // counts the transaction's own new ticket.
        const [, inTurn] = await store.withPersonTransaction(null, (tx) => Promise.all([add(tx, 'A'), tx.waitsOfTickets(day, [`A${n}`, made[1].number], now, ['A'], 10)]));
        expect(inTurn).toEqual({ ahead: [3, 1], durations: [[240_000]] });
        // Waited for in the transaction, then another statement.
        const awaited = await store.withPersonTransaction(null, async (tx) => {
          const mine = await add(tx, 'A');
          const wait = await tx.waitsOfTickets(day, [mine.number], now, [], 10);
          await add(tx, 'A');
          return wait;
        });
        expect(awaited).toEqual({ ahead: [4], durations: [] });
        expect((await store.listTickets(day, { category: 'A', status: 'waiting' }))).toHaveLength(6);
      });

      it('atCommit: statements committed with the transaction, answered after it; one that fails rolls it back', async () => {
        const store = await open();
        await seedBasics(store);
        const record = (requestId: string) => ({ kioskId: 'kiosk-1', requestId, op: 'queue.take', answer: `{"r":"${requestId}"}`, appliedAt: T0 });
        // Asked and not waited for in the transaction: written with it.
        const { written } = await store.withPersonTransaction(null, async (tx) => {
          await tx.insertTicket(ticket({ seq: 1, number: 'A001', holderNumber: null }));
          return { written: tx.atCommit((c) => c.addKioskRequest(record('r1'))) };
        });
        await written;
        expect(await store.getKioskRequest('kiosk-1', 'r1')).toMatchObject({ answer: '{"r":"r1"}' });
        // Waited for inside: answered there, the transaction goes on.
        const seen = await store.withPersonTransaction(null, async (tx) => {
          await tx.atCommit((c) => c.addKioskRequest(record('r2')));
          return tx.getKioskRequest('kiosk-1', 'r2');
        });
        expect(seen).toMatchObject({ requestId: 'r2' });
        // One that fails (a number taken already): the transaction's own ticket is not stored either.
        const failing: Array<Promise<unknown>> = [];
        await expect(store.withPersonTransaction(null, async (tx) => {
          await tx.insertTicket(ticket({ seq: 2, number: 'A002', holderNumber: null }));
          const dup = tx.atCommit((c) => c.insertTicket(ticket({ seq: 1, number: 'A001', holderNumber: null })));
          dup.catch(() => undefined);
          failing.push(dup);
        })).rejects.toThrow(/UNIQUE|duplicate/i);
        await expect(failing[0]).rejects.toThrow(/UNIQUE|duplicate/i);
        expect((await store.listTickets('2026-11-25')).map((t) => t.number)).toEqual(['A001']);
        // One that fails before any statement (an error of the caller's own): nothing committed either.
        await expect(store.withPersonTransaction(null, async (tx) => {
          await tx.insertTicket(ticket({ seq: 3, number: 'A003', holderNumber: null }));
          tx.atCommit(async () => {
            throw new Error('no entry to write');
          }).catch(() => undefined);
        })).rejects.toThrow(/no entry to write/);
        expect((await store.listTickets('2026-11-25')).map((t) => t.number)).toEqual(['A001']);
        // Asked in one turn, they keep their order: a write shared with other callers' (a batched kind on PostgreSQL)
        // before a read of the same rows.
        const counted = await store.withPersonTransaction(null, async (tx) => {
          const written = tx.addKioskRequest(record('r4'));
          const [, n] = await Promise.all([written, tx.countKioskRequests('kiosk-1')]);
          return n;
        });
        expect(counted).toBe(3);
        // Outside a transaction: as any statement.
        await store.atCommit((c) => c.addKioskRequest(record('r3')));
        expect(await store.getKioskRequest('kiosk-1', 'r3')).toMatchObject({ requestId: 'r3' });
        // Asked in several turns and not waited for (a group of walk-ins, each one's answer recorded as it is made):
        // each one committed with the transaction. On PostgreSQL the batched kinds gather until the COMMIT; a call
        // that waited for an earlier batch held for the COMMIT would have gone after it, outside the transaction.
        const entry = (detail: string) => ({ at: T0, day: '2026-11-25', actorKind: 'kiosk' as const, actor: 'kiosk-1', role: null,
          function: 'queue.take', maskedNumber: null, result: 'success' as const, code: null, detail });
        const asked: Array<Promise<unknown>> = [];
        await store.withPersonTransaction(null, async (tx) => {
          asked.push(tx.atCommit((c) => Promise.all([c.addKioskRequest(record('r5')), c.appendAccessAudit(entry('r5'))])));
          await tx.countKioskRequests('kiosk-1');
          asked.push(tx.atCommit((c) => Promise.all([c.addKioskRequest(record('r6')), c.appendAccessAudit(entry('r6'))])));
          await Promise.resolve();
          asked.push(tx.atCommit((c) => c.addKioskRequest(record('r7'))));
        });
        await Promise.all(asked);
        for (const r of ['r5', 'r6', 'r7']) expect(await store.getKioskRequest('kiosk-1', r), r).toMatchObject({ requestId: r });
        expect((await store.queryAccessAudit({ limit: 10, offset: 0 })).entries.map((e) => e.detail).sort()).toEqual(['r5', 'r6']);
        // Asked and not waited for, then the function fails: its caller is told (not answered as if committed), and
        // nothing is written.
        const refused: Array<Promise<unknown>> = [];
        await expect(store.withPersonTransaction(null, async (tx) => {
          refused.push(tx.atCommit((c) => c.addKioskRequest(record('r8'))));
          refused[0].catch(() => undefined);
          await Promise.resolve();
          throw new Error('the rule refused');
        })).rejects.toThrow(/the rule refused/);
        await expect(refused[0]).rejects.toThrow();
        expect(await store.getKioskRequest('kiosk-1', 'r8')).toBeUndefined();
      });

      it('call candidates: every appointment ticket, the earliest green and the earliest walk-in; calls of a category', async () => {
        const store = await open();
        await seedBasics(store);
        const slot = { serviceId: SERVICE_A, day: '2026-11-25', start: '09:00', minutes: 30, capacity: 2 };
        await store.ensureSlots([slot]);
        const [nine] = await store.listSlots(SERVICE_A, '2026-11-25');
        const ap = await store.insertAppointment({ slotId: nine.id, holderNumber: HOLDER, createdAt: T0 });
        let n = 0;
        const add = (over: Partial<NewTicket>) => store.insertTicket(ticket({ seq: ++n, number: `A${100 + n}`, holderNumber: null, ...over }));
        const w1 = await add({ issuedAt: T0 });
        await add({ issuedAt: T0 + 1 });
        const g1 = await add({ priority: 'elderly', issuedAt: T0 + 2 });
        await add({ priority: 'disabled', issuedAt: T0 + 3 });
        const a1 = await add({ priority: 'appointment', appointmentId: ap.id, issuedAt: T0 + 4 });
        const a2 = await add({ priority: 'appointment', appointmentId: null, issuedAt: T0 + 5 });
        await add({ category: 'B', issuedAt: T0 - 10 });
        const called = await add({ issuedAt: T0 - 5 });
        await store.updateTicket(called.id, { status: 'called', calledAt: T0 + 9 });
        expect((await store.listCallCandidates('2026-11-25', 'A')).map((t) => t.id)).toEqual([w1.id, g1.id, a1.id, a2.id]);
        expect(await store.listCallCandidates('2026-11-25', 'C')).toEqual([]);
        expect(await store.listCallCandidates('2026-11-26', 'A')).toEqual([]);

        const call = (t: { id: number; number: string }, recall: number, at: number) => store.addCounterCall({ callId: `c-${t.id}-${recall}`,
          ticketId: t.id, number: t.number, window: 1, text: 'x', recall, at, day: '2026-11-25', reason: null });
        await call(called, 0, T0 + 9);
        await call(g1, 0, T0 + 10);
        await call(g1, 1, T0 + 11);
        await call(w1, 0, T0 + 12);
        const b = (await store.listTickets('2026-11-25', { category: 'B' }))[0];
        await call(b, 0, T0 + 13);
        expect(await store.listCalledOfCategory('2026-11-25', 'A', 10)).toEqual([
          { id: w1.id, priority: null }, { id: g1.id, priority: 'elderly' }, { id: called.id, priority: null },
        ]);
        expect(await store.listCalledOfCategory('2026-11-25', 'A', 2)).toHaveLength(2);
        expect(await store.listCalledOfCategory('2026-11-25', 'B', 10)).toEqual([{ id: b.id, priority: null }]);
        expect(await store.listCalledOfCategory('2026-11-26', 'A', 10)).toEqual([]);
      });

      it('round-trips tickets: numbers as numbers, partial patches, filters, transfers', async () => {
        const store = await open();
        await seedBasics(store);
        const t = await store.insertTicket(ticket({ priority: 'elderly' }));
        expect(t).toEqual({ ...ticket({ priority: 'elderly' }), id: t.id, status: 'waiting', calledAt: null, startedAt: null,
          finishedAt: null });
        await store.insertTicket(ticket({ category: 'B', seq: 1, number: 'B001', holderNumber: null, issuedAt: T0 + 1 }));
        await store.updateTicket(t.id, { status: 'serving', calledAt: T0 + 10, startedAt: T0 + 20 });
        await store.updateTicket(t.id, { finishedAt: T0 + 60_020, status: 'done' });
        expect(await store.getTicket(t.id)).toMatchObject({ status: 'done', calledAt: T0 + 10,
          startedAt: T0 + 20, finishedAt: T0 + 60_020, priority: 'elderly' });
        await store.updateTicket(t.id, { priority: null });
        expect((await store.getTicket(t.id))?.priority).toBeNull();
        await expect(store.updateTicket(999_999, { status: 'done' })).rejects.toThrow(/does not exist/);
        expect(await store.recentServiceDurations('A', 5)).toEqual([60_000]);
        expect((await store.listTickets('2026-11-25')).map((x) => x.number)).toEqual(['A001', 'B001']);
        expect((await store.listTickets('2026-11-25', { category: 'B' })).map((x) => x.number)).toEqual(['B001']);
        expect((await store.listTickets('2026-11-25', { status: 'done' })).map((x) => x.number)).toEqual(['A001']);
        expect((await store.listTickets('2026-11-25', { holderNumber: HOLDER })).map((x) => x.number)).toEqual(['A001']);
        expect(await store.listTickets('2026-11-25', { holderNumber: '110101199001011237' })).toEqual([]);
        expect(await store.listTickets('2026-11-25', { holderNumber: HOLDER, status: 'waiting' })).toEqual([]);
        expect(await store.findWaitingTicket('2026-11-25', 'A', HOLDER)).toBeUndefined();
        await store.transferTicket({ ticketId: t.id, fromCategory: 'A', toCategory: 'C', window: 3, at: T0 + 5 });
        expect(await store.getTicket(t.id)).toMatchObject({ category: 'C', status: 'waiting', calledAt: null, startedAt: null, number: 'A001' });
        expect(await store.listTicketTransfers(t.id)).toEqual([{ ticketId: t.id, fromCategory: 'A', toCategory: 'C', window: 3, at: T0 + 5 }]);
        await expect(store.transferTicket({ ticketId: 999_999, fromCategory: 'A', toCategory: 'C', window: 3, at: T0 })).rejects.toThrow(/does not exist/);
        expect(await store.listTicketTransfers(999_999)).toEqual([]);
      });

      it('round-trips slots and appointments: booked counts, one active booking, status patches', async () => {
        const store = await open();
        await seedBasics(store);
        const slot = { serviceId: SERVICE_A, day: '2026-11-26', start: '09:00', minutes: 30, capacity: 2 };
        await store.ensureSlots([slot, { ...slot, start: '09:30' }]);
        await store.ensureSlots([{ ...slot, capacity: 9 }]);
        const slots = await store.listSlots(SERVICE_A, '2026-11-26');
        expect(slots.map((s) => [s.start, s.capacity, s.booked])).toEqual([['09:00', 2, 0], ['09:30', 2, 0]]);
        const a = await store.insertAppointment({ slotId: slots[0].id, holderNumber: HOLDER, createdAt: T0 });
        expect(a).toMatchObject({ serviceId: SERVICE_A, day: '2026-11-26', start: '09:00', status: 'booked', createdAt: T0, updatedAt: T0, ticketId: null });
        await expect(store.insertAppointment({ slotId: slots[1].id, holderNumber: HOLDER, createdAt: T0 })).rejects.toThrow(/UNIQUE|unique constraint/);
        await expect(store.insertAppointment({ slotId: 999_999, holderNumber: HOLDER, createdAt: T0 })).rejects.toThrow(/does not exist/);
        expect((await store.getSlot(slots[0].id))?.booked).toBe(1);
        expect(await store.findActiveAppointment(HOLDER, SERVICE_A, '2026-11-26')).toEqual(a);
        expect(await store.listBookedBefore('2026-11-27')).toEqual([a]);
        const t = await store.insertTicket(ticket());
        await store.updateAppointment(a.id, { status: 'checkedIn', ticketId: t.id, updatedAt: T0 + 1 });
        await store.updateAppointment(a.id, { status: 'checkedIn', updatedAt: T0 + 2 });
        expect(await store.getAppointment(a.id)).toMatchObject({ status: 'checkedIn', ticketId: t.id, updatedAt: T0 + 2 });
        await expect(store.updateAppointment(999_999, { status: 'canceled', updatedAt: T0 })).rejects.toThrow(/does not exist/);
        expect((await store.listAppointmentsOfHolder(HOLDER, '2026-11-26')).map((x) => x.id)).toEqual([a.id]);
        expect((await store.listAppointmentsOfDay('2026-11-26')).map((x) => x.id)).toEqual([a.id]);
        await store.addNoShow({ holderNumber: HOLDER, day: '2026-11-20', appointmentId: null });
        expect(await store.listNoShows(HOLDER, '2026-11-01')).toMatchObject([{ holderNumber: HOLDER, day: '2026-11-20', appointmentId: null }]);
      });

      it('round-trips applications, events, certificates and the print log', async () => {
        const store = await open();
        await seedBasics(store);
        const app = { serial: 'S-1', serviceId: SERVICE_A, applicantNumber: HOLDER, status: 'accepted' as const, acceptedAt: T0,
          acceptedDay: '2026-11-25', result: null, commitments: ['无犯罪记录证明'], updatedAt: T0 };
        await store.insertApplication(app);
        expect(await store.getApplication('S-1')).toEqual(app);
        await store.updateApplication('S-1', { status: 'review', result: null, updatedAt: T0 + 1 });
        await store.addApplicationEvent({ serial: 'S-1', status: 'review', at: T0 + 1, day: '2026-11-25', note: null });
        expect((await store.listApplicationEvents('S-1')).map((e) => [e.status, e.at])).toEqual([['review', T0 + 1]]);
        expect((await store.listOpenApplications()).map((x) => x.serial)).toEqual(['S-1']);
        expect((await store.listApplicationsOfApplicant(HOLDER)).map((x) => x.status)).toEqual(['review']);
        await expect(store.updateApplication('nope', { status: 'done', result: null, updatedAt: T0 })).rejects.toThrow(/does not exist/);
        const cert = { identifier: 'C-1', typeName: '营业执照', issuerName: '市监局', holderNumber: HOLDER, holderName: '张三丰',
          issuedOn: '2026-01-02', expiresOn: null, revokedAt: null, revokeReason: null };
        await store.insertCertificate(cert);
        await store.revokeCertificate('C-1', T0, '遗失');
        expect(await store.listCertificatesOfHolder(HOLDER)).toEqual([{ ...cert, revokedAt: T0, revokeReason: '遗失' }]);
        await expect(store.revokeCertificate('nope', T0, 'x')).rejects.toThrow(/does not exist/);
        const p = await store.addPrintLog({ at: T0, kind: 'queueTicket', ref: 'A001', maskedNumber: '4401**********1231', detail: null });
        expect(await store.listPrintLog(5)).toEqual([p]);
      });

      it('round-trips the counter workflow records and the kiosk request answers', async () => {
        const store = await open();
        await seedBasics(store);
        const t = await store.insertTicket(ticket());
        const w = { window: 3, ticketId: t.id, recalls: 1, paused: true, ratingTicketId: null, updatedAt: T0 };
        await store.saveCounterWindow(w);
        await store.saveCounterWindow({ ...w, paused: false, recalls: 2 });
        expect(await store.getCounterWindow(3)).toEqual({ ...w, paused: false, recalls: 2 });
        expect(await store.listCounterWindows()).toHaveLength(1);
        const ev = { eventId: 'e1', window: 3, key: 'call', outcome: 'called A001', appliedAt: T0 };
        await store.addAppliedCounterEvent(ev);
        await expect(store.addAppliedCounterEvent(ev)).rejects.toThrow();
        expect(await store.getAppliedCounterEvent('e1')).toEqual(ev);
        const call = { callId: 'c1', ticketId: t.id, number: 'A001', window: 3, text: '请A001号到3号窗口办理', recall: 0, at: T0, day: '2026-11-25', reason: null };
        await store.addCounterCall(call);
        const why = '预约号：自上次预约后已叫2个现场号 / appointment: 2 walk-ins called since the last one (1:2)';
        await store.addCounterCall({ ...call, callId: 'c2', recall: 1, at: T0 + 1, reason: why });
        expect((await store.listCounterCalls('2026-11-25', 1))).toEqual([{ ...call, callId: 'c2', recall: 1, at: T0 + 1, reason: why }]);
        expect((await store.listCounterCalls('2026-11-25', 2))[1]).toEqual(call);
        // hold pool: one hold per ticket, open until brought back or its time ran out
        const hold = { ticketId: t.id, window: 3, heldAt: T0, untilAt: T0 + 600_000, releasedAt: null };
        await store.addTicketHold(hold);
        expect(await store.getTicketHold(t.id)).toEqual(hold);
        expect(await store.listOpenTicketHolds(T0 + 600_000)).toEqual([hold]);
        expect(await store.listOpenTicketHolds(T0 + 600_001)).toEqual([]);
        expect(await store.releaseTicketHold(t.id, T0 + 5)).toBe(true);
        expect(await store.releaseTicketHold(t.id, T0 + 6)).toBe(false);
        expect(await store.getTicketHold(t.id)).toEqual({ ...hold, releasedAt: T0 + 5 });
        expect(await store.listOpenTicketHolds(T0)).toEqual([]);
        await store.addTicketHold({ ...hold, heldAt: T0 + 10, untilAt: T0 + 20 }); // held again: replaces
        expect(await store.getTicketHold(t.id)).toEqual({ ...hold, heldAt: T0 + 10, untilAt: T0 + 20 });
        const rating = { ticketId: t.id, window: 3, rating: 5, at: T0, day: '2026-11-25' };
        expect(await store.addTicketRating(rating)).toBe(true);
        expect(await store.addTicketRating({ ...rating, rating: 1 })).toBe(false);
        expect(await store.getTicketRating(t.id)).toEqual(rating);
        expect(await store.listTicketRatingsOfDay('2026-11-25')).toEqual([rating]);
        const f = await store.addRatingFollowUp({ ticketId: t.id, window: 3, rating: 5, openedAt: T0, openedDay: '2026-11-25', deadlineDay: '2026-12-16' });
        expect(f).toMatchObject({ ticketId: t.id, closedAt: null, note: null });
        expect(await store.listRatingFollowUps({ openOnly: true })).toEqual([f]);
        expect(await store.listRatingFollowUps()).toEqual([f]);
        const req = { kioskId: 'kiosk-1', requestId: 'r1', op: 'queue.take', answer: '{"number":"A001"}', appliedAt: T0 };
        await store.addKioskRequest(req);
        await store.addKioskRequest({ ...req, answer: '{"number":"A002"}' });
        expect(await store.getKioskRequest('kiosk-1', 'r1')).toEqual(req);
        expect(await store.countKioskRequests('kiosk-1')).toBe(1);
        expect(await store.countKioskRequests('kiosk-2')).toBe(0);
      });
    });

    describe('catalogue (migration 7: department codes, service windows, catalogue loads)', () => {
      const dept = (over: Partial<CodedDepartment> = {}): CodedDepartment => ({
        code: 'D01', name: '省发展改革委', batch: 1, batchDeadline: '2016-03-31', sortOrder: 1, ...over,
      });

      it('upserts a department by code: inserts, then renames in place (same id), and adopts a code-less namesake', async () => {
        const store = await open();
        const a = await store.upsertDepartmentByCode(dept());
        expect(a).toMatchObject({ code: 'D01', name: '省发展改革委', batch: 1, batchDeadline: '2016-03-31', sortOrder: 1 });
        const renamed = await store.upsertDepartmentByCode(dept({ name: '省发展和改革委员会', sortOrder: 5 }));
        expect(renamed).toEqual({ ...a, name: '省发展和改革委员会', sortOrder: 5 });
        // A department stored by name only (the older seed) is given the code, not duplicated.
        const [old] = await store.upsertDepartments([{ name: '省民政厅', batch: 1, batchDeadline: '2016-03-31', sortOrder: 2 }])
          .then((all) => all.filter((d) => d.name === '省民政厅'));
        expect(old.code).toBeNull();
        const adopted = await store.upsertDepartmentByCode(dept({ code: 'D05', name: '省民政厅', batch: 2, sortOrder: 2 }));
        expect(adopted).toMatchObject({ id: old.id, code: 'D05', batch: 2 });
        expect((await store.listDepartments()).map((d) => [d.code, d.name])).toEqual([['D05', '省民政厅'], ['D01', '省发展和改革委员会']]);
        // Codes are unique in the table (a second row with D01 written past the store is refused).
        await expect(target.sql(`INSERT INTO departments (hall_id, code, name, batch, batch_deadline, sort_order)
          VALUES (?, 'D01', 'x', 1, '', 9)`, store.hallId))
          .rejects.toThrow();
      });

      it('a database migrated from version 6 keeps its departments, code-less, and a load adopts them', async () => {
        await target.migrateTo(6);
        await target.sql("INSERT INTO departments (name, batch, batch_deadline, sort_order) VALUES ('省民政厅', 1, '2016-03-31', 5)");
        const store = await open();
        expect(await store.schemaVersion()).toBe(LATEST);
        const [before] = await store.listDepartments();
        expect(before).toMatchObject({ code: null, name: '省民政厅' });
        expect(await store.upsertDepartmentByCode(dept({ code: 'D05', name: '省民政厅', sortOrder: 5 }))).toMatchObject({ id: before.id, code: 'D05' });
      });

      it('round-trips service windows by number, replacing on upsert; the table refuses bad numbers and a shared terminal', async () => {
        const store = await open();
        expect(await store.listHallWindows()).toEqual([]);
        await store.upsertHallWindow({ window: 3, name: '3号窗口', deviceId: 'counters', unit: 3, categories: ['B'] });
        await store.upsertHallWindow({ window: 1, name: '1号窗口', deviceId: 'counters', unit: 1, categories: [] });
        await store.upsertHallWindow({ window: 3, name: '3号窗口（社保）', deviceId: 'counters', unit: 3, categories: ['B', 'C'] });
        expect(await store.listHallWindows()).toEqual([
          { window: 1, name: '1号窗口', deviceId: 'counters', unit: 1, categories: [] },
          { window: 3, name: '3号窗口（社保）', deviceId: 'counters', unit: 3, categories: ['B', 'C'] },
        ]);
        await expect(store.upsertHallWindow({ window: 4, name: 'x', deviceId: 'counters', unit: 1, categories: [] })).rejects.toThrow();
        await expect(store.upsertHallWindow({ window: 1000, name: 'x', deviceId: 'counters', unit: 9, categories: [] })).rejects.toThrow();
        await expect(store.upsertHallWindow({ window: 5, name: 'x', deviceId: 'counters', unit: 33, categories: [] })).rejects.toThrow();
        expect(await store.listHallWindows()).toHaveLength(2);
      });

      it('round-trips life events by code in their order, replacing on upsert', async () => {
        const store = await open();
        expect(await store.listLifeEvents()).toEqual([]);
        await store.upsertLifeEvent({ code: 'retire', name: '退休', sortOrder: 2, services: ['T-0002'] });
        await store.upsertLifeEvent({ code: 'birth', name: '生孩子', sortOrder: 1, services: ['T-0001', 'T-0002'] });
        await store.upsertLifeEvent({ code: 'retire', name: '退休养老', sortOrder: 0, services: [] });
        expect(await store.listLifeEvents()).toEqual([
          { code: 'retire', name: '退休养老', sortOrder: 0, services: [] },
          { code: 'birth', name: '生孩子', sortOrder: 1, services: ['T-0001', 'T-0002'] },
        ]);
      });

      it('counts use per service (appointments not canceled, applications) and tickets per category since a day', async () => {
        const store = await open();
        await seedBasics(store);
        expect(await store.serviceUseSince('2026-11-01')).toEqual({ services: {}, categories: {} });
        const slot = { serviceId: SERVICE_A, day: '2026-11-26', start: '09:00', minutes: 30, capacity: 5 };
        await store.ensureSlots([slot, { ...slot, serviceId: SERVICE_B }, { ...slot, day: '2026-10-01' }]);
        const [a1] = await store.listSlots(SERVICE_A, '2026-11-26');
        const [b1] = await store.listSlots(SERVICE_B, '2026-11-26');
        const [old] = await store.listSlots(SERVICE_A, '2026-10-01');
        await store.insertAppointment({ slotId: a1.id, holderNumber: HOLDER, createdAt: T0 });
        await store.insertAppointment({ slotId: old.id, holderNumber: HOLDER, createdAt: T0 });
        const canceled = await store.insertAppointment({ slotId: b1.id, holderNumber: HOLDER, createdAt: T0 });
        await store.updateAppointment(canceled.id, { status: 'canceled', updatedAt: T0 + 1 });
        await store.insertApplication({ serial: 'S-1', serviceId: SERVICE_A, applicantNumber: HOLDER, status: 'accepted', acceptedAt: T0,
          acceptedDay: '2026-11-25', result: null, commitments: [], updatedAt: T0 });
        await store.insertTicket(ticket());
        await store.insertTicket(ticket({ category: 'B', number: 'B001', holderNumber: null }));
        await store.insertTicket(ticket({ category: 'B', seq: 2, number: 'B002', holderNumber: null }));
        await store.insertTicket(ticket({ day: '2026-10-01', number: 'A001', holderNumber: null }));
        expect(await store.serviceUseSince('2026-11-01')).toEqual({ services: { [SERVICE_A]: 2 }, categories: { A: 1, B: 2 } });
      });

      it('logs catalogue loads with ids, epoch ms as numbers and file lists, newest first, up to the limit', async () => {
        const store = await open();
        const first = await store.addCatalogueLoad({ at: T0, hallId: 'gz-tianhe', files: ['catalogue.json'], summary: 'services: 2 added' });
        const second = await store.addCatalogueLoad({ at: T0 + 60_000, hallId: null, files: ['services.csv', 'holidays.csv'], summary: 'services: 1 changed' });
        expect(second.id).toBeGreaterThan(first.id);
        expect(await store.listCatalogueLoads(10)).toEqual([second, first]);
        expect(await store.listCatalogueLoads(1)).toEqual([second]);
        // A load is recorded for the hall of the store it went into, whatever the caller named.
        expect((await store.listCatalogueLoads(10))[1]).toEqual({ id: first.id, at: T0, hallId: store.hallId, files: ['catalogue.json'], summary: 'services: 2 added' });
      });

      it('runs the catalogue writes inside a transaction and rolls them back with it', async () => {
        const store = await open();
        await expect(store.withTransaction(async (tx) => {
          await tx.upsertDepartmentByCode(dept());
          await tx.upsertHallWindow({ window: 1, name: '1号窗口', deviceId: 'counters', unit: 1, categories: [] });
          await tx.addCatalogueLoad({ at: T0, hallId: null, files: ['c.json'], summary: '' });
          throw new Error('refused');
        })).rejects.toThrow('refused');
        expect([await store.listDepartments(), await store.listHallWindows(), await store.listCatalogueLoads(5)]).toEqual([[], [], []]);
      });
    });

    describe('access audit (append only, masked at the append)', () => {
      const entry = (over: Partial<NewAccessAuditRecord> = {}): NewAccessAuditRecord => ({
        at: T0, day: '2026-11-25', actorKind: 'kiosk', actor: 'kiosk-1', role: null, function: 'queue.take', maskedNumber: HOLDER,
        result: 'success', code: null, detail: null, ...over,
      });

      it('masks a full number and an ID-shaped run in free text, returns the row, and pages newest first', async () => {
        const store = await open();
        const a = await store.appendAccessAudit(entry({ detail: `for ${HOLDER}` }));
        expect(a).toEqual({ ...entry(), id: a.id, maskedNumber: '4401**********1231', detail: 'for 4401**********1231' });
        await store.appendAccessAudit(entry({ actor: 'kiosk-2', function: 'certificates.list', result: 'refused', code: 'notYours' }));
        await store.appendAccessAudit(entry({ actorKind: 'staff', actor: 'manager', role: 'manager', function: 'audit.view',
          maskedNumber: null, day: '2026-11-26', at: T0 + 86_400_000 }));
        const all = await store.queryAccessAudit({ limit: 10, offset: 0 });
        expect(all.total).toBe(3);
        expect(all.entries.map((e) => e.actor)).toEqual(['manager', 'kiosk-2', 'kiosk-1']);
        expect(all.entries[0]).toMatchObject({ role: 'manager', maskedNumber: null, at: T0 + 86_400_000 });
        expect(await store.queryAccessAudit({ day: '2026-11-25', limit: 10, offset: 0 })).toMatchObject({ total: 2 });
        expect(await store.queryAccessAudit({ actor: 'kiosk-2', function: 'certificates.list', limit: 10, offset: 0 }))
          .toMatchObject({ total: 1, entries: [{ result: 'refused', code: 'notYours' }] });
        const page2 = await store.queryAccessAudit({ limit: 2, offset: 2 });
        expect(page2).toEqual({ total: 3, entries: [a] });
        expect(JSON.stringify(await target.sql('SELECT * FROM access_audit'))).not.toContain(HOLDER);
      });

      it('the table refuses an UPDATE and a full number written past the store', async () => {
        const store = await open();
        await store.appendAccessAudit(entry());
        await expect(target.sql("UPDATE access_audit SET actor = 'someone else'")).rejects.toThrow(/append-only/);
        await expect(target.sql(`INSERT INTO access_audit (at, day, actor_kind, actor, function, masked_number, result)
          VALUES (1, '2026-11-25', 'kiosk', 'k', 'queue.take', ?, 'success')`, HOLDER)).rejects.toThrow(/CHECK constraint|check constraint/);
        expect((await store.queryAccessAudit({ limit: 10, offset: 0 })).entries.map((e) => e.actor)).toEqual(['kiosk-1']);
      });
    });

    describe('health check and retention', () => {
      const LONG_AGO = { day: '2000-01-01', at: 0 };
      const cutoffs = (over: Partial<HallRetentionCutoffs>): HallRetentionCutoffs => ({
        maskTickets: LONG_AGO, deleteTickets: LONG_AGO, maskAppointments: LONG_AGO, deleteAppointments: LONG_AGO, deleteNoShows: LONG_AGO,
        maskClosedApplications: LONG_AGO, maskEndedCertificates: LONG_AGO, deleteKioskRequests: LONG_AGO, deleteAccessAudit: LONG_AGO,
        ...over,
      });
      const NONE: HallRetentionResult = { ticketsMasked: 0, ticketsDeleted: 0, appointmentsMasked: 0, appointmentsDeleted: 0,
        noShowsDeleted: 0, applicationsMasked: 0, intakeFormsErased: 0, certificatesMasked: 0, resultAddressesErased: 0, kioskRequestsDeleted: 0,
        accessAuditDeleted: 0, noticesDeleted: 0 };

      it('checkReadable answers from the database while it is open, and rejects once it is closed', async () => {
        const store = await open();
        await expect(store.checkReadable()).resolves.toBeUndefined();
        await store.close();
        await expect(store.checkReadable()).rejects.toThrow(/closed/);
      });

      it('masks as SQLite\'s UPDATE OR IGNORE does: a waiting ticket whose masked number would collide keeps its number; idempotent', async () => {
        const store = await open();
        await seedBasics(store);
        // Three numbers that mask alike (4401**********1231): two waiting tickets in one category, one finished.
        const t1 = await store.insertTicket(ticket({ day: '2026-11-24' }));
        const t2 = await store.insertTicket(ticket({ day: '2026-11-24', seq: 2, number: 'A002', holderNumber: '440106200001011231' }));
        const t3 = await store.insertTicket(ticket({ day: '2026-11-24', seq: 3, number: 'A003', holderNumber: '440106198501011231' }));
        await store.updateTicket(t3.id, { status: 'done', finishedAt: T0 });
        const today = await store.insertTicket(ticket({ day: '2026-11-25' }));
        const c = cutoffs({ maskTickets: { day: '2026-11-25', at: T0 } });
        expect(await store.applyRetention(c)).toEqual({ ...NONE, ticketsMasked: 2 });
        expect((await store.getTicket(t1.id))!.holderNumber).toBe('4401**********1231');
        expect((await store.getTicket(t2.id))!.holderNumber).toBe('440106200001011231');
        expect((await store.getTicket(t3.id))!.holderNumber).toBe('4401**********1231');
        expect((await store.getTicket(today.id))!.holderNumber).toBe(HOLDER);
        expect(await store.applyRetention(c)).toEqual(NONE);
      });

      it('deletes children before parents, masks certificate holders (name too), and removes old answers and audit rows', async () => {
        const store = await open();
        await seedBasics(store);
        const old = await store.insertTicket(ticket({ day: '2026-01-05' }));
        await store.addCounterCall({ callId: 'c-old', ticketId: old.id, number: 'A001', window: 1, text: '请A001号到1号窗口办理', recall: 0,
          at: T0, day: '2026-01-05', reason: null });
        await store.addTicketHold({ ticketId: old.id, window: 1, heldAt: T0, untilAt: T0 + 60_000, releasedAt: null });
        await store.addTicketRating({ ticketId: old.id, window: 1, rating: 5, at: T0, day: '2026-01-05' });
        await store.saveCounterWindow({ window: 1, ticketId: old.id, recalls: 0, paused: false, ratingTicketId: old.id, updatedAt: T0 });
        await store.insertCertificate({ identifier: 'CERT-OLD', typeName: '测试证照', issuerName: '测试局', holderNumber: HOLDER,
          holderName: '欧阳娜娜', issuedOn: '2020-01-01', expiresOn: '2025-01-01', revokedAt: null, revokeReason: null });
        await store.addKioskRequest({ kioskId: 'k', requestId: 'old', op: 'queue.take', answer: '{}', appliedAt: T0 - 1 });
        await store.appendAccessAudit({ at: T0 - 1, day: '2026-11-24', actorKind: 'kiosk', actor: 'k', role: null, function: 'queue.take',
          maskedNumber: null, result: 'success', code: null, detail: null });
        const now = { day: '2026-11-25', at: T0 };
        const c = cutoffs({ deleteTickets: now, maskEndedCertificates: now, deleteKioskRequests: now, deleteAccessAudit: now });
        expect(await store.applyRetention(c)).toEqual({ ...NONE, ticketsDeleted: 1, certificatesMasked: 1, kioskRequestsDeleted: 1,
          accessAuditDeleted: 1 });
        expect(await store.getTicket(old.id)).toBeUndefined();
        expect(await store.getTicketRating(old.id)).toBeUndefined();
        expect(await store.getTicketHold(old.id)).toBeUndefined();
        expect(await store.getCounterWindow(1)).toMatchObject({ ticketId: null, ratingTicketId: null });
        expect(await store.getCertificate('CERT-OLD')).toMatchObject({ holderNumber: '4401**********1231', holderName: '欧***' });
        expect(await store.getKioskRequest('k', 'old')).toBeUndefined();
        expect(await store.applyRetention(c)).toEqual(NONE);
      });

      describe('kiosk intake (migration 9: self-service items, pre-review applications, commitments, checks)', () => {
      const FIELDS = [{ key: 'phone', label: '联系电话', type: 'digits' as const, required: true, minLength: 11, maxLength: 11, reuse: true }];
      const intake = (over: Partial<IntakeRecord> = {}): IntakeRecord => ({
        serial: 'GD20261125000001', hallId: DEFAULT_HALL_ID, requestId: 'req-1', kioskId: 'kiosk-1', serviceId: SERVICE_A, applicantNumber: HOLDER,
        state: 'pending', form: { phone: '13800138000', address: '广州市天河区体育西路1号' },
        materials: [{ name: '身份证', how: 'shared', source: '电子证照库：居民身份证' }, { name: '承诺事项', how: 'commitment' },
          { name: '原件', how: 'bring', ticket: 'A001' }],
        commitmentReview: false, submittedAt: T0, submittedDay: '2026-11-25', decidedAt: null, decidedBy: null, reason: null, ...over,
      });
      const commitment = (serial: string, material = '承诺事项') => ({ serial, material, applicantNumber: HOLDER, signedAt: T0,
        kioskId: 'kiosk-1', textVersion: 'v2', cardMasked: '4401**********1231', dueDay: '2026-12-25' });

      it('stores an item\'s self-service flag, form fields and commitment texts; items without them read back as before', async () => {
        const store = await open();
        await seedBasics(store);
        const item = (await store.getServiceItem(SERVICE_A))!;
        expect(item.selfApply).toBeUndefined();
        await store.upsertServiceItem({ ...item, selfApply: true, formFields: FIELDS }, [
          { name: '承诺事项', fetchedFrom: null, commitmentAllowed: true, commitmentText: '本人承诺所填信息真实。', commitmentVersion: 'v2' },
          { name: '原件', fetchedFrom: null, commitmentAllowed: false }]);
        expect(await store.getServiceItem(SERVICE_A)).toMatchObject({ selfApply: true, formFields: FIELDS });
        const mats = await store.listMaterials(SERVICE_A);
        expect(mats[0]).toMatchObject({ commitmentText: '本人承诺所填信息真实。', commitmentVersion: 'v2' });
        expect(mats[1].commitmentText).toBeUndefined();
        await store.upsertServiceItem({ ...item }, []);
        expect((await store.getServiceItem(SERVICE_A))!.selfApply).toBeUndefined();
      });

      it('round-trips an application; one per (kiosk, requestId), found again by it', async () => {
        const store = await open();
        await seedBasics(store);
        await store.insertIntake(intake());
        expect(await store.getIntake('GD20261125000001')).toEqual(intake());
        expect(await store.findIntakeByRequest('kiosk-1', 'req-1')).toEqual(intake());
        expect(await store.findIntakeByRequest('kiosk-2', 'req-1')).toBeUndefined();
        await expect(store.insertIntake(intake({ serial: 'GD20261125000002' }))).rejects.toThrow();
        await store.insertIntake(intake({ serial: 'GD20261125000002', kioskId: 'kiosk-2', submittedAt: T0 + 1 }));
        expect((await store.listIntakes({ state: 'pending' })).map((a) => a.serial)).toEqual(['GD20261125000001', 'GD20261125000002']);
        expect(await store.listIntakes({ applicantNumber: '440106199003070000' })).toEqual([]);
      });

      it('decides a pending application once; a second decision changes nothing', async () => {
        const store = await open();
        await seedBasics(store);
        await store.insertIntake(intake());
        expect(await store.decideIntake('GD20261125000001', { state: 'accepted', decidedAt: T0 + 5, decidedBy: 'clerk', reason: null })).toBe(true);
        expect(await store.decideIntake('GD20261125000001', { state: 'rejected', decidedAt: T0 + 6, decidedBy: 'clerk2', reason: 'x' })).toBe(false);
        expect(await store.getIntake('GD20261125000001')).toMatchObject({ state: 'accepted', decidedAt: T0 + 5, decidedBy: 'clerk', reason: null });
        expect(await store.listIntakes({ state: 'pending' })).toEqual([]);
        expect(await store.decideIntake('nope', { state: 'accepted', decidedAt: T0, decidedBy: 'clerk', reason: null })).toBe(false);
      });

      it('records commitments as check items (one per material), checked once; counts the applicant\'s false ones', async () => {
        const store = await open();
        await seedBasics(store);
        await store.insertIntake(intake());
        const c = await store.addCommitment(commitment('GD20261125000001'));
        expect(c).toMatchObject({ ...commitment('GD20261125000001'), checkState: 'open', checkedAt: null, checkedBy: null, checkNote: null });
        await expect(store.addCommitment(commitment('GD20261125000001'))).rejects.toThrow();
        expect(await store.listCommitments({ openOnly: true })).toEqual([c]);
        expect(await store.recordCommitmentCheck(c.id, { state: 'false', checkedAt: T0 + 9, checkedBy: 'mgr', note: '无此记录' })).toBe(true);
        expect(await store.recordCommitmentCheck(c.id, { state: 'confirmed', checkedAt: T0 + 10, checkedBy: 'mgr', note: null })).toBe(false);
        expect(await store.listCommitments({ openOnly: true })).toEqual([]);
        expect(await store.listCommitments({ serial: 'GD20261125000001' })).toEqual([{ ...c, checkState: 'false', checkedAt: T0 + 9,
          checkedBy: 'mgr', checkNote: '无此记录' }]);
        expect(await store.countFalseCommitments(HOLDER)).toBe(1);
        expect(await store.countFalseCommitments('440106199003070000')).toBe(0);
      });

      it('retention erases the form data of decided, closed applications and masks their numbers; open ones stay', async () => {
        const store = await open();
        await seedBasics(store);
        await store.insertIntake(intake());
        await store.insertIntake(intake({ serial: 'GD20261125000002', requestId: 'req-2' }));
        await store.addCommitment(commitment('GD20261125000001'));
        await store.decideIntake('GD20261125000001', { state: 'returned', decidedAt: T0, decidedBy: 'clerk', reason: '照片不清晰' });
        const c = cutoffs({ maskClosedApplications: { day: '2026-11-26', at: T0 + 1 } });
        expect(await store.applyRetention(c)).toEqual({ ...NONE, intakeFormsErased: 1 });
        expect(await store.getIntake('GD20261125000001')).toMatchObject({ form: {}, applicantNumber: '4401**********1231' });
        expect((await store.listCommitments())[0].applicantNumber).toBe('4401**********1231');
        expect(await store.getIntake('GD20261125000002')).toMatchObject({ form: intake().form, applicantNumber: HOLDER });
        expect(await store.applyRetention(c)).toEqual(NONE);
      });
    });
    });
  });
}
