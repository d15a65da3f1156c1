/**
 * What a catalogue load would change, and whether it may (README "Loading the catalogue"): the files' rows checked
 * against each other and against the hall database as it is (a service may name a department loaded last year),
 * then compared row by row: added, changed (which fields), unchanged; rows in the database and not in the files are
 * kept, never deleted (tickets, appointments and applications point at categories and service items).
 */
import type { CalendarDayRecord, DepartmentRecord, HallRepository, NewMaterial, QueueCategoryRecord, ServiceItemRecord, StepLimits } from '../store/hallStore.ts';
import type { CodedDepartment, HallWindowRecord, LifeEventRecord } from '../store/catalogueRecords.ts';
import type { IntakeField } from '../store/intakeRecords.ts';
import type { ResultCertificateType } from '../store/resultRecords.ts';
import type { ResultCollectionMode } from '@onedoor/protocol';
import type { CatalogueInput, Located } from './readFiles.ts';
import type { CatalogueProblem } from './sourceText.ts';

export interface CatalogueSnapshot {
  departments: DepartmentRecord[];
  categories: QueueCategoryRecord[];
  services: Array<ServiceItemRecord & { materials: NewMaterial[] }>;
  windows: HallWindowRecord[];
  holidays: CalendarDayRecord[];
  lifeEvents: LifeEventRecord[];
}

export async function catalogueSnapshot(repo: HallRepository): Promise<CatalogueSnapshot> {
  const services = await repo.listServiceItems();
  const withMaterials = [];
  for (const s of services) {
    const materials = (await repo.listMaterials(s.id)).map(({ id: _id, serviceId: _s, sortOrder: _o, ...m }) => m);
    withMaterials.push({ ...s, materials });
  }
  return {
    departments: await repo.listDepartments(),
    categories: await repo.listQueueCategories(),
    services: withMaterials,
    windows: await repo.listHallWindows(),
    holidays: await repo.listCalendarDays(),
    lifeEvents: await repo.listLifeEvents(),
  };
}

/** A service item to store: its department by code (resolved to an id when applied). */
export interface PlannedService {
  code: string;
  departmentCode: string;
  name: string;
  category: string;
  timeLimitDays: number;
  slotCapacity: number;
  stepLimits: StepLimits | null;
  materials: NewMaterial[];
  /** Kiosk intake (README "Applying at the kiosk (接件受理)"); absent: not a self-service item. */
  selfApply?: boolean;
  formFields?: IntakeField[];
  /** README "Collecting results (领取结果)"; absent: counter only. */
  resultCollection?: ResultCollectionMode[];
  resultCertificate?: ResultCertificateType;
}

/** The result-collection part of a planned item: the row's when given, else what is stored; counter only is left out. */
function resultOf(r: { resultCollection?: ResultCollectionMode[]; resultCertificate?: ResultCertificateType },
  old: ServiceItemRecord | undefined): Pick<PlannedService, 'resultCollection' | 'resultCertificate'> {
  const modes = r.resultCollection ?? old?.resultCollection;
  if (!modes || (modes.length === 1 && modes[0] === 'counter')) return {};
  const cert = r.resultCollection ? r.resultCertificate : old?.resultCertificate;
  return { resultCollection: modes, ...(cert && modes.includes('electronic') ? { resultCertificate: cert } : {}) };
}

type MaterialSource = { name: string; fetchedFrom?: string | null; commitmentAllowed: boolean; commitmentText?: string; commitmentVersion?: string };

/** A material as stored: commitment text and version only when given (so unchanged rows compare equal). */
function newMaterial(m: MaterialSource): NewMaterial {
  return { name: m.name, fetchedFrom: m.fetchedFrom ?? null, commitmentAllowed: m.commitmentAllowed,
    ...(m.commitmentText ? { commitmentText: m.commitmentText, commitmentVersion: m.commitmentVersion ?? '' } : {}) };
}

/** The intake part of a planned item: the row's when given, else what is stored. */
function intakeOf(r: { selfApply?: boolean; fields?: IntakeField[] }, old: ServiceItemRecord | undefined): Pick<PlannedService, 'selfApply' | 'formFields'> {
  const selfApply = r.selfApply ?? old?.selfApply ?? false;
  return selfApply ? { selfApply: true, formFields: r.fields ?? old?.formFields ?? [] } : {};
}

export type ChangeKind = 'add' | 'change' | 'same';

export interface RowChange {
  table: PlanTable;
  key: string;
  label: string;
  kind: ChangeKind;
  /** Changed fields, `field: old -> new`. */
  fields: string[];
}

export const PLAN_TABLES = ['departments', 'categories', 'services', 'windows', 'holidays', 'lifeEvents'] as const;
export type PlanTable = (typeof PLAN_TABLES)[number];

export interface CataloguePlan {
  problems: CatalogueProblem[];
  changes: RowChange[];
  /** Rows in the database that the files do not mention (kept as they are). */
  kept: Record<PlanTable, number>;
  apply: {
    departments: CodedDepartment[];
    categories: QueueCategoryRecord[];
    services: PlannedService[];
    windows: HallWindowRecord[];
    holidays: CalendarDayRecord[];
    lifeEvents: LifeEventRecord[];
  };
}

/** What the config says about the hall (catalogue loader `--config`): its id and its counter terminals. */
export interface CatalogueSiteCheck {
  hallId: string;
  buses: ReadonlyArray<{ deviceId: string; units: readonly number[] }>;
}

const show = (v: unknown) => (v === null || v === undefined ? '(none)' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function diff<T extends object>(old: T | undefined, now: T, fields: Array<keyof T>): { kind: ChangeKind; fields: string[] } {
  if (!old) return { kind: 'add', fields: [] };
  const changed = fields.filter((f) => JSON.stringify(old[f] ?? null) !== JSON.stringify(now[f] ?? null))
    .map((f) => `${String(f)}: ${show(old[f])} -> ${show(now[f])}`);
  return { kind: changed.length ? 'change' : 'same', fields: changed };
}

/** Checks the input against itself and the snapshot, and works out the changes. Pure. */
export function planCatalogue(input: CatalogueInput, snap: CatalogueSnapshot, site?: CatalogueSiteCheck): CataloguePlan {
  const problems: CatalogueProblem[] = [];
  const at = <T>(l: Located<T>, field: string, message: string) => problems.push({ file: l.file, line: l.lineOf(field), field: l.fieldName(field), message });
  const where = <T>(l: Located<T>) => `${l.file}:${l.line}`;

  /** The first row of each key; later ones are refused as duplicates. */
  function unique<T>(rows: Located<T>[], keyOf: (r: T) => string, field: string, what: string): Map<string, Located<T>> {
    const first = new Map<string, Located<T>>();
    for (const l of rows) {
      const k = keyOf(l.row);
      const before = first.get(k);
      if (before) at(l, field, `duplicate ${what} "${k}" (also ${where(before)})`);
      else first.set(k, l);
    }
    return first;
  }

  if (site) {
    for (const h of input.hallIds) {
      if (h.hallId !== site.hallId) problems.push({ file: h.file, line: h.line, field: 'hallId', message: `this catalogue is for hall "${h.hallId}", the config's site.hallId is "${site.hallId}"` });
    }
  }

  // Departments: by code; a name belongs to one department.
  const depts = unique(input.departments, (r) => r.code, 'code', 'department code');
  unique([...depts.values()], (r) => r.name, 'name', 'department name');
  const storedByCode = new Map(snap.departments.filter((d) => d.code !== null).map((d) => [d.code!, d]));
  const storedByName = new Map(snap.departments.map((d) => [d.name, d]));
  let nextSort = Math.max(0, ...snap.departments.map((d) => d.sortOrder));
  const plannedDepts: CodedDepartment[] = [];
  for (const l of depts.values()) {
    const r = l.row;
    const old = storedByCode.get(r.code) ?? (storedByName.get(r.name)?.code === null ? storedByName.get(r.name) : undefined);
    const sameName = storedByName.get(r.name);
    if (sameName && sameName.code !== null && sameName.code !== r.code && !depts.has(sameName.code)) {
      at(l, 'name', `"${r.name}" is already department ${sameName.code} in the database (a department keeps its code; change the code back or rename the other)`);
    }
    plannedDepts.push({
      code: r.code, name: r.name, batch: r.batch, batchDeadline: r.batchDeadline ?? (old?.batchDeadline ?? ''),
      sortOrder: r.sortOrder ?? old?.sortOrder ?? ++nextSort,
    });
  }
  const deptCodes = new Set([...storedByCode.keys(), ...depts.keys()]);

  // Queue categories.
  const cats = unique(input.categories, (r) => r.letter, 'letter', 'queue category');
  const storedCats = new Map(snap.categories.map((c) => [c.letter, c]));
  const letters = new Set([...storedCats.keys(), ...cats.keys()]);

  // Service items and their materials.
  const services = unique(input.services, (r) => r.code, 'code', 'service item code');
  const storedServices = new Map(snap.services.map((s) => [s.id, s]));
  const storedDeptById = new Map(snap.departments.map((d) => [d.id, d]));
  for (const l of services.values()) {
    if (!deptCodes.has(l.row.department)) at(l, 'department', `unknown department "${l.row.department}" (not in the files' departments nor in the database)`);
    if (!letters.has(l.row.category)) at(l, 'category', `unknown queue category "${l.row.category}" (not in the files' categories nor in the database)`);
  }
  const csvMaterials = new Map<string, Located<CatalogueInput['materials'][number]['row']>[]>();
  const seenMaterial = new Map<string, Located<unknown>>();
  for (const l of input.materials) {
    const k = `${l.row.service}\u0000${l.row.name}`;
    const before = seenMaterial.get(k);
    if (before) {
      at(l, 'name', `duplicate material "${l.row.name}" of service ${l.row.service} (also ${where(before)})`);
      continue;
    }
    seenMaterial.set(k, l);
    if (!services.has(l.row.service) && !storedServices.has(l.row.service)) {
      at(l, 'service', `unknown service item "${l.row.service}" (not in the files' services nor in the database)`);
      continue;
    }
    const inline = services.get(l.row.service);
    if (inline?.row.materials) {
      at(l, 'service', `the materials of ${l.row.service} are also given inline at ${where(inline)}; give them in one place`);
      continue;
    }
    csvMaterials.set(l.row.service, [...(csvMaterials.get(l.row.service) ?? []), l]);
  }
  for (const l of services.values()) {
    const seen = new Set<string>();
    for (const [i, m] of (l.row.materials ?? []).entries()) {
      if (seen.has(m.name)) at(l, `materials[${i}].name`, `duplicate material "${m.name}"`);
      seen.add(m.name);
    }
  }

  // Windows: by number; a terminal serves one window; categories known; terminals on the config's lines.
  const wins = unique(input.windows, (r) => String(r.window), 'window', 'window number');
  const mergedWindows = new Map<number, { w: HallWindowRecord; from?: Located<CatalogueInput['windows'][number]['row']> }>(
    snap.windows.map((w) => [w.window, { w }]));
  const storedWindows = new Map(snap.windows.map((w) => [w.window, w]));
  const plannedWindows: HallWindowRecord[] = [];
  for (const l of wins.values()) {
    const r = l.row;
    const w: HallWindowRecord = { window: r.window, name: r.name ?? storedWindows.get(r.window)?.name ?? `${r.window}号窗口`, deviceId: r.deviceId, unit: r.unit, categories: r.categories };
    r.categories.forEach((c, i) => {
      if (!letters.has(c)) at(l, 'categories', `unknown queue category "${c}" (item ${i + 1})`);
    });
    if (site) {
      const bus = site.buses.find((b) => b.deviceId === r.deviceId);
      if (!bus) at(l, 'deviceId', `"${r.deviceId}" is no enabled counterbus device of the config (devices: ${site.buses.map((b) => b.deviceId).join(', ') || 'none'})`);
      else if (!bus.units.includes(r.unit)) at(l, 'unit', `${r.deviceId} does not poll unit ${r.unit} (its options.units: ${bus.units.join(', ')})`);
    }
    mergedWindows.set(r.window, { w, from: l });
    plannedWindows.push(w);
  }
  const terminals = new Map<string, number>();
  for (const { w, from } of [...mergedWindows.values()].sort((a, b) => a.w.window - b.w.window)) {
    const t = `${w.deviceId}#${w.unit}`;
    const other = terminals.get(t);
    if (other !== undefined && from) at(from, 'unit', `terminal ${w.deviceId} unit ${w.unit} is already window ${other}'s`);
    else if (other === undefined) terminals.set(t, w.window);
  }
  // A queue category no window calls would issue tickets nobody is ever called for (hall-rules.md "Calling order").
  if (mergedWindows.size > 0 && ![...mergedWindows.values()].some(({ w }) => w.categories.length === 0)) {
    const served = new Set([...mergedWindows.values()].flatMap(({ w }) => w.categories));
    const firstWindowRow = [...wins.values()][0];
    for (const letter of letters) {
      if (served.has(letter)) continue;
      const row = cats.get(letter);
      if (row) at(row, 'letter', `queue category ${letter} is served by no window (add it to a window's categories, or leave a window's categories empty to serve all)`);
      else if (firstWindowRow) at(firstWindowRow, 'categories', `queue category ${letter} (in the database) is served by no window`);
    }
  }

  // Holiday table.
  const hols = unique(input.holidays, (r) => r.day, 'day', 'day');
  const storedHols = new Map(snap.holidays.map((h) => [h.day, h]));

  // Life events: by code; each names service items known in the files or the database, each once.
  const events = unique(input.lifeEvents, (r) => r.code, 'code', 'life event code');
  unique([...events.values()], (r) => r.name, 'name', 'life event name');
  const serviceCodes = new Set([...storedServices.keys(), ...services.keys()]);
  const storedEvents = new Map(snap.lifeEvents.map((e) => [e.code, e]));
  let nextEventSort = Math.max(0, ...snap.lifeEvents.map((e) => e.sortOrder));
  const plannedEvents: LifeEventRecord[] = [];
  for (const l of events.values()) {
    const seenCodes = new Set<string>();
    l.row.services.forEach((c, i) => {
      if (!serviceCodes.has(c)) at(l, 'services', `unknown service item "${c}" (item ${i + 1}; not in the files' services nor in the database)`);
      else if (seenCodes.has(c)) at(l, 'services', `service item "${c}" is listed twice (item ${i + 1})`);
      seenCodes.add(c);
    });
    plannedEvents.push({ code: l.row.code, name: l.row.name, services: l.row.services,
      sortOrder: l.row.sortOrder ?? storedEvents.get(l.row.code)?.sortOrder ?? ++nextEventSort });
  }

  // The changes.
  const changes: RowChange[] = [];
  for (const d of plannedDepts) {
    const old = storedByCode.get(d.code) ?? (storedByName.get(d.name)?.code === null ? storedByName.get(d.name) : undefined);
    const oldView = old ? { code: old.code ?? undefined, name: old.name, batch: old.batch, batchDeadline: old.batchDeadline, sortOrder: old.sortOrder } : undefined;
    changes.push({ table: 'departments', key: d.code, label: d.name, ...diff(oldView, d, ['code', 'name', 'batch', 'batchDeadline', 'sortOrder']) });
  }
  const plannedCats: QueueCategoryRecord[] = [...cats.values()].map((l) => ({ letter: l.row.letter, name: l.row.name, defaultServiceMinutes: l.row.defaultServiceMinutes }));
  for (const c of plannedCats) changes.push({ table: 'categories', key: c.letter, label: c.name, ...diff(storedCats.get(c.letter), c, ['name', 'defaultServiceMinutes']) });
  const plannedServices: PlannedService[] = [];
  for (const l of services.values()) {
    const r = l.row;
    const old = storedServices.get(r.code);
    const materials: NewMaterial[] = r.materials
      ? r.materials.map(newMaterial)
      : csvMaterials.has(r.code)
        ? csvMaterials.get(r.code)!.map((m) => newMaterial(m.row))
        : old?.materials ?? [];
    plannedServices.push({
      code: r.code, departmentCode: r.department, name: r.name, category: r.category, timeLimitDays: r.timeLimitDays,
      slotCapacity: r.slotCapacity, stepLimits: r.stepLimits === undefined ? old?.stepLimits ?? null : r.stepLimits, materials,
      ...intakeOf(r, old), ...resultOf(r, old),
    });
  }
  // materials.csv for services only in the database: the item stays, its materials change.
  for (const [code, rows] of csvMaterials) {
    if (services.has(code)) continue;
    const old = storedServices.get(code)!;
    const dept = storedDeptById.get(old.departmentId);
    if (!dept?.code) {
      at(rows[0], 'service', `service item ${code} belongs to a department without a code; load its department with a code first`);
      continue;
    }
    plannedServices.push({ code, departmentCode: dept.code, name: old.name, category: old.category, timeLimitDays: old.timeLimitDays,
      slotCapacity: old.slotCapacity, stepLimits: old.stepLimits, ...intakeOf({}, old), ...resultOf({}, old),
      materials: rows.map((m) => newMaterial(m.row)) });
  }
  for (const s of plannedServices) {
    const old = storedServices.get(s.code);
    const oldView = old ? { ...old, code: old.id, departmentCode: storedDeptById.get(old.departmentId)?.code ?? `#${old.departmentId}` } : undefined;
    changes.push({ table: 'services', key: s.code, label: s.name,
      ...diff(oldView as PlannedService | undefined, s, ['departmentCode', 'name', 'category', 'timeLimitDays', 'slotCapacity', 'stepLimits', 'materials', 'selfApply', 'formFields', 'resultCollection', 'resultCertificate']) });
  }
  for (const w of plannedWindows) changes.push({ table: 'windows', key: String(w.window), label: w.name, ...diff(storedWindows.get(w.window), w, ['name', 'deviceId', 'unit', 'categories']) });
  const plannedHols: CalendarDayRecord[] = [...hols.values()].map((l) => ({ day: l.row.day, kind: l.row.kind, name: l.row.name }));
  for (const h of plannedHols) changes.push({ table: 'holidays', key: h.day, label: h.name, ...diff(storedHols.get(h.day), h, ['kind', 'name']) });

  for (const e of plannedEvents) changes.push({ table: 'lifeEvents', key: e.code, label: e.name, ...diff(storedEvents.get(e.code), e, ['name', 'sortOrder', 'services']) });

  const mentioned = (t: PlanTable) => new Set(changes.filter((c) => c.table === t).map((c) => c.key));
  const kept: Record<PlanTable, number> = {
    departments: snap.departments.filter((d) => !(d.code && mentioned('departments').has(d.code)) && !plannedDepts.some((p) => p.name === d.name)).length,
    categories: snap.categories.filter((c) => !mentioned('categories').has(c.letter)).length,
    services: snap.services.filter((s) => !mentioned('services').has(s.id)).length,
    windows: snap.windows.filter((w) => !mentioned('windows').has(String(w.window))).length,
    holidays: snap.holidays.filter((h) => !mentioned('holidays').has(h.day)).length,
    lifeEvents: snap.lifeEvents.filter((e) => !mentioned('lifeEvents').has(e.code)).length,
  };
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { problems, changes, kept, apply: { departments: plannedDepts, categories: plannedCats, services: plannedServices, windows: plannedWindows, holidays: plannedHols, lifeEvents: plannedEvents } };
}

/** One summary line per table: `services: 2 added, 1 changed, 40 unchanged, 3 kept (not in the files)`. */
export function planSummary(plan: CataloguePlan): string[] {
  return PLAN_TABLES.map((t) => {
    const of = (k: ChangeKind) => plan.changes.filter((c) => c.table === t && c.kind === k).length;
    return `${t}: ${of('add')} added, ${of('change')} changed, ${of('same')} unchanged, ${plan.kept[t]} kept (in the database, not in the files)`;
  });
}

/** The summary and every added or changed row (what a dry run prints). */
export function planDetails(plan: CataloguePlan): string[] {
  const out: string[] = [];
  for (const t of PLAN_TABLES) {
    for (const c of plan.changes.filter((x) => x.table === t && x.kind !== 'same')) {
      out.push(`${c.kind === 'add' ? '+' : '~'} ${t} ${c.key} ${c.label}`);
      for (const f of c.fields) out.push(`    ${f}`);
    }
  }
  return [...planSummary(plan), ...out];
}
