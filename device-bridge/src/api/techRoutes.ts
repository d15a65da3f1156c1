/**
 * The technician console's REST routes (README "For technicians: the console"), all behind a staff
 * session:
 *
 *   GET  /api/tech/devices                        TechDeviceInfo[]: status, actions, frame log of every device
 *   GET  /api/tech/devices/:id/frames?after=<seq> DeviceFrameEntry[] newer than `after`
 *   POST /api/tech/devices/:id/actions/:name      {args?, timeout?, requestId?} -> Completion (technicians only)
 *   /api/tech/sims/...                            the simulators' control API, proxied (techSims.ts)
 *
 * The console itself uses the `/tech` socket for live status and commands; these routes are for a first load,
 * scripts and curl.
 */
import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { COMMAND_LIMITS, type Completion, type TechDeviceInfo } from '@onedoor/protocol';
import { z } from 'zod';
import type { StaffAuth } from '../auth/staffAuth.ts';
import type { DeviceSet } from '../devices/deviceSet.ts';
import { framesOf } from '../devices/frameLog.ts';
import { completeWithin } from './completions.ts';
import { noStore, originGuard } from './techAuth.ts';
import { simsProxyRouter } from './techSims.ts';
import { describeInvalid, payloadShapeProblem } from './validation.ts';
import { checkDeviceAction, deviceActionKey } from '../auth/accessTable.ts';
import { restCaller, type MachineTokens } from './principal.ts';

export interface TechRoutesOptions {
  auth: StaffAuth;
  devices: DeviceSet;
  defaultCommandTimeoutMs: number;
  /** Actions (POST) must come from these origins (origins.ts), besides the SameSite=Strict cookie. */
  allowedOrigins: readonly string[];
  /** Machine tokens (the tech token acts like a technician here, as on the /tech socket). */
  tokens?: MachineTokens;
  /** The simulators' control API, when simulators are attached. */
  simulatorControlUrl?: string;
}

const actionBodySchema = z.object({
  args: z.record(z.string(), z.unknown()).optional(),
  timeout: z.number().int().min(COMMAND_LIMITS.timeoutMinMs).max(COMMAND_LIMITS.timeoutMaxMs).optional(),
  requestId: z.string().min(1).max(COMMAND_LIMITS.requestIdMaxLength).optional(),
});

export function techRouter(opts: TechRoutesOptions): Router {
  const router = express.Router();
  const sameOrigin = originGuard(opts.allowedOrigins);
  // Who may call each route is the roles table's decision (accessTable.ts, checked by accessGuard before this).
  router.use('/api/tech', noStore, (req, res, next) =>
    req.method === 'GET' || req.method === 'HEAD' ? next() : sameOrigin(req, res, next),
  );

  router.get('/api/tech/devices', (_req, res) => {
    const body: TechDeviceInfo[] = opts.devices.list().map((d) => ({ status: d.status(), actions: d.actions(), frames: framesOf(d) }));
    res.json(body);
  });

  router.get('/api/tech/devices/:id/frames', (req, res) => {
    const d = opts.devices.get(req.params.id);
    if (!d) {
      res.status(404).json({ error: 'not found', message: `no device with id "${req.params.id}"` });
      return;
    }
    const after = Number(req.query.after ?? 0);
    res.json(framesOf(d, Number.isFinite(after) && after > 0 ? after : 0));
  });

  router.post('/api/tech/devices/:id/actions/:name', async (req, res) => {
    const p = actionBodySchema.safeParse(req.body ?? {});
    const requestId = (p.success && p.data.requestId) || randomUUID();
    const problem = payloadShapeProblem(req.body) ?? (p.success ? null : describeInvalid(p.error));
    if (problem || !p.success) {
      const c: Completion = { requestId, code: 'invalidRequest', message: problem ?? 'invalid body' };
      res.status(400).json(c);
      return;
    }
    // The same device rows as the /tech socket (accessTable.ts): this route is the console's REST twin of /tech.
    const device = opts.devices.get(String(req.params.id));
    if (device) {
      const verdict = checkDeviceAction('/tech', deviceActionKey(device.kind, String(req.params.name), p.data.args), restCaller(req.headers, opts.auth, opts.tokens ?? {}).principal);
      if (!verdict.ok) {
        res.status(verdict.status).json({ error: 'forbidden', message: verdict.message });
        return;
      }
    }
    const timeoutMs = p.data.timeout ?? opts.defaultCommandTimeoutMs;
    const id = String(req.params.id);
    const name = String(req.params.name);
    const c = await completeWithin(requestId, timeoutMs, (signal) => opts.devices.execute(id, name, p.data.args ?? {}, { signal, timeoutMs }));
    res.json(c);
  });

  router.use(simsProxyRouter({ auth: opts.auth, controlUrl: opts.simulatorControlUrl }));
  return router;
}
