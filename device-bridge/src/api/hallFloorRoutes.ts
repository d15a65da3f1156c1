/**
 * The hall floor's manager actions (README "Running the hall floor"):
 *
 *   POST /api/hall/holds/:ticketId/return   a ticket in the hold pool back to the queue, keeping its place
 *       200 { ok: true, ticketNumber }   409 { error: 'refused', message } (not held, brought back before, ran out)
 *
 * Who may call is the roles table's decision (accessTable.ts, checked by accessGuard before this); a write, so
 * only from an allowed origin.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { CounterWorkflow } from '../hall/counterWorkflow.ts';
import { noStore, originGuard } from './techAuth.ts';

const ticketIdSchema = z.coerce.number().int().min(1).max(2 ** 31);

export interface HallFloorRoutesOptions {
  allowedOrigins: readonly string[];
  /** The counter workflow (made after the HTTP app, hence a getter); null: not running, 503. */
  workflow: () => CounterWorkflow | null | undefined;
}

export function hallFloorRouter(o: HallFloorRoutesOptions): Router {
  const router = express.Router();
  router.post('/api/hall/holds/:ticketId/return', noStore, originGuard(o.allowedOrigins), async (req, res) => {
    const id = ticketIdSchema.safeParse(req.params.ticketId);
    if (!id.success) {
      res.status(422).json({ error: 'invalid', problems: [{ field: 'ticketId', message: 'must be a ticket id (a positive integer)' }] });
      return;
    }
    const workflow = o.workflow();
    if (!workflow) {
      res.status(503).json({ error: 'unavailable', message: 'the counter workflow is not running' });
      return;
    }
    try {
      const r = await workflow.returnFromHold(id.data);
      if (r.ok) res.json({ ok: true, ticketNumber: r.number });
      else res.status(409).json({ error: 'refused', message: r.why });
    } catch (err) {
      res.status(503).json({ error: 'unavailable', message: (err as Error).message });
    }
  });
  return router;
}
