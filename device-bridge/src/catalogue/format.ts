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

export const materialRow = z.object({
  name: text(64),
  /** 免提交: where the platform fetches it, e.g. 电子证照库：居民身份证; empty: the citizen brings it. */
  fetchedFrom: text(64).nullable().optional(),
  commitmentAllowed: z.boolean({ message: 'must be true or false (是/否)' }).default(false),
}).strict();

export const stepLimitsRow = z.object({
  accepted: whole(1, 3650, ' working days'),
  review: whole(1, 3650, ' working days'),
  decided: whole(1, 3650, ' working days'),
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
}).strict();

/** materials.csv: one row per material, in order, for the service named. */
export const materialCsvRow = materialRow.extend({ service: code('service item') }).strict();

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
  materials: { service: 'text', name: 'text', fetchedFrom: 'text', commitmentAllowed: 'bool' },
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
