/**
 * The manager dashboard's REST routes (README "For managers: the dashboard"), all behind a staff
 * session that may view /hall (managers; technicians may look, auth/staffAuth.ts) — anonymous
 * requests to anything under /api/hall answer 401:
 *
 *   GET /api/hall/dashboard                  HallDashboard (the same view the /hall socket sends)
 *   GET /api/hall/export.csv?day=YYYY-MM-DD   the day's figures, text/csv UTF-8 with BOM (default day: today)
 */
import express, { type Router } from 'express';
import type { HallDashboard } from '@onedoor/protocol';
import type { StaffAuth } from '../auth/staffAuth.ts';
import { assertHallDay } from '../hall/clock.ts';
import type { HallDashboardService } from './hallDashboard.ts';
import { auditStaffRoute, type AuditSource } from './staffAudit.ts';
import { noStore } from './techAuth.ts';

export interface HallDashboardRoutesOptions {
  auth: StaffAuth;
  /** The live service (created after the HTTP app, hence a getter); null: not wired, 503. */
  dashboard: () => HallDashboardService | null | undefined;
  /** Today's hall-local day, the export's default. */
  today: () => string;
  /** Access audit: the dashboard (time-limit board) and its export show citizens' masked numbers. */
  audit?: AuditSource;
}

export function hallDashboardRouter(o: HallDashboardRoutesOptions): Router {
  const router = express.Router();
  // Who may call these is the roles table's decision (accessTable.ts, checked by accessGuard before this).
  router.use('/api/hall', noStore);

  const service = (res: express.Response): HallDashboardService | null => {
    const d = o.dashboard();
    if (!d) res.status(503).json({ error: 'unavailable', message: 'the dashboard is not running yet' });
    return d ?? null;
  };

  router.get('/api/hall/dashboard', auditStaffRoute(o.audit, 'dashboard.view'), async (_req, res) => {
    const d = service(res);
    if (!d) return;
    const body: HallDashboard = await d.snapshot();
    res.json(body);
  });

  router.get('/api/hall/export.csv', auditStaffRoute(o.audit, 'dashboard.export', (req) => `day=${String(req.query.day ?? 'today').slice(0, 40)}`), async (req, res) => {
    const day = typeof req.query.day === 'string' && req.query.day !== '' ? req.query.day : o.today();
    try {
      assertHallDay(day, 'day');
    } catch (err) {
      res.status(400).json({ error: 'bad request', message: (err as Error).message });
      return;
    }
    const d = service(res);
    if (!d) return;
    let csv: string;
    try {
      csv = await d.csv(day);
    } catch (err) {
      res.status(503).json({ error: 'unavailable', message: (err as Error).message });
      return;
    }
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="hall-${day}.csv"`);
    res.send(csv);
  });

  return router;
}
