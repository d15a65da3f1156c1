/**
 * A ticket's request record and audit entry written once per event-loop turn on SQLite (store/turnBatchedWrites.ts):
 * the writes of one turn share one transaction, each caller gets its own write's result once it is stored, a write
 * the store refuses fails only its caller, and a hall opened on SQLite (api/kioskHall.ts) writes the records of
 * concurrent linked-kiosk tickets that way, still answering each resend from its record.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KioskLinkAnswer, KioskLinkCitizen } from '@onedoor/protocol';
import { silentLogger } from '../../src/index.ts';
import { openKioskHall, type KioskHall } from '../../src/api/kioskHall.ts';
import { AccessAuditLog } from '../../src/hall/accessAudit.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { linkAudit } from '../../src/hallLink/auditedHallRequests.ts';
import { hallRequestHandler } from '../../src/hallLink/hallRequests.ts';
import type { NewAccessAuditRecord } from '../../src/store/accessAuditRecords.ts';
import { openSqliteHallStore, type SqliteHallStore } from '../../src/store/hallSqlite.ts';
import type { HallStore } from '../../src/store/hallStore.ts';
import { batchWritesPerTurn } from '../../src/store/turnBatchedWrites.ts';
import { libraryHolder, seedBasics } from '../hall/fixture.ts';

/** The real store, with a count of its transactions and of the record writes made on it outside one. */
function counted(store: SqliteHallStore) {
  const calls = { transactions: 0, addKioskRequest: 0, appendAccessAudit: 0 };
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'withTransaction' || prop === 'withPersonTransaction') {
        return (...args: unknown[]) => {
          calls.transactions++;
          return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      if (prop === 'addKioskRequest' || prop === 'appendAccessAudit') {
        return (...args: unknown[]) => {
          calls[prop]++;
          return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  return { store: proxy as HallStore, calls };
}

const entry = (i: number, result = 'success'): NewAccessAuditRecord => ({
  at: Date.UTC(2026, 10, 25, 2, 0, i), day: '2026-11-25', actorKind: 'kiosk', actor: `kiosk-${i}`, role: null,
  function: 'queue.take', maskedNumber: '110101********1234', result: result as 'success', code: null, detail: null,
});

let dir: string;
let raw: SqliteHallStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'od-turn-writes-'));
  raw = openSqliteHallStore(join(dir, 'hall.sqlite'));
});
afterEach(async () => {
  await raw.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('record writes batched per turn', () => {
  it('the writes asked for in one turn go into one transaction; each caller gets its own record once stored', async () => {
    const { store, calls } = counted(raw);
    const batched = batchWritesPerTurn(store);
    const audits = [0, 1, 2, 3, 4].map((i) => batched.appendAccessAudit(entry(i)));
    const records = [0, 1, 2].map((i) => batched.addKioskRequest({ kioskId: 'kiosk-1', requestId: `r${i}`, op: 'queue.take', answer: `{"n":${i}}`, appliedAt: i }));
    const written = await Promise.all(audits);
    await Promise.all(records);
    expect(calls).toEqual({ transactions: 1, addKioskRequest: 0, appendAccessAudit: 0 });
    // Each caller's own entry, in the order asked.
    expect(written.map((r) => r.actor)).toEqual(['kiosk-0', 'kiosk-1', 'kiosk-2', 'kiosk-3', 'kiosk-4']);
    expect(new Set(written.map((r) => r.id)).size).toBe(5);
    expect((await raw.queryAccessAudit({ limit: 100, offset: 0 })).total).toBe(5);
    expect(await raw.countKioskRequests('kiosk-1')).toBe(3);
    expect((await raw.getKioskRequest('kiosk-1', 'r2'))?.answer).toBe('{"n":2}');
  });

  it('a write the store refuses fails only its caller; the others are stored once each', async () => {
    const { store } = counted(raw);
    const batched = batchWritesPerTurn(store);
    const results = await Promise.allSettled([
      batched.appendAccessAudit(entry(0)),
      batched.appendAccessAudit(entry(1, 'not a result')),
      batched.addKioskRequest({ kioskId: 'kiosk-1', requestId: 'r1', op: 'queue.take', answer: '{}', appliedAt: 1 }),
      batched.appendAccessAudit(entry(2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const stored = await raw.queryAccessAudit({ limit: 100, offset: 0 });
    expect(stored.entries.map((e) => e.actor).sort()).toEqual(['kiosk-0', 'kiosk-2']);
    expect(await raw.countKioskRequests('kiosk-1')).toBe(1);
  });

  it('a lone write is made on its own, and writes of later turns go in batches of their own', async () => {
    const { store, calls } = counted(raw);
    const batched = batchWritesPerTurn(store);
    await batched.appendAccessAudit(entry(0));
    expect(calls).toEqual({ transactions: 0, addKioskRequest: 0, appendAccessAudit: 1 });
    await Promise.all([batched.appendAccessAudit(entry(1)), batched.appendAccessAudit(entry(2))]);
    await Promise.all([batched.appendAccessAudit(entry(3)), batched.appendAccessAudit(entry(4))]);
    expect(calls.transactions).toBe(2);
    expect((await raw.queryAccessAudit({ limit: 100, offset: 0 })).total).toBe(5);
    // Every other call goes straight to the store.
    expect(await batched.listQueueCategories()).toEqual(await raw.listQueueCategories());
  });

  it('a read of the records sees every write asked for before it, awaited or not', async () => {
    const batched = batchWritesPerTurn(counted(raw).store);
    // As a staff route records its audit entry once its answer has gone out, without anyone awaiting it.
    void batched.appendAccessAudit(entry(0));
    void batched.addKioskRequest({ kioskId: 'kiosk-1', requestId: 'r1', op: 'queue.take', answer: '{}', appliedAt: 1 });
    expect((await batched.queryAccessAudit({ limit: 100, offset: 0 })).entries.map((e) => e.actor)).toEqual(['kiosk-0']);
    void batched.addKioskRequest({ kioskId: 'kiosk-1', requestId: 'r2', op: 'queue.take', answer: '{}', appliedAt: 2 });
    expect(await batched.countKioskRequests('kiosk-1')).toBe(2);
  });

  it('writes asked for before the store closes are stored', async () => {
    const batched = batchWritesPerTurn(counted(raw).store);
    const written = [batched.appendAccessAudit(entry(0)), batched.appendAccessAudit(entry(1))];
    await batched.close();
    await Promise.all(written);
    raw = openSqliteHallStore(join(dir, 'hall.sqlite'));
    expect((await raw.queryAccessAudit({ limit: 100, offset: 0 })).total).toBe(2);
  });
});

describe('a hall on SQLite answering linked kiosks', () => {
  let hall: KioskHall;
  afterEach(async () => {
    await hall.close();
  });

  it('records concurrent tickets\' answers and audit entries in shared transactions, and answers each resend from its record', async () => {
    const { store, calls } = counted(raw);
    hall = await openKioskHall(dir, silentLogger(), { store, demo: (s) => seedBasics(s) });
    const audit = new AccessAuditLog(hall.store!, hall.clock, silentLogger());
    const handle = hallRequestHandler({ hall, audit: linkAudit(audit) });
    const citizens = ['zhang-sanfeng', 'wei-xiulan', 'wang-guifen'].map((h) => citizenFromHolder(libraryHolder(h)) as KioskLinkCitizen);
    const take = (i: number) => ({ requestId: `t${i}`, op: 'queue.take', citizen: citizens[i % citizens.length], args: [['A', 'B', 'C'][(i + Math.floor(i / 3)) % 3]] });
    // Three people, each with a ticket in two categories (one waiting ticket per person and category).
    const transactionsBefore = calls.transactions;
    const answers = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => handle(`kiosk-${i}`, take(i))));
    expect(answers.every((a) => a.ok)).toBe(true);
    // Six tickets' transactions, and their records in batches: none written one by one.
    expect(calls.addKioskRequest + calls.appendAccessAudit).toBe(0);
    expect(calls.transactions - transactionsBefore).toBeLessThan(6 + 6);
    expect((await raw.queryAccessAudit({ limit: 100, offset: 0 })).entries.filter((e) => e.function === 'queue.take')).toHaveLength(6);
    const numbers = answers.map((a) => (a as Extract<KioskLinkAnswer, { ok: true }>).result as { number: string }).map((r) => r.number);
    for (const [i, n] of numbers.entries()) {
      const again = await handle(`kiosk-${i}`, take(i));
      expect(again.replayed).toBe(true);
      expect(again.ok && (again.result as { number: string }).number).toBe(n);
    }
  });
});
