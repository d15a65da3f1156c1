/**
 * A rehearsal scenario (docs/rehearsal.md): one hall morning or day as data: when the hall opens, which windows are
 * open when and what they call, tickets arriving per category per 5 minutes, how long a service takes per category
 * (mean and spread) and the share of citizens who rate. Validated with zod at the boundary (a file, a flag), so a
 * bad scenario is refused with the field named.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { serviceLevelsSchema } from '../../device-bridge/src/hall/serviceLevels.ts';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM');
const letter = z.string().regex(/^[A-Z]$/, 'must be one capital letter A-Z (a queue category)');
/** counter-bus.md: terminals are Modbus units 1-32, one window each in a rehearsal. */
export const MAX_REHEARSAL_WINDOWS = 32;

export const scenarioCategorySchema = z.object({
  letter,
  name: z.string().min(1).max(32),
  /** Minutes one service takes: drawn per ticket, normal around `mean` with `spread` as standard deviation. */
  serviceMinutes: z.object({ mean: z.number().positive().max(240), spread: z.number().min(0).max(240) }).strict(),
}).strict();

/** `count` windows open from `from` until `until` (absent: the end of the day), calling `categories` (empty: all). */
export const scenarioWindowsSchema = z.object({
  from: time,
  until: time.optional(),
  count: z.number().int().min(1).max(MAX_REHEARSAL_WINDOWS),
  categories: z.array(letter).default([]),
}).strict();

/** Tickets taken in the 5 minutes from `at`, per category letter. */
export const arrivalSlotSchema = z.object({
  at: time,
  counts: z.record(letter, z.number().int().min(0).max(200)),
}).strict();

export const scenarioSchema = z.object({
  name: z.string().min(1).max(100),
  /** Hall-local day the rehearsal's clock shows (any day: its data dir is fresh). Absent: today. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').optional(),
  /** The hall opens (the rehearsal clock starts here). */
  opening: time,
  categories: z.array(scenarioCategorySchema).min(1).max(26),
  windows: z.array(scenarioWindowsSchema).min(1),
  arrivals: z.array(arrivalSlotSchema),
  /** Share 0..1 of served citizens who press the rating pad. */
  ratingsShare: z.number().min(0).max(1).default(0.6),
  /** Seed of the draws (service times, ratings): the same scenario and seed rehearse the same way. */
  seed: z.number().int().min(0).max(2 ** 31).default(1),
  /** Service-level limits (config counterWorkflow.serviceLevels); the hourly table judges its longest waits by them. */
  serviceLevels: serviceLevelsSchema.optional(),
}).strict().superRefine((s, ctx) => {
  const known = new Set(s.categories.map((c) => c.letter));
  if (known.size !== s.categories.length) ctx.addIssue({ code: 'custom', path: ['categories'], message: 'a category letter is listed twice' });
  s.arrivals.forEach((a, i) => {
    for (const l of Object.keys(a.counts)) if (!known.has(l)) ctx.addIssue({ code: 'custom', path: ['arrivals', i, 'counts', l], message: `category ${l} is not in categories` });
    if (minutesOf(a.at) % 5 !== 0) ctx.addIssue({ code: 'custom', path: ['arrivals', i, 'at'], message: 'arrival slots start on a 5-minute mark' });
  });
  s.windows.forEach((w, i) => {
    for (const l of w.categories) if (!known.has(l)) ctx.addIssue({ code: 'custom', path: ['windows', i, 'categories'], message: `category ${l} is not in categories` });
    if (w.until !== undefined && minutesOf(w.until) <= minutesOf(w.from)) ctx.addIssue({ code: 'custom', path: ['windows', i, 'until'], message: 'until must be after from' });
  });
  const total = s.windows.reduce((n, w) => n + w.count, 0);
  if (total > MAX_REHEARSAL_WINDOWS) ctx.addIssue({ code: 'custom', path: ['windows'], message: `at most ${MAX_REHEARSAL_WINDOWS} windows in all (one counter terminal each), got ${total}` });
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioWindows = z.output<typeof scenarioWindowsSchema>;

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

export function minutesOf(t: string): number {
  return Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
}

export function timeOfMinutes(m: number): string {
  const h = Math.floor(m / 60) % 24;
  return `${String(h).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** Parses and validates; the error names the field (`arrivals.3.counts.Q: ...`). */
export function parseScenario(json: unknown, source = 'scenario'): Scenario {
  const r = scenarioSchema.safeParse(json);
  if (r.success) return r.data;
  throw new ScenarioError(`${source}: ${r.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
}

export function loadScenarioFile(path: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ScenarioError(`cannot read scenario ${path}: ${(err as Error).message}`);
  }
  return parseScenario(json, path);
}

/**
 * A window change of the what-if (`--windows-at 09:00=+2`, `09:00=+2:AB`, `10:30=-1`): from that time, that many
 * more windows (calling the letters, else all), or that many fewer (the last opened close).
 */
export interface WindowChange {
  at: string;
  delta: number;
  categories: string[];
}

export function parseWindowChange(raw: string): WindowChange {
  const m = /^(([01]\d|2[0-3]):[0-5]\d)=([+-]\d{1,2})(?::([A-Z]+))?$/.exec(raw.trim());
  if (!m || Number(m[3]) === 0) throw new ScenarioError(`--windows-at must look like 09:00=+2 (or 09:00=+2:AB, 10:30=-1), got "${raw}"`);
  return { at: m[1], delta: Number(m[3]), categories: m[4] ? [...new Set(m[4])] : [] };
}

/** The scenario with the change applied: windows added from `at`, or the last opened windows closing at `at`. */
export function withWindowChange(s: Scenario, c: WindowChange): Scenario {
  let windows: ScenarioWindows[];
  if (c.delta > 0) {
    windows = [...s.windows, { from: c.at, count: c.delta, categories: c.categories }];
  } else {
    // Close |delta| windows open at `at`, the latest opened first (their group is split at `at`).
    let left = -c.delta;
    windows = [...s.windows];
    for (let i = windows.length - 1; i >= 0 && left > 0; i--) {
      const w = windows[i];
      const openAt = minutesOf(w.from) <= minutesOf(c.at) && (w.until === undefined || minutesOf(w.until) > minutesOf(c.at));
      if (!openAt) continue;
      const n = Math.min(left, w.count);
      left -= n;
      const closing = { ...w, count: n, until: c.at };
      const rest = w.count - n > 0 ? [{ ...w, count: w.count - n }] : [];
      windows.splice(i, 1, ...rest, ...(minutesOf(c.at) > minutesOf(w.from) ? [closing] : []));
    }
    if (left > 0) throw new ScenarioError(`--windows-at ${c.at}=${c.delta}: only ${-c.delta - left} windows are open then`);
  }
  return parseScenario({ ...s, name: `${s.name} (${c.at} ${c.delta > 0 ? '+' : ''}${c.delta} windows)`, windows }, 'what-if');
}

/** One window of the hall: its number (= its terminal's unit), open span in minutes of the day, what it calls. */
export interface RehearsalWindow {
  window: number;
  from: number;
  until: number | null;
  categories: string[];
}

/** Windows numbered 1..n in the order of the scenario's groups. */
export function windowsOf(s: Scenario): RehearsalWindow[] {
  const out: RehearsalWindow[] = [];
  for (const g of s.windows) {
    for (let i = 0; i < g.count; i++) {
      out.push({ window: out.length + 1, from: minutesOf(g.from), until: g.until === undefined ? null : minutesOf(g.until), categories: [...g.categories] });
    }
  }
  return out;
}
