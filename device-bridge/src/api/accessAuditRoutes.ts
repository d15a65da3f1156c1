/**
 * The access audit for managers (等保 2.0 level 3; hall/accessAudit.ts): who may read it is the roles table's row
 * (auth/accessTable.ts: managers only; technicians may look at the dashboard for device problems but have no
 * business reading who looked up which citizen). Looking at the audit is itself audited (`audit.view`, `audit.export`), refusals of a logged-in
 * non-manager too:
 *
 *   GET /api/hall/audit?day=&kiosk=&function=&page=&pageSize=   AccessAuditPage, newest first (pageSize <= 200)
 *   GET /api/hall/audit/export.csv?day=&kiosk=&function=        the same entries as CSV, UTF-8 with BOM
 *
 * `kiosk` filters by the actor: a kiosk id or a staff user name.
 */
import express, { type Router } from 'express';
import { AUDIT_FUNCTIONS, type AccessAuditPage, type AuditFunction } from '@onedoor/protocol';
import { z } from 'zod';
import type { AuditFilter } from '../hall/accessAudit.ts';
import { assertHallDay } from '../hall/clock.ts';
import type { AccessRefusalHook } from './accessGuard.ts';
import { auditStaffRoute, recordStaff, type AuditSource } from './staffAudit.ts';
import { noStore } from './techAuth.ts';
import { describeInvalid } from './validation.ts';

const day = z.string().refine((d) => {
  try {
    assertHallDay(d);
    return true;
  } catch {
    return false;
  }
}, 'must be a date YYYY-MM-DD');
const filterSchema = z.object({
  day: day.optional(),
  kiosk: z.string().min(1).max(64).optional(),
  function: z.enum(AUDIT_FUNCTIONS).optional(),
});
const pageSchema = filterSchema.extend({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

/** Empty query parameters mean "no filter". */
function queryOf(q: express.Request['query']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (typeof v === 'string' && v !== '') out[k] = v;
  return out;
}

function filterOf(p: z.infer<typeof filterSchema>): AuditFilter {
  return { day: p.day, actor: p.kiosk, function: p.function };
}

/** What the manager asked for, for the audit row (the store masks anything shaped like a number). */
function describeFilter(req: express.Request): string {
  const q = queryOf(req.query);
  return ['day', 'kiosk', 'function', 'page'].filter((k) => q[k]).map((k) => `${k}=${q[k].slice(0, 40)}`).join(' ') || 'all';
}

export interface AccessAuditRoutesOptions {
  audit: AuditSource;
}

export function accessAuditRouter(o: AccessAuditRoutesOptions): Router {
  const router = express.Router();
  // Who may read it is the roles table's row (accessTable.ts: managers only); refusals are audited by auditRefusals.
  router.use('/api/hall/audit', noStore);

  const unavailable = (res: express.Response) =>
    res.status(503).json({ error: 'unavailable', message: 'the access audit is unavailable: the hall database is not open' });

  router.get('/api/hall/audit', auditStaffRoute(o.audit, 'audit.view', describeFilter), async (req, res) => {
    const p = pageSchema.safeParse(queryOf(req.query));
    if (!p.success) {
      res.status(400).json({ error: 'bad request', message: describeInvalid(p.error) });
      return;
    }
    const log = o.audit();
    if (!log) return void unavailable(res);
    try {
      const body: AccessAuditPage = await log.page(filterOf(p.data), p.data.page, p.data.pageSize);
      res.json(body);
    } catch (err) {
      res.status(503).json({ error: 'unavailable', message: `access audit: ${(err as Error).message}` });
    }
  });

  router.get('/api/hall/audit/export.csv', auditStaffRoute(o.audit, 'audit.export', describeFilter), async (req, res) => {
    const p = filterSchema.safeParse(queryOf(req.query));
    if (!p.success) {
      res.status(400).json({ error: 'bad request', message: describeInvalid(p.error) });
      return;
    }
    const log = o.audit();
    if (!log) return void unavailable(res);
    let csv: string;
    try {
      csv = await log.csv(filterOf(p.data));
    } catch (err) {
      res.status(503).json({ error: 'unavailable', message: `access audit: ${(err as Error).message}` });
      return;
    }
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="access-audit${p.data.day ? `-${p.data.day}` : ''}.csv"`);
    res.send(csv);
  });

  return router;
}

/**
 * The access guard's refusal hook: a logged-in staff member refused the access audit is itself recorded (who tried,
 * with the HTTP status), so looking for the audit without the right is visible in it.
 */
export function auditRefusals(audit: AuditSource): AccessRefusalHook {
  return (req, res) => {
    if (!req.path.startsWith('/api/hall/audit')) return;
    const log = audit();
    if (log) void recordStaff(log, res, req.path.startsWith('/api/hall/audit/export') ? 'audit.export' : 'audit.view', describeFilter(req));
  };
}
