/**
 * The hall's side of collecting results (README "Collecting results (领取结果)"): REST under /api/hall; the roles are
 * the roles table's decision (auth/accessTable.ts: clerks record a pickup, managers see the board and mark parcels
 * posted). Bodies are zod-checked; POSTs come from an allowed origin only; every call is in the access audit.
 *
 *   GET  /api/hall/results                      HallResultsBoard: parcels to send, uncollected results after N days
 *   POST /api/hall/results/:serial/collected    { window } 200 HallResultRecorded (time and window recorded)
 *   POST /api/hall/results/:serial/posted       {}         200 HallResultRecorded
 *        404 unknown application, 409 { error: code, zh, en } a hall rule refused (not finished, already handed over)
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { HallRuleError } from '../hall/errors.ts';
import type { ResultCollectionService } from '../hall/resultCollection.ts';
import { refusedSerialOrBody } from './intakeRoutes.ts';
import { auditStaffRoute, type AuditSource } from './staffAudit.ts';
import { noStore, originGuard, type StaffLocals } from './techAuth.ts';

export interface ResultRoutesOptions {
  allowedOrigins: readonly string[];
  /** The service over the hall database; null (a linked kiosk, or no database): 503. */
  results: () => ResultCollectionService | null;
  audit?: AuditSource;
}

const collectedBody = z.object({ window: z.number().int().min(1).max(999) }).strict();
const postedBody = z.object({}).strict();

export function resultRouter(o: ResultRoutesOptions): Router {
  const router = express.Router();
  const service = (res: express.Response): ResultCollectionService | null => {
    const s = o.results();
    if (!s) res.status(503).json({ error: 'unavailable', message: 'no hall database here (the hall server keeps the results)' });
    return s;
  };
  const user = (res: express.Response) => (res.locals as StaffLocals).staff.user;
  /** Checks serial and body, runs `act`, and answers its record or the hall rule's refusal. */
  const act = <B>(schema: z.ZodType<B>, run: (s: ResultCollectionService, serial: string, body: B, by: string) => Promise<unknown>) =>
    async (req: express.Request, res: express.Response) => {
      const serial = String(req.params.serial);
      const body = schema.safeParse(req.body ?? {});
      if (refusedSerialOrBody(res, serial, body)) return;
      const s = service(res);
      if (!s) return;
      try {
        res.json(await run(s, serial, body.data, user(res)));
      } catch (err) {
        if (!(err instanceof HallRuleError)) throw err;
        res.status(err.code === 'unknownApplication' ? 404 : 409).json({ error: err.code, zh: err.zh, en: err.en });
      }
    };

  router.get('/api/hall/results', noStore, auditStaffRoute(o.audit, 'results.board'), async (_req, res) => {
    const s = service(res);
    if (!s) return;
    res.json(await s.board());
  });

  router.post('/api/hall/results/:serial/collected', noStore, originGuard(o.allowedOrigins),
    auditStaffRoute(o.audit, 'results.pickup', (req) => `${String(req.params.serial).slice(0, 20)} window ${String(req.body?.window ?? '').slice(0, 4)}`),
    act(collectedBody, (s, serial, body, by) => s.recordPickup(serial, body.window, by)));

  router.post('/api/hall/results/:serial/posted', noStore, originGuard(o.allowedOrigins),
    auditStaffRoute(o.audit, 'results.posted', (req) => String(req.params.serial).slice(0, 20)),
    act(postedBody, (s, serial, _body, by) => s.markPosted(serial, by)));

  return router;
}
