/**
 * The manager's catalogue edits (README "Loading the catalogue", issue "A manager page edits categories, windows,
 * slot capacities and holidays with the same validation"): REST under /api/hall; who may read and who may edit is
 * the roles table's decision (auth/accessTable.ts: staff of /hall read, managers edit), POSTs from an allowed origin
 * only. The page itself is the UI's; these routes check and
 * apply exactly as the catalogue command does (catalogue/plan.ts), in one transaction, deleting nothing.
 *
 *   GET  /api/hall/catalogue                  { categories, windows, holidays, services: [{code, name, department, category, slotCapacity}] }
 *   POST /api/hall/catalogue[?dryRun=1]       { categories?, windows?, holidays?, slotCapacities?: [{service, slotCapacity}] }
 *        200 { applied, summary[], changes[] }  422 { error: 'invalid', problems: [{ field, message }] }, nothing applied
 *
 * Windows take effect at the next start of the bridge (the counter workflow reads them at start); the rest at once.
 */
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CatalogueRefused, loadCatalogueInput } from '../catalogue/loadCatalogue.ts';
import { planSummary } from '../catalogue/plan.ts';
import { readCatalogueText } from '../catalogue/readFiles.ts';
import type { HallStore } from '../store/hallStore.ts';
import { noStore, originGuard } from './techAuth.ts';

export interface CatalogueRoutesOptions {
  allowedOrigins: readonly string[];
  /** The hall database; null (a linked kiosk, or the database unavailable): 503. */
  store: () => HallStore | null;
  log: Logger;
}

const EDIT_NAME = 'edit';

/** The tables a manager edits; departments and service items come from the catalogue command. */
const editSchema = z.object({
  categories: z.array(z.unknown()).optional(),
  windows: z.array(z.unknown()).optional(),
  holidays: z.array(z.unknown()).optional(),
  slotCapacities: z.array(z.unknown()).optional(),
}).strict();

export function catalogueRouter(o: CatalogueRoutesOptions): Router {
  const router = express.Router();
  const store = (res: express.Response): HallStore | null => {
    const s = o.store();
    if (!s) res.status(503).json({ error: 'unavailable', message: 'no hall database here (the hall server keeps the catalogue)' });
    return s;
  };

  router.get('/api/hall/catalogue', noStore, async (_req, res) => {
    const s = store(res);
    if (!s) return;
    const depts = new Map((await s.listDepartments()).map((d) => [d.id, d.code ?? `#${d.id}`]));
    res.json({
      categories: await s.listQueueCategories(),
      windows: await s.listHallWindows(),
      holidays: await s.listCalendarDays(),
      services: (await s.listServiceItems()).map((i) => ({ code: i.id, name: i.name, department: depts.get(i.departmentId), category: i.category, slotCapacity: i.slotCapacity })),
    });
  });

  router.post('/api/hall/catalogue', noStore, originGuard(o.allowedOrigins), async (req, res) => {
    const s = store(res);
    if (!s) return;
    const body = editSchema.safeParse(req.body ?? {});
    if (!body.success) {
      const problems = body.error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ field: k, message: 'not editable here (categories, windows, holidays, slotCapacities; the rest with the catalogue command)' })) : [{ field: i.path.join('.') || '(body)', message: i.message }]));
      res.status(422).json({ error: 'invalid', problems });
      return;
    }
    // Slot capacities become their service rows with the new capacity, checked by the same row rules.
    const services: unknown[] = [];
    const unknownServices: Array<{ field: string; message: string }> = [];
    const depts = new Map((await s.listDepartments()).map((d) => [d.id, d.code]));
    for (const [i, raw] of (body.data.slotCapacities ?? []).entries()) {
      const r = raw as { service?: unknown; slotCapacity?: unknown } | null;
      const item = typeof r?.service === 'string' ? await s.getServiceItem(r.service) : undefined;
      if (!item) {
        unknownServices.push({ field: `slotCapacities[${i}].service`, message: `unknown service item ${JSON.stringify(r?.service ?? null)}` });
        continue;
      }
      const department = depts.get(item.departmentId);
      if (!department) {
        unknownServices.push({ field: `slotCapacities[${i}].service`, message: `service item ${item.id} belongs to a department without a code; load the catalogue with the command first` });
        continue;
      }
      services.push({ code: item.id, department, name: item.name, category: item.category, timeLimitDays: item.timeLimitDays, slotCapacity: r!.slotCapacity });
    }
    const doc = { ...body.data, slotCapacities: undefined, services };
    const { input, problems } = readCatalogueText(EDIT_NAME, JSON.stringify(doc));
    // Problems of the service rows made above are named as the manager sent them, with the item's code.
    const codes = services.map((x) => (x as { code: string }).code);
    const named = (p: { field: string; message: string }) => {
      const m = /^services\[(\d+)\]/.exec(p.field);
      if (!m) return { field: p.field, message: p.message };
      const i = (body.data.slotCapacities ?? []).findIndex((x) => (x as { service?: unknown } | null)?.service === codes[Number(m[1])]);
      return { field: p.field.replace(m[0], `slotCapacities[${i}]`), message: `${p.message} (service ${codes[Number(m[1])]})` };
    };
    const dryRun = req.query.dryRun === '1' || req.query.dryRun === 'true';
    try {
      // With an unknown service nothing may be applied, but the rest is still checked, so every problem is named.
      const r = await loadCatalogueInput(s, input, problems, { dryRun: dryRun || unknownServices.length > 0 });
      if (unknownServices.length > 0) {
        res.status(422).json({ error: 'invalid', problems: unknownServices });
        return;
      }
      const summary = planSummary(r.plan);
      const staff = (res.locals as { staff?: { user: string } }).staff?.user;
      if (r.applied) o.log.info({ staff, summary }, 'catalogue edited');
      res.json({ applied: r.applied, summary, changes: r.plan.changes.filter((c) => c.kind !== 'same') });
    } catch (err) {
      if (!(err instanceof CatalogueRefused)) throw err;
      res.status(422).json({ error: 'invalid', problems: [...unknownServices, ...err.problems.map(named)] });
    }
  });
  return router;
}
