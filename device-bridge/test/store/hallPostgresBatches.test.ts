// The outer PostgreSQL store's shared statements (hallPostgresBatches.ts), on the real local server: concurrent calls
// of each batched kind (mixed keys, some missing) each get exactly what the same call made alone gets, in fewer
// statements than calls; the write batches store every row once and a row the table refuses fails its own caller
// only; the database being away fails every caller without going item by item; transaction handles are untouched.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KioskLinkCitizen } from '@onedoor/protocol';
import { silentLogger } from '../../src/index.ts';
import { openKioskHall } from '../../src/api/kioskHall.ts';
import { AccessAuditLog } from '../../src/hall/accessAudit.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { linkAudit } from '../../src/hallLink/auditedHallRequests.ts';
import { hallRequestHandler } from '../../src/hallLink/hallRequests.ts';
import { openPostgresHallStore, type PostgresHallStore } from '../../src/store/hallPostgres.ts';
import { hallStoreOpener, openedHallStore } from '../../src/store/openHallStore.ts';
import { parseHallStoreSetting } from '../../src/store/hallStoreSetting.ts';
import type { NewAccessAuditRecord } from '../../src/store/accessAuditRecords.ts';
import type { CertificateRecord, KioskRequestRecord, TicketPriority } from '../../src/store/hallStore.ts';
import { libraryHolder, seedBasics } from '../hall/fixture.ts';
import { TcpRelay } from '../../../test/support/tcpRelay.ts';
import { postgresBackend, TEST_PG_URL, type StoreTarget } from './backends.ts';

const DAY = '2026-11-25';
const NOW = '2026-11-25 09:30';
const N = 30;

let target: StoreTarget;
let store: PostgresHallStore;

beforeEach(async () => {
  target = await postgresBackend.create();
  store = await target.open() as PostgresHallStore;
  await seedBasics(store);
});

afterEach(async () => {
  await store.close();
  await target.destroy();
});

/** `f` over `args` one call after another (each alone: the single statement), then all at once (batched). */
async function aloneThenTogether<A, O>(args: readonly A[], f: (a: A) => Promise<O>): Promise<{ alone: O[]; together: O[] }> {
  const alone: O[] = [];
  for (const a of args) alone.push(await f(a));
  const together = await Promise.all(args.map(f));
  return { alone, together };
}

/** Statements `kind` sent during `f`, and calls made. */
async function counted<T>(kind: keyof ReturnType<PostgresHallStore['statementCounts']>, f: () => Promise<T>) {
  const before = store.statementCounts()[kind];
  const result = await f();
  const after = store.statementCounts()[kind];
  return { result, calls: after.calls - before.calls, statements: after.statements - before.statements };
}

describe('PostgreSQL store: concurrent reads share statements and answer each caller as alone', () => {
  it('getKioskRequest', async () => {
    for (let i = 0; i < 10; i++) {
      await store.addKioskRequest({ kioskId: `k${i % 3}`, requestId: `r${i}`, op: 'queue.take', answer: `{"n":${i}}`, appliedAt: 1000 + i });
    }
    // Mixed kiosks, repeats, requests that exist under another kiosk only, and unknown ones.
    const pairs = Array.from({ length: N }, (_, i) => [`k${i % 4}`, `r${(i * 7) % 13}`] as const);
    const { result, calls, statements } = await counted('getKioskRequest', () => aloneThenTogether(pairs, ([k, r]) => store.getKioskRequest(k, r)));
    expect(result.together).toEqual(result.alone);
    expect(result.alone.filter((x) => x !== undefined).length).toBeGreaterThan(3);
    expect(result.alone.filter((x) => x === undefined).length).toBeGreaterThan(3);
    expect(calls).toBe(2 * N);
    expect(statements).toBeLessThan(N + N / 2); // N alone, then the N together in a few
  });

  it('listCertificatesOfHolder keeps each holder\'s order', async () => {
    const holders = ['110101199001011234', '110101199001012345', '110101199001013456', '110101199001014567'];
    let serial = 0;
    for (const [h, count] of [[0, 3], [1, 1], [2, 4]] as const) {
      for (let i = 0; i < count; i++) {
        serial++;
        await store.insertCertificate({ identifier: `ID${String(serial).padStart(4, '0')}`, typeName: '证照', issuerName: '某局',
          holderNumber: holders[h], holderName: `持证人${h}`, issuedOn: `2020-0${1 + (serial % 3)}-01`, expiresOn: null, revokedAt: null, revokeReason: null });
      }
    }
    const asked = Array.from({ length: N }, (_, i) => holders[i % holders.length]);
    const { result, statements } = await counted('listCertificatesOfHolder', () => aloneThenTogether(asked, (h) => store.listCertificatesOfHolder(h)));
    expect(result.together).toEqual(result.alone);
    expect(result.alone.map((l) => l.length).slice(0, 4)).toEqual([3, 1, 4, 0]);
    // One caller's list is its own.
    expect(result.together[0]).not.toBe(result.together[4]);
    expect(statements).toBeLessThan(N + N / 2);
  });

  it('countWaitingAhead, calls of different hall-local nows apart', async () => {
    const ids: number[] = [];
    const priorities: Array<TicketPriority | null> = [null, null, 'elderly', null, 'elderly', null, null];
    for (const [i, priority] of priorities.entries()) {
      for (const category of ['A', 'B']) {
        const t = await store.insertTicket({ day: DAY, category, seq: i + 1, number: `${category}${101 + i}`, holderNumber: null, priority,
          issuedAt: 10_000 + i, appointmentId: null });
        ids.push(t.id);
      }
    }
    await store.updateTicket(ids[3], { status: 'called', calledAt: 20_000 });
    const asked = Array.from({ length: N }, (_, i) => ({ id: i % 10 === 9 ? 999_999 : ids[i % ids.length], now: i % 5 === 4 ? '2026-11-25 10:00' : NOW }));
    const { result, statements } = await counted('countWaitingAhead', () => aloneThenTogether(asked, (a) => store.countWaitingAhead(a.id, a.now)));
    expect(result.together).toEqual(result.alone);
    expect(new Set(result.alone).size).toBeGreaterThan(3);
    expect(statements).toBeLessThan(N + N / 2);
  });

  it('recentServiceDurations: calls of one limit share one statement whatever their categories, each caller its own array', async () => {
    let seq = 0;
    for (const [category, ms] of [['A', 60_000], ['A', 90_000], ['B', 30_000], ['A', 120_000]] as const) {
      seq++;
      const t = await store.insertTicket({ day: DAY, category, seq, number: `${category}${100 + seq}`, holderNumber: null, priority: null,
        issuedAt: seq, appointmentId: null });
      await store.updateTicket(t.id, { status: 'done', calledAt: seq * 1000, startedAt: seq * 1_000_000, finishedAt: seq * 1_000_000 + ms });
    }
    const asked = Array.from({ length: N }, (_, i) => [['A', 20], ['B', 20], ['A', 2], ['C', 20]][i % 4] as [string, number]);
    const { result, statements } = await counted('recentServiceDurations',
      () => aloneThenTogether(asked, ([c, limit]) => store.recentServiceDurations(c, limit)));
    expect(result.together).toEqual(result.alone);
    expect(result.alone.slice(0, 4)).toEqual([[120_000, 90_000, 60_000], [30_000], [120_000, 90_000], []]);
    result.together[0].push(1);
    expect(result.together[4]).toEqual([120_000, 90_000, 60_000]);
    expect(statements).toBeLessThan(N + N / 2);
    // Three categories at one limit: one statement (two limits: two).
    const three = await counted('recentServiceDurations', () => Promise.all(['A', 'B', 'C', 'A'].map((c) => store.recentServiceDurations(c, 20))));
    expect(three.result).toEqual([[120_000, 90_000, 60_000], [30_000], [], [120_000, 90_000, 60_000]]);
    expect(three.statements).toBe(1);
  });
});

/** Statements sent in all during `f` (one serving two methods counts once). */
async function sentDuring<T>(f: () => Promise<T>): Promise<{ result: T; sent: number }> {
  const before = store.statementsSent();
  const result = await f();
  return { result, sent: store.statementsSent() - before };
}

describe('PostgreSQL store: kinds asked in one turn share one statement, each caller answered as alone', () => {
  it('a request\'s record and its citizen\'s names', async () => {
    for (let i = 0; i < 6; i++) {
      await store.addKioskRequest({ kioskId: `k${i % 2}`, requestId: `r${i}`, op: 'queue.take', answer: `{"n":${i}}`, appliedAt: 1_700_000_000_000 + i });
    }
    const holders = ['110101199001011234', '110101199001012345', '110101199001013456'];
    for (const [i, h] of [0, 0, 1, 0].entries()) {
      await store.insertCertificate({ identifier: `ID${i}`, typeName: '证照', issuerName: '某局', holderNumber: holders[h], holderName: `持证人${h}`,
        issuedOn: `2020-0${1 + (i % 3)}-01`, expiresOn: i === 1 ? '2030-01-01' : null, revokedAt: i === 3 ? 1_700_000_000_123 : null,
        revokeReason: i === 3 ? '注销' : null });
    }
    const asks = Array.from({ length: N }, (_, i) => ({ pair: [`k${i % 3}`, `r${(i * 5) % 8}`] as const, holder: holders[i % holders.length] }));
    const alone: Array<[KioskRequestRecord | undefined, CertificateRecord[]]> = [];
    for (const a of asks) alone.push([await store.getKioskRequest(...a.pair), await store.listCertificatesOfHolder(a.holder)]);
    const { result, sent } = await sentDuring(() => Promise.all(asks.map((a) =>
      Promise.all([store.getKioskRequest(...a.pair), store.listCertificatesOfHolder(a.holder)]))));
    expect(result).toEqual(alone);
    expect(alone.filter(([r]) => r !== undefined).length).toBeGreaterThan(3);
    expect(alone.filter(([r]) => r === undefined).length).toBeGreaterThan(3);
    expect(alone[0][1]).toHaveLength(3); // the first holder's three, newest first, one revoked
    expect(alone[0][1]).toEqual([...alone[0][1]].sort((a, b) => b.issuedOn.localeCompare(a.issuedOn)));
    expect(sent).toBe(1);
  });

  it('a ticket\'s count ahead and its category\'s service times; several nows or limits: one statement per kind and key', async () => {
    const ids: number[] = [];
    for (const [i, priority] of ([null, 'elderly', null, null, 'elderly', null] as Array<TicketPriority | null>).entries()) {
      for (const category of ['A', 'B']) {
        ids.push((await store.insertTicket({ day: DAY, category, seq: i + 1, number: `${category}${101 + i}`, holderNumber: null, priority,
          issuedAt: 10_000 + i, appointmentId: null })).id);
      }
    }
    for (const [k, ms] of [60_000, 90_000, 30_000].entries()) {
      await store.updateTicket(ids[2 * k], { status: 'done', calledAt: 20_000 + k, startedAt: (k + 1) * 1_000_000, finishedAt: (k + 1) * 1_000_000 + ms });
    }
    const asks = Array.from({ length: N }, (_, i) => ({ id: ids[i % ids.length], category: i % 3 ? 'A' : 'B' }));
    const alone: Array<[number, number[]]> = [];
    for (const a of asks) alone.push([await store.countWaitingAhead(a.id, NOW), await store.recentServiceDurations(a.category, 20)]);
    const one = await sentDuring(() => Promise.all(asks.map((a) =>
      Promise.all([store.countWaitingAhead(a.id, NOW), store.recentServiceDurations(a.category, 20)]))));
    expect(one.result).toEqual(alone);
    expect(new Set(alone.map(([n]) => n)).size).toBeGreaterThan(3);
    expect(alone[1][1]).toEqual([30_000, 90_000, 60_000]);
    expect(one.sent).toBe(1);
    // Two nows and two limits: each kind per key, as when asked apart.
    const mixed = await sentDuring(() => Promise.all([store.countWaitingAhead(ids[1], NOW), store.countWaitingAhead(ids[1], '2026-11-25 10:00'),
      store.recentServiceDurations('A', 20), store.recentServiceDurations('A', 1)]));
    expect(mixed.result).toEqual([alone[1][0], await store.countWaitingAhead(ids[1], '2026-11-25 10:00'), alone[1][1], [30_000]]);
    expect(mixed.sent).toBe(4);
  });

  const record = (i: number): KioskRequestRecord => ({ kioskId: `k${i % 3}`, requestId: `w${i}`, op: 'queue.take', answer: `{"w":${i}}`, appliedAt: 7000 + i });
  const audit = (i: number): NewAccessAuditRecord => ({ at: 2_000 + i, day: DAY, actorKind: 'kiosk', actor: `k${i % 3}`, role: null,
    function: 'queue.take', maskedNumber: i % 2 ? null : '110101199001011234', result: 'success', code: null, detail: `w ${i}` });

  it('an answer\'s record and its audit entry: one statement, every row stored once, each id its own entry\'s', async () => {
    const { result, sent } = await sentDuring(() => Promise.all(Array.from({ length: N }, (_, i) =>
      Promise.all([store.addKioskRequest(record(i)), store.appendAccessAudit(audit(i))]))));
    expect(sent).toBe(1);
    const requests = await target.sql('SELECT request_id, answer FROM kiosk_requests ORDER BY applied_at');
    expect(requests.map((r) => [r.request_id, r.answer])).toEqual(Array.from({ length: N }, (_, i) => [`w${i}`, `{"w":${i}}`]));
    const rows = new Map((await target.sql('SELECT id, detail, masked_number FROM access_audit')).map((r) => [Number(r.id), r]));
    expect(rows.size).toBe(N);
    for (const [i, [, entry]] of result.entries()) {
      expect(rows.get(entry.id)?.detail).toBe(`w ${i}`);
      expect(entry.maskedNumber).toBe(rows.get(entry.id)?.masked_number);
      if (i % 2 === 0) expect(entry.maskedNumber).not.toContain('1990'); // masked as alone
    }
  });

  it('an answer\'s record and its audit entry: a row either table refuses fails its own caller only', async () => {
    const outcomes = await Promise.all(Array.from({ length: N }, (_, i) => Promise.allSettled([
      store.addKioskRequest(i === 7 ? { ...record(i), answer: null as unknown as string } : record(i)),
      store.appendAccessAudit(i === 11 ? { ...audit(i), day: '25/11/2026' } : audit(i)),
    ])));
    const failed = outcomes.flatMap(([r, a], i) => [...(r.status === 'rejected' ? [`record ${i}`] : []), ...(a.status === 'rejected' ? [`audit ${i}`] : [])]);
    expect(failed).toEqual(['record 7', 'audit 11']);
    expect((await target.sql('SELECT request_id FROM kiosk_requests')).map((r) => r.request_id).sort())
      .toEqual(Array.from({ length: N }, (_, i) => `w${i}`).filter((r) => r !== 'w7').sort());
    expect((await target.sql('SELECT detail FROM access_audit')).map((r) => r.detail).sort())
      .toEqual(Array.from({ length: N }, (_, i) => `w ${i}`).filter((d) => d !== 'w 11').sort());
  });
});

describe('a linked kiosk\'s ticket on PostgreSQL: one transaction, no statement outside it', () => {
  it('its record and names read with the people\'s tickets and the new walk-in\'s wait and id, the insert with the answer\'s record, audit and COMMIT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'od-pg-link-'));
    const hall = await openKioskHall(dir, silentLogger(), { store });
    try {
      const handle = hallRequestHandler({ hall, audit: linkAudit(new AccessAuditLog(store, hall.clock, silentLogger())) });
      const citizen = citizenFromHolder(libraryHolder('zhang-sanfeng')) as KioskLinkCitizen;
      // Two already waiting in A, one of them served before in 6 minutes: the answer's wait is theirs.
      const day = hall.clock.today();
      const at = hall.clock.now() - 60_000;
      for (const [seq, status] of [[1, 'done'], [2, 'waiting'], [3, 'waiting']] as const) {
        // Numbers the counter does not give today (inserted as a restore would): the new ticket is A001.
        const t = await store.insertTicket({ day, category: 'A', seq: 900 + seq, number: `A90${seq}`, holderNumber: null, priority: null, issuedAt: at + seq, appointmentId: null });
        if (status === 'done') {
          await store.updateTicket(t.id, { status: 'serving', calledAt: at, startedAt: at });
          await store.updateTicket(t.id, { status: 'done', finishedAt: at + 360_000 });
        }
      }
      const before = store.statementCounts();
      const texts: string[] = [];
      const sent = await sentDuring(() => watchingQueries(texts, () => handle('kiosk-1', { requestId: 'one', op: 'queue.take', citizen, args: ['A'] })));
      expect(sent.result).toMatchObject({ ok: true, result: { number: 'A001', ahead: 2, estimatedWaitMinutes: 12 } });
      const after = store.statementCounts();
      expect((Object.keys(after) as Array<keyof typeof after>).filter((k) => after[k].calls > before[k].calls)).toEqual([]);
      expect(sent.sent).toBe(0);
      // The transaction's round trips (the numbers' own transaction commits apart, on the numbering connections:
      // store/hallPostgres.ts takeNumbersAlone): BEGIN with its locks and opening reads, and the group's first reads
      // (the people's tickets, the request's record and the citizen's names, and what the new walk-in's answer needs:
      // its category's waiting count and service times and an id, readBeforeWalkIns; the categories asked are the
      // opening read's); then the insert, the record, the audit entry and COMMIT.
      const own = texts.filter((t) => !/INSERT INTO counters/.test(t));
      expect(own).toHaveLength(2);
      expect(own[0]).toMatch(/^BEGIN; SELECT pg_advisory_xact_lock_shared\(.*\); SELECT pg_advisory_xact_lock\(.*\); SELECT \* FROM queue_categories WHERE hall_id = '\w+' ORDER BY letter; SELECT \* FROM intake_state WHERE hall_id = '\w+'; /s);
      expect(own[0].match(/queue_categories/g)).toHaveLength(1);
      // The record and the names as one set-based statement (hallPostgresBatches.ts, as on the outer store).
      expect(own[0]).toMatch(/EXECUTE odc_\w+\('\{"kiosk-1"\}', '\{"one"\}', '\{"\w+"\}'\); .*waiting_counts.*nextval\(pg_get_serial_sequence\('tickets', 'id'\)\).*EXECUTE odc_\w+\('[-0-9]+', '\{"A"\}', '1', '\d+'\); SET LOCAL plan_cache_mode = DEFAULT$/s);
      // The people's tickets planned with their values, as alone (planEachCall), the other reads on their generic plans.
      expect(own[0]).toMatch(/intake_state WHERE hall_id = '\w+'; SET LOCAL plan_cache_mode = force_custom_plan; PREPARE odc_\w+ AS SELECT t\.\* FROM unnest.*SET LOCAL plan_cache_mode = force_generic_plan; /s);
      expect(own[0]).not.toMatch(/INSERT INTO tickets/);
      expect(own[1]).toMatch(/^SET LOCAL plan_cache_mode = force_generic_plan; PREPARE odc_\w+ AS INSERT INTO tickets .*EXECUTE odc_\w+\('\{"\d+"\}', '\{"[-0-9]+"\}', '\{"A"\}', '\{"1"\}', '\{"A001"\}'.*PREPARE odc_\w+ AS WITH requests AS \(INSERT INTO kiosk_requests .*INSERT INTO access_audit .*; EXECUTE odc_\w+\('\{"kiosk-1"\}', '\{"one"\}', '\{"queue.take"\}'.*\); COMMIT$/s);
      // The answer's ticket is the one stored: its id taken before the insert, its wait that of the read after it.
      const stored = (await store.listTickets(day, { category: 'A' })).find((t) => t.number === 'A001')!;
      expect((sent.result as { result: { id: number } }).result.id).toBe(stored.id);
      expect(await store.countWaitingAhead(stored.id, hall.clock.stamp())).toBe(2);
      expect(await store.getKioskRequest('kiosk-1', 'one')).toMatchObject({ op: 'queue.take' });
      // The resend: its record found in its group's transaction, nothing issued; its audit entry (replayed) alone.
      const again = await sentDuring(() => handle('kiosk-1', { requestId: 'one', op: 'queue.take', citizen, args: ['A'] }));
      expect(again.result).toMatchObject({ ok: true, replayed: true, result: { number: 'A001', ahead: 2 } });
      expect(again.sent).toBe(1);
      expect((await store.listTickets(day, { category: 'A' })).map((t) => t.number)).toEqual(['A901', 'A902', 'A903', 'A001']);
      const entries = (await store.queryAccessAudit({ limit: 10, offset: 0 })).entries;
      expect(entries.map((e) => [e.function, e.result, e.detail]).sort()).toEqual([['queue.take', 'success', null], ['queue.take', 'success', 'replayed']]);
    } finally {
      await hall.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('statements asked in one turn go in one round trip; one that fails fails each of them and rolls the transaction back', async () => {
    const texts: string[] = [];
    const t0 = { day: DAY, category: 'A', holderNumber: null, priority: null, issuedAt: 1, appointmentId: null } as const;
    const got = await watchingQueries(texts, () => store.withPersonTransaction(null, async (tx) => {
      const [a, b] = await Promise.all([tx.insertTicket({ ...t0, seq: 1, number: 'A001' }), tx.insertTicket({ ...t0, seq: 2, number: 'A002' })]);
      // Asked after the inserts in the same turn: sees both.
      return Promise.all([a, b, tx.countWaitingAhead(b.id, NOW)]);
    }));
    expect(got[2]).toBe(1);
    expect(texts.filter((t) => /INSERT INTO tickets/.test(t))).toHaveLength(1);
    // A number taken twice: the second insert fails; the first, sent in the same query, is rolled back with it.
    const outcomes: Array<PromiseSettledResult<unknown>> = [];
    await expect(store.withPersonTransaction(null, async (tx) => {
      const asked = [tx.insertTicket({ ...t0, seq: 3, number: 'A003' }), tx.insertTicket({ ...t0, seq: 1, number: 'A001' })];
      outcomes.push(...(await Promise.allSettled(asked)));
      if (outcomes.some((o) => o.status === 'rejected')) throw (outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason;
    })).rejects.toThrow(/duplicate key/);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect((await store.listTickets(DAY)).map((t) => t.number)).toEqual(['A001', 'A002']);
  });

  it('a person transaction whose first statements cannot go together: BEGIN first, then each alone; a failure fails it', async () => {
    await seedBasics(store);
    const texts: string[] = [];
    const settled: Array<PromiseSettledResult<unknown>> = [];
    // NaN cannot be written as a literal (togetherQuery): the turn's statements go one by one after BEGIN, its locks
    // and opening reads; the categories asked are the opening read's, the ticket's id is refused by the server.
    await expect(watchingQueries(texts, () => store.withPersonTransaction('110101199001011237', async (tx) => {
      settled.push(...(await Promise.allSettled([tx.listQueueCategories(), tx.getTicket(Number.NaN)])));
      if (settled[1].status === 'rejected') throw settled[1].reason;
    }))).rejects.toThrow(/integer/);
    expect(settled[0]).toMatchObject({ status: 'fulfilled', value: [expect.objectContaining({ letter: 'A' }), expect.anything(), expect.anything()] });
    expect(settled[1].status).toBe('rejected');
    expect(texts[0]).toMatch(/^BEGIN; SELECT pg_advisory_xact_lock_shared\(.*\); SELECT pg_advisory_xact_lock\(.*\); SELECT \* FROM queue_categories .*; SELECT \* FROM intake_state WHERE hall_id = '\w+'$/s);
    expect(texts[1]).toMatch(/^SELECT \* FROM tickets WHERE/);
    expect(texts.filter((t) => /queue_categories/.test(t))).toHaveLength(1);
    // Rolled back; the store goes on.
    expect(await store.withPersonTransaction('110101199001011237', async (tx) => (await tx.listQueueCategories()).length)).toBe(3);
  });

  it('tickets inserted with the COMMIT under ids read before: stored with those ids; one the table refuses commits nothing', async () => {
    const day = '2026-11-26';
    const row = (seq: number) => ({ day, category: 'A', seq, number: `A${String(seq).padStart(3, '0')}`, holderNumber: null, priority: null,
      issuedAt: seq, appointmentId: null });
    const texts: string[] = [];
    const ids = await watchingQueries(texts, () => store.withPersonTransaction(null, async (tx) => {
      const before = await tx.readBeforeWalkIns!(day, ['A', 'B'], 3, 20);
      expect(before.waiting).toEqual([0, 0]);
      expect(new Set(before.ids).size).toBe(3);
      void tx.insertTicketsAtCommit!([row(1), row(2)], before.ids.slice(0, 2));
      return before.ids;
    }));
    // The insert went with the COMMIT, not in a round trip of its own.
    expect(texts.filter((t) => /INSERT INTO tickets/.test(t))).toEqual([expect.stringMatching(/; COMMIT$/)]);
    expect((await store.listTickets(day)).map((t) => [t.id, t.number, t.status])).toEqual([[ids[0], 'A001', 'waiting'], [ids[1], 'A002', 'waiting']]);
    // The waiting count read before the next group sees them (kept by the tickets' triggers).
    expect((await store.withPersonTransaction(null, (tx) => tx.readBeforeWalkIns!(day, ['B', 'A'], 1, 20))).waiting).toEqual([0, 2]);
    // Seq 1000 is refused by the table (CHECK 1-999): the COMMIT fails and the record sent with it is not committed.
    await expect(store.withPersonTransaction(null, async (tx) => {
      const before = await tx.readBeforeWalkIns!(day, ['A'], 1, 20);
      void tx.insertTicketsAtCommit!([row(1000)], before.ids).catch(() => undefined);
      void tx.atCommit((c) => c.addKioskRequest({ kioskId: 'k', requestId: 'refused-insert', op: 'queue.take', answer: '{}', appliedAt: 1 }))
        .catch(() => undefined);
    })).rejects.toThrow(/check constraint/);
    expect(await store.getKioskRequest('k', 'refused-insert')).toBeUndefined();
    expect(await store.listTickets(day)).toHaveLength(2);
    // Fewer ids than tickets: refused, and nothing committed either.
    await expect(store.withPersonTransaction(null, async (tx) => {
      void tx.insertTicketsAtCommit!([row(3), row(4)], [1]).catch(() => undefined);
    })).rejects.toThrow(/2 tickets, 1 ids/);
    expect(await store.listTickets(day)).toHaveLength(2);
  });

  it('a statement sent with the COMMIT that fails: nothing committed, its caller and the transaction get the error, the store goes on', async () => {
    const day = '2026-11-25';
    const asked: Array<Promise<unknown>> = [];
    await expect(store.withPersonTransaction(null, async (tx) => {
      await tx.insertTicket({ day, category: 'A', seq: 1, number: 'A001', holderNumber: null, priority: null, issuedAt: 1, appointmentId: null });
      // No integer: PostgreSQL refuses the id, after the insert, in the COMMIT's round trip.
      const read = tx.atCommit((c) => c.getTicket(2 ** 40));
      read.catch(() => undefined);
      asked.push(read);
    })).rejects.toThrow(/out of range/);
    await expect(asked[0]).rejects.toThrow(/out of range/);
    expect(await store.listTickets(day)).toEqual([]);
    // The connection that prepared the statement was dropped; the next transactions prepare it again.
    for (let i = 0; i < 3; i++) {
      const { read } = await store.withPersonTransaction(null, async (tx) => {
        const t = await tx.insertTicket({ day, category: 'A', seq: 2 + i, number: `A00${2 + i}`, holderNumber: null, priority: null, issuedAt: 2 + i, appointmentId: null });
        return { read: tx.atCommit((c) => c.countWaitingAhead(t.id, NOW)) };
      });
      expect(await read).toBe(i);
    }
  });

  it('statements sent together run on their generic plans, also after an ANALYZE; a person\'s tickets planned with their values', async () => {
    const clients = new Set<pg.Client>();
    await watchingQueries([], async () => {
      for (let i = 0; i < 16; i++) {
        // New statistics invalidate every prepared plan; left to choose, the next runs are planned anew.
        if (i === 8) await target.sql('ANALYZE tickets');
        const number = `A${String(1 + i).padStart(3, '0')}`;
        const [, wait] = await store.withPersonTransaction(null, (tx) => Promise.all([
          tx.insertTicket({ day: DAY, category: 'A', seq: 1 + i, number, holderNumber: `h${i}`, priority: null, issuedAt: 1 + i, appointmentId: null }),
          tx.waitsOfTickets(DAY, [number], NOW, ['A'], 10),
          tx.listTicketsOfHolders(DAY, [`h${i}`]),
        ]));
        expect(wait.ahead).toEqual([i]);
      }
    }, clients);
    // Each connection's own prepared statements (the store's clients are idle in its pools now; the set-up's own
    // client, which ran the ANALYZE, is closed).
    const plans = { wait: { generic: 0, custom: 0 }, holders: { generic: 0, custom: 0 } };
    for (const client of clients) {
      if ((client as unknown as { _ending: boolean })._ending) continue;
      // Told apart by their parameters (`statement` is the whole query that prepared them, all three together).
      const { rows } = await client.query("SELECT parameter_types::text AS types, generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE 'odc\\_%'");
      for (const r of rows) {
        const kind = r.types === '{text,text[],text,text[],integer}' ? plans.wait : r.types === '{text,text[]}' ? plans.holders : null;
        if (!kind) continue;
        kind.generic += Number(r.generic_plans);
        kind.custom += Number(r.custom_plans);
      }
    }
    expect(plans).toEqual({ wait: { generic: 16, custom: 0 }, holders: { generic: 0, custom: 16 } });
  });

  it('a query that failed after preparing its statements takes its connection with it: the next transactions prepare them anew', async () => {
    // A store of its own: its first transaction's query is the first to prepare the insert on its connection.
    const fresh = await target.open() as PostgresHallStore;
    try {
      const t0 = { day: DAY, category: 'A', holderNumber: null, priority: null, issuedAt: 1, appointmentId: null } as const;
      await fresh.insertTicket({ ...t0, seq: 1, number: 'A001' });
      // PREPARE (kept by the server, whatever the ROLLBACK), the first EXECUTE, then one refused: the number is taken.
      await expect(fresh.withPersonTransaction(null, (tx) => Promise.all([
        tx.insertTicket({ ...t0, seq: 2, number: 'A002' }), tx.insertTicket({ ...t0, seq: 1, number: 'A001' }),
      ]))).rejects.toThrow(/duplicate key/);
      // Kept on the connection back in the pool, the next PREPARE of that name would fail, and every one after it.
      for (let i = 0; i < 3; i++) {
        const [a] = await fresh.withPersonTransaction(null, (tx) => Promise.all([
          tx.insertTicket({ ...t0, seq: 10 + i, number: `A01${i}` }), tx.countKioskRequests('kiosk-1'),
        ]));
        expect(a.number).toBe(`A01${i}`);
      }
    } finally {
      await fresh.close();
    }
  });

  it('a statement the function did not wait for that fails after it ended: the COMMIT is not taken for one', async () => {
    const t0 = { day: DAY, category: 'A', holderNumber: null, priority: null, issuedAt: 1, appointmentId: null } as const;
    await store.insertTicket({ ...t0, seq: 1, number: 'A001' });
    let slow!: Promise<unknown>;
    // The refused insert is sent at the end of the function's first turn; the function ends before its answer is
    // back, so the COMMIT goes after it, and PostgreSQL answers that COMMIT with a ROLLBACK and no error.
    await expect(store.withPersonTransaction(null, async (tx) => {
      await tx.insertTicket({ ...t0, seq: 2, number: 'A002' });
      slow = tx.insertTicket({ ...t0, seq: 1, number: 'A001' });
      slow.catch(() => undefined);
      await new Promise((r) => setImmediate(r));
    })).rejects.toThrow(/duplicate key|rolled back at its COMMIT/);
    await expect(slow).rejects.toThrow(/duplicate key/);
    expect((await store.listTickets(DAY)).map((t) => t.number)).toEqual(['A001']);
  });

  it('a statement asked for the COMMIT after it went is refused, not lost', async () => {
    const record = (requestId: string) => ({ kioskId: 'kiosk-1', requestId, op: 'queue.take', answer: '{}', appliedAt: 1 });
    const late: Array<Promise<unknown>> = [];
    await store.withPersonTransaction(null, async (tx) => {
      await tx.insertTicket({ day: DAY, category: 'A', seq: 1, number: 'A001', holderNumber: null, priority: null, issuedAt: 1, appointmentId: null });
      // Asks a second statement only once its first is answered, with the COMMIT: by then the COMMIT has gone.
      late.push(tx.atCommit(async (c) => {
        await c.addKioskRequest(record('first'));
        await c.addKioskRequest(record('late'));
      }));
      late[0].catch(() => undefined);
    });
    await expect(late[0]).rejects.toThrow(/transaction handle used after its transaction ended/);
    expect(await store.getKioskRequest('kiosk-1', 'first')).toMatchObject({ requestId: 'first' });
    expect(await store.getKioskRequest('kiosk-1', 'late')).toBeUndefined();
    // (A call for the COMMIT in a function that then fails is refused too: the contract suite, on both stores.)
  });
});

/**
 * The text of every query the driver's clients send while `f` runs (real statements to the real server, watched),
 * and the clients that sent them.
 */
async function watchingQueries<T>(texts: string[], f: () => Promise<T>, clients = new Set<pg.Client>()): Promise<T> {
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const q = args[0] as string | { text?: string };
    texts.push(typeof q === 'string' ? q : q.text ?? '');
    clients.add(this);
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  try {
    return await f();
  } finally {
    pg.Client.prototype.query = query;
  }
}

describe('PostgreSQL store: concurrent writes share statements', () => {
  const request = (i: number, answer = `{"i":${i}}`): KioskRequestRecord => ({
    kioskId: `k${i % 3}`, requestId: `r${i}`, op: 'queue.take', answer, appliedAt: 5000 + i,
  });

  it('addKioskRequest stores every record once; of two records of one key the first is kept', async () => {
    await store.addKioskRequest(request(0, '{"before":true}'));
    const list = Array.from({ length: N }, (_, i) => request(i));
    list[20] = request(10, '{"second":true}'); // same key as list[10], later
    const { statements } = await counted('addKioskRequest', () => Promise.all(list.map((k) => store.addKioskRequest(k))));
    expect(statements).toBeLessThan(N / 2);
    const rows = await target.sql('SELECT kiosk_id, request_id, answer, applied_at FROM kiosk_requests ORDER BY applied_at');
    expect(rows).toHaveLength(N - 1);
    const answers = new Map(rows.map((r) => [`${r.kiosk_id}/${r.request_id}`, r.answer]));
    expect(answers.get('k0/r0')).toBe('{"before":true}');
    expect(answers.get('k1/r10')).toBe('{"i":10}');
    expect(answers.get('k2/r29')).toBe('{"i":29}');
    for (const k of list.slice(1)) expect(await store.getKioskRequest(k.kioskId, k.requestId)).toBeDefined();
  });

  it('addKioskRequest: a record the table refuses fails its own caller only', async () => {
    const list = Array.from({ length: N }, (_, i) => request(i));
    const bad = 17;
    list[bad] = { ...request(bad), answer: null as unknown as string }; // NOT NULL
    const outcomes = await Promise.allSettled(list.map((k) => store.addKioskRequest(k)));
    expect(outcomes.map((o, i) => [i, o.status])).toEqual(list.map((_, i) => [i, i === bad ? 'rejected' : 'fulfilled']));
    expect(String((outcomes[bad] as PromiseRejectedResult).reason)).toMatch(/^HallDatabaseError: hall database \(PostgreSQL\).*null value/);
    const rows = await target.sql('SELECT request_id FROM kiosk_requests ORDER BY applied_at');
    expect(rows.map((r) => r.request_id)).toEqual(list.filter((_, i) => i !== bad).map((k) => k.requestId));
  });

  const entry = (i: number): NewAccessAuditRecord => ({
    at: 1_000 + i, day: DAY, actorKind: i % 2 ? 'kiosk' : 'staff', actor: `actor${i}`, role: i % 3 ? null : 'clerk', function: 'queue.take',
    maskedNumber: i % 4 ? null : '110101199001011234', result: 'success', code: null, detail: `entry ${i}`,
  });

  it('appendAccessAudit answers each caller the id of its own row, masked as alone', async () => {
    const alone = await store.appendAccessAudit(entry(100)); // 100 % 4 = 0: with a number
    const list = Array.from({ length: N }, (_, i) => entry(i));
    const { result, statements } = await counted('appendAccessAudit', () => Promise.all(list.map((e) => store.appendAccessAudit(e))));
    expect(statements).toBeLessThan(N / 2);
    const ids = result.map((r) => r.id);
    expect(new Set([alone.id, ...ids]).size).toBe(N + 1);
    const rows = new Map((await target.sql('SELECT * FROM access_audit')).map((r) => [Number(r.id), r]));
    expect(rows.size).toBe(N + 1);
    for (const [i, r] of result.entries()) {
      const stored = rows.get(r.id)!;
      expect(stored.detail).toBe(`entry ${i}`);
      expect(stored.at).toBe(String(1_000 + i));
      expect(r).toEqual({ ...entry(i), id: r.id, maskedNumber: r.maskedNumber });
      expect(stored.masked_number).toBe(r.maskedNumber);
    }
    expect(result[0].maskedNumber).toBe(alone.maskedNumber); // masked, like the single append's
    expect(result[0].maskedNumber).not.toContain('1990');
    // The calls after the first two went as one statement: their ids follow the order of the calls.
    expect(ids.slice(2)).toEqual([...ids.slice(2)].sort((a, b) => a - b));
  });

  it('appendAccessAudit: entries the table\'s CHECKs refuse fail their own callers only', async () => {
    const list = Array.from({ length: N }, (_, i) => entry(i));
    list[9] = { ...entry(9), day: '25/11/2026' };
    list[22] = { ...entry(22), actorKind: 'robot' as 'kiosk' };
    const outcomes = await Promise.allSettled(list.map((e) => store.appendAccessAudit(e)));
    expect(outcomes.filter((o) => o.status === 'rejected').length).toBe(2);
    expect(outcomes[9].status).toBe('rejected');
    expect(outcomes[22].status).toBe('rejected');
    expect(String((outcomes[9] as PromiseRejectedResult).reason)).toMatch(/check constraint/);
    const rows = await target.sql('SELECT id, detail FROM access_audit');
    expect(rows.map((r) => r.detail).sort()).toEqual(list.filter((_, i) => i !== 9 && i !== 22).map((e) => e.detail).sort());
    for (const [i, o] of outcomes.entries()) {
      if (o.status === 'fulfilled') expect(rows.find((r) => Number(r.id) === o.value.id)?.detail).toBe(`entry ${i}`);
    }
  });
});

describe('PostgreSQL store: batches and their limits', () => {
  it('calling a batched method of the store inside a transaction throws; the handle runs it', async () => {
    await store.withTransaction(async (tx) => {
      await expect(store.getKioskRequest('k', 'r')).rejects.toThrow('use the transaction handle');
      await expect(store.appendAccessAudit({ at: 1, day: DAY, actorKind: 'kiosk', actor: 'k', role: null, function: 'f', maskedNumber: null,
        result: 'success', code: null, detail: null })).rejects.toThrow('use the transaction handle');
      await tx.addKioskRequest({ kioskId: 'k', requestId: 'r', op: 'op', answer: '{}', appliedAt: 1 });
      expect(await tx.getKioskRequest('k', 'r')).toMatchObject({ answer: '{}' });
    });
    expect(await store.getKioskRequest('k', 'r')).toMatchObject({ answer: '{}' });
  });

  it("a hall server's store leaves that check out: the store's own call inside a transaction runs on a connection of its own", async () => {
    // openHallStore.ts opens it so: the check's AsyncLocalStorage hooks every promise of the process (hallPostgres.ts).
    const opened = await hallStoreOpener(parseHallStoreSetting(target.setting), target.dir)({ stamp: () => NOW });
    const server = openedHallStore(opened).store;
    try {
      await server.withTransaction(async (tx) => {
        await tx.addKioskRequest({ kioskId: 'k', requestId: 'in', op: 'op', answer: '{}', appliedAt: 1 });
        // Outside the transaction: its uncommitted record is not seen, and no error.
        expect(await server.getKioskRequest('k', 'in')).toBeUndefined();
      });
      expect(await server.getKioskRequest('k', 'in')).toMatchObject({ answer: '{}' });
    } finally {
      await server.close();
    }
  });

  it('with the database away, every caller of a write batch fails as unavailable and nothing goes item by item', async () => {
    const relay = new TcpRelay('127.0.0.1', Number(new URL(TEST_PG_URL).port || 5432));
    await relay.listen();
    const url = new URL(TEST_PG_URL);
    url.port = String(relay.port);
    const schema = new URL(target.setting).searchParams.get('schema')!;
    const away = await openPostgresHallStore({ url: url.toString(), schema, connectTimeoutMs: 1000 });
    try {
      await away.addKioskRequest({ kioskId: 'k', requestId: 'warm', op: 'op', answer: '{}', appliedAt: 1 });
      await relay.cut();
      const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => away.addKioskRequest({ kioskId: 'k', requestId: `r${i}`,
        op: 'op', answer: '{}', appliedAt: 1 })));
      for (const o of outcomes) {
        expect(o.status).toBe('rejected');
        expect((o as PromiseRejectedResult).reason).toMatchObject({ name: 'HallDatabaseError', unavailable: true });
      }
      const c = away.statementCounts().addKioskRequest;
      expect(c.statements).toBeLessThan(c.calls); // not 10 more, one per item, after the batch failed
    } finally {
      await away.close();
      await relay.cut();
    }
  });
});
