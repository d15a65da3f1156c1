/**
 * Service levels (README "Running the hall floor", service levels): limits per queue category (longest wait of a
 * ticket still waiting, queue length, average service time) and per window (average service time, idle while
 * tickets of its categories wait), each with a yellow and a red threshold. Pure: the dashboard's queue figures and
 * the limits in, the crossed limits out; the dashboard colours them, raises an alert per crossed limit and the CSV
 * lists the day's figures against them.
 */
import type { DashboardQueue, DashboardServiceLevel, HallAlert, ServiceLevelMeasure } from '@onedoor/protocol';
import { z } from 'zod';

const threshold = (unit: string, what: string) => z
  .object({
    yellow: z.number().min(0).meta({ description: `Yellow from this ${what}.`, unit }),
    red: z.number().min(0).meta({ description: `Red from this ${what}.`, unit }),
  })
  .strict()
  .refine((t) => t.red >= t.yellow, { message: 'red must be at least yellow', path: ['red'] })
  .optional()
  .meta({ description: `Limits on the ${what}: {yellow, red}; absent: no limit.`, unit });

export const categoryLevelSchema = z
  .object({
    longestWaitMinutes: threshold('min', 'wait of the oldest ticket still waiting'),
    queueLength: threshold('tickets', 'number of tickets waiting'),
    serviceMinutes: threshold('min', 'average service time of the day'),
  })
  .strict();

export const windowLevelSchema = z
  .object({
    serviceMinutes: threshold('min', 'average service time of the day at the window'),
    idleMinutes: threshold('min', 'time the window stays idle while tickets of its categories wait'),
  })
  .strict();

export const serviceLevelsSchema = z
  .object({
    categories: z.object({ default: categoryLevelSchema.prefault({}).meta({ description: 'Limits of every category not listed by letter.' }) }).catchall(categoryLevelSchema).prefault({})
      .meta({ description: 'Per category letter (or "default" for every other category): longestWaitMinutes, queueLength, serviceMinutes, each {yellow, red}.' }),
    windows: z.object({ default: windowLevelSchema.prefault({}).meta({ description: 'Limits of every window not listed by number.' }) }).catchall(windowLevelSchema).prefault({})
      .meta({ description: 'Per window number (or "default"): serviceMinutes, idleMinutes, each {yellow, red}.' }),
  })
  .strict()
  .prefault({});

export type ServiceLevels = z.output<typeof serviceLevelsSchema>;
export type Threshold = { yellow: number; red: number } | undefined;

const MINUTE = 60_000;
const MEASURE_WORDS: Record<ServiceLevelMeasure, string> = {
  longestWait: '最长等候 / longest wait',
  queueLength: '排队人数 / queue length',
  serviceTime: '平均办理 / service time',
  idleWindow: '窗口空闲 / idle window',
};

/** The colour a value reaches against its limits (null: within, or no limit): also the rehearsal's hourly verdict. */
export function judge(value: number | null, t: Threshold): 'yellow' | 'red' | null {
  if (value === null || !t) return null;
  return value >= t.red ? 'red' : value >= t.yellow ? 'yellow' : null;
}

/** Every crossed limit at `now`, red first. */
export function evaluateServiceLevels(queue: DashboardQueue, levels: ServiceLevels, now: number): DashboardServiceLevel[] {
  const out: DashboardServiceLevel[] = [];
  const add = (scope: 'category' | 'window', key: string, measure: ServiceLevelMeasure, value: number | null, t: Threshold, unit: 'min' | 'tickets') => {
    const state = judge(value, t);
    if (!state || value === null || !t) return;
    const where = scope === 'category' ? `${key} 类 / category ${key}` : `${key}号窗口 / window ${key}`;
    out.push({
      scope, key, measure, state, value: Math.round(value * 10) / 10, yellow: t.yellow, red: t.red, unit,
      message: `${where}: ${MEASURE_WORDS[measure]} ${Math.round(value * 10) / 10} ${unit} (${state === 'red' ? '红' : '黄'} ≥ ${state === 'red' ? t.red : t.yellow})`,
    });
  };
  for (const c of queue.categories) {
    const l = levels.categories[c.letter] ?? levels.categories.default;
    add('category', c.letter, 'longestWait', c.longestWaitingNowMs == null ? null : c.longestWaitingNowMs / MINUTE, l.longestWaitMinutes, 'min');
    add('category', c.letter, 'queueLength', c.waiting, l.queueLength, 'tickets');
    add('category', c.letter, 'serviceTime', c.averageServiceMs === null ? null : c.averageServiceMs / MINUTE, l.serviceMinutes, 'min');
  }
  const waitingIn = (cats: readonly string[]) =>
    queue.categories.some((c) => c.waiting > 0 && (cats.length === 0 || cats.includes(c.letter)));
  for (const w of queue.windows) {
    const l = levels.windows[String(w.window)] ?? levels.windows.default;
    const served = w.served ?? 0;
    add('window', String(w.window), 'serviceTime', served > 0 ? (w.busyMs ?? 0) / served / MINUTE : null, l.serviceMinutes, 'min');
    const idle = w.state === 'idle' && w.idleSince != null && waitingIn(w.categories) ? (now - w.idleSince) / MINUTE : null;
    add('window', String(w.window), 'idleWindow', idle, l.idleMinutes, 'min');
  }
  return out.sort((a, b) => (a.state === b.state ? 0 : a.state === 'red' ? -1 : 1));
}

/** The alerts of the crossed limits (kind serviceLevel; red critical, yellow warning), one per limit. */
export function serviceLevelAlerts(levels: readonly DashboardServiceLevel[] | undefined): Array<Omit<HallAlert, 'raisedAt'>> {
  return (levels ?? []).map((l) => ({
    id: `hall/serviceLevel/${l.scope}/${l.key}/${l.measure}/${l.state}`, kind: 'serviceLevel', severity: l.state === 'red' ? 'critical' : 'warning',
    kioskId: 'hall', deviceId: null, message: `服务水平 / service level: ${l.message}`,
  }));
}

/**
 * The day's figures against the limits, for the CSV: per category its longest wait (call - issue) and average
 * service, per window its average service, each with its limits and the colour it reached (empty: within).
 */
export function serviceLevelRows(queue: DashboardQueue, levels: ServiceLevels): Array<Array<string | number | null>> {
  const rows: Array<Array<string | number | null>> = [];
  const row = (where: string, measure: ServiceLevelMeasure, value: number | null, t: Threshold) => {
    if (!t) return;
    const v = value === null ? null : Math.round(value * 10) / 10;
    rows.push(['服务水平 service level', where, MEASURE_WORDS[measure], v, t.yellow, t.red, judge(value, t) ?? '']);
  };
  for (const c of queue.categories) {
    const l = levels.categories[c.letter] ?? levels.categories.default;
    row(`类别 ${c.letter}`, 'longestWait', c.longestWaitMs === null ? null : c.longestWaitMs / MINUTE, l.longestWaitMinutes);
    row(`类别 ${c.letter}`, 'queueLength', c.waiting, l.queueLength);
    row(`类别 ${c.letter}`, 'serviceTime', c.averageServiceMs === null ? null : c.averageServiceMs / MINUTE, l.serviceMinutes);
  }
  for (const w of queue.windows) {
    const l = levels.windows[String(w.window)] ?? levels.windows.default;
    const served = w.served ?? 0;
    row(`窗口 ${w.window}`, 'serviceTime', served > 0 ? (w.busyMs ?? 0) / served / MINUTE : null, l.serviceMinutes);
  }
  return rows;
}
