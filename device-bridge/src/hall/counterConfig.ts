/**
 * Which service window is which counter terminal, and what it serves (which categories a window
 * serves is configuration: README "For the hall: counter terminals and the hall display";
 * hall-rules.md "Calling order at a window (configurable per window)").
 *
 * - `windows[]`: window number (the 3 in 请A012号到3号窗口办理) -> the counter bus device and Modbus unit of its
 *   terminal (counter-bus.md: units 1-32), and the queue category letters it calls.
 * - `transferCategories`: the transfer key's argument (counter-bus.md key 0x06: "argument = target queue category
 *   number") -> category letter. Default: 1 -> A, 2 -> B, ... 26 -> Z.
 * - timings: how long a refusal (e.g. `RCL MAX`) stays on the terminal before its state shows again, and how often
 *   an event that found the hall database down is tried again.
 */
import { CALL_ANNOUNCE_MODES, CALL_LANGUAGES, COUNTER_MAX_UNIT } from '@onedoor/protocol';
import { z } from 'zod';

import { callingRulesSchema } from './callingRules.ts';
import { serviceLevelsSchema } from './serviceLevels.ts';

export { MAX_RECALLS } from './callingRules.ts';

const letter = z.string().regex(/^[A-Z]$/, { message: 'must be one capital letter A-Z (a queue category)' });

export const counterWindowSchema = z
  .object({
    window: z.number().int().min(1).max(999).meta({ description: 'Window number, as called: 请A012号到3号窗口办理.' }),
    /** The counter bus device (config `devices[].id`) the terminal hangs on. */
    deviceId: z.string().min(1).meta({ description: 'The counterbus device (devices[].id) its terminal hangs on.' }),
    unit: z.number().int().min(1).max(COUNTER_MAX_UNIT).meta({ description: 'Modbus unit of its terminal (1-32).' }),
    /** Queue categories called at this window; empty = every category. */
    categories: z.array(letter).default([]).meta({ description: 'Queue category letters called at this window; empty = every category.' }),
  })
  .strict();

/**
 * How the hall display announces a call (README "Running the hall floor"): sent to every screen with the board,
 * so a change needs a bridge restart and no screen setting.
 */
export const callAnnounceSchema = z
  .object({
    mode: z.enum(CALL_ANNOUNCE_MODES).default('voice')
      .meta({ description: 'voice: a chime then the call read aloud; chimeOnly: the chime alone; silent: shown only.' }),
    repeat: z.number().int().min(1).max(3).default(1)
      .meta({ description: 'How many times each call is read (the chime sounds once before it).', unit: 'readings' }),
    languages: z.array(z.enum(CALL_LANGUAGES)).min(1).default(['zh'])
      .refine((l) => new Set(l).size === l.length, { message: 'a language is listed twice' })
      .meta({ description: 'Languages read, in order: zh (Mandarin, always read even when not listed), yue (Cantonese), en (English). yue and en are read only where the screen\'s browser has such a voice; the screen\'s status line says when it has not.' }),
  })
  .strict()
  .prefault({});

export const counterWorkflowConfigSchema = z
  .object({
    /** Absent: the composition root derives them (`defaultCounterWindows`). */
    windows: z.array(counterWindowSchema).optional().meta({ description: 'Window -> terminal and categories. Absent: the catalogue\'s windows, else every terminal serves every category.' }),
    transferCategories: z.record(z.string().regex(/^\d{1,3}$/), letter).optional()
      .meta({ description: 'Transfer key argument -> category letter, e.g. {"1": "A"}. Default 1 -> A ... 26 -> Z.' }),
    refusalShowMs: z.number().int().min(100).max(60_000).default(3000).meta({ description: 'How long a refusal (e.g. RCL MAX) stays on the terminal.', unit: 'ms' }),
    retryMs: z.number().int().min(50).max(600_000).default(2000).meta({ description: 'Retry period of a key press that found the hall database down.', unit: 'ms' }),
    /** Key presses kept per window while the hall database is down (more are refused with the error shown). */
    maxQueuedPerWindow: z.number().int().min(1).max(10_000).default(100)
      .meta({ description: 'Key presses kept per window while the database is down; more are refused.', unit: 'key presses' }),
    callingRules: callingRulesSchema.meta({ description: 'Calling rules per queue category: appointments and green channel (strict or ratio), no-show after recalls, hold pool (README "Running the hall floor").' }),
    serviceLevels: serviceLevelsSchema.meta({ description: 'Service-level limits per category and window, yellow and red: dashboard colours, alerts, CSV (README "Running the hall floor").' }),
    announce: callAnnounceSchema.meta({ description: 'How the hall display (/display) announces each call.' }),
  })
  .strict()
  .superRefine((c, ctx) => {
    const byWindow = new Map<number, number>();
    const byTerminal = new Map<string, number>();
    (c.windows ?? []).forEach((w, i) => {
      if (byWindow.has(w.window)) ctx.addIssue({ code: 'custom', path: ['windows', i, 'window'], message: `window ${w.window} is configured twice (also windows[${byWindow.get(w.window)}])` });
      byWindow.set(w.window, i);
      const t = `${w.deviceId}#${w.unit}`;
      if (byTerminal.has(t)) ctx.addIssue({ code: 'custom', path: ['windows', i, 'unit'], message: `terminal ${w.deviceId} unit ${w.unit} serves two windows (also windows[${byTerminal.get(t)}])` });
      byTerminal.set(t, i);
    });
  });

export type CounterWorkflowConfigInput = z.input<typeof counterWorkflowConfigSchema>;
export type CounterWindowConfig = z.output<typeof counterWindowSchema>;
export interface CounterWorkflowConfig extends Omit<z.output<typeof counterWorkflowConfigSchema>, 'transferCategories' | 'windows'> {
  windows: CounterWindowConfig[];
  transferCategories: Record<string, string>;
}

/** 1 -> A, 2 -> B, ... 26 -> Z. */
export function defaultTransferCategories(): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < 26; i++) out[String(i + 1)] = String.fromCharCode(65 + i);
  return out;
}

/** Validates a workflow config; the error names the field (`counterWorkflow.windows.1.unit: ...`). */
export function parseCounterWorkflowConfig(input: CounterWorkflowConfigInput = {}): CounterWorkflowConfig {
  const r = counterWorkflowConfigSchema.safeParse(input);
  if (!r.success) {
    const what = r.error.issues.map((i) => `counterWorkflow${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`);
    throw new Error(`bad counter workflow config: ${what.join('; ')}`);
  }
  return { ...r.data, windows: r.data.windows ?? [], transferCategories: r.data.transferCategories ?? defaultTransferCategories() };
}

/**
 * Without a window configuration every terminal of every counter bus is a window serving every category, numbered
 * in order (bus by bus, unit by unit): window n is the n-th terminal. What the demo and a single-bus hall need.
 */
export function defaultCounterWindows(buses: readonly CounterBusLine[]): CounterWindowConfig[] {
  const out: CounterWindowConfig[] = [];
  for (const b of buses) for (const unit of b.units) out.push({ window: out.length + 1, deviceId: b.deviceId, unit, categories: [] });
  return out;
}

/** A counter bus line as the workflow needs it: its device id and the units its driver polls. */
export interface CounterBusLine {
  deviceId: string;
  units: readonly number[];
}

/** Windows whose terminal is on no polled line (they would never take a key press), with the field at fault. */
export function counterWindowProblems(windows: readonly CounterWindowConfig[], buses: readonly CounterBusLine[]): Array<{ index: number; field: 'deviceId' | 'unit'; message: string }> {
  const out: Array<{ index: number; field: 'deviceId' | 'unit'; message: string }> = [];
  windows.forEach((w, index) => {
    const bus = buses.find((b) => b.deviceId === w.deviceId);
    if (!bus) out.push({ index, field: 'deviceId', message: `window ${w.window}: "${w.deviceId}" is no enabled counterbus device` });
    else if (!bus.units.includes(w.unit)) out.push({ index, field: 'unit', message: `window ${w.window}: ${w.deviceId} does not poll unit ${w.unit} (units: ${bus.units.join(', ')})` });
  });
  return out;
}
