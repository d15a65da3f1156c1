/**
 * Loads catalogue files into the hall database (README "Loading the catalogue"): read and check every file, compare
 * with the database, and apply all of it in ONE store transaction or nothing (any problem refuses the whole load).
 * Upserts by code, deletes nothing, so it can be run again with the same or a changed catalogue while history
 * (tickets, appointments, applications) stays as it is. A dry run reads and compares only.
 */
import type { HallRepository, HallStore } from '../store/hallStore.ts';
import { catalogueSnapshot, planCatalogue, planSummary, type CataloguePlan, type CatalogueSiteCheck } from './plan.ts';
import { readCatalogueFiles, type CatalogueInput } from './readFiles.ts';
import { problemText, type CatalogueProblem } from './sourceText.ts';

export class CatalogueRefused extends Error {
  readonly problems: CatalogueProblem[];

  constructor(problems: CatalogueProblem[], readonly plan: CataloguePlan | null) {
    problems = [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    super(`catalogue refused, nothing applied (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.map(problemText).join('\n  ')}`);
    this.name = 'CatalogueRefused';
    this.problems = problems;
  }
}

export interface LoadCatalogueOptions {
  dryRun?: boolean;
  /** From the config (`--config`): the hall id and counter terminals to check against. */
  site?: CatalogueSiteCheck;
  now?: () => number;
}

export interface LoadCatalogueResult {
  plan: CataloguePlan;
  applied: boolean;
}

/** Applies a checked plan through `tx` (inside the caller's transaction). */
export async function applyPlan(tx: HallRepository, plan: CataloguePlan): Promise<void> {
  const deptIds = new Map<string, number>();
  for (const d of plan.apply.departments) deptIds.set(d.code, (await tx.upsertDepartmentByCode(d)).id);
  for (const d of await tx.listDepartments()) if (d.code && !deptIds.has(d.code)) deptIds.set(d.code, d.id);
  for (const c of plan.apply.categories) await tx.upsertQueueCategory(c);
  for (const s of plan.apply.services) {
    const departmentId = deptIds.get(s.departmentCode);
    if (departmentId === undefined) throw new Error(`catalogue: department ${s.departmentCode} of ${s.code} vanished during the load`);
    await tx.upsertServiceItem({ id: s.code, departmentId, name: s.name, category: s.category, timeLimitDays: s.timeLimitDays,
      slotCapacity: s.slotCapacity, stepLimits: s.stepLimits, selfApply: s.selfApply, formFields: s.formFields,
      resultCollection: s.resultCollection, resultCertificate: s.resultCertificate }, s.materials);
  }
  for (const w of plan.apply.windows) await tx.upsertHallWindow(w);
  for (const h of plan.apply.holidays) await tx.setCalendarDay(h);
  for (const e of plan.apply.lifeEvents) await tx.upsertLifeEvent(e);
}

/** Checks and (unless a dry run) applies parsed input; throws CatalogueRefused with every problem. */
export async function loadCatalogueInput(store: HallStore, input: CatalogueInput, readProblems: CatalogueProblem[],
  opts: LoadCatalogueOptions = {}): Promise<LoadCatalogueResult> {
  if (opts.dryRun) {
    const plan = planCatalogue(input, await catalogueSnapshot(store), opts.site);
    const problems = [...readProblems, ...plan.problems];
    if (problems.length > 0) throw new CatalogueRefused(problems, plan);
    return { plan, applied: false };
  }
  const plan = await store.withTransaction(async (tx) => {
    // Compared inside the transaction, so what is applied is what was checked.
    const p = planCatalogue(input, await catalogueSnapshot(tx), opts.site);
    const problems = [...readProblems, ...p.problems];
    if (problems.length > 0) throw new CatalogueRefused(problems, p);
    await applyPlan(tx, p);
    await tx.addCatalogueLoad({ at: (opts.now ?? Date.now)(), hallId: opts.site?.hallId ?? input.hallIds[0]?.hallId ?? null, files: input.files, summary: planSummary(p).join('\n') });
    return p;
  });
  return { plan, applied: true };
}

/** Reads `files` and loads them (see the file comment). */
export async function loadCatalogueFiles(store: HallStore, files: readonly string[], opts: LoadCatalogueOptions = {}): Promise<LoadCatalogueResult> {
  const { input, problems } = readCatalogueFiles(files);
  return loadCatalogueInput(store, input, problems, opts);
}
