/**
 * The hall side of a linked kiosk's `hallRequest` (protocol contract/kioskLink.ts): validate, run the hall function
 * over the hall's own services, answer exactly once, and for the ops that change the database
 * (`KIOSK_LINK_MUTATING_OPS`) apply each (kiosk, requestId) at most once:
 * - a request still running: a resend waits for the same answer (in memory);
 * - a request applied before: its persisted answer (`kiosk_requests`, migration 5) comes back with `replayed: true`.
 *
 * A walk-in ticket (`queue.take` of one service) is read, applied and recorded in one transaction, its group's
 * (hall/queue.ts WalkInOnce): its record and the citizen's names read before the rules, the answer's record and audit
 * entry written with the COMMIT. Applied and recorded together or neither, so a resend after a hall crash finds the
 * same ticket. Its checks that need no database (shape, rate limit, the card) come first, so a resend counts
 * against the kiosk's rate limit as any request does. Limit of the other mutating ops: the services run their own
 * transactions, so their answer is recorded right after the service's commit, not in it; a hall crash between the
 * two could apply a resend again. The tables' own rules (one booking per person per service per day, an application
 * per kiosk request id) then answer the resend with the same booking or a refusal.
 *
 * Trust: the kiosk's token says which kiosk is asking, not who the citizen is. Before an op runs, the request is
 * checked in this order: its shape (linkSchemas.ts, every op's args), the kiosk's rate limit (kioskRateLimits.ts),
 * the citizen re-checked at the hall (hall/linkedCitizen.ts: number, check character, birth date, expiry, name), and
 * for the ops of one citizen the name against what the hall's records hold for that number. The services then get the
 * citizen the hall built (birth date from the number), so priority is the hall's own.
 */
import {
  KIOSK_LINK_MUTATING_OPS,
  type KioskLinkAnswer,
  type KioskLinkFailure,
  type KioskLinkOp,
  type KioskLinkRequest,
} from '@onedoor/protocol';
import { maskIdNumber, RESULT_COLLECTION_MODES } from '@onedoor/protocol';
import { z } from 'zod';
import type { Citizen } from '../hall/citizen.ts';
import type { CertificateRecord, HallRepository, KioskRequestRecord } from '../store/hallStore.ts';
import { HallRuleError } from '../hall/errors.ts';
import { AnsweredBefore, type WalkInOnce } from '../hall/queue.ts';
import { IntakeFormRefused } from '../hall/intake.ts';
import { recordPrint } from '../hall/printLog.ts';
import { checkLinkedCitizen, nameMatchesRecords, RECORDS_MISMATCH } from '../hall/linkedCitizen.ts';
import { kioskFailure, SERVICE_PAUSED } from '../api/kioskCommands.ts';
import { verifyCopyAnswer } from '../api/certificateVerifyAnswer.ts';
import { checkInWithCodeAtHall } from '../api/scannedAppointments.ts';
import type { KioskHall } from '../api/kioskHall.ts';
import type { PhoneChannel } from '../api/phoneChannel.ts';
import { KioskRateLimiter, RATE_LIMITED, type RateLimitKind } from './kioskRateLimits.ts';
import { linkedSessionKey, linkedSessionPrefix } from './linkedIntake.ts';
import { describeLinkInvalid, hallRequestSchema } from './linkSchemas.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const id = z.number().int().min(1).max(2 ** 31);
const serviceId = z.string().min(1).max(64);
/** A kiosk session as the hall knows it: its token's SHA-256 (hall/phoneSessions.ts tokenHashOf). */
const origin = z.string().regex(/^[0-9a-f]{64}$/);

/** Per op: whether it needs the citizen, and its arguments after the citizen. */
const OP_ARGS = {
  'queue.categories': [false, z.tuple([])],
  // The category, then the further services of the same visit (hall/visits.ts), absent for one service.
  'queue.take': [true, z.union([z.tuple([z.string().regex(/^[A-Za-z]$/)]),
    z.tuple([z.string().regex(/^[A-Za-z]$/), z.array(z.string().regex(/^[A-Za-z]$/)).max(8)])])],
  'appointments.upcoming': [true, z.tuple([])],
  'appointments.checkIn': [true, z.tuple([id])],
  // The scanned code as read (its shape and MAC are checked by the hall's appointment codes).
  'appointments.checkInByCode': [false, z.tuple([z.string().min(1).max(128)])],
  'appointments.bookableDays': [false, z.tuple([])],
  'appointments.slots': [false, z.tuple([z.string().min(1).max(64), day])],
  'appointments.book': [true, z.tuple([id])],
  'appointments.cancel': [true, z.tuple([id])],
  'guidance.departments': [false, z.tuple([])],
  'guidance.servicesOf': [false, z.tuple([id])],
  'guidance.finder': [false, z.tuple([])],
  'certificates.list': [true, z.tuple([])],
  'certificates.printCopy': [true, z.tuple([z.string().min(10).max(128)])],
  'certificates.verify': [false, z.tuple([z.string().min(1).max(4000)])],
  'certificates.verifyCopy': [false, z.tuple([z.string().min(1).max(2000)])],
  'applications.list': [true, z.tuple([])],
  'applications.get': [true, z.tuple([z.string().min(1).max(64)])],
  'notices.unread': [true, z.tuple([])],
  'notices.ack': [true, z.tuple([z.array(id).min(1).max(50)])],
  'intake.state': [false, z.tuple([])],
  // Applying (hallLink/linkedIntake.ts): the kiosk session is named by its token's hash (`origin`), never the token.
  'intake.items': [false, z.tuple([])],
  'intake.start': [true, z.tuple([serviceId])],
  'intake.sign': [true, z.tuple([origin, serviceId, z.string().min(1).max(64)])],
  // origin, the kiosk command's requestId, the item, the form (checked field by field by the service), how the
  // materials to bring are handed in (null: none to bring) and the commitments the kiosk saw signed for the item.
  'intake.submit': [true, z.tuple([origin, z.string().min(1).max(128), serviceId,
    z.record(z.string().max(32), z.string().max(200)).refine((f) => Object.keys(f).length <= 20, 'at most 20 fields'),
    z.enum(['ticket', 'slot']).nullable(), z.array(z.string().min(1).max(64)).max(20)])],
  'intake.list': [true, z.tuple([])],
  'intake.forget': [false, z.tuple([origin])],
  'results.offers': [true, z.tuple([])],
  // serial, way, address and phone (null unless post; checked by the service, resultCollection.ts).
  'results.collect': [true, z.tuple([z.string().min(1).max(64), z.enum(RESULT_COLLECTION_MODES), z.string().max(200).nullable(),
    z.string().max(20).nullable()])],
  'printLog.add': [false, z.tuple([z.object({
    at: z.number().int(), kind: z.enum(['queueTicket', 'appointmentSlip', 'certificateCopy', 'progressSlip']),
    ref: z.string().max(200), maskedNumber: z.string().max(32), detail: z.string().max(500).nullable(),
  }).strict()])],
  'phone.ticketCapability': [false, z.tuple([id, day])],
  'phone.handoff': [true, z.tuple([origin])],
  'phone.revokeHandoffs': [false, z.tuple([origin])],
} satisfies { [O in KioskLinkOp]: readonly [boolean, z.ZodType<unknown[]>] };

class Paused extends Error {}

/** What an op may use besides the hall services: the phone channel (the hall's key) and who is asking. */
interface RunContext {
  phone: PhoneChannel | null;
  kioskId: string;
}

type Run = (hall: KioskHall, c: Citizen, args: never[], ctx: RunContext) => Promise<unknown>;

function need<T>(service: T | null): T {
  if (service === null) throw new Paused(SERVICE_PAUSED.en);
  return service;
}

const RUN: { [O in KioskLinkOp]: Run } = {
  'queue.categories': (h) => need(h.records).listQueueCategories(),
  'queue.take': (h, c, [category, also]) => need(h.queue).takeTicket(c, category, {}, also ?? []),
  'appointments.upcoming': (h, c) => need(h.appointments).upcoming(c),
  'appointments.checkIn': (h, c, [appointmentId]) => need(h.appointments).checkIn(c, appointmentId),
  // The holder comes from the appointment the hall's code names, never from the kiosk (it knows no one here).
  'appointments.checkInByCode': (h, _c, [code], { phone }) => checkInWithCodeAtHall(h, need(phone), code),
  'appointments.bookableDays': (h) => need(h.appointments).bookableDays(),
  'appointments.slots': (h, _c, [serviceId, date]) => need(h.appointments).slots(serviceId, date),
  'appointments.book': (h, c, [slotId]) => need(h.appointments).book(c, slotId),
  'appointments.cancel': (h, c, [appointmentId]) => need(h.appointments).cancel(c, appointmentId),
  'guidance.departments': (h) => need(h.guidance).departments(),
  'guidance.servicesOf': (h, _c, [departmentId]) => need(h.guidance).servicesOf(departmentId),
  'guidance.finder': (h) => need(h.guidance).finder(),
  'certificates.list': (h, c) => need(h.certificates).list(c),
  'certificates.printCopy': (h, c, [identifier]) => need(h.certificates).printCopy(c, identifier),
  'certificates.verify': (h, _c, [payload]) => need(h.certificates).verifyCertificatePayload(payload),
  'certificates.verifyCopy': (h, _c, [payload]) => verifyCopyAnswer(need(h.certificates), payload),
  'applications.list': (h, c) => need(h.applications).listOf(c),
  'applications.get': (h, c, [serial]) => need(h.applications).get(c, serial),
  'notices.unread': (h, c) => need(h.notices ?? null).unreadOf(c),
  'notices.ack': (h, c, [ids]) => need(h.notices ?? null).acknowledge(c, ids),
  'intake.state': (h) => need(h.boundaries ?? null).current(),
  'intake.items': (h) => need(h.intake ?? null).items(),
  'intake.start': (h, c, [service]) => need(h.intake ?? null).start(c, service),
  // The card was checked against the session's holder at the kiosk that read it (linkedIntake.ts), so the card number
  // given to the service is the citizen's; the kiosk id is the one the hall knows from the link token.
  'intake.sign': (h, c, [session, service, material], { kioskId }) =>
    need(h.intake ?? null).sign(linkedSessionKey(kioskId, session, c.number), c, service, material, c.number, kioskId),
  'intake.submit': (h, c, [session, requestId, service, form, bringBy, signedAtKiosk], { kioskId }) => need(h.intake ?? null).submit({
    sessionKey: linkedSessionKey(kioskId, session, c.number), citizen: c, kioskId, requestId, serviceId: service, form,
    ...(bringBy !== null ? { bringBy } : {}), signedAtKiosk }),
  'intake.list': (h, c) => need(h.intake ?? null).listOf(c),
  'intake.forget': async (h, _c, [session], { kioskId }) => {
    need(h.intake ?? null).forgetSessionsStartingWith(linkedSessionPrefix(kioskId, session));
    return null;
  },
  'results.offers': (h, c) => need(h.results ?? null).offers(c),
  'results.collect': (h, c, [serial, mode, address, phone]) => need(h.results ?? null).collect({ citizen: c, serial, mode,
    ...(address !== null ? { address } : {}), ...(phone !== null ? { phone } : {}) }),
  // Through recordPrint, which refuses an entry that still holds a full number (hall-rules.md "Privacy").
  'printLog.add': (h, _c, [entry]) => recordPrint(need(h.store), entry),
  // Only for a ticket of this hall that exists, of its own day: a kiosk cannot mint capabilities for guessed ids.
  'phone.ticketCapability': async (h, _c, [ticketId, ticketDay], { phone }) => {
    const t = await need(h.store).getTicket(ticketId);
    if (!t || t.day !== ticketDay) throw new Error(`no ticket ${ticketId} of ${ticketDay}`);
    return need(phone).capabilities.issue({ id: t.id, day: t.day });
  },
  'phone.handoff': (_h, c, [origin], { phone, kioskId }) => need(phone).sessions.handOff(c, origin, kioskId),
  'phone.revokeHandoffs': (_h, _c, [origin], { phone }) => need(phone).sessions.revokeHandoffsOf(origin),
};


function failureOf(err: unknown): KioskLinkFailure {
  if (err instanceof Paused) return { kind: 'paused', message: err.message };
  const f = kioskFailure(err);
  if (f.code === 'userError' && f.refusal) {
    const { code, zh, en } = f.refusal;
    // A form refused field by field keeps its fields (with their labels), so the linked kiosk's screen shows each.
    return err instanceof IntakeFormRefused ? { kind: 'rule', code, zh, en, fields: err.fields } : { kind: 'rule', code, zh, en };
  }
  if (f.code === 'deviceNotReady') return { kind: 'paused', message: f.message };
  return { kind: 'invalid', message: f.message };
}

/** Why a request was refused before it ran (counted per kiosk on the dashboard). */
export type HallRequestRefusal = RateLimitKind | 'invalid';

export interface HallRequestHandlerOptions {
  hall: KioskHall;
  /** The hall's phone channel: linked kiosks' tickets and hand-offs are made with the hall's key. */
  phone?: PhoneChannel | null;
  /** Per-kiosk rate limits; default KIOSK_RATE_LIMIT_DEFAULTS. */
  limiter?: KioskRateLimiter;
  /** Told of each refusal before an op ran: over a rate limit, malformed, or a citizen the hall could not verify. */
  onRefused?(kioskId: string, kind: HallRequestRefusal, detail: string): void;
  /** Told after a mutating request was applied and its answer recorded, before the kiosk is answered. */
  onApplied?(kioskId: string, request: KioskLinkRequest, answer: KioskLinkAnswer): void;
  /** A problem recording an answer (the answer still goes out). */
  onRecordError?(err: unknown): void;
  /**
   * Writes the access audit entry of an answer (auditedHallRequests.ts linkAudit), once per call, before the caller
   * is answered; for an applied request in the same turn as its record. Never rejects the answer.
   */
  audit?: LinkAudit;
}

/**
 * The access audit of one answer to a kiosk's payload (auditedHallRequests.ts); `into`: the same entry through a
 * transaction's repository, rejecting when it cannot be written (a linked kiosk's walk-in ticket: the entry is
 * committed with the ticket and its record).
 */
export interface LinkAudit {
  (kioskId: string, payload: unknown, answer: KioskLinkAnswer): Promise<void>;
  into?(repo: Pick<HallRepository, 'appendAccessAudit'>, kioskId: string, payload: unknown, answer: KioskLinkAnswer): Promise<void>;
}

/** The names' read started before the request's checks, for the citizen's number as the hall checks it (upper case). */
interface NamesRead {
  number: string;
  read: Promise<CertificateRecord[]>;
}

/**
 * An answer that is the request's outcome, recorded so a resend gets it again: a result or a rule's refusal. Paused,
 * invalid or over the rate limit: nothing was applied, so a resend may try again.
 */
function isFinal(answer: KioskLinkAnswer): boolean {
  return answer.ok || (answer.failure.kind === 'rule' && answer.failure.code !== 'rateLimited');
}

/** A request applied before, answered again: its recorded answer, marked replayed. */
function replayOf(record: KioskRequestRecord, requestId: string): KioskLinkAnswer {
  return { ...(JSON.parse(record.answer) as KioskLinkAnswer), requestId, replayed: true };
}

/** Makes the handler: `(kioskId, payload) -> exactly one answer` (never rejects). */
export function hallRequestHandler(o: HallRequestHandlerOptions): (kioskId: string, payload: unknown) => Promise<KioskLinkAnswer> {
  const running = new Map<string, Promise<KioskLinkAnswer>>();
  const limiter = o.limiter ?? new KioskRateLimiter();
  const refused = (kioskId: string, kind: HallRequestRefusal, detail: string) => {
    try {
      o.onRefused?.(kioskId, kind, detail);
    } catch {
      // a listener's problem never changes the answer
    }
  };
  const invalid = (kioskId: string, requestId: string, message: string): KioskLinkAnswer => {
    refused(kioskId, 'invalid', message);
    return { requestId, ok: false, failure: { kind: 'invalid', message } };
  };

  /**
   * The request's checks before it runs, in order: its arguments, the citizen given where needed, the kiosk's rate
   * limit, the citizen as the hall checks a card. A refusal is the answer; otherwise what the op runs with.
   */
  const admit = (kioskId: string, req: KioskLinkRequest): { refusal: KioskLinkAnswer } | { args: never[]; citizen: Citizen | null } => {
    const [needsCitizen, argsSchema] = OP_ARGS[req.op];
    const args = argsSchema.safeParse(req.args);
    if (!args.success) return { refusal: invalid(kioskId, req.requestId, `args of ${req.op}: ${describeLinkInvalid(args.error)}`) };
    if (needsCitizen && !req.citizen) return { refusal: invalid(kioskId, req.requestId, `${req.op} needs the citizen`) };
    const allowed = limiter.allow(kioskId, req.op);
    if (!allowed.ok) {
      refused(kioskId, allowed.kind, `${req.op} over the kiosk's ${allowed.kind} rate limit`);
      return { refusal: { requestId: req.requestId, ok: false, failure: { kind: 'rule', code: 'rateLimited', ...RATE_LIMITED } } };
    }
    if (!needsCitizen || !req.citizen) return { args: args.data as never[], citizen: null };
    const checked = checkLinkedCitizen(req.citizen, o.hall.clock.today());
    if (!checked.ok) {
      refused(kioskId, 'invalid', `${req.op}: citizen refused (${checked.reason}, ${maskIdNumber(req.citizen.number)})`);
      return { refusal: { requestId: req.requestId, ok: false, failure: { kind: 'rule', code: 'cardRefused', zh: checked.zh, en: checked.en } } };
    }
    return { args: args.data as never[], citizen: checked.citizen };
  };

  /**
   * The citizen's name against the names the hall holds for the number: null when it matches, else the refusal.
   * Not counted here (namesRefused): a walk-in's check may run once more, when its group's transaction is retried.
   */
  const namesRefusal = (citizen: Citizen, held: readonly CertificateRecord[]): HallRuleError | null =>
    nameMatchesRecords(citizen.name, held.map((c) => c.holderName)) ? null : new HallRuleError('cardRefused', RECORDS_MISMATCH.zh, RECORDS_MISMATCH.en);
  /** A names refusal that is the request's answer, counted against the kiosk once. */
  const namesRefused = (kioskId: string, req: KioskLinkRequest, citizen: Citizen) =>
    refused(kioskId, 'invalid', `${req.op}: citizen's name does not match the hall's records (${maskIdNumber(citizen.number)})`);

  /** `names`: the names the hall holds for the citizen's number, when already asked for (applyOnce). */
  const execute = async (kioskId: string, req: KioskLinkRequest, names?: NamesRead): Promise<KioskLinkAnswer> => {
    const admitted = admit(kioskId, req);
    if ('refusal' in admitted) return admitted.refusal;
    const { citizen, args } = admitted;
    try {
      if (citizen) {
        const store = o.hall.store;
        if (!store) throw new Paused(SERVICE_PAUSED.en);
        const held = names?.number === citizen.number ? await names.read : await store.listCertificatesOfHolder(citizen.number);
        const refusal = namesRefusal(citizen, held);
        if (refusal) {
          namesRefused(kioskId, req, citizen);
          return { requestId: req.requestId, ok: false, failure: failureOf(refusal) };
        }
      }
      const result = await RUN[req.op](o.hall, citizen as Citizen, args, { phone: o.phone ?? null, kioskId });
      return { requestId: req.requestId, ok: true, result: result ?? null };
    } catch (err) {
      return { requestId: req.requestId, ok: false, failure: failureOf(err) };
    }
  };

  /** The answer, once audited (o.audit): the caller is answered after its entry is written. */
  const audited = async (kioskId: string, payload: unknown, answer: KioskLinkAnswer): Promise<KioskLinkAnswer> => {
    await o.audit?.(kioskId, payload, answer).catch(() => undefined);
    return answer;
  };

  /** A final answer recorded (and audited in the same turn) before its caller gets it; others only audited. */
  const finish = async (kioskId: string, req: KioskLinkRequest, payload: unknown, answer: KioskLinkAnswer): Promise<KioskLinkAnswer> => {
    const store = o.hall.store;
    if (!isFinal(answer) || !store) return audited(kioskId, payload, answer);
    // The record and the audit entry in one turn: one statement on PostgreSQL (store/hallPostgresBatches.ts).
    const record = store.addKioskRequest({ kioskId, requestId: req.requestId, op: req.op, answer: JSON.stringify(answer), appliedAt: Date.now() })
      .catch((err: unknown) => o.onRecordError?.(err));
    await Promise.all([record, audited(kioskId, payload, answer)]);
    o.onApplied?.(kioskId, req, answer);
    return answer;
  };

  /**
   * `queue.take` of one service (a walk-in): its record read, the citizen's names checked, the ticket issued and the
   * answer's record and audit entry written in the ticket's transaction (hall/queue.ts WalkInOnce), which its group
   * of walk-ins shares: applied and recorded together, or neither (README "Many instances"). On PostgreSQL the reads
   * go in the round trip of the group's first reads and the writes with its COMMIT.
   */
  const takeWalkIn = async (kioskId: string, req: KioskLinkRequest, payload: unknown): Promise<KioskLinkAnswer> => {
    const admitted = admit(kioskId, req);
    if ('refusal' in admitted) {
      // A resend of a request applied before gets its recorded answer, whatever the checks say now (the card expired
      // at midnight between the two, say): read where the refusal would be final, so recorded in its place.
      const store = o.hall.store;
      if (store && isFinal(admitted.refusal)) {
        const before = await store.getKioskRequest(kioskId, req.requestId).catch(() => undefined);
        if (before) return audited(kioskId, payload, replayOf(before, req.requestId));
      }
      return finish(kioskId, req, payload, admitted.refusal);
    }
    const citizen = admitted.citizen!;
    const [category] = admitted.args as unknown as [string];
    const queue = o.hall.queue;
    if (!queue || !o.hall.store) return audited(kioskId, payload, { requestId: req.requestId, ok: false, failure: { kind: 'paused', message: SERVICE_PAUSED.en } });
    const answerOf = (outcome: unknown): KioskLinkAnswer => outcome instanceof HallRuleError
      ? { requestId: req.requestId, ok: false, failure: failureOf(outcome) } : { requestId: req.requestId, ok: true, result: outcome ?? null };
    const audit = o.audit;
    /** The names refusal of the latest attempt (a group's transaction retried runs `before` again): counted if final. */
    let mismatch: HallRuleError | null = null;
    const once: WalkInOnce = {
      before: async (tx) => {
        const [record, held] = await Promise.all([tx.getKioskRequest(kioskId, req.requestId), tx.listCertificatesOfHolder(citizen.number)]);
        if (record) return { answered: replayOf(record, req.requestId) };
        mismatch = namesRefusal(citizen, held);
        return mismatch ? { refused: mismatch } : null;
      },
      after: (tx, outcome) => {
        const answer = answerOf(outcome);
        // Not waited for here: sent with the COMMIT; one that fails fails the transaction, and with it the ticket.
        void tx.atCommit((c) => Promise.all([
          c.addKioskRequest({ kioskId, requestId: req.requestId, op: req.op, answer: JSON.stringify(answer), appliedAt: Date.now() }),
          audit?.into?.(c, kioskId, payload, answer),
        ])).catch(() => undefined);
      },
    };
    let answer: KioskLinkAnswer;
    try {
      answer = answerOf(await queue.takeTicket(citizen, category, {}, [], once));
    } catch (err) {
      // Applied before: its recorded answer again, audited as replayed.
      if (err instanceof AnsweredBefore) return audited(kioskId, payload, err.answer as KioskLinkAnswer);
      // A rule's refusal was recorded in its group's transaction; anything else was not applied (a resend may try).
      if (!(err instanceof HallRuleError)) return audited(kioskId, payload, { requestId: req.requestId, ok: false, failure: failureOf(err) });
      if (err === mismatch) namesRefused(kioskId, req, citizen);
      answer = answerOf(err);
    }
    // Recorded and audited in the transaction; audited here when the audit cannot write into one.
    if (!audit?.into) await audited(kioskId, payload, answer);
    o.onApplied?.(kioskId, req, answer);
    return answer;
  };

  const applyOnce = async (kioskId: string, req: KioskLinkRequest, payload: unknown): Promise<KioskLinkAnswer> => {
    if (req.op === 'queue.take' && Array.isArray(req.args) && req.args.length === 1) return takeWalkIn(kioskId, req, payload);
    const store = o.hall.store;
    if (!store) return audited(kioskId, payload, { requestId: req.requestId, ok: false, failure: { kind: 'paused', message: SERVICE_PAUSED.en } });
    // The record and, for an op of one citizen, the names the hall holds for the number, asked for in one turn: the
    // store sends both in one statement (store/hallPostgresBatches.ts). Read before the request's checks, as the
    // record always was; a request refused by them does not use the names.
    const number = OP_ARGS[req.op][0] && req.citizen ? req.citizen.number.toUpperCase() : null;
    const names: NamesRead | undefined = number === null ? undefined : { number, read: store.listCertificatesOfHolder(number) };
    names?.read.catch(() => undefined); // unused when the request is refused or replayed; used, it answers its error there
    let before;
    try {
      before = await store.getKioskRequest(kioskId, req.requestId);
    } catch (err) {
      return audited(kioskId, payload, { requestId: req.requestId, ok: false, failure: failureOf(err) });
    }
    if (before) return audited(kioskId, payload, replayOf(before, req.requestId));
    return finish(kioskId, req, payload, await execute(kioskId, req, names));
  };

  return async (kioskId, payload) => {
    const p = hallRequestSchema.safeParse(payload);
    if (!p.success) {
      const id = (payload as { requestId?: unknown } | null)?.requestId;
      // The requestId goes back only when it is one a valid request could carry (a 200 KB one is not echoed).
      const rid = typeof id === 'string' && id.length <= 128 ? id : '';
      return audited(kioskId, payload, invalid(kioskId, rid, `hallRequest: ${describeLinkInvalid(p.error)}`));
    }
    const req = p.data as KioskLinkRequest;
    if (!KIOSK_LINK_MUTATING_OPS.includes(req.op)) return audited(kioskId, payload, await execute(kioskId, req));
    const key = `${kioskId}\n${req.requestId}`;
    const inFlight = running.get(key);
    // A resend while the first is running: the same answer, audited for this caller too.
    if (inFlight) return audited(kioskId, payload, await inFlight);
    const run = applyOnce(kioskId, req, payload).finally(() => running.delete(key));
    running.set(key, run);
    return run;
  };
}
