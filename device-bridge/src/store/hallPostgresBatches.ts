/**
 * The PostgreSQL store's statements that concurrent callers share (statementBatches.ts; README "Many instances"):
 * the reads and writes of a ticket that the outer store runs on the pool, and those a transaction's callers ask in
 * one turn (a group of linked kiosks' walk-ins: their records and names, their answers' records and audit entries,
 * hallPostgres.ts). Each kind has a set-based statement scoped to the store's hall; a batch of one runs the
 * repository's own statement, so an idle hall sends exactly what it did before.
 *
 * - getKioskRequest: the (kiosk, request) pairs as two arrays, joined on the primary key;
 * - listCertificatesOfHolder: the holders as an array, the rows split per holder in the single query's order;
 * - countWaitingAhead: the wait estimate's correlated counts (ticketOrderSql.ts) per ticket id of an array; calls go
 *   together only with calls of the same hall-local now;
 * - recentServiceDurations: calls of one limit share one statement, the categories as an array, each read on its own
 *   (LATERAL, newest first) and split per category in that order;
 * - addKioskRequest: one multi-row INSERT ... ON CONFLICT DO NOTHING (the first record of a key wins, as with calls
 *   one after another);
 * - appendAccessAudit: one multi-row INSERT; each row's id is drawn in a materialised row source beside its position
 *   in the batch and inserted explicitly, so the statement answers (position, id) pairs and no mapping relies on the
 *   order RETURNING happens to use.
 * Kinds that a linked kiosk's ticket asks for in one turn share a queue in pairs, and a batch holding both kinds is
 * one statement (its two reads as two JSON arrays of one row, or its two inserts as data-modifying WITHs): a
 * request's record and its citizen's names, a ticket's count ahead and service times, an answer's record and its
 * audit entry. Each round trip saved is CPU on both sides of a box that runs out of it (bench `hall-load`: on two
 * cores, a system call and a wake-up per statement on each side are most of what a statement costs).
 * A write batch that a row made fail (a constraint, a bad value) runs its items again one by one (batchOrEachAlone),
 * so a row the table refuses fails its own caller only; any other failure (the database away, a timeout) is every
 * caller's, without sending each item into it again.
 */
import { auditSafeEntry, type AccessAuditRecord, type NewAccessAuditRecord } from './accessAuditRecords.ts';
import { certificateFromRow, kioskRequestFromRow, type Row } from './hallSqlite.ts';
import type { CertificateRecord, HallRepository, KioskRequestRecord } from './hallStore.ts';
import { batchOrEachAlone, ItemFailed, StatementBatches } from './statementBatches.ts';
import { waitingAheadOfIdsSql } from './ticketOrderSql.ts';
import { aheadFrom, durationsFrom, durationsOfCategoriesSql, jsonRows, waitsSql } from './ticketWaitsSql.ts';

/**
 * The request records of (kiosk, request) pairs given as two arrays: each pair looked up on the primary key, one
 * after another (a LATERAL subquery that LIMIT keeps from being flattened). A join of the arrays with the table was
 * planned, generically and before the table's first ANALYZE, as a hash join over every record of the hall: every
 * request ever answered read for each ticket (test/store/queueReadCost.test.ts).
 */
export function kioskRequestsOfPairsSql(kiosksParam: string, requestsParam: string, hallParam: string): string {
  return `SELECT k.* FROM unnest(${kiosksParam}, ${requestsParam}) AS u(kiosk_id, request_id)
    CROSS JOIN LATERAL (SELECT * FROM kiosk_requests r WHERE r.hall_id = ${hallParam} AND r.kiosk_id = u.kiosk_id
      AND r.request_id = u.request_id LIMIT 1) k`;
}

/** The methods whose calls on the outer store go in batches. */
export const BATCHED_METHODS = ['getKioskRequest', 'listCertificatesOfHolder', 'countWaitingAhead', 'recentServiceDurations',
  'addKioskRequest', 'appendAccessAudit'] as const;
export type BatchedMethods = Pick<HallRepository, typeof BATCHED_METHODS[number]>;

export interface BatchedStatementDeps {
  /** The bound hall as an SQL literal (hallScope.ts hallIdLiteral). */
  h: string;
  /** A statement on the pool (hallPostgres.ts poolQuery). */
  query(text: string, params: unknown[]): Promise<{ rows: Row[] }>;
  /** The same methods, one statement per call: batches of one, and a failed write batch's items one by one. */
  single: BatchedMethods;
  /**
   * The failed write batch was refused because of some row (a constraint, a bad value), so its items go again one
   * by one; otherwise (the database away, a timeout) every caller gets the batch's error.
   */
  rowFault(err: unknown): boolean;
  /** Checked at each call, in the caller's context (calling the outer store inside a transaction throws). */
  refuse(): Error | null;
  /** Where batches gather the turn's calls (statementBatches.ts `schedule`; a transaction's handle gives its own). */
  schedule?: (start: () => void) => void;
  /**
   * Batches of one kind at once (statementBatches.ts `maxInFlight`, default 1). Statements held for a COMMIT
   * (hallPostgres.ts atCommit) answer only with it: a call that waited for such a batch would start after the
   * COMMIT, outside the transaction, so those batches never wait for each other.
   */
  maxInFlight?: number;
}

export interface StatementCounts {
  calls: number;
  /** Statements sent: one per batch (a batch of one is the single statement); a failed write batch sends more. */
  statements: number;
}

export interface BatchedStatements {
  methods: BatchedMethods;
  /** Per method: calls made and statements sent (a statement serving two methods counts under each). */
  counts(): Record<keyof BatchedMethods, StatementCounts>;
  /** Statements sent in all (a statement serving two methods counts once). */
  sentInAll(): number;
}

const keyOfPair = (a: string, b: string) => `${a}\u0000${b}`;

/** A runner of one kind's items: one entry per item, in order (`ItemFailed` for an item that failed on its own). */
type KindRunner<I, O> = (items: readonly I[]) => Promise<ReadonlyArray<O | ItemFailed>>;

/**
 * Two kinds that callers ask for in the same turn, sharing one queue: a batch holding items of both kinds goes to
 * `both` (one statement), a batch of one kind to that kind's runner. Each kind counts its own calls.
 */
function pairedBatches<A, OA, B, OB>(first: KindRunner<A, OA>, second: KindRunner<B, OB>,
  both: (as: readonly A[], bs: readonly B[]) => Promise<[ReadonlyArray<OA | ItemFailed>, ReadonlyArray<OB | ItemFailed>]>,
  options: Pick<BatchedStatementDeps, 'schedule' | 'maxInFlight'>) {
  type Item = { first: true; a: A } | { first: false; b: B };
  const calls = { first: 0, second: 0 };
  const batches = new StatementBatches<Item, OA | OB>(async (items) => {
    const as: A[] = [];
    const bs: B[] = [];
    for (const item of items) {
      if (item.first) as.push(item.a);
      else bs.push(item.b);
    }
    const [oa, ob] = bs.length === 0 ? [await first(as), []] : as.length === 0 ? [[], await second(bs)] : await both(as, bs);
    let i = 0;
    let j = 0;
    return items.map((item) => (item.first ? oa[i++] : ob[j++]));
  }, { ...(options.schedule ? { schedule: options.schedule } : {}), ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}) });
  return {
    calls,
    first: (a: A) => {
      calls.first++;
      return batches.call({ first: true, a }) as Promise<OA>;
    },
    second: (b: B) => {
      calls.second++;
      return batches.call({ first: false, b }) as Promise<OB>;
    },
  };
}

/** `run` once per group of `items` with the same key (at once), the answers put back in the items' order. */
async function perKey<I, O>(items: readonly I[], keyOf: (item: I) => string, run: KindRunner<I, O>): Promise<Array<O | ItemFailed>> {
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    const at = groups.get(key);
    if (at) at.push(i);
    else groups.set(key, [i]);
  });
  const out: Array<O | ItemFailed> = new Array(items.length);
  await Promise.all([...groups.values()].map(async (at) => {
    const answers = await run(at.map((i) => items[i]));
    at.forEach((i, k) => (out[i] = answers[k]));
  }));
  return out;
}

/**
 * The multi-row INSERT of kiosk request records from five arrays from `$first` on, in the arrays' order: of two
 * records of one key the first is kept, as when the calls go one after another.
 */
function kioskRequestsInsertSql(h: string, first: number): string {
  const p = (k: number) => `$${first + k}`;
  return `INSERT INTO kiosk_requests (hall_id, kiosk_id, request_id, op, answer, applied_at)
        SELECT ${h}, u.kiosk_id, u.request_id, u.op, u.answer, u.applied_at
        FROM unnest(${p(0)}::text[], ${p(1)}::text[], ${p(2)}::text[], ${p(3)}::text[], ${p(4)}::bigint[]) WITH ORDINALITY AS u(kiosk_id, request_id, op, answer, applied_at, i)
        ORDER BY u.i ON CONFLICT (hall_id, kiosk_id, request_id) DO NOTHING`;
}

const kioskRequestsParams = (list: readonly KioskRequestRecord[]): unknown[] =>
  [list.map((k) => k.kioskId), list.map((k) => k.requestId), list.map((k) => k.op), list.map((k) => k.answer), list.map((k) => k.appliedAt)];

/**
 * The access audit rows of ten arrays from `$first` on, as CTEs `r` (each row's id drawn beside its position, in
 * order: materialised, so its nextval runs once per row and the ids inserted are the ids answered) and `audit_rows`
 * (the insert); the statement ends with `SELECT r.i, r.id FROM r`.
 */
function auditCtesSql(h: string, first: number): string {
  const p = Array.from({ length: 10 }, (_, k) => `$${first + k}`);
  return `r AS MATERIALIZED (
          SELECT u.*, nextval(pg_get_serial_sequence('access_audit', 'id')) AS id FROM (SELECT * FROM unnest(${p[0]}::bigint[], ${p[1]}::text[], ${p[2]}::text[],
            ${p[3]}::text[], ${p[4]}::text[], ${p[5]}::text[], ${p[6]}::text[], ${p[7]}::text[], ${p[8]}::text[], ${p[9]}::text[])
            WITH ORDINALITY AS u(at, day, actor_kind, actor, role, function, masked_number, result, code, detail, i) ORDER BY u.i) u
        ), audit_rows AS (
          INSERT INTO access_audit (id, hall_id, at, day, actor_kind, actor, role, function, masked_number, result, code, detail)
          SELECT r.id, ${h}, r.at, r.day, r.actor_kind, r.actor, r.role, r.function, r.masked_number, r.result, r.code, r.detail FROM r
        )`;
}

/** The audit entries as the ten arrays of auditCtesSql, masked here as in the single append (accessAuditRecords.ts). */
function auditParams(list: readonly NewAccessAuditRecord[]): { safe: NewAccessAuditRecord[]; params: unknown[] } {
  const safe = list.map(auditSafeEntry);
  const col = <K extends keyof NewAccessAuditRecord>(k: K) => safe.map((e) => e[k]);
  return { safe, params: [col('at'), col('day'), col('actorKind'), col('actor'), col('role'), col('function'), col('maskedNumber'), col('result'),
    col('code'), col('detail')] };
}

/** Each entry with the id its row got (`idRows`: (position from 1, id) pairs). */
function auditAnswers(safe: readonly NewAccessAuditRecord[], idRows: readonly Row[]): AccessAuditRecord[] {
  const idAt = new Map(idRows.map((r) => [Number(r.i), Number(r.id)]));
  return safe.map((e, i) => {
    const id = idAt.get(i + 1);
    if (id === undefined) throw new Error('hall database (PostgreSQL): access audit batch answered no id for an entry');
    return { id, ...e };
  });
}

export function batchedStatements(deps: BatchedStatementDeps): BatchedStatements {
  const { h, single } = deps;
  const sent: Record<keyof BatchedMethods, number> = {
    getKioskRequest: 0, listCertificatesOfHolder: 0, countWaitingAhead: 0, recentServiceDurations: 0, addKioskRequest: 0, appendAccessAudit: 0,
  };
  let sentInAll = 0;
  /** A statement serving `kinds`, counted under each of them (and once in all). */
  const rows = async (kinds: keyof BatchedMethods | ReadonlyArray<keyof BatchedMethods>, text: string, params: unknown[]): Promise<Row[]> => {
    for (const kind of typeof kinds === 'string' ? [kinds] : kinds) sent[kind]++;
    sentInAll++;
    return (await deps.query(text, params)).rows;
  };
  /** `one` alone for a batch of one (counted), `many` otherwise. */
  const aloneOr = <I, O>(kind: keyof BatchedMethods, one: (item: I) => Promise<O>, many: (items: readonly I[]) => Promise<O[]>) =>
    async (items: readonly I[]): Promise<O[]> => {
      if (items.length > 1) return many(items);
      sent[kind]++;
      sentInAll++;
      return [await one(items[0])];
    };
  const writeBatch = <I, O>(kind: keyof BatchedMethods, one: (item: I) => Promise<O>, many: (items: readonly I[]) => Promise<O[]>) => {
    const each = async (item: I) => {
      sent[kind]++;
      sentInAll++;
      return one(item);
    };
    return (items: readonly I[]) => batchOrEachAlone(items, aloneOr(kind, one, many), each, (err) => !deps.rowFault(err));
  };

  // A linked kiosk's request: its record (was it applied before?) and the names the hall holds for its citizen's
  // number (hallLink/hallRequests.ts asks for both in one turn).
  type Pair = { kioskId: string; requestId: string };
  const requestsFrom = (pairs: readonly Pair[], found: readonly Row[]): Array<KioskRequestRecord | undefined> => {
    const byKey = new Map<string, KioskRequestRecord>();
    for (const r of found) {
      const k = kioskRequestFromRow(r);
      byKey.set(keyOfPair(k.kioskId, k.requestId), k);
    }
    // Each caller its own object: one caller changing its record must not change another's.
    return pairs.map((p) => {
      const k = byKey.get(keyOfPair(p.kioskId, p.requestId));
      return k ? { ...k } : undefined;
    });
  };
  const certificatesFrom = (holders: readonly string[], found: readonly Row[]): CertificateRecord[][] => {
    const of = new Map<string, Row[]>(holders.map((n) => [n, []]));
    // The statement's order over the whole set keeps each holder's rows in that order.
    for (const r of found) of.get(String(r.holder_number))?.push(r);
    return holders.map((n) => of.get(n)!.map(certificateFromRow));
  };
  const certificatesOfHoldersSql = (holdersParam: string) => `SELECT * FROM certificates WHERE hall_id = ${h}
        AND holder_number = ANY(${holdersParam}) ORDER BY issued_on DESC, identifier`;
  const opening = pairedBatches<Pair, KioskRequestRecord | undefined, string, CertificateRecord[]>(
    aloneOr('getKioskRequest', (p) => single.getKioskRequest(p.kioskId, p.requestId),
      async (pairs) => requestsFrom(pairs, await rows('getKioskRequest', kioskRequestsOfPairsSql('$1::text[]', '$2::text[]', h),
        [pairs.map((p) => p.kioskId), pairs.map((p) => p.requestId)]))),
    aloneOr('listCertificatesOfHolder', (holder) => single.listCertificatesOfHolder(holder),
      async (holders) => certificatesFrom(holders, await rows('listCertificatesOfHolder', certificatesOfHoldersSql('$1::text[]'), [[...new Set(holders)]]))),
    async (pairs, holders) => {
      const [r] = await rows(['getKioskRequest', 'listCertificatesOfHolder'], `SELECT
          (SELECT coalesce(json_agg(k), '[]'::json) FROM (${kioskRequestsOfPairsSql('$1::text[]', '$2::text[]', h)}) k) AS requests,
          (SELECT coalesce(json_agg(c ORDER BY c.issued_on DESC, c.identifier), '[]'::json) FROM (${certificatesOfHoldersSql('$3::text[]')}) c) AS certificates`,
      [pairs.map((p) => p.kioskId), pairs.map((p) => p.requestId), [...new Set(holders)]]);
      return [requestsFrom(pairs, jsonRows(r.requests)), certificatesFrom(holders, jsonRows(r.certificates))];
    }, deps);

  // A ticket's wait (hall/queue.ts view asks for both in one turn, for a ticket whose wait was not read where it was
  // issued: one viewed again, a person's waiting one asked again, a visit): the count ahead of it, per hall-local
  // now, and its category's recent service times, per limit.
  type Ahead = { ticketId: number; hallNow: string };
  type Durations = { category: string; limit: number };
  const aheadOfList = (list: readonly Ahead[], found: readonly Row[]) => aheadFrom(list.map((a) => a.ticketId), found);
  const durationsOfList = (list: readonly Durations[], found: readonly Row[]) => durationsFrom(list.map((d) => d.category), found);
  const categoriesOf = (list: readonly Durations[]) => [...new Set(list.map((d) => d.category))];
  const aheadAlone = aloneOr('countWaitingAhead', (a: Ahead) => single.countWaitingAhead(a.ticketId, a.hallNow),
    async (list) => aheadOfList(list, await rows('countWaitingAhead', waitingAheadOfIdsSql('$1::integer[]', '$2::text', h),
      [[...new Set(list.map((a) => a.ticketId))], list[0].hallNow])));
  const durationsAlone = aloneOr('recentServiceDurations', (d: Durations) => single.recentServiceDurations(d.category, d.limit),
    async (list) => durationsOfList(list, await rows('recentServiceDurations', `${durationsOfCategoriesSql(h, '$1::text[]', '$2::integer')} ORDER BY u.i, d.f DESC`,
      [categoriesOf(list), list[0].limit])));
  // Calls go together only with calls of the same now (counts) or the same limit (service times).
  const aheadOf = (list: readonly Ahead[]) => perKey(list, (a) => a.hallNow, aheadAlone);
  const durationsOf = (list: readonly Durations[]) => perKey(list, (d) => String(d.limit), durationsAlone);
  const waits = pairedBatches<Ahead, number, Durations, number[]>(aheadOf, durationsOf, async (aheads, durations) => {
    if (new Set(aheads.map((a) => a.hallNow)).size > 1 || new Set(durations.map((d) => d.limit)).size > 1) {
      return Promise.all([aheadOf(aheads), durationsOf(durations)]);
    }
    const [r] = await rows(['countWaitingAhead', 'recentServiceDurations'], waitsSql(h, waitingAheadOfIdsSql('$1::integer[]', '$2::text', h), '$3::text[]', '$4::integer'),
    [[...new Set(aheads.map((a) => a.ticketId))], aheads[0].hallNow, categoriesOf(durations), durations[0].limit]);
    return [aheadOfList(aheads, jsonRows(r.ahead)), durationsOfList(durations, jsonRows(r.durations))];
  }, deps);

  // An applied request's answer (hallLink/hallRequests.ts writes its record and its audit entry in one turn).
  const requestsWrite = writeBatch('addKioskRequest', (k: KioskRequestRecord) => single.addKioskRequest(k), async (list) => {
    await rows('addKioskRequest', kioskRequestsInsertSql(h, 1), kioskRequestsParams(list));
    return list.map(() => undefined);
  });
  const auditWrite = writeBatch('appendAccessAudit', (e: NewAccessAuditRecord) => single.appendAccessAudit(e), async (list) => {
    const { safe, params } = auditParams(list);
    return auditAnswers(safe, await rows('appendAccessAudit', `WITH ${auditCtesSql(h, 1)} SELECT r.i, r.id FROM r`, params));
  });
  const answers = pairedBatches<KioskRequestRecord, void, NewAccessAuditRecord, AccessAuditRecord>(requestsWrite, auditWrite,
    async (requests, entries) => {
      const { safe, params } = auditParams(entries);
      try {
        // A data-modifying WITH runs whether or not the statement reads it.
        const ids = await rows(['addKioskRequest', 'appendAccessAudit'], `WITH requests AS (${kioskRequestsInsertSql(h, 1)}),
          ${auditCtesSql(h, 6)} SELECT r.i, r.id FROM r`, [...kioskRequestsParams(requests), ...params]);
        return [requests.map(() => undefined), auditAnswers(safe, ids)];
      } catch (err) {
        // A row refused: each kind goes again as its own batch, which finds the row and fails its caller only.
        if (!deps.rowFault(err)) throw err;
        return Promise.all([requestsWrite(requests), auditWrite(entries)]);
      }
    }, deps);

  const refusing = <A extends unknown[], O>(f: (...a: A) => Promise<O>) => (...a: A): Promise<O> => {
    const refused = deps.refuse();
    return refused ? Promise.reject(refused) : f(...a);
  };
  return {
    methods: {
      getKioskRequest: refusing((kioskId: string, requestId: string) => opening.first({ kioskId, requestId })),
      listCertificatesOfHolder: refusing((holder: string) => opening.second(holder)),
      countWaitingAhead: refusing((ticketId: number, hallNow: string) => waits.first({ ticketId, hallNow })),
      recentServiceDurations: refusing((category: string, limit: number) => waits.second({ category, limit })),
      addKioskRequest: refusing((k: KioskRequestRecord) => answers.first({ ...k })),
      appendAccessAudit: refusing((e: NewAccessAuditRecord) => answers.second({ ...e })),
    },
    counts: () => {
      const calls: Record<keyof BatchedMethods, number> = {
        getKioskRequest: opening.calls.first, listCertificatesOfHolder: opening.calls.second, countWaitingAhead: waits.calls.first,
        recentServiceDurations: waits.calls.second, addKioskRequest: answers.calls.first, appendAccessAudit: answers.calls.second,
      };
      return Object.fromEntries((Object.keys(calls) as Array<keyof BatchedMethods>).map((kind) => [kind, { calls: calls[kind], statements: sent[kind] }])) as
        Record<keyof BatchedMethods, StatementCounts>;
    },
    sentInAll: () => sentInAll,
  };
}
