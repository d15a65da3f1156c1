/**
 * Calling rules per queue category (README "Running the hall floor", calling rules; hall-rules.md "Calling order"):
 *
 * - appointments: `strict` (a checked-in appointment whose slot has started is always called first, the default) or
 *   `ratio` (one appointment after every `every` other calls of the category, so walk-ins are not starved on a
 *   morning full of bookings);
 * - greenChannel (绿色通道: elderly, disabled, pregnant, and appointments whose slot has not started): `strict` (before
 *   every walk-in, the default) or `ratio` (one after every `every` walk-ins);
 * - recallsBeforeNoShow: the recall pressed after this many recalls makes the ticket a no-show (absent: a 4th recall
 *   is refused, the clerk decides);
 * - holdMinutes: a no-show goes to the hold pool for this long; brought back in that time it keeps its place (its
 *   issue time), after it stays a no-show. 0: no hold pool.
 *
 * The ratio is counted on the category's calls of the day (the stored call log, in call order), so it holds across
 * windows, restarts and instances. Every pick comes with the reason shown on the dashboard.
 */
import { z } from 'zod';
import type { TicketRecord } from '../store/hallStore.ts';

/** hall-rules.md "Counter actions": recall at most 3 times. */
export const MAX_RECALLS = 3;

const precedence = (what: string, of: string) => z
  .object({
    mode: z.enum(['strict', 'ratio']).default('strict')
      .meta({ description: `strict: ${what} always before ${of}; ratio: one ${what} after every \`every\` ${of}.` }),
    every: z.number().int().min(1).max(50).default(2)
      .meta({ description: `With mode ratio: how many ${of} are called between two ${what}.`, unit: 'calls' }),
  })
  .strict()
  .prefault({});

export const callingRuleSchema = z
  .object({
    appointments: precedence('appointment', 'other calls').meta({ description: 'Checked-in appointments whose slot has started against the rest.' }),
    greenChannel: precedence('green-channel ticket', 'walk-ins').meta({ description: '绿色通道 (elderly 65+, disabled, pregnant) against walk-ins.' }),
    recallsBeforeNoShow: z.number().int().min(1).max(MAX_RECALLS).optional()
      .meta({ description: `A recall pressed after this many recalls makes the ticket a no-show (or holds it, see holdMinutes). Absent: recalls stop at ${MAX_RECALLS} and the clerk decides.`, unit: 'recalls' }),
    holdMinutes: z.number().int().min(0).max(240).default(0)
      .meta({ description: 'A no-show waits this long in the hold pool: brought back (dashboard) it keeps its place. 0: no hold pool.', unit: 'min' }),
  })
  .strict();

export type CallingRule = z.output<typeof callingRuleSchema>;

export const callingRulesSchema = z
  .object({
    firstCategories: z.array(z.string().regex(/^[A-Z]$/, { message: 'must be one capital letter A-Z (a queue category)' })).default(['R'])
      .meta({ description: 'Categories a window that serves them calls before its other categories, in this order (each under its own rule). Default ["R"]: the result pickup category (results.pickupCategory), since handing out a finished result takes a minute (README "Collecting results (领取结果)"). [] : none.' }),
    default: callingRuleSchema.prefault({}).meta({ description: 'The rule of every category not listed under categories.' }),
    categories: z.record(z.string().regex(/^[A-Z]$/), callingRuleSchema).default({})
      .meta({ description: 'Category letter -> its own rule (replaces the default as a whole), e.g. {"A": {"appointments": {"mode": "ratio", "every": 2}}}.' }),
  })
  .strict()
  .prefault({});

export type CallingRules = z.output<typeof callingRulesSchema>;

export const DEFAULT_CALLING_RULES: CallingRules = callingRulesSchema.parse({});

export function ruleOf(rules: CallingRules, category: string): CallingRule {
  return rules.categories[category] ?? rules.default;
}

export type CallClass = 'appointment' | 'green' | 'walkIn';

/** The class a ticket is called as; an appointment whose slot has not started counts as green channel. */
export function callClassOf(t: Pick<TicketRecord, 'priority'>, slotStarted: boolean): CallClass {
  if (t.priority === 'appointment') return slotStarted ? 'appointment' : 'green';
  return t.priority ? 'green' : 'walkIn';
}

/** The class a ticket was called as, for the ratio count (an appointment counts as one, started or not). */
export function calledClassOf(t: Pick<TicketRecord, 'priority'>): CallClass {
  return callClassOf(t, true);
}

export interface CallPick {
  ticket: TicketRecord;
  reason: string;
}

const earliest = (list: readonly TicketRecord[]): TicketRecord | undefined =>
  [...list].sort((a, b) => (a.issuedAt !== b.issuedAt ? a.issuedAt - b.issuedAt : a.id - b.id))[0];

/** How many entries follow the last one matching `isMark` (all of them when none does), counting those `counted`. */
function since(history: readonly CallClass[], isMark: (c: CallClass) => boolean, counted: (c: CallClass) => boolean): number {
  let n = 0;
  for (let i = history.length - 1; i >= 0 && !isMark(history[i]); i--) if (counted(history[i])) n++;
  return n;
}

/**
 * The next ticket of ONE category under its rule, and why. `waiting`: the category's waiting tickets; `history`:
 * the classes of its calls today, oldest first.
 */
export function pickInCategory(waiting: readonly TicketRecord[], slotStarted: (t: TicketRecord) => boolean,
  history: readonly CallClass[], rule: CallingRule): CallPick | undefined {
  const by = (c: CallClass) => earliest(waiting.filter((t) => callClassOf(t, slotStarted(t)) === c));
  const appt = by('appointment'), green = by('green'), walkIn = by('walkIn');
  const others = green ?? walkIn;
  if (appt) {
    if (rule.appointments.mode === 'strict') return { ticket: appt, reason: '预约号优先 / appointment first (strict)' };
    const n = since(history, (c) => c === 'appointment', () => true);
    const every = rule.appointments.every;
    if (!others) return { ticket: appt, reason: '只有预约号等候 / only appointments waiting' };
    if (n >= every) {
      return { ticket: appt, reason: `预约号：上次预约后已叫${n}个 (1:${every}) / appointment: ${n} others called since the last (1:${every})` };
    }
  }
  if (green) {
    if (rule.greenChannel.mode === 'strict' || !walkIn) {
      return { ticket: green, reason: walkIn ? '绿色通道优先 / green channel first (strict)' : '绿色通道，无普通号等候 / green channel, no walk-in waiting' };
    }
    const n = since(history, (c) => c === 'green', (c) => c === 'walkIn');
    const every = rule.greenChannel.every;
    if (n >= every) {
      return { ticket: green, reason: `绿色通道：上次后已叫${n}个普通号 (1:${every}) / green channel: ${n} walk-ins since the last (1:${every})` };
    }
  }
  if (walkIn) {
    const waitingFor = [appt && rule.appointments.mode === 'ratio' ? `预约 ${since(history, (c) => c === 'appointment', () => true)}/${rule.appointments.every}` : '',
      green && rule.greenChannel.mode === 'ratio' ? `绿色通道 ${since(history, (c) => c === 'green', (c) => c === 'walkIn')}/${rule.greenChannel.every}` : '']
      .filter(Boolean);
    return {
      ticket: walkIn,
      reason: `按取号顺序 / walk-in in issue order${waitingFor.length ? `（比例未到 / ratio not reached: ${waitingFor.join(', ')}）` : ''}`,
    };
  }
  return appt ? { ticket: appt, reason: '只有预约号等候 / only appointments waiting' } : undefined;
}
