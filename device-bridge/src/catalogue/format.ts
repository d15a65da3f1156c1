/**
 * The catalogue file format (docs/catalogue-format.md, README "Loading the catalogue"): what each table's rows hold,
 * as zod schemas, and the CSV columns of each table. A JSON catalogue holds any of the tables as lists; a CSV file
 * holds one table, named by the start of its file name (`services.csv`, `holidays-2027.csv`).
 */
import { z } from 'zod';
import { COUNTER_MAX_UNIT } from '@onedoor/protocol';

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD (what the holiday table and deadlines use). */
export const isoDay = z.string().superRefine((d, ctx) => {
  const m = DAY_RE.exec(d);
  const real = m !== null && new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).toISOString().slice(0, 10) === d;
  if (!real) {
    // Excel turns 2026-10-01 into 2026/10/1 unless the column is text.
    ctx.addIssue({ code: 'custom', message: `must be a date YYYY-MM-DD like 2026-10-01, got "${d}"${/[/.年]/.test(d) ? ' (format the column as text so Excel keeps 2026-10-01)' : ''}` });
  }
});

const code = (what: string) => z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { message: `must be a ${what} code: 1-64 letters, digits, _ . - (starting with a letter or digit)` });
const text = (max: number) => z.string().trim().min(1, { message: 'must not be empty' }).max(max, { message: `must be at most ${max} characters` });
export const categoryLetter = z.string().trim().regex(/^[A-Z]$/, { message: 'must be one capital letter A-Z (a queue category)' });
const whole = (min: number, max: number, what: string) => z.number({ message: `must be a whole number ${min}-${max}${what}` }).int({ message: `must be a whole number ${min}-${max}${what}` })
  .min(min, { message: `must be ${min}-${max}${what}` }).max(max, { message: `must be ${min}-${max}${what}` });

export const departmentRow = z.object({
  code: code('department'),
  name: text(64),
  batch: whole(0, 9, ' (batch of the provincial plan; 0: none)').default(0),
  batchDeadline: isoDay.optional(),
  sortOrder: whole(0, 100_000, '').optional(),
}).strict();

export const categoryRow = z.object({
  letter: categoryLetter,
  name: text(16),
  defaultServiceMinutes: z.number({ message: 'must be a number of minutes > 0' }).positive({ message: 'must be a number of minutes > 0' }).max(480, { message: 'must be at most 480 minutes' }).default(10),
}).strict();

const materialFields = {
  name: text(64),
  /**
   * shared (免提交: fetched from `fetchedFrom`), commitment (可告知承诺: a written commitment may replace it), bring
   * (需提交). Optional: derived from `fetchedFrom` and `commitmentAllowed` when absent, checked against them when given.
   */
  kind: z.enum(['shared', 'commitment', 'bring'], { message: 'must be shared (免提交), commitment (可告知承诺) or bring (需提交)' }).optional(),
  /** 免提交: where the platform fetches it, e.g. 电子证照库：居民身份证; empty: the citizen brings it. */
  fetchedFrom: text(64).nullable().optional(),
  commitmentAllowed: z.boolean({ message: 'must be true or false (是/否)' }).default(false),
  /** The commitment text shown large, read aloud and signed with the card at the kiosk (告知承诺书). */
  commitmentText: text(500).optional(),
  /** Its version, recorded with each signed commitment (a changed text needs a new version). */
  commitmentVersion: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,15}$/, { message: 'must be a version like v1 or 2026.1 (1-16 letters, digits, _ . -)' }).optional(),
};

type MaterialInput = { kind?: string; fetchedFrom?: string | null; commitmentAllowed: boolean; commitmentText?: string; commitmentVersion?: string };

/** The material's kind and its other fields must agree (README "Applying at the kiosk (接件受理)"). */
function checkMaterial(m: MaterialInput, ctx: z.RefinementCtx): void {
  if (m.kind === 'shared' && !m.fetchedFrom) ctx.addIssue({ code: 'custom', path: ['fetchedFrom'], message: 'a shared (免提交) material needs its source in fetchedFrom' });
  if (m.kind === 'bring' && m.fetchedFrom) ctx.addIssue({ code: 'custom', path: ['kind'], message: 'a material to bring (需提交) has no fetchedFrom; use kind shared' });
  if (m.kind === 'commitment' && m.fetchedFrom) ctx.addIssue({ code: 'custom', path: ['kind'], message: 'a material fetched by the system (fetchedFrom) is never asked for, so no commitment; use kind shared' });
  if ((m.commitmentText === undefined) !== (m.commitmentVersion === undefined)) {
    ctx.addIssue({ code: 'custom', path: [m.commitmentText === undefined ? 'commitmentText' : 'commitmentVersion'], message: 'commitmentText and commitmentVersion go together' });
  }
  if (m.commitmentText !== undefined && !(m.commitmentAllowed || m.kind === 'commitment')) {
    ctx.addIssue({ code: 'custom', path: ['commitmentText'], message: 'a commitment text needs commitmentAllowed true (or kind commitment)' });
  }
}

/** kind commitment implies commitmentAllowed. */
const withKind = <T extends MaterialInput>(m: T): T => (m.kind === 'commitment' ? { ...m, commitmentAllowed: true } : m);

export const materialRow = z.object(materialFields).strict().superRefine(checkMaterial).transform(withKind);

/** What the card gives a form field (the session's citizen; no address: the card's address never leaves the reader). */
export const INTAKE_CARD_SOURCES = ['name', 'maskedNumber', 'birthDate', 'sex'] as const;

export const intakeFieldRow = z.object({
  key: z.string().trim().regex(/^[a-z][A-Za-z0-9]{0,31}$/, { message: 'must be a field key like phone or workUnit (a-z first, then letters and digits, up to 32)' }),
  label: text(16),
  type: z.enum(['text', 'digits', 'choice', 'date'], { message: 'must be text, digits, choice or date' }),
  required: z.boolean({ message: 'must be true or false' }).default(true),
  minLength: whole(0, 200, ' characters').optional(),
  maxLength: whole(1, 200, ' characters').optional(),
  choices: z.array(text(16)).min(2, { message: 'a choice needs at least 2 options' }).max(12, { message: 'at most 12 options (they are buttons)' }).optional(),
  fromCard: z.enum(INTAKE_CARD_SOURCES, { message: `must be one of ${INTAKE_CARD_SOURCES.join(', ')}` }).optional(),
  reuse: z.boolean({ message: 'must be true or false' }).optional(),
}).strict().superRefine((f, ctx) => {
  if (f.type === 'choice' && !f.choices) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'a choice field needs its choices' });
  if (f.type !== 'choice' && f.choices) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'only a choice field has choices' });
  if ((f.type === 'text' || f.type === 'digits') && f.maxLength === undefined && !f.fromCard) {
    ctx.addIssue({ code: 'custom', path: ['maxLength'], message: 'a text or digits field needs maxLength (what the clerk\'s system accepts)' });
  }
  if (f.minLength !== undefined && f.maxLength !== undefined && f.minLength > f.maxLength) {
    ctx.addIssue({ code: 'custom', path: ['minLength'], message: `must not be more than maxLength ${f.maxLength}` });
  }
  if (f.fromCard && f.reuse) ctx.addIssue({ code: 'custom', path: ['reuse'], message: 'a field filled from the card is not reused from earlier applications' });
}).transform((f) => ({
  ...f,
  // Dates are YYYY-MM-DD; a choice is at most its longest option; card fields are as long as the card's.
  maxLength: f.type === 'date' ? 10 : f.type === 'choice' ? Math.max(...(f.choices ?? ['']).map((c) => c.length)) : f.maxLength ?? 64,
}));

export const stepLimitsRow = z.object({
  accepted: whole(1, 3650, ' working days'),
  review: whole(1, 3650, ' working days'),
  decided: whole(1, 3650, ' working days'),
}).strict();

/** The certificate an electronic result issues (hall-rules.md "Electronic certificates": type and issuer codes). */
export const resultCertificateRow = z.object({
  typeName: text(32),
  typeCode: z.string().trim().regex(/^[0-9A-Z]{21}$/, { message: 'must be the 21-character certificate type code (credit code + 3-character sequence)' }),
  issuerName: text(64),
  issuerCode: z.string().trim().regex(/^[0-9A-Z]{18}$/, { message: 'must be the issuer\'s 18-character unified social credit code' }),
  validYears: whole(1, 100, ' years').optional(),
}).strict();

export const serviceRow = z.object({
  code: code('service item'),
  department: code('department'),
  name: text(64),
  category: categoryLetter,
  timeLimitDays: whole(1, 3650, ' working days'),
  slotCapacity: whole(1, 1000, ' citizens per 30-minute slot'),
  stepLimits: stepLimitsRow.nullable().optional(),
  /** JSON only (CSV: materials.csv). Absent: the item keeps its materials. */
  materials: z.array(materialRow).optional(),
  /** JSON only: citizens may apply at the kiosk (接件受理). Absent: the item keeps what it had. */
  selfApply: z.boolean({ message: 'must be true or false' }).optional(),
  /** JSON only: the kiosk form of a self-service item, in order. */
  fields: z.array(intakeFieldRow).max(20, { message: 'at most 20 fields (the citizen types on a touch screen)' }).optional(),
  /**
   * JSON only (README "Collecting results (领取结果)"): how the result is collected, in the order the kiosk offers
   * them. Absent: the item keeps what it had; a new item: counter only.
   */
  resultCollection: z.array(z.enum(['counter', 'post', 'electronic'], { message: 'must be counter, post or electronic' }))
    .min(1, { message: 'must name at least one way: counter, post or electronic' })
    .refine((l) => new Set(l).size === l.length, { message: 'a way is listed twice' }).optional(),
  /** JSON only: the certificate an electronic result issues into the citizen's list. */
  resultCertificate: resultCertificateRow.optional(),
}).strict().superRefine((r, ctx) => {
  if (r.resultCollection?.includes('electronic') && !r.resultCertificate) {
    ctx.addIssue({ code: 'custom', path: ['resultCertificate'], message: 'an electronic result needs the certificate it issues (resultCertificate)' });
  }
  if (r.resultCertificate && !r.resultCollection?.includes('electronic')) {
    ctx.addIssue({ code: 'custom', path: ['resultCertificate'], message: 'resultCertificate belongs to an item whose resultCollection has electronic' });
  }
  if (r.selfApply && !r.fields?.length) ctx.addIssue({ code: 'custom', path: ['fields'], message: 'a self-service item (selfApply) needs its form fields' });
  if (r.fields && !r.selfApply) ctx.addIssue({ code: 'custom', path: ['fields'], message: 'form fields belong to a self-service item (selfApply true)' });
  const keys = new Set<string>();
  for (const [i, f] of (r.fields ?? []).entries()) {
    if (keys.has(f.key)) ctx.addIssue({ code: 'custom', path: ['fields', i, 'key'], message: `duplicate field key "${f.key}"` });
    keys.add(f.key);
  }
  if (r.selfApply) {
    for (const [i, m] of (r.materials ?? []).entries()) {
      if (m.commitmentAllowed && !m.fetchedFrom && !m.commitmentText) {
        ctx.addIssue({ code: 'custom', path: ['materials', i, 'commitmentText'], message: 'a self-service item\'s commitment material needs the commitment text and version the citizen signs' });
      }
    }
  }
});

/** materials.csv: one row per material, in order, for the service named. */
export const materialCsvRow = z.object({ ...materialFields, service: code('service item') }).strict().superRefine(checkMaterial).transform(withKind);

export const windowRow = z.object({
  window: whole(1, 999, ''),
  name: text(32).optional(),
  deviceId: z.string().trim().min(1, { message: 'must name the counterbus device (devices[].id of the hall\'s config)' }),
  unit: whole(1, COUNTER_MAX_UNIT, ' (Modbus unit of the counter terminal)'),
  /** Empty: the window calls every category. */
  categories: z.array(categoryLetter).default([]),
}).strict();

export const holidayRow = z.object({
  day: isoDay,
  /** holiday: closed on a weekday; workday: 调休, open on a weekend. */
  kind: z.enum(['holiday', 'workday'], { message: 'must be holiday (休) or workday (班, 调休)' }),
  name: text(32),
}).strict().superRefine((h, ctx) => {
  const wd = new Date(`${h.day}T00:00:00Z`).getUTCDay();
  if (h.kind === 'workday' && wd !== 0 && wd !== 6 && !Number.isNaN(wd)) {
    ctx.addIssue({ code: 'custom', path: ['kind'], message: `a workday (调休) opens a weekend day, but ${h.day} is a weekday` });
  }
});

/**
 * A life event (办事主题): a curated group of service items across departments (docs/catalogue-format.md
 * "lifeEvents"), shown on the kiosk as a way to find a service without knowing the department.
 */
export const lifeEventRow = z.object({
  code: code('life event'),
  name: text(16),
  sortOrder: whole(0, 100_000, '').optional(),
  services: z.array(code('service item'), { message: 'must list service item codes' })
    .min(1, { message: 'must list at least one service item code' }).max(60, { message: 'must list at most 60 service items' }),
}).strict();

export const catalogueFileSchema = z.object({
  /** When given, must be the config's site.hallId (checked with --config). */
  hallId: z.string().optional(),
  departments: z.array(z.unknown()).optional(),
  categories: z.array(z.unknown()).optional(),
  services: z.array(z.unknown()).optional(),
  windows: z.array(z.unknown()).optional(),
  holidays: z.array(z.unknown()).optional(),
  lifeEvents: z.array(z.unknown()).optional(),
}).strict();

export type DepartmentRow = z.output<typeof departmentRow>;
export type CategoryRow = z.output<typeof categoryRow>;
export type MaterialRow = z.output<typeof materialRow>;
export type ServiceRow = z.output<typeof serviceRow>;
export type IntakeFieldRow = z.output<typeof intakeFieldRow>;
export type MaterialCsvRow = z.output<typeof materialCsvRow>;
export type WindowRow = z.output<typeof windowRow>;
export type HolidayRow = z.output<typeof holidayRow>;
export type LifeEventRow = z.output<typeof lifeEventRow>;

export const TABLES = ['departments', 'categories', 'services', 'materials', 'windows', 'holidays', 'lifeEvents'] as const;
export type TableName = (typeof TABLES)[number];

export const ROW_SCHEMAS: Record<TableName, z.ZodType> = {
  departments: departmentRow, categories: categoryRow, services: serviceRow, materials: materialCsvRow, windows: windowRow, holidays: holidayRow,
  lifeEvents: lifeEventRow,
};

type CellKind = 'text' | 'int' | 'number' | 'bool' | 'letters' | 'codes';

/** CSV columns per table and how a cell becomes a value (empty cell: the field is left out). */
export const CSV_COLUMNS: Record<TableName, Record<string, CellKind>> = {
  departments: { code: 'text', name: 'text', batch: 'int', batchDeadline: 'text', sortOrder: 'int' },
  categories: { letter: 'text', name: 'text', defaultServiceMinutes: 'number' },
  services: { code: 'text', department: 'text', name: 'text', category: 'text', timeLimitDays: 'int', slotCapacity: 'int' },
  materials: { service: 'text', name: 'text', kind: 'text', fetchedFrom: 'text', commitmentAllowed: 'bool', commitmentText: 'text', commitmentVersion: 'text' },
  windows: { window: 'int', name: 'text', deviceId: 'text', unit: 'int', categories: 'letters' },
  holidays: { day: 'text', kind: 'text', name: 'text' },
  lifeEvents: { code: 'text', name: 'text', sortOrder: 'int', services: 'codes' },
};

const TRUE = new Set(['true', 'yes', 'y', '1', '是', '可', '√']);
const FALSE = new Set(['false', 'no', 'n', '0', '否', '']);
const KIND_WORDS: Record<string, string> = { 休: 'holiday', 假: 'holiday', 班: 'workday', 调休: 'workday', 上班: 'workday' };

/** A CSV cell as the value its column holds; a cell that is not one is kept as text so the schema names it. */
export function cellValue(table: TableName, column: string, raw: string): unknown {
  const v = raw.trim();
  const kind = CSV_COLUMNS[table][column];
  if (table === 'holidays' && column === 'kind') return KIND_WORDS[v] ?? v;
  switch (kind) {
    case 'int':
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    case 'bool':
      return TRUE.has(v.toLowerCase()) ? true : FALSE.has(v.toLowerCase()) ? false : v;
    case 'letters':
      return v === '' ? [] : v.split(/[\s;,、|/]+/).filter(Boolean);
    case 'codes':
      // Service codes hold `.` and `-`, so only spaces, `;`, `,` and `、` separate them.
      return v === '' ? [] : v.split(/[\s;,、，；]+/).filter(Boolean);
    default:
      return v;
  }
}

/**
 * The table a CSV file holds, from its name: `services.csv`, `holidays-2027.csv`, `2-windows.csv` -> windows,
 * `lifeEvents.csv` or `lifeevents.csv` -> lifeEvents.
 */
export function tableOfFileName(base: string): TableName | undefined {
  const stem = base.toLowerCase().replace(/\.csv$/, '');
  return TABLES.find((table) => {
    const t = table.toLowerCase();
    return stem === t || stem.startsWith(`${t}-`) || stem.startsWith(`${t}_`) || stem.endsWith(`-${t}`) || stem.endsWith(`_${t}`);
  });
}
