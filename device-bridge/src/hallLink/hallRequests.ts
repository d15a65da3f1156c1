/**
 * The hall side of a linked kiosk's `hallRequest` (protocol contract/kioskLink.ts): validate, run the hall function
 * over the hall's own services, answer exactly once, and for the ops that change the database
 * (`KIOSK_LINK_MUTATING_OPS`) apply each (kiosk, requestId) at most once:
 * - a request still running: a resend waits for the same answer (in memory);
 * - a request applied before: its persisted answer (`kiosk_requests`, migration 5) comes back with `replayed: true`.
 *
 * Limit: the services run their own transactions, so the answer is recorded right after the service's commit, not in
 * it; a hall crash between the two could apply a resend again. The tables' own rules (one waiting ticket per person
 * per category, one booking per person per service per day) then answer the resend with the same ticket or a refusal.
 */
import {
  KIOSK_LINK_MUTATING_OPS,
  KIOSK_LINK_OPS,
  type KioskLinkAnswer,
  type KioskLinkFailure,
  type KioskLinkOp,
  type KioskLinkRequest,
} from '@onedoor/protocol';
import { z } from 'zod';
import type { Citizen } from '../hall/citizen.ts';
import { kioskFailure, SERVICE_PAUSED } from '../api/kioskCommands.ts';
import type { KioskHall } from '../api/kioskHall.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const id = z.number().int().min(1).max(2 ** 31);
const citizenSchema = z.object({
  number: z.string().min(15).max(18),
  name: z.string().min(1).max(200),
  birthDate: day,
}).strict();

/** Per op: whether it needs the citizen, and its arguments after the citizen. */
const OP_ARGS = {
  'queue.categories': [false, z.tuple([])],
  'queue.take': [true, z.tuple([z.string().regex(/^[A-Za-z]$/)])],
  'appointments.upcoming': [true, z.tuple([])],
  'appointments.checkIn': [true, z.tuple([id])],
  'appointments.bookableDays': [false, z.tuple([])],
  'appointments.slots': [false, z.tuple([z.string().min(1).max(64), day])],
  'appointments.book': [true, z.tuple([id])],
  'appointments.cancel': [true, z.tuple([id])],
  'guidance.departments': [false, z.tuple([])],
  'guidance.servicesOf': [false, z.tuple([id])],
  'certificates.list': [true, z.tuple([])],
  'certificates.printCopy': [true, z.tuple([z.string().min(10).max(128)])],
  'certificates.verify': [false, z.tuple([z.string().min(1).max(4000)])],
  'applications.list': [true, z.tuple([])],
  'applications.get': [true, z.tuple([z.string().min(1).max(64)])],
  'printLog.add': [false, z.tuple([z.object({
    at: z.number().int(), kind: z.enum(['queueTicket', 'appointmentSlip', 'certificateCopy', 'progressSlip']),
    ref: z.string().max(200), maskedNumber: z.string().max(32), detail: z.string().max(500).nullable(),
  }).strict()])],
} satisfies { [O in KioskLinkOp]: readonly [boolean, z.ZodType<unknown[]>] };

class Paused extends Error {}

type Run = (hall: KioskHall, c: Citizen, args: never[]) => Promise<unknown>;

function need<T>(service: T | null): T {
  if (service === null) throw new Paused(SERVICE_PAUSED.en);
  return service;
}

const RUN: { [O in KioskLinkOp]: Run } = {
  'queue.categories': (h) => need(h.records).listQueueCategories(),
  'queue.take': (h, c, [category]) => need(h.queue).takeTicket(c, category),
  'appointments.upcoming': (h, c) => need(h.appointments).upcoming(c),
  'appointments.checkIn': (h, c, [appointmentId]) => need(h.appointments).checkIn(c, appointmentId),
  'appointments.bookableDays': (h) => need(h.appointments).bookableDays(),
  'appointments.slots': (h, _c, [serviceId, date]) => need(h.appointments).slots(serviceId, date),
  'appointments.book': (h, c, [slotId]) => need(h.appointments).book(c, slotId),
  'appointments.cancel': (h, c, [appointmentId]) => need(h.appointments).cancel(c, appointmentId),
  'guidance.departments': (h) => need(h.guidance).departments(),
  'guidance.servicesOf': (h, _c, [departmentId]) => need(h.guidance).servicesOf(departmentId),
  'certificates.list': (h, c) => need(h.certificates).list(c),
  'certificates.printCopy': (h, c, [identifier]) => need(h.certificates).printCopy(c, identifier),
  'certificates.verify': (h, _c, [payload]) => need(h.certificates).verifyCertificatePayload(payload),
  'applications.list': (h, c) => need(h.applications).listOf(c),
  'applications.get': (h, c, [serial]) => need(h.applications).get(c, serial),
  'printLog.add': (h, _c, [entry]) => need(h.records).addPrintLog(entry),
};

const requestSchema = z.object({
  requestId: z.string().min(1).max(128),
  op: z.enum(KIOSK_LINK_OPS),
  citizen: citizenSchema.optional(),
  args: z.array(z.unknown()).max(8),
});

function failureOf(err: unknown): KioskLinkFailure {
  if (err instanceof Paused) return { kind: 'paused', message: err.message };
  const f = kioskFailure(err);
  if (f.code === 'userError' && f.refusal) return { kind: 'rule', code: f.refusal.code, zh: f.refusal.zh, en: f.refusal.en };
  if (f.code === 'deviceNotReady') return { kind: 'paused', message: f.message };
  return { kind: 'invalid', message: f.message };
}

export interface HallRequestHandlerOptions {
  hall: KioskHall;
  /** Told after a mutating request was applied and its answer recorded, before the kiosk is answered. */
  onApplied?(kioskId: string, request: KioskLinkRequest, answer: KioskLinkAnswer): void;
  /** A problem recording an answer (the answer still goes out). */
  onRecordError?(err: unknown): void;
}

/** Makes the handler: `(kioskId, payload) -> exactly one answer` (never rejects). */
export function hallRequestHandler(o: HallRequestHandlerOptions): (kioskId: string, payload: unknown) => Promise<KioskLinkAnswer> {
  const running = new Map<string, Promise<KioskLinkAnswer>>();

  const execute = async (req: KioskLinkRequest): Promise<KioskLinkAnswer> => {
    const [needsCitizen, argsSchema] = OP_ARGS[req.op];
    const args = argsSchema.safeParse(req.args);
    if (!args.success) return { requestId: req.requestId, ok: false, failure: { kind: 'invalid', message: `args of ${req.op}: ${args.error.issues[0]?.message ?? 'invalid'}` } };
    if (needsCitizen && !req.citizen) return { requestId: req.requestId, ok: false, failure: { kind: 'invalid', message: `${req.op} needs the citizen` } };
    try {
      const result = await RUN[req.op](o.hall, req.citizen as Citizen, args.data as never[]);
      return { requestId: req.requestId, ok: true, result: result ?? null };
    } catch (err) {
      return { requestId: req.requestId, ok: false, failure: failureOf(err) };
    }
  };

  const applyOnce = async (kioskId: string, req: KioskLinkRequest): Promise<KioskLinkAnswer> => {
    const store = o.hall.store;
    if (!store) return { requestId: req.requestId, ok: false, failure: { kind: 'paused', message: SERVICE_PAUSED.en } };
    let before;
    try {
      before = await store.getKioskRequest(kioskId, req.requestId);
    } catch (err) {
      return { requestId: req.requestId, ok: false, failure: failureOf(err) };
    }
    if (before) return { ...(JSON.parse(before.answer) as KioskLinkAnswer), requestId: req.requestId, replayed: true };
    const answer = await execute(req);
    // Paused or invalid: nothing was applied, so a resend may try again. A result or a rule's refusal is final.
    const final = answer.ok || answer.failure.kind === 'rule';
    if (final) {
      try {
        await store.addKioskRequest({ kioskId, requestId: req.requestId, op: req.op, answer: JSON.stringify(answer), appliedAt: Date.now() });
      } catch (err) {
        o.onRecordError?.(err);
      }
      o.onApplied?.(kioskId, req, answer);
    }
    return answer;
  };

  return async (kioskId, payload) => {
    const p = requestSchema.safeParse(payload);
    if (!p.success) {
      const rid = typeof (payload as { requestId?: unknown })?.requestId === 'string' ? (payload as { requestId: string }).requestId : '';
      return { requestId: rid, ok: false, failure: { kind: 'invalid', message: `hallRequest: ${p.error.issues[0]?.path.join('.')} ${p.error.issues[0]?.message}` } };
    }
    const req = p.data as KioskLinkRequest;
    if (!KIOSK_LINK_MUTATING_OPS.includes(req.op)) return execute(req);
    const key = `${kioskId}\n${req.requestId}`;
    const inFlight = running.get(key);
    if (inFlight) return inFlight;
    const run = applyOnce(kioskId, req).finally(() => running.delete(key));
    running.set(key, run);
    return run;
  };
}
