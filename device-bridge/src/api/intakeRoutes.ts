/**
 * The counter's side of 接件受理 (README "Applying at the kiosk (接件受理)"): REST under /api/hall; who may call
 * which route is the roles table's decision (auth/accessTable.ts: clerks decide, managers check commitments). Bodies
 * are zod-checked; POSTs come from an allowed origin only; every route shows citizens' data, so every call is in the
 * access audit.
 *
 *   GET  /api/hall/intake/pending              { applications: ClerkIntakeView[] } oldest first
 *   POST /api/hall/intake/:serial/decision     { decision: 'accept' } | { decision: 'return' | 'reject', reason }
 *        200 ClerkIntakeView   409 { error: code, zh, en } a hall rule refused (decided, other hall, no reason)
 *   GET  /api/hall/intake/checks[?open=1]      { checks: CommitmentCheckView[], overdue }
 *   POST /api/hall/intake/checks/:id           { found: 'confirmed' | 'false', note? }
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { HallRuleError } from '../hall/errors.ts';
import type { IntakeService } from '../hall/intake.ts';
import { auditStaffRoute, type AuditSource } from './staffAudit.ts';
import { noStore, originGuard, type StaffLocals } from './techAuth.ts';

export interface IntakeRoutesOptions {
  allowedOrigins: readonly string[];
  /** The service over the hall database; null (a linked kiosk, or no database): 503. */
  intake: () => IntakeService | null;
  /** This bridge's hall (config site.hallId): a clerk here acts for this hall only. */
  hallId: string;
  audit?: AuditSource;
}

const SERIAL = /^[A-Z]{2}\d{14}$/;
const reason = z.string().trim().min(1, 'a reason is required').max(300, 'at most 300 characters');
const decisionBody = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('accept') }).strict(),
  z.object({ decision: z.enum(['return', 'reject']), reason }).strict(),
]);
const checkBody = z.object({ found: z.enum(['confirmed', 'false']), note: z.string().max(300).nullable().optional() }).strict();

/** Answers 400 naming what is wrong when `serial` is no 申办流水号 or the body failed its schema; true when it did. */
export function refusedSerialOrBody<T>(res: express.Response, serial: string, body: z.ZodSafeParseResult<T>): body is z.ZodSafeParseError<T> {
  if (SERIAL.test(serial) && body.success) return false;
  res.status(400).json({ error: 'bad request', message: body.success ? 'serial must be a 申办流水号 like GD20261125000001'
    : body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
  return true;
}

export function intakeRouter(o: IntakeRoutesOptions): Router {
  const router = express.Router();
  const service = (res: express.Response): IntakeService | null => {
    const s = o.intake();
    if (!s) res.status(503).json({ error: 'unavailable', message: 'no hall database here (the hall server keeps the applications)' });
    return s;
  };
  const actor = (res: express.Response) => ({ user: (res.locals as StaffLocals).staff.user, hallId: o.hallId });
  const refused = (res: express.Response, err: unknown): void => {
    if (err instanceof HallRuleError) {
      res.status(err.code === 'unknownApplication' ? 404 : 409).json({ error: err.code, zh: err.zh, en: err.en });
      return;
    }
    throw err;
  };

  router.get('/api/hall/intake/pending', noStore, auditStaffRoute(o.audit, 'intake.pending'), async (_req, res) => {
    const s = service(res);
    if (!s) return;
    res.json({ applications: await s.pending() });
  });

  router.post('/api/hall/intake/:serial/decision', noStore, originGuard(o.allowedOrigins),
    auditStaffRoute(o.audit, 'intake.decide', (req) => `${String(req.params.serial).slice(0, 20)} ${String(req.body?.decision ?? '').slice(0, 10)}`),
    async (req, res) => {
      const serial = String(req.params.serial);
      const body = decisionBody.safeParse(req.body);
      if (refusedSerialOrBody(res, serial, body)) return;
      const s = service(res);
      if (!s) return;
      try {
        res.json(await s.decide(serial, body.data, actor(res)));
      } catch (err) {
        refused(res, err);
      }
    });

  router.get('/api/hall/intake/checks', noStore, auditStaffRoute(o.audit, 'intake.checks'), async (req, res) => {
    const s = service(res);
    if (!s) return;
    const checks = await s.checks({ openOnly: req.query.open === '1' });
    res.json({ checks, overdue: checks.filter((c) => c.overdue).length });
  });

  router.post('/api/hall/intake/checks/:id', noStore, originGuard(o.allowedOrigins),
    auditStaffRoute(o.audit, 'intake.check', (req) => `check ${String(req.params.id).slice(0, 12)} ${String(req.body?.found ?? '').slice(0, 10)}`),
    async (req, res) => {
      const id = Number(req.params.id);
      const body = checkBody.safeParse(req.body);
      if (!Number.isInteger(id) || id < 1 || !body.success) {
        res.status(400).json({ error: 'bad request', message: body.success ? 'id must be a positive whole number' : body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
        return;
      }
      const s = service(res);
      if (!s) return;
      try {
        res.json(await s.recordCheck(id, { found: body.data.found, note: body.data.note ?? null }, actor(res)));
      } catch (err) {
        refused(res, err);
      }
    });

  return router;
}
