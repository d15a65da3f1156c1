/**
 * The back office's side of progress tracking (README "Result notices (结果反馈)"): a clerk finds an application by
 * its serial and moves it on (受理 -> 审查 -> 决定 -> 办结, or 退回 / 不予受理 with a reason) under the transitions of
 * hall/applications.ts; reaching 办结, 退回 or 不予受理 queues the citizen's result notice in the same transaction.
 * Roles in auth/accessTable.ts; bodies zod-checked; the POST from an allowed origin only; both audited (they show a
 * citizen's application).
 *
 *   GET  /api/hall/applications/:serial           { application: ApplicationView, next: [{ to, name }] }
 *   POST /api/hall/applications/:serial/advance   { to: 'review' | 'decided' | 'done' | 'returned' | 'rejected', note? }
 *        200 { application, next }   404 unknown (or another hall's)   409 { error, zh, en } a rule refused
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { APPLICATION_STATUS_NAMES, APPLICATION_TRANSITIONS, type ApplicationService, type ApplicationView } from '../hall/applications.ts';
import { HallRuleError } from '../hall/errors.ts';
import { auditStaffRoute, type AuditSource } from './staffAudit.ts';
import { noStore, originGuard } from './techAuth.ts';

export interface ApplicationRoutesOptions {
  allowedOrigins: readonly string[];
  /** The service over the hall database; null (a linked kiosk, or no database): 503. */
  applications: () => ApplicationService | null;
  /** This bridge's hall (config site.hallId): a clerk here acts for this hall only. */
  hallId: string;
  audit?: AuditSource;
}

const SERIAL = /^[A-Z]{2}\d{14}$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const advanceBody = z.object({
  to: z.enum(['review', 'decided', 'done', 'returned', 'rejected']),
  note: z.string().trim().max(300, 'at most 300 characters').refine((s) => !CONTROL.test(s), 'no control characters').nullable().optional(),
}).strict();

/** The application with the steps a clerk may take next. */
function withNext(a: ApplicationView): { application: ApplicationView; next: Array<{ to: string; name: string }> } {
  return { application: a, next: APPLICATION_TRANSITIONS[a.status as keyof typeof APPLICATION_TRANSITIONS].map((to) => ({ to, name: APPLICATION_STATUS_NAMES[to] })) };
}

export function applicationRouter(o: ApplicationRoutesOptions): Router {
  const router = express.Router();
  const service = (res: express.Response): ApplicationService | null => {
    const s = o.applications();
    if (!s) res.status(503).json({ error: 'unavailable', message: 'no hall database here (the hall server keeps the applications)' });
    return s;
  };
  const badSerial = (res: express.Response): void => {
    res.status(400).json({ error: 'bad request', message: 'serial must be a 申办流水号 like GD20261125000001' });
  };
  const refused = (res: express.Response, err: unknown): void => {
    if (err instanceof HallRuleError) {
      res.status(err.code === 'unknownApplication' ? 404 : 409).json({ error: err.code, zh: err.zh, en: err.en });
      return;
    }
    throw err;
  };

  router.get('/api/hall/applications/:serial', noStore, auditStaffRoute(o.audit, 'applications.lookup', (req) => String(req.params.serial).slice(0, 20)),
    async (req, res) => {
      const serial = String(req.params.serial);
      if (!SERIAL.test(serial)) return badSerial(res);
      const s = service(res);
      if (!s) return;
      const a = await s.find(serial);
      if (!a) {
        res.status(404).json({ error: 'unknownApplication', zh: '未找到该申办件', en: `there is no application ${serial}` });
        return;
      }
      res.json(withNext(a));
    });

  router.post('/api/hall/applications/:serial/advance', noStore, originGuard(o.allowedOrigins),
    auditStaffRoute(o.audit, 'applications.advance', (req) => `${String(req.params.serial).slice(0, 20)} ${String(req.body?.to ?? '').slice(0, 10)}`),
    async (req, res) => {
      const serial = String(req.params.serial);
      const body = advanceBody.safeParse(req.body);
      if (!SERIAL.test(serial)) return badSerial(res);
      if (!body.success) {
        res.status(400).json({ error: 'bad request', message: body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
        return;
      }
      const s = service(res);
      if (!s) return;
      try {
        res.json(withNext(await s.advance(serial, body.data.to, body.data.note || null, undefined, o.hallId)));
      } catch (err) {
        refused(res, err);
      }
    });

  return router;
}
