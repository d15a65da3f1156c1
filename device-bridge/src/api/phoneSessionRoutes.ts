/**
 * The phone session's routes (README "The phone channel"; hall/phoneSessions.ts). The roles table names the caller
 * `phoneCitizen`: a request carrying `Authorization: Bearer PS1.…` of the right shape passes the door, and the route
 * makes it that citizen only after the store finds the session live (slid 15 minutes on); otherwise 401
 * `sessionEnded`. Taking a hand-off is `anyone`'s.
 *
 *   POST /api/m/session                         {handoff: "H1.…"} -> PhoneSignIn (once; 2 minutes)
 *   POST /api/m/session/logout                  ends the phone session (its holder is deleted)
 *   GET  /api/m/me                              PhoneMe (masked name and number, the session's end)
 *   GET  /api/m/me/tickets                      PhoneMyTicket[]: today's tickets with their capability
 *   GET  /api/m/me/appointments                 PhoneAppointments (with each booked one's check-in code)
 *   GET  /api/m/me/slots?serviceId=&date=       PhoneSlot[]
 *   POST /api/m/me/appointments                 {serviceId, date, slot} -> KioskAppointment (the kiosk's service)
 *   POST /api/m/me/appointments/:id/cancel      -> KioskAppointment
 *   GET  /api/m/me/progress                     PhoneProgress (as the kiosk's progress screen shows it)
 *   GET  /api/m/me/certificates                 PhoneCertificate[] (names and kinds; copies only at a kiosk or counter)
 *   POST /api/m/me/identity-code                PhoneIdentityCode (ODI1, the hall's key, 60 s, once at the kiosk)
 *
 * Every body and query is validated with zod; every request counts against the address's rate limit, and a refused
 * hand-off or session token counts as a failure (the shut-out of api/phoneLimits.ts).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { PhoneAppointments, PhoneCertificate, PhoneIdentityCode, PhoneMe, PhoneMyTicket, PhoneProgress, PhoneRefusalCode, PhoneSignIn,
  PhoneSlot } from '@onedoor/protocol';
import { maskIdNumber, type AuditFunction } from '@onedoor/protocol';
import type { KioskHall } from './kioskHall.ts';
import type { AccessAuditLog } from '../hall/accessAudit.ts';
import type { Citizen } from '../hall/citizen.ts';
import { HallRuleError } from '../hall/errors.ts';
import { hallIdentityCodeFor } from '../hall/identityCode.ts';
import { maskName } from '../hall/intake.ts';
import { HANDOFF_TOKEN_PATTERN, PHONE_SESSION_TOKEN_PATTERN, type PhoneSessions } from '../hall/phoneSessions.ts';
import type { TicketCapabilities } from '../hall/ticketCapability.ts';
import { qrMatrixOf } from './phoneHandoff.ts';
import type { PhoneRateLimiter } from './phoneLimits.ts';
import { clientAddress, PHONE_REFUSALS, type PhoneRefusalCounts } from './phoneRoutes.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const signInSchema = z.object({ handoff: z.string().regex(HANDOFF_TOKEN_PATTERN) }).strict();
const slotsSchema = z.object({ serviceId: z.string().min(1).max(64), date: day }).strict();
const bookSchema = z.object({ serviceId: z.string().min(1).max(64), date: day, slot: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/) }).strict();
const idParam = z.object({ id: z.coerce.number().int().min(1).max(2 ** 31) }).strict();
const bearerSchema = z.string().regex(new RegExp(`^Bearer (${PHONE_SESSION_TOKEN_PATTERN.source.slice(1, -1)})$`));

export interface PhoneSessionRouteDeps {
  sessions: PhoneSessions;
  hall: Pick<KioskHall, 'store' | 'storeProblem' | 'clock' | 'keys' | 'appointments' | 'applications' | 'certificates' | 'intake' | 'resultNotices'>;
  capabilities: TicketCapabilities;
  /** The appointment codes the slip prints; the phone shows the same for the kiosk's scanner. */
  appointmentCodes: TicketCapabilities;
  limits: PhoneRateLimiter;
  refusals: PhoneRefusalCounts;
  /** The access audit (hall/accessAudit.ts): the phone's reads and changes of the citizen's data, as the kiosk's are. */
  audit?: AccessAuditLog | null;
  log: Logger;
}

/** Audited as the phone channel (actor id `phone`; the kiosk it was handed off from in the detail). */
const PHONE_ACTOR = { kind: 'kiosk', id: 'phone' } as const;

/** The session token of a request, if the header has the shape (the guard admits the same shape as `phoneCitizen`). */
export function phoneSessionTokenOf(authorization: string | undefined): string | null {
  const p = bearerSchema.safeParse(authorization ?? '');
  return p.success ? p.data.slice('Bearer '.length) : null;
}

type Locals = { citizen: Citizen; expiresAt: number; token: string };

export function phoneSessionRouter(deps: PhoneSessionRouteDeps): Router {
  const router = express.Router();
  const { sessions, hall, limits } = deps;
  const log = deps.log.child({ component: 'phoneSession' });

  const refuse = (req: Request, res: Response, status: number, code: PhoneRefusalCode, detail: Record<string, unknown> = {}) => {
    deps.refusals[code]++;
    log.info({ code, address: clientAddress(req), path: req.path, ...detail }, 'phone request refused');
    res.status(status).set('cache-control', 'no-store').json({ error: code, ...PHONE_REFUSALS[code] });
  };
  /** One answer for what a handler threw: a hall rule in its words, the database down as 暂停服务. */
  const failed = (req: Request, res: Response, err: unknown) => {
    if (err instanceof HallRuleError) {
      log.info({ code: err.code, path: req.path }, 'phone request refused by a hall rule');
      res.status(409).set('cache-control', 'no-store').json({ error: err.code, code: err.code, zh: err.zh, en: err.en });
      return;
    }
    log.warn({ err, path: req.path }, 'phone request failed');
    refuse(req, res, 503, 'servicePaused');
  };
  const paused = () => !hall.store || hall.storeProblem !== null;

  router.use(['/api/m/session', '/api/m/me'], (req, res, next) => {
    res.set('cache-control', 'no-store');
    if (!limits.admit(clientAddress(req))) return refuse(req, res, 429, 'rateLimited');
    if (paused()) return refuse(req, res, 503, 'servicePaused');
    next();
  });

  const meOf = (l: Locals): PhoneMe => ({ maskedName: maskName(l.citizen.name), maskedNumber: maskIdNumber(l.citizen.number), expiresAt: l.expiresAt });

  router.post('/api/m/session', async (req, res) => {
    const body = signInSchema.safeParse(req.body);
    if (!body.success) {
      limits.failed(clientAddress(req));
      return refuse(req, res, 400, 'handoffUnknown', { shape: 'malformed' });
    }
    try {
      const r = await sessions.redeem(body.data.handoff);
      if (!r.ok) {
        limits.failed(clientAddress(req));
        const code = r.reason === 'used' ? 'handoffUsed' : r.reason === 'expired' ? 'handoffExpired' : 'handoffUnknown';
        return refuse(req, res, r.reason === 'unknown' ? 404 : 410, code);
      }
      log.info({ maskedNumber: maskIdNumber(r.citizen.number), address: clientAddress(req) }, 'phone session opened by a kiosk hand-off');
      await audit('session.start', r.citizen.number, 'success', null, `channel=phone handoff=${r.kioskId}`);
      const answer: PhoneSignIn = { token: r.token, me: meOf({ citizen: r.citizen, expiresAt: r.expiresAt, token: r.token }) };
      res.json(answer);
    } catch (err) {
      failed(req, res, err);
    }
  });

  // The phone citizen: a live session in the store, slid on.
  const citizenOnly = async (req: Request, res: Response, next: NextFunction) => {
    const token = phoneSessionTokenOf(req.headers.authorization);
    try {
      const live = token ? await sessions.open(token) : null;
      if (!token || !live) {
        limits.failed(clientAddress(req));
        return refuse(req, res, 401, 'sessionEnded');
      }
      Object.assign(res.locals, { citizen: live.citizen, expiresAt: live.expiresAt, token } satisfies Locals);
      next();
    } catch (err) {
      failed(req, res, err);
    }
  };
  const audit = async (fn: AuditFunction, number: string, result: 'success' | 'refused', code: string | null, detail: string) => {
    await deps.audit?.record({ actor: PHONE_ACTOR, function: fn, number, result, code, detail })
      .catch((err: unknown) => log.warn({ err }, 'phone access audit not written'));
  };
  /** A signed-in route; `audited`: the audit function it is recorded as (hall/accessAudit.ts). */
  const route = <T>(fn: (l: Locals, req: Request) => Promise<T>, audited?: AuditFunction) => async (req: Request, res: Response) => {
    const l = res.locals as Locals;
    try {
      const body = await fn(l, req);
      if (audited) await audit(audited, l.citizen.number, 'success', null, 'channel=phone');
      res.json(body);
    } catch (err) {
      if (audited) await audit(audited, l.citizen.number, 'refused', err instanceof HallRuleError ? err.code : 'servicePaused', 'channel=phone');
      failed(req, res, err);
    }
  };
  const need = <T>(service: T | null | undefined): T => {
    if (!service) throw new Error('hall store unavailable');
    return service;
  };

  router.post('/api/m/session/logout', citizenOnly, route(async (l) => {
    log.info({ maskedNumber: maskIdNumber(l.citizen.number) }, 'phone session logged out');
    return { ended: await sessions.logout(l.token) };
  }));
  router.get('/api/m/me', citizenOnly, route(async (l) => meOf(l)));
  router.get('/api/m/me/tickets', citizenOnly, route(async (l): Promise<PhoneMyTicket[]> => {
    const store = need(hall.store);
    const today = hall.clock.today();
    const [tickets, categories] = await Promise.all([store.listTickets(today, { holderNumber: l.citizen.number }), store.listQueueCategories()]);
    return tickets.map((t) => ({
      number: t.number, categoryName: categories.find((c) => c.letter === t.category)?.name ?? t.category, status: t.status,
      capability: deps.capabilities.issue({ id: t.id, day: t.day }),
    }));
  }));
  router.get('/api/m/me/appointments', citizenOnly, route(async (l): Promise<PhoneAppointments> => {
    const appointments = need(hall.appointments);
    const [list, days, items] = await Promise.all([appointments.upcoming(l.citizen), appointments.bookableDays(), need(hall.store).listServiceItems()]);
    const checkInCodes = list.filter((a) => a.status === 'booked').map((a) => {
      const code = deps.appointmentCodes.issue({ id: a.id, day: a.day });
      return { id: a.id, code, qr: qrMatrixOf(code) };
    });
    return { appointments: list, days, services: items.map((i) => ({ id: i.id, name: i.name })), checkInCodes };
  }, 'appointments.list'));
  router.get('/api/m/me/slots', citizenOnly, async (req, res) => {
    const q = slotsSchema.safeParse(req.query);
    if (!q.success) return refuse(req, res, 400, 'invalid');
    await route(async (): Promise<PhoneSlot[]> => (await need(hall.appointments).slots(q.data.serviceId, q.data.date))
      .map((s) => ({ start: s.start, end: s.end, remaining: s.remaining })))(req, res);
  });
  // Booking and cancelling go through the kiosk's own service (hall/appointments.ts): the kiosk's check-in, its
  // appointment code and the counter find the appointment as if it was made at a kiosk.
  router.post('/api/m/me/appointments', citizenOnly, async (req, res) => {
    const b = bookSchema.safeParse(req.body);
    if (!b.success) return refuse(req, res, 400, 'invalid');
    await route(async (l) => {
      const service = need(hall.appointments);
      const slot = (await service.slots(b.data.serviceId, b.data.date)).find((s) => s.start === b.data.slot);
      if (!slot) throw new HallRuleError('slotFull', '没有该时段，请重新选择', 'there is no such slot; please choose again');
      return service.book(l.citizen, slot.id);
    }, 'appointments.book')(req, res);
  });
  router.post('/api/m/me/appointments/:id/cancel', citizenOnly, async (req, res) => {
    const p = idParam.safeParse(req.params);
    if (!p.success) return refuse(req, res, 400, 'invalid');
    await route(async (l) => need(hall.appointments).cancel(l.citizen, p.data.id), 'appointments.cancel')(req, res);
  });
  router.get('/api/m/me/progress', citizenOnly, route(async (l): Promise<PhoneProgress> => ({
    applications: await need(hall.applications).listOf(l.citizen),
    kioskApplications: hall.intake ? await hall.intake.listOf(l.citizen) : [],
    // README "Result notices (结果反馈)": the phone shows the notices too; read or not, the kiosk still says them once.
    notices: hall.resultNotices
      ? (await hall.resultNotices.listFor(l.citizen.number)).reverse()
        .map(({ id, serial, serviceName, outcome, text, createdAtText }) => ({ id, serial, serviceName, outcome, text, createdAtText }))
      : [],
  }), 'applications.list'));
  router.get('/api/m/me/certificates', citizenOnly, route(async (l): Promise<PhoneCertificate[]> =>
    (await need(hall.certificates).list(l.citizen)).map((c) => ({ typeName: c.typeName, issuerName: c.issuerName, state: c.state, expiresOn: c.expiresOn })),
  'certificates.list'));
  router.post('/api/m/me/identity-code', citizenOnly, route(async (l): Promise<PhoneIdentityCode> => {
    const now = hall.clock.now();
    const { code, expiresAt } = hallIdentityCodeFor(l.citizen, hall.keys, now);
    log.info({ maskedNumber: maskIdNumber(l.citizen.number) }, 'phone identity code issued');
    return { code, qr: qrMatrixOf(code), expiresAt, validForSeconds: Math.floor((expiresAt - now) / 1000) };
  }));

  return router;
}
