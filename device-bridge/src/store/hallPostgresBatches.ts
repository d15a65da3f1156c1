/**
 * The outer PostgreSQL store's statements that concurrent callers share (statementBatches.ts; README "Many
 * instances"): the reads and writes of a linked kiosk's ticket that run on the pool, outside any transaction. Each
 * kind has a set-based statement scoped to the store's hall; a batch of one runs the repository's own statement, so
 * an idle hall sends exactly what it did before.
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
 * A write batch that a row made fail (a constraint, a bad value) runs its items again one by one (batchOrEachAlone),
 * so a row the table refuses fails its own caller only; any other failure (the database away, a timeout) is every
 * caller's, without sending each item into it again.
 */
import { auditSafeEntry, type AccessAuditRecord, type NewAccessAuditRecord } from './accessAuditRecords.ts';
import { certificateFromRow, kioskRequestFromRow, type Row } from './hallSqlite.ts';
import type { CertificateRecord, HallRepository, KioskRequestRecord } from './hallStore.ts';
import { batchOrEachAlone, StatementBatches } from './statementBatches.ts';
import { waitingAheadOfIdsSql } from './ticketOrderSql.ts';
import { serviceDurationsSql } from './visitRecords.ts';

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
export type BatchedMethods = Pick<HallRepository, 'getKioskRequest' | 'listCertificatesOfHolder' | 'countWaitingAhead'
  | 'recentServiceDurations' | 'addKioskRequest' | 'appendAccessAudit'>;

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
}

export interface StatementCounts {
  calls: number;
  /** Statements sent: one per batch (a batch of one is the single statement); a failed write batch sends more. */
  statements: number;
}

export interface BatchedStatements {
  methods: BatchedMethods;
  /** Per method: calls made and statements sent. */
  counts(): Record<keyof BatchedMethods, StatementCounts>;
}

const keyOfPair = (a: string, b: string) => `${a}\u0000${b}`;

export function batchedStatements(deps: BatchedStatementDeps): BatchedStatements {
  const { h, single } = deps;
  const sent: Record<keyof BatchedMethods, number> = {
    getKioskRequest: 0, listCertificatesOfHolder: 0, countWaitingAhead: 0, recentServiceDurations: 0, addKioskRequest: 0, appendAccessAudit: 0,
  };
  /** A statement of `kind`, counted. */
  const rows = async (kind: keyof BatchedMethods, text: string, params: unknown[]): Promise<Row[]> => {
    sent[kind]++;
    return (await deps.query(text, params)).rows;
  };
  /** `one` alone for a batch of one (counted), `many` otherwise. */
  const aloneOr = <I, O>(kind: keyof BatchedMethods, one: (item: I) => Promise<O>, many: (items: readonly I[]) => Promise<O[]>) =>
    async (items: readonly I[]): Promise<O[]> => {
      if (items.length > 1) return many(items);
      sent[kind]++;
      return [await one(items[0])];
    };
  const writeBatch = <I, O>(kind: keyof BatchedMethods, one: (item: I) => Promise<O>, many: (items: readonly I[]) => Promise<O[]>) => {
    const each = async (item: I) => {
      sent[kind]++;
      return one(item);
    };
    return (items: readonly I[]) => batchOrEachAlone(items, aloneOr(kind, one, many), each, (err) => !deps.rowFault(err));
  };

  type Pair = { kioskId: string; requestId: string };
  const kioskRequests = new StatementBatches<Pair, KioskRequestRecord | undefined>(aloneOr('getKioskRequest',
    (p) => single.getKioskRequest(p.kioskId, p.requestId),
    async (pairs) => {
      const found = new Map<string, KioskRequestRecord>();
      for (const r of await rows('getKioskRequest', kioskRequestsOfPairsSql('$1::text[]', '$2::text[]', h),
      [pairs.map((p) => p.kioskId), pairs.map((p) => p.requestId)])) {
        const k = kioskRequestFromRow(r);
        found.set(keyOfPair(k.kioskId, k.requestId), k);
      }
      // Each caller its own object: one caller changing its record must not change another's.
      return pairs.map((p) => {
        const k = found.get(keyOfPair(p.kioskId, p.requestId));
        return k ? { ...k } : undefined;
      });
    }));

  const certificates = new StatementBatches<string, CertificateRecord[]>(aloneOr('listCertificatesOfHolder',
    (holder) => single.listCertificatesOfHolder(holder),
    async (holders) => {
      const of = new Map<string, Row[]>(holders.map((n) => [n, []]));
      // The single statement's order over the whole set keeps each holder's rows in that order.
      for (const r of await rows('listCertificatesOfHolder', `SELECT * FROM certificates WHERE hall_id = ${h}
        AND holder_number = ANY($1::text[]) ORDER BY issued_on DESC, identifier`, [[...of.keys()]])) {
        of.get(String(r.holder_number))?.push(r);
      }
      return holders.map((n) => of.get(n)!.map(certificateFromRow));
    }));

  type Ahead = { ticketId: number; hallNow: string };
  const waitingAhead = new StatementBatches<Ahead, number>(aloneOr('countWaitingAhead',
    (a) => single.countWaitingAhead(a.ticketId, a.hallNow),
    async (list) => {
      const ids = [...new Set(list.map((a) => a.ticketId))];
      const n = new Map<number, number>();
      for (const r of await rows('countWaitingAhead', waitingAheadOfIdsSql('$1::integer[]', '$2::text', h), [ids, list[0].hallNow])) {
        n.set(Number(r.id), Number(r.n ?? 0));
      }
      return list.map((a) => n.get(a.ticketId) ?? 0);
    }), { keyOf: (a) => a.hallNow });

  type Durations = { category: string; limit: number };
  // Every call of a batch has the same limit: one statement answers every category asked (a group of walk-ins of
  // several services asks for several), each category's durations newest first, each caller its own array.
  const durations = new StatementBatches<Durations, number[]>(aloneOr('recentServiceDurations',
    (d) => single.recentServiceDurations(d.category, d.limit),
    async (list) => {
      const of = new Map<string, number[]>(list.map((d) => [d.category, []]));
      for (const r of await rows('recentServiceDurations', `SELECT u.c AS category, d.ms FROM unnest($1::text[]) WITH ORDINALITY AS u(c, i)
        CROSS JOIN LATERAL (${serviceDurationsSql(h, 'u.c', h, 'u.c', '$2::integer')}) d ORDER BY u.i, d.f DESC`, [[...of.keys()], list[0].limit])) {
        of.get(String(r.category))!.push(Number(r.ms));
      }
      return list.map((d) => [...of.get(d.category)!]);
    }), { keyOf: (d) => String(d.limit) });

  const addRequests = new StatementBatches<KioskRequestRecord, void>(writeBatch('addKioskRequest',
    (k) => single.addKioskRequest(k),
    async (list) => {
      // In the batch's order: of two records of one key, the first is kept, as when the calls go one after another.
      await rows('addKioskRequest', `INSERT INTO kiosk_requests (hall_id, kiosk_id, request_id, op, answer, applied_at)
        SELECT ${h}, u.kiosk_id, u.request_id, u.op, u.answer, u.applied_at
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) WITH ORDINALITY AS u(kiosk_id, request_id, op, answer, applied_at, i)
        ORDER BY u.i ON CONFLICT (hall_id, kiosk_id, request_id) DO NOTHING`,
      [list.map((k) => k.kioskId), list.map((k) => k.requestId), list.map((k) => k.op), list.map((k) => k.answer), list.map((k) => k.appliedAt)]);
      return list.map(() => undefined);
    }));

  const audit = new StatementBatches<NewAccessAuditRecord, AccessAuditRecord>(writeBatch('appendAccessAudit',
    (e) => single.appendAccessAudit(e),
    async (list) => {
      // Masked here as in the single append (accessAuditRecords.ts: the one way in).
      const safe = list.map(auditSafeEntry);
      const col = <K extends keyof NewAccessAuditRecord>(k: K) => safe.map((e) => e[k]);
      // `r` is materialised (its nextval runs once per row): the ids inserted are the ids answered, each beside the
      // position of its entry, drawn in the batch's order so ids follow the order of the calls.
      const answer = await rows('appendAccessAudit', `WITH r AS MATERIALIZED (
          SELECT u.*, nextval(pg_get_serial_sequence('access_audit', 'id')) AS id FROM (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[],
            $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
            WITH ORDINALITY AS u(at, day, actor_kind, actor, role, function, masked_number, result, code, detail, i) ORDER BY u.i) u
        ), ins AS (
          INSERT INTO access_audit (id, hall_id, at, day, actor_kind, actor, role, function, masked_number, result, code, detail)
          SELECT r.id, ${h}, r.at, r.day, r.actor_kind, r.actor, r.role, r.function, r.masked_number, r.result, r.code, r.detail FROM r
        )
        SELECT r.i, r.id FROM r`,
      [col('at'), col('day'), col('actorKind'), col('actor'), col('role'), col('function'), col('maskedNumber'), col('result'), col('code'),
        col('detail')]);
      const idAt = new Map(answer.map((r) => [Number(r.i), Number(r.id)]));
      return safe.map((e, i) => {
        const id = idAt.get(i + 1);
        if (id === undefined) throw new Error('hall database (PostgreSQL): access audit batch answered no id for an entry');
        return { id, ...e };
      });
    }));

  const refusing = <A extends unknown[], O>(f: (...a: A) => Promise<O>) => (...a: A): Promise<O> => {
    const refused = deps.refuse();
    return refused ? Promise.reject(refused) : f(...a);
  };
  return {
    methods: {
      getKioskRequest: refusing((kioskId: string, requestId: string) => kioskRequests.call({ kioskId, requestId })),
      listCertificatesOfHolder: refusing((holder: string) => certificates.call(holder)),
      countWaitingAhead: refusing((ticketId: number, hallNow: string) => waitingAhead.call({ ticketId, hallNow })),
      recentServiceDurations: refusing((category: string, limit: number) => durations.call({ category, limit })),
      addKioskRequest: refusing((k: KioskRequestRecord) => addRequests.call({ ...k })),
      appendAccessAudit: refusing((e: NewAccessAuditRecord) => audit.call({ ...e })),
    },
    counts: () => {
      const calls: Record<keyof BatchedMethods, { counts: { calls: number } }> = {
        getKioskRequest: kioskRequests, listCertificatesOfHolder: certificates, countWaitingAhead: waitingAhead,
        recentServiceDurations: durations, addKioskRequest: addRequests, appendAccessAudit: audit,
      };
      return Object.fromEntries(Object.entries(calls).map(([kind, b]) => [kind, { calls: b.counts.calls, statements: sent[kind as keyof BatchedMethods] }])) as
        Record<keyof BatchedMethods, StatementCounts>;
    },
  };
}
