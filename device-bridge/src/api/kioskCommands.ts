/**
 * The `/kiosk` hall commands (protocol contract/kiosk.ts): zod validation, the session token check, the hall
 * service call, the print through the printer's queue, and the mapping of every outcome to exactly one
 * `KioskCompletion`:
 * - a hall rule's refusal (HallRuleError) -> `userError` with the refusal words (hall-rules.md: say why and what next);
 * - no or ended session -> `userError`, refusal `noSession`;
 * - the hall database closed or failing -> `deviceNotReady`, refusal `servicePaused` "暂停服务" (README
 *   "The hall data on PostgreSQL");
 * - a malformed payload or an unknown id -> `invalidRequest`.
 * A print that cannot finish (paper out...) does NOT fail the command: the result is returned for the screen with a
 * `KioskPrintOutcome` saying why, and the job stays queued for the reprint.
 */
import {
  COMMAND_LIMITS,
  KIOSK_COPY_PURPOSES,
  RESULT_COLLECTION_MODES,
  type KioskCopyPurpose,
  type KioskCommandMap,
  type KioskCommandName,
  type KioskCompletion,
  type KioskPrintOutcome,
  type KioskRefusal,
  type KioskSessionEvent,
  type PhoneHandoff,
} from '@onedoor/protocol';
import { z } from 'zod';
import { HallRuleError } from '../hall/errors.ts';
import { IntakeFormRefused } from '../hall/intake.ts';
import type { SessionView } from '../hall/session.ts';
import type { PrintLogKind } from '../store/hallStore.ts';
import { buildApplicationReceipt, type PrintRecipeOptions } from '../hall/printRecipes.ts';
import type { PrinterDriver } from '../devices/printer/index.ts';
import type { PrintJobRequest } from '../devices/printer/index.ts';
import { completeWithin } from './completions.ts';
import type { KioskHall } from './kioskHall.ts';
import type { DocPrinterDriver } from '../devices/ippPrinter/index.ts';
import { a4CertificateCopyJob, appointmentSlipJob, certificateCopyJob, kioskRecipeOptions, postSlipJob, printForKiosk, progressSlipJob,
  ticketPrintJob } from './kioskPrint.ts';
import { describeInvalid, salvageRequestId } from './validation.ts';
import { phoneHandoffOf, phoneSessionHandoffOf, phoneTicketHandoffOf } from './phoneHandoff.ts';
import type { Citizen } from '../hall/citizen.ts';
import type { TicketCapabilities } from '../hall/ticketCapability.ts';

const noArgs = z.object({}).strict();
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const id = z.number().int().min(1).max(2 ** 31);

/** Arguments per command (mirrors KioskCommandMap[...]['args']). */
export const kioskArgSchemas = {
  'session.touch': noArgs,
  'session.extend': noArgs,
  'session.logout': noArgs,
  'queue.categories': noArgs,
  'queue.take': z.object({
    category: z.string().regex(/^[A-Za-z]$/, 'must be one category letter'),
    // Further services of the same visit, in order (hall/visits.ts; the count is the hall's rule, checked there).
    also: z.array(z.string().regex(/^[A-Za-z]$/, 'must be one category letter')).max(8).optional(),
  }).strict(),
  'appointments.list': noArgs,
  'appointments.checkIn': z.object({ id }).strict(),
  'appointments.days': noArgs,
  'appointments.slots': z.object({ serviceId: z.string().min(1).max(64), date: day }).strict(),
  'appointments.book': z.object({ serviceId: z.string().min(1).max(64), date: day,
    slot: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a slot start HH:MM') }).strict(),
  'appointments.cancel': z.object({ id }).strict(),
  'services.list': z.object({ departmentId: id.optional() }).strict(),
  'services.finder': noArgs,
  'certificates.list': noArgs,
  'certificates.print': z.object({ id: z.string().min(10).max(128), format: z.enum(['a4', 'slip']).optional(),
    purpose: z.enum(Object.keys(KIOSK_COPY_PURPOSES) as [KioskCopyPurpose, ...KioskCopyPurpose[]]).optional() }).strict(),
  'applications.list': noArgs,
  'print.progress': z.object({ serial: z.string().min(1).max(64) }).strict(),
  'print.appointmentSlip': z.object({ id }).strict(),
  'intake.items': noArgs,
  'intake.start': z.object({ serviceId: z.string().min(1).max(64) }).strict(),
  'intake.sign': z.object({ serviceId: z.string().min(1).max(64), material: z.string().min(1).max(64) }).strict(),
  // Field values are checked field by field by the service (intakeForm.ts), so each refusal names its field; here
  // only the envelope: at most 20 fields of at most 200 characters (the catalogue's limits).
  'intake.submit': z.object({ serviceId: z.string().min(1).max(64),
    form: z.record(z.string().max(32), z.string().max(200)).refine((f) => Object.keys(f).length <= 20, 'at most 20 fields'),
    bringBy: z.enum(['ticket', 'slot']).optional() }).strict(),
  'intake.list': noArgs,
  'notices.unread': noArgs,
  'notices.ack': z.object({ ids: z.array(id).min(1).max(50) }).strict(),
  'phone.handoff': noArgs,
  'results.list': noArgs,
  // The address and phone are checked by the service (resultCollection.ts) so the refusal says what to fix.
  'results.collect': z.object({ serial: z.string().min(1).max(64), mode: z.enum(RESULT_COLLECTION_MODES),
    address: z.string().max(200).optional(), phone: z.string().max(20).optional() }).strict(),
} satisfies { [N in KioskCommandName]: z.ZodType<KioskCommandMap[N]['args']> };

export const kioskCommandSchema = z.object({
  requestId: z.string().min(1).max(COMMAND_LIMITS.requestIdMaxLength),
  timeout: z.number().int().min(COMMAND_LIMITS.timeoutMinMs).max(COMMAND_LIMITS.timeoutMaxMs).optional(),
  token: z.string().min(1).max(200),
  command: z.enum(Object.keys(kioskArgSchemas) as [KioskCommandName, ...KioskCommandName[]]),
  args: z.record(z.string(), z.unknown()).optional(),
});

/** What a print with a QR code answers when no public URL is configured (the technician reads it in the log and outcome). */
export const NO_PUBLIC_URL_MESSAGE = 'no QR code printed: set site.publicUrl in the config (the hall server\'s address as citizens\' phones reach it, e.g. http://192.168.1.10:8080)';
export const NO_PUBLIC_URL_REFUSAL: KioskRefusal = {
  code: 'noPublicUrl',
  zh: '本机暂不能打印带二维码的凭证，请联系工作人员',
  en: 'This kiosk cannot print documents with a QR code yet; please ask a staff member',
};
const NO_PUBLIC_URL_OUTCOME: KioskPrintOutcome = { jobId: null, code: 'deviceNotReady', state: null, message: NO_PUBLIC_URL_MESSAGE, pending: false };

export const SERVICE_PAUSED: KioskRefusal = {
  code: 'servicePaused',
  zh: '暂停服务：该功能暂时无法使用，请稍后再试或联系工作人员',
  en: 'Service paused: this function is unavailable for now; please try again later or ask a staff member',
};

/** A refusal to complete with (thrown inside a handler). */
class KioskRefused extends Error {
  constructor(readonly code: 'userError' | 'deviceNotReady' | 'invalidRequest', readonly refusal: KioskRefusal | undefined, message: string) {
    super(message);
  }
}

/** True for failures of the store itself (closed, I/O, SQLite errors), as opposed to a bad argument. */
function isStoreFailure(err: unknown): boolean {
  const e = err as { name?: string; code?: unknown; message?: string } | null;
  if (!e) return false;
  return e.name === 'SqliteError' || (typeof e.code === 'string' && e.code.startsWith('SQLITE_'))
    || /hall store|database/i.test(e.message ?? '');
}

export function kioskFailure(err: unknown): { code: KioskRefused['code']; refusal?: KioskRefusal; message: string } {
  if (err instanceof KioskRefused) return { code: err.code, refusal: err.refusal, message: err.message };
  if (err instanceof IntakeFormRefused) {
    const fields = err.fields.map((f) => ({ field: f.field, zh: f.zh, en: f.en }));
    return { code: 'userError', refusal: { code: err.code, zh: err.zh, en: err.en, fields }, message: err.en };
  }
  if (err instanceof HallRuleError) return { code: 'userError', refusal: { code: err.code, zh: err.zh, en: err.en }, message: err.en };
  if (isStoreFailure(err)) return { code: 'deviceNotReady', refusal: SERVICE_PAUSED, message: SERVICE_PAUSED.en };
  return { code: 'invalidRequest', message: (err as Error)?.message ?? String(err) };
}

export function sessionEventOf(v: SessionView): KioskSessionEvent {
  return {
    token: v.token, kioskId: v.kioskId,
    holder: { cardType: v.cardType, displayName: v.displayName, maskedNumber: v.maskedNumber, elderly: v.elderly },
    startedAt: v.startedAt, expiresAt: v.expiresAt, warnAt: v.warnAt, extensionsLeft: v.extensionsLeft,
  };
}

export interface KioskCommandDeps {
  hall: KioskHall;
  printer: () => PrinterDriver | null;
  /** The A4 document printer; when there is one, certificate copies are A4 unless the citizen picks the slip. */
  docPrinter?: () => DocPrinterDriver | null;
  hallName: string;
  /**
   * Base URL of printed and shown QR codes (config `site.publicUrl`), or null when none is configured: then nothing
   * with a QR code is printed (no phone could open it) and the outcome names the field to set.
   */
  publicUrl: () => string | null;
  defaultTimeoutMs: number;
  /**
   * The hall's ticket capabilities, where this bridge holds the hall database (null on a linked kiosk: the hall's
   * key signs them, README "The phone channel"); with a public URL, tickets then carry the phone hand-off.
   */
  phoneCapabilities?: () => TicketCapabilities | null;
  /** The hall's appointment codes (docs/mobile-codes.md), printed on appointment slips; null on a linked kiosk. */
  appointmentCodes?: () => TicketCapabilities | null;
  /**
   * A one-time hand-off of the session's citizen to the phone (hall/phoneSessions.ts), made where the hall database is
   * (here, or the hall over the link); absent: "在手机上继续" answers 暂停服务.
   */
  phoneHandoff?: (citizen: Citizen, sessionToken: string, kioskId: string) => Promise<{ token: string; expiresAt: number }>;
  /** On a kiosk linked to a hall: a ticket's capability made by the hall (no capabilities here). */
  linkedTicketCapability?: (ticket: { id: number; day: string }) => Promise<string>;
  /** A session's timer changed (touch, extension): tell the kiosk. */
  onSession(event: KioskSessionEvent): void;
  /**
   * The number on the next card placed on `kioskId`'s reader, instead of starting a session with it (the commitment's
   * signing act, README "Applying at the kiosk (接件受理)"); rejects after `waitMs`. Absent: signing is not offered.
   */
  awaitCard?: (kioskId: string, waitMs: number) => Promise<string>;
}

type Handler<N extends KioskCommandName> = (ctx: { token: string; args: KioskCommandMap[N]['args']; requestId: string; printWaitMs: number })
  => Promise<KioskCommandMap[N]['result']>;

/** Makes the command runner: validates, runs the handler under the timeout, completes exactly once. */
export function kioskCommandRunner(deps: KioskCommandDeps): (payload: unknown) => Promise<KioskCompletion> {
  const { hall } = deps;
  const need = <T>(service: T | null): T => {
    if (service === null) throw new KioskRefused('deviceNotReady', SERVICE_PAUSED, SERVICE_PAUSED.en);
    return service;
  };
  const citizen = (token: string) => {
    // Every command is activity: it restarts the inactivity timer (and fails with noSession when it is over).
    hall.sessions.touch(token);
    return hall.sessions.citizen(token);
  };
  const print = async (request: PrintJobRequest, kind: PrintLogKind, ref: string, masked: string, requestId: string,
    waitMs: number): Promise<KioskPrintOutcome> => {
    const outcome = await printForKiosk(deps.printer(), request, `kiosk:${requestId}`, waitMs);
    // Every print is logged with the masked number only (hall-rules.md "Privacy"); certificate copies log themselves.
    if (kind !== 'certificateCopy' && hall.records) {
      await hall.records.addPrintLog({ at: hall.clock.now(), kind, ref, maskedNumber: masked, detail: outcome.code }).catch(() => undefined);
    }
    return outcome;
  };

  // A QR code only with a public URL (README "Installing", site config): a loopback one opens on no phone.
  const qrRecipe = () => {
    const base = deps.publicUrl();
    return base ? kioskRecipeOptions(deps.hallName, base) : null;
  };
  const printWithQr = async (job: (r: PrintRecipeOptions) => PrintJobRequest, kind: PrintLogKind, ref: string, masked: string,
    requestId: string, waitMs: number): Promise<KioskPrintOutcome> => {
    const r = qrRecipe();
    return r ? print(job(r), kind, ref, masked, requestId, waitMs) : NO_PUBLIC_URL_OUTCOME;
  };
  const recipe = (): PrintRecipeOptions => ({ hallName: deps.hallName });
  // The ticket on the citizen's phone: the screen shows this QR and the printed ticket carries the same URL.
  // On a linked kiosk the hall makes the capability; without one (link down) the ticket keeps the hall board's QR.
  const phoneOf = async (ticket: { id: number; day: string }): Promise<PhoneHandoff | undefined> => {
    const base = deps.publicUrl();
    if (!base) return undefined;
    const caps = deps.phoneCapabilities?.() ?? null;
    if (caps) return phoneHandoffOf(base, caps, ticket);
    const linked = await deps.linkedTicketCapability?.(ticket).catch(() => null);
    return linked ? phoneTicketHandoffOf(base, linked) : undefined;
  };
  const handlers: { [N in KioskCommandName]: Handler<N> } = {
    'session.touch': async ({ token }) => sessionEventOf(hall.sessions.touch(token)),
    'session.extend': async ({ token }) => sessionEventOf(hall.sessions.extend(token)),
    'session.logout': async ({ token }) => ({ ended: hall.sessions.end(token, 'logout') }),
    'queue.categories': async ({ token }) => {
      citizen(token);
      // The pickup category is no walk-in choice: its tickets come from a finished application (results.collect).
      const pickup = hall.results?.pickupCategory;
      return (await need(hall.records).listQueueCategories()).filter((c) => c.letter !== pickup).map((c) => ({ letter: c.letter, name: c.name }));
    },
    'queue.take': async ({ token, args, requestId, printWaitMs }) => {
      const c = citizen(token);
      if (hall.results && args.category.toUpperCase() === hall.results.pickupCategory) {
        throw new HallRuleError('pickupOnlyForResults', '领取结果请在“办事进度”中选择已办结的申请取号', 'pickup tickets are taken from a finished application under progress');
      }
      // A second request returns the same waiting ticket (hall-rules.md) and prints it again: the citizen asks
      // again because the slip is lost.
      const ticket = await need(hall.queue).takeTicket(c, args.category, {}, args.also ?? []);
      const phone = await phoneOf(ticket);
      const printed = await printWithQr((r) => ticketPrintJob(ticket, r, phone?.url), 'queueTicket', ticket.number, ticket.maskedNumber ?? '', requestId, printWaitMs);
      return { ticket, print: printed, ...(phone ? { phone } : {}) };
    },
    'appointments.list': async ({ token }) => need(hall.appointments).upcoming(citizen(token)),
    'appointments.checkIn': async ({ token, args, requestId, printWaitMs }) => {
      const r = await need(hall.appointments).checkIn(citizen(token), args.id);
      const phone = await phoneOf(r.ticket);
      const printed = await printWithQr((o) => ticketPrintJob(r.ticket, o, phone?.url), 'queueTicket', r.ticket.number, r.ticket.maskedNumber ?? '', requestId, printWaitMs);
      return { ...r, print: printed, ...(phone ? { phone } : {}) };
    },
    'appointments.days': async ({ token }) => {
      citizen(token);
      return need(hall.appointments).bookableDays();
    },
    'appointments.slots': async ({ token, args }) => {
      citizen(token);
      return need(hall.appointments).slots(args.serviceId, args.date);
    },
    'appointments.book': async ({ token, args }) => {
      const c = citizen(token);
      const service = need(hall.appointments);
      const slot = (await service.slots(args.serviceId, args.date)).find((s) => s.start === args.slot);
      if (!slot) throw new KioskRefused('userError', { code: 'unknownSlot', zh: '没有该时段，请重新选择', en: 'there is no such slot; please choose again' }, `no slot ${args.slot}`);
      return service.book(c, slot.id);
    },
    'appointments.cancel': async ({ token, args }) => need(hall.appointments).cancel(citizen(token), args.id),
    'services.list': async ({ token, args }) => {
      citizen(token);
      const g = need(hall.guidance);
      return { departments: await g.departments(), services: args.departmentId ? await g.servicesOf(args.departmentId) : [] };
    },
    'services.finder': async ({ token }) => {
      citizen(token);
      return need(hall.guidance).finder();
    },
    'certificates.list': async ({ token }) => need(hall.certificates).list(citizen(token)),
    'certificates.print': async ({ token, args, requestId, printWaitMs }) => {
      const docPrinter = deps.docPrinter?.() ?? null;
      const format = args.format ?? (docPrinter ? 'a4' : 'slip');
      if (format === 'a4' && !docPrinter) {
        throw new KioskRefused('userError', { code: 'noA4Printer', zh: '本机没有A4打印机，请选择凭条打印', en: 'This kiosk has no A4 printer; please choose the slip copy' }, 'no A4 printer configured');
      }
      // The copy's whole point is its verification QR: without a public URL none is made (nor logged as printed).
      const withQr = qrRecipe();
      if (!withQr) throw new KioskRefused('deviceNotReady', NO_PUBLIC_URL_REFUSAL, NO_PUBLIC_URL_MESSAGE);
      const copy = await need(hall.certificates).printCopy(citizen(token), args.id);
      const verifyUrl = `${deps.publicUrl()}/verify?p=${encodeURIComponent(copy.payload)}`;
      if (format === 'a4') {
        const kioskId = hall.sessions.touch(token).kioskId;
        const job = a4CertificateCopyJob(copy, withQr, args.purpose ?? 'government', kioskId);
        return { format, copy, verifyUrl, print: await printForKiosk(docPrinter, job, `kiosk:${requestId}`, printWaitMs) };
      }
      const job = certificateCopyJob(copy, withQr);
      return { format, copy, verifyUrl, print: await print(job, 'certificateCopy', copy.identifier, copy.maskedNumber, requestId, printWaitMs) };
    },
    'applications.list': async ({ token }) => need(hall.applications).listOf(citizen(token)),
    'print.progress': async ({ token, args, requestId, printWaitMs }) => {
      const a = await need(hall.applications).get(citizen(token), args.serial);
      const job = progressSlipJob(a, recipe());
      return { print: await print(job, 'progressSlip', a.serial, a.maskedNumber, requestId, printWaitMs) };
    },
    'intake.items': async ({ token }) => {
      citizen(token);
      return need(hall.applying ?? null).items();
    },
    'intake.start': async ({ token, args }) => need(hall.applying ?? null).start(citizen(token), args.serviceId),
    'intake.sign': async ({ token, args, printWaitMs }) => {
      const c = citizen(token);
      const intake = need(hall.applying ?? null);
      if (!deps.awaitCard) throw new KioskRefused('deviceNotReady', SERVICE_PAUSED, 'no card reader to sign with');
      const kioskId = hall.sessions.touch(token).kioskId;
      const number = await deps.awaitCard(kioskId, printWaitMs).catch(() => {
        throw new KioskRefused('userError', { code: 'noCard', zh: '未检测到身份证，承诺未签署', en: 'no card was placed: the commitment is not signed' }, 'no card placed in time');
      });
      return intake.sign(token, c, args.serviceId, args.material, number, kioskId);
    },
    'intake.submit': async ({ token, args, requestId, printWaitMs }) => {
      const c = citizen(token);
      const kioskId = hall.sessions.touch(token).kioskId;
      const application = await need(hall.applying ?? null).submit({ sessionKey: token, citizen: c, kioskId, requestId,
        serviceId: args.serviceId, form: args.form, bringBy: args.bringBy });
      const qr = qrRecipe();
      const job = { payload: buildApplicationReceipt(application, { ...(qr ?? recipe()), progressBase: deps.publicUrl() ?? undefined }) };
      // The print log knows four kinds (migration 2's CHECK); the receipt is an application's slip like the progress slip.
      return { application, print: await print(job, 'progressSlip', application.serial, application.maskedNumber, requestId, printWaitMs) };
    },
    'intake.list': async ({ token }) => need(hall.applying ?? null).listOf(citizen(token)),
    'notices.unread': async ({ token }) => need(hall.notices ?? null).unreadOf(citizen(token)),
    'notices.ack': async ({ token, args }) => need(hall.notices ?? null).acknowledge(citizen(token), args.ids),
    'phone.handoff': async ({ token }) => {
      const c = citizen(token);
      const base = deps.publicUrl();
      if (!base) throw new KioskRefused('deviceNotReady', NO_PUBLIC_URL_REFUSAL, NO_PUBLIC_URL_MESSAGE);
      const handOff = need(deps.phoneHandoff ?? null);
      return phoneSessionHandoffOf(base, await handOff(c, token, hall.sessions.touch(token).kioskId));
    },
    'results.list': async ({ token }) => need(hall.results ?? null).offers(citizen(token)),
    'results.collect': async ({ token, args, requestId, printWaitMs }) => {
      const results = need(hall.results ?? null);
      const c = citizen(token);
      const out = await results.collect({ citizen: c, serial: args.serial, mode: args.mode, address: args.address, phone: args.phone });
      const answer = { offer: out.offer, ...(out.certificate ? { certificate: out.certificate } : {}) };
      if (out.ticket) {
        const ticket = out.ticket;
        const phone = await phoneOf(ticket);
        const printed = await printWithQr((r) => ticketPrintJob(ticket, r, phone?.url), 'queueTicket', ticket.number, ticket.maskedNumber ?? '', requestId, printWaitMs);
        return { ...answer, ticket, print: printed };
      }
      if (out.postSlip) {
        const slip = out.postSlip;
        // The print log knows four kinds (migration 2's CHECK); the posting slip is an application's slip.
        return { ...answer, print: await print(postSlipJob(slip, recipe()), 'progressSlip', slip.serial, slip.maskedNumber, requestId, printWaitMs) };
      }
      return answer;
    },
    'print.appointmentSlip': async ({ token, args, requestId, printWaitMs }) => {
      const a = (await need(hall.appointments).upcoming(citizen(token))).find((x) => x.id === args.id);
      if (!a) throw new HallRuleError('notYourAppointment', '未找到您的这条预约', 'no such appointment of yours');
      const code = deps.appointmentCodes?.()?.issue({ id: a.id, day: a.day });
      const job = appointmentSlipJob(a, recipe(), (ms) => hall.clock.timeOf(ms), code);
      return { print: await print(job, 'appointmentSlip', String(a.id), a.maskedNumber, requestId, printWaitMs) };
    },
  };

  return async (payload) => {
    const p = kioskCommandSchema.safeParse(payload);
    if (!p.success) return { requestId: salvageRequestId(payload), code: 'invalidRequest', message: describeInvalid(p.error) };
    const cmd = p.data;
    const a = kioskArgSchemas[cmd.command].safeParse(cmd.args ?? {});
    if (!a.success) return { requestId: cmd.requestId, code: 'invalidRequest', message: `args: ${describeInvalid(a.error)}` };
    const timeoutMs = cmd.timeout ?? deps.defaultTimeoutMs;
    // The print may wait only so long that the command still completes with its result in time (the job goes on).
    const printWaitMs = Math.max(Math.floor(timeoutMs / 2), timeoutMs - 2000);
    type Outcome = { ok: true; result: unknown } | { ok: false; failure: ReturnType<typeof kioskFailure> };
    const c = await completeWithin<Outcome>(cmd.requestId, timeoutMs, async () => {
      try {
        const handler = handlers[cmd.command] as Handler<KioskCommandName>;
        const result = await handler({ token: cmd.token, args: a.data as never, requestId: cmd.requestId, printWaitMs });
        if (cmd.command === 'session.touch' || cmd.command === 'session.extend') deps.onSession(result as KioskSessionEvent);
        return { ok: true, result };
      } catch (err) {
        return { ok: false, failure: kioskFailure(err) };
      }
    });
    if (c.code !== 'success' || !c.result) return { requestId: c.requestId, code: c.code, message: c.message };
    if (c.result.ok) return { requestId: c.requestId, code: 'success', result: c.result.result };
    const f = c.result.failure;
    return { requestId: c.requestId, code: f.code, message: f.message, ...(f.refusal ? { refusal: f.refusal } : {}) };
  };
}
