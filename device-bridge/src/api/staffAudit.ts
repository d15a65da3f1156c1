/**
 * The access audit of staff REST routes that show citizens' data (hall/accessAudit.ts): one middleware per route,
 * placed after the staff guard, that records who (user and role from the session the guard checked), which function
 * and the outcome (2xx success, otherwise refused with the HTTP status) once the answer has gone out.
 */
import type { AuditFunction } from '@onedoor/protocol';
import type { Request, RequestHandler, Response } from 'express';
import type { AccessAuditLog } from '../hall/accessAudit.ts';
import type { StaffLocals } from './techAuth.ts';

/** The audit log (made after the HTTP app, hence a getter); null or undefined: not audited. */
export type AuditSource = () => AccessAuditLog | null | undefined;

export function auditStaffRoute(audit: AuditSource | undefined, fn: AuditFunction, detail?: (req: Request) => string | null): RequestHandler {
  return (req, res, next) => {
    const log = audit?.();
    if (log) res.once('finish', () => void recordStaff(log, res, fn, detail?.(req) ?? null));
    next();
  };
}

/** Records a staff access now (for a refusal answered before `auditStaffRoute` runs). */
export function recordStaff(log: AccessAuditLog, res: Response, fn: AuditFunction, detail: string | null): Promise<void> {
  const staff = (res.locals as Partial<StaffLocals>).staff;
  if (!staff) return Promise.resolve();
  const ok = res.statusCode < 400;
  return log.record({
    actor: { kind: 'staff', id: staff.user, role: staff.role },
    function: fn,
    result: ok ? 'success' : 'refused',
    code: ok ? null : String(res.statusCode),
    detail,
  });
}
