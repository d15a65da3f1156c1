/**
 * The simulators' control API through the bridge (README "For technicians: the console": the bridge
 * proxies /api/tech/sims/* to it, so the browser talks to one origin). `simulatorControlUrl` in the
 * config names it (the demo launcher and tests set it).
 *
 *   GET  /api/tech/sims                         {attached, sims, notes}; attached false (and no sims) without simulators
 *   GET  /api/tech/sims/:id[/tickets[/:file]]   passed through (ticket PNGs and texts as they come)
 *   POST /api/tech/sims/:id/actions/:name       passed through; technicians only
 *
 * Behind the roles table (accessTable.ts: views for staff, actions for technicians), so anonymous requests never
 * reach the simulators.
 */
import express, { type Response, type Router } from 'express';
import { z } from 'zod';
import { describeInvalid, payloadShapeProblem } from './validation.ts';
import type { StaffAuth } from '../auth/staffAuth.ts';

export interface SimsProxyOptions {
  auth: StaffAuth;
  controlUrl?: string;
}

/** Generous: a scenario-like action (paper length) answers at once, but the machine may be loaded. */
const UPSTREAM_TIMEOUT_MS = 15_000;

/** Only these paths below /api/sims are forwarded (nothing else of the control API is reachable). */
const ALLOWED_GET = /^\/[A-Za-z0-9_.-]+(?:\/tickets(?:\/\d+\.(?:png|txt))?)?$/;
const ALLOWED_POST = /^\/[A-Za-z0-9_.-]+\/actions\/[A-Za-z0-9_.-]+$/;

async function forward(res: Response, url: string, init: RequestInit): Promise<void> {
  let upstream: globalThis.Response;
  try {
    upstream = await fetch(url, { ...init, signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
  } catch (err) {
    res.status(502).json({ error: 'bad gateway', message: `simulator control API unreachable: ${(err as Error).message}` });
    return;
  }
  const type = upstream.headers.get('content-type');
  if (type) res.setHeader('Content-Type', type);
  res.status(upstream.status).send(Buffer.from(await upstream.arrayBuffer()));
}

const simActionBodySchema = z.record(z.string().max(64), z.unknown());

export function simsProxyRouter(opts: SimsProxyOptions): Router {
  const router = express.Router();
  const base = opts.controlUrl?.replace(/\/+$/, '');

  router.get('/api/tech/sims', async (_req, res) => {
    if (!base) {
      res.json({ attached: false, sims: [], notes: [] });
      return;
    }
    try {
      const r = await fetch(`${base}/api/sims`, { signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
      const body = (await r.json()) as { sims?: unknown[]; notes?: unknown[] };
      res.status(r.ok ? 200 : 502).json({ attached: true, sims: body.sims ?? [], notes: body.notes ?? [] });
    } catch (err) {
      res.status(502).json({ error: 'bad gateway', message: `simulator control API unreachable: ${(err as Error).message}` });
    }
  });

  const notAttached = (res: Response) => res.status(404).json({ error: 'not found', message: 'no simulators are attached to this bridge' });

  router.get(/^\/api\/tech\/sims(\/.+)$/, async (req, res) => {
    const rest = req.path.slice('/api/tech/sims'.length);
    if (!base) return notAttached(res);
    if (!ALLOWED_GET.test(rest)) {
      res.status(404).json({ error: 'not found', message: `no simulator route ${rest}` });
      return;
    }
    await forward(res, `${base}/api/sims${rest}`, { method: 'GET' });
  });

  router.post(/^\/api\/tech\/sims(\/.+)$/, async (req, res) => {
    const rest = req.path.slice('/api/tech/sims'.length);
    if (!base) return notAttached(res);
    if (!ALLOWED_POST.test(rest)) {
      res.status(404).json({ error: 'not found', message: `no simulator route ${rest}` });
      return;
    }
    // A simulator action's arguments: a flat-ish JSON object (the simulator validates its own fields).
    const body = simActionBodySchema.safeParse(req.body ?? {});
    const shape = payloadShapeProblem(req.body) ?? (body.success ? null : describeInvalid(body.error));
    if (shape) {
      res.status(400).json({ error: 'bad request', message: shape });
      return;
    }
    await forward(res, `${base}/api/sims${rest}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(req.body ?? {}),
    });
  });

  return router;
}
