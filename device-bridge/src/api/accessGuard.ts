/**
 * The express side of the one roles table (auth/accessTable.ts): every request is looked up in the table before
 * any route runs. Not in the table: 404 for /api (nothing there for anyone), 405 for a non-GET outside /api. Not
 * allowed: 401 without a credential, 403 with one. A staff session found here is left in `res.locals` for the
 * routes (`staffOf`), so no route checks a role itself.
 */
import type { Request, RequestHandler, Response } from 'express';
import { ANONYMOUS, checkAccess, checkRest, CONNECT_RULES, restRuleFor } from '../auth/accessTable.ts';
import type { StaffAuth } from '../auth/staffAuth.ts';
import { restCaller, type MachineTokens } from './principal.ts';
import type { StaffLocals } from './techAuth.ts';

/**
 * Called after a refusal was answered, with the staff session (if any) in `res.locals`: the access audit records
 * refused attempts on routes that show citizens' data (api/accessAuditRoutes.ts `auditRefusals`).
 */
export type AccessRefusalHook = (req: Request, res: Response) => void;

export function accessGuard(auth: StaffAuth | undefined, tokens: MachineTokens, onRefused?: AccessRefusalHook): RequestHandler {
  return (req, res, next) => {
    // A public route does not look at credentials: a browser's cookie on /api/health must not keep its session alive.
    const open = restRuleFor(req.method, req.path)?.roles.includes('anyone') ?? false;
    const caller = open ? { principal: ANONYMOUS } : restCaller(req.headers, auth, tokens);
    const verdict = checkRest(req.method, req.path, caller.principal);
    if (!verdict) {
      // Below a staff area, an unknown route is not even confirmed absent to a caller who may not use that area.
      const area = /^\/api\/(tech|hall)\//.exec(req.path)?.[1] as 'tech' | 'hall' | undefined;
      if (area) {
        const who = restCaller(req.headers, auth, tokens).principal;
        const inArea = checkAccess(`use /api/${area}`, CONNECT_RULES[`/${area}`], who);
        if (!inArea.ok) {
          res.setHeader('Cache-Control', 'no-store');
          res.status(inArea.status).json({ error: inArea.status === 401 ? 'unauthorized' : 'forbidden', message: inArea.message });
          return;
        }
      }
      const api = req.path === '/api' || req.path.startsWith('/api/');
      res.status(api ? 404 : 405).json({
        error: api ? 'not found' : 'method not allowed',
        message: api ? `no API route ${req.method} ${req.path}` : `nothing at ${req.method} ${req.path}`,
      });
      return;
    }
    if (!verdict.ok) {
      if (req.path.startsWith('/api/tech') || req.path.startsWith('/api/hall') || req.path === '/api/me') res.setHeader('Cache-Control', 'no-store');
      res.status(verdict.status).json({ error: verdict.status === 401 ? 'unauthorized' : 'forbidden', message: verdict.message });
      if (onRefused && 'staff' in caller && caller.staff && caller.staffToken) {
        (res.locals as StaffLocals).staff = caller.staff;
        (res.locals as StaffLocals).staffToken = caller.staffToken;
        onRefused(req, res);
      }
      return;
    }
    if ('staff' in caller && caller.staff && caller.staffToken) {
      (res.locals as StaffLocals).staff = caller.staff;
      (res.locals as StaffLocals).staffToken = caller.staffToken;
    }
    next();
  };
}
