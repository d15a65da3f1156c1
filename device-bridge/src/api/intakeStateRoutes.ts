/**
 * The hall's intake state (README "Running the hall floor", day boundaries):
 *
 *   GET  /api/intake-state   public: { mode: 'open'|'paused'|'closed', message, by, since, closingAt } for kiosks and the
 *        phone page (the words to show instead of the take-ticket and book buttons); no personal data. A kiosk
 *        linked to a hall asks the hall over the link. 503 when it cannot be known (database or link down).
 *   POST /api/hall/intake    { action: 'pause'|'resume'|'close', message? } a manager pauses intake (until resumed),
 *        resumes it, or closes it for the rest of the hall day; answers the state now in force. Audited.
 *
 * Who may call is the roles table's decision (accessTable.ts, checked by accessGuard before this); the write only
 * from an allowed origin. The state is in the hall store, so every instance and kiosk reads the same.
 */
import express, { type Router } from 'express';
import type { DayBoundaries } from '../hall/dayBoundaries.ts';
import { intakeActionSchema } from '../hall/dayBoundaries.ts';
import { auditStaffRoute, type AuditSource } from './staffAudit.ts';
import { noStore, originGuard, staffOf } from './techAuth.ts';

export interface IntakeStateRoutesOptions {
  allowedOrigins: readonly string[];
  /** The hall's day boundaries over its own database (the manager's actions); null: none here (503). */
  boundaries: () => DayBoundaries | null | undefined;
  /** The state in force: the hall's own, or asked of the hall over the kiosk link; null: unknown here (503). */
  state: () => Pick<DayBoundaries, 'current'> | null | undefined;
  audit?: AuditSource;
}

export function intakeStateRouter(o: IntakeStateRoutesOptions): Router {
  const router = express.Router();
  const unavailable = (res: express.Response, message: string) => res.status(503).json({ error: 'unavailable', message });

  router.get('/api/intake-state', noStore, async (_req, res) => {
    const b = o.state();
    if (!b) return void unavailable(res, 'no hall database and no hall link on this bridge');
    try {
      res.json(await b.current());
    } catch (err) {
      unavailable(res, (err as Error).message);
    }
  });

  router.post('/api/hall/intake', noStore, originGuard(o.allowedOrigins),
    auditStaffRoute(o.audit, 'hall.intake', (req) => String((req.body as { action?: unknown } | undefined)?.action ?? '').slice(0, 10)),
    async (req, res) => {
      const body = intakeActionSchema.safeParse(req.body);
      if (!body.success) {
        res.status(422).json({ error: 'invalid', problems: body.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) });
        return;
      }
      const b = o.boundaries();
      if (!b) return void unavailable(res, 'the hall database is not on this bridge');
      try {
        res.json(await b.apply(body.data, staffOf(res).user));
      } catch (err) {
        unavailable(res, (err as Error).message);
      }
    });
  return router;
}
