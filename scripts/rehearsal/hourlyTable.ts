/**
 * The rehearsal's result (docs/rehearsal.md "Reading the table"): per hour and category, the tickets taken
 * (arrivals), the tickets finished (served), the mean and longest wait (call - issue) of the tickets called in that
 * hour, and the service-level colour that longest wait reaches against the category's `longestWaitMinutes` limits
 * (README "Running the hall floor", service levels). Tickets never called by the end are counted as still waiting.
 */
import type { TicketRecord } from '../../device-bridge/src/store/hallStore.ts';
import type { HallClock } from '../../device-bridge/src/hall/clock.ts';
import { judge, type ServiceLevels } from '../../device-bridge/src/hall/serviceLevels.ts';

export interface HourlyRow {
  /** `09:00`. */
  hour: string;
  /** Category letter, or `all`. */
  category: string;
  arrivals: number;
  served: number;
  meanWaitMinutes: number | null;
  longestWaitMinutes: number | null;
  /** green (within), yellow, red, or `-` when the category has no longest-wait limit. */
  serviceLevel: 'green' | 'yellow' | 'red' | '-';
}

export interface HourlyTable {
  rows: HourlyRow[];
  totals: { arrivals: number; served: number; stillWaiting: number; longestWaitMinutes: number | null };
}

const MINUTE = 60_000;
const round1 = (x: number) => Math.round(x * 10) / 10;

export function hourlyTable(tickets: readonly TicketRecord[], clock: Pick<HallClock, 'timeOf'>, levels?: ServiceLevels): HourlyTable {
  const hourOf = (ms: number) => `${clock.timeOf(ms).slice(0, 2)}:00`;
  type Cell = { arrivals: number; served: number; waits: number[] };
  const cells = new Map<string, Cell>();
  const cell = (hour: string, category: string) => {
    const k = `${hour}|${category}`;
    let c = cells.get(k);
    if (!c) cells.set(k, (c = { arrivals: 0, served: 0, waits: [] }));
    return c;
  };
  for (const t of tickets) {
    for (const cat of [t.category, 'all']) {
      cell(hourOf(t.issuedAt), cat).arrivals++;
      if (t.status === 'done' && t.finishedAt !== null) cell(hourOf(t.finishedAt), cat).served++;
      if (t.calledAt !== null) cell(hourOf(t.calledAt), cat).waits.push((t.calledAt - t.issuedAt) / MINUTE);
    }
  }
  const limitOf = (category: string) => {
    if (!levels) return undefined;
    if (category === 'all') return levels.categories.default.longestWaitMinutes;
    return (levels.categories[category] ?? levels.categories.default).longestWaitMinutes;
  };
  const rows: HourlyRow[] = [...cells.entries()].map(([k, c]): HourlyRow => {
    const [hour, category] = k.split('|');
    const longest = c.waits.length ? Math.max(...c.waits) : null;
    const limit = limitOf(category);
    return {
      hour, category, arrivals: c.arrivals, served: c.served,
      meanWaitMinutes: c.waits.length ? round1(c.waits.reduce((a, b) => a + b, 0) / c.waits.length) : null,
      longestWaitMinutes: longest === null ? null : round1(longest),
      serviceLevel: limit ? (judge(longest, limit) ?? 'green') : '-',
    };
  }).sort((a, b) => a.hour.localeCompare(b.hour) || (a.category === 'all' ? 1 : b.category === 'all' ? -1 : a.category.localeCompare(b.category)));
  const waits = tickets.filter((t) => t.calledAt !== null).map((t) => (t.calledAt! - t.issuedAt) / MINUTE);
  return {
    rows,
    totals: {
      arrivals: tickets.length,
      served: tickets.filter((t) => t.status === 'done').length,
      stillWaiting: tickets.filter((t) => t.status === 'waiting').length,
      longestWaitMinutes: waits.length ? round1(Math.max(...waits)) : null,
    },
  };
}

const num = (x: number | null) => (x === null ? '-' : x.toFixed(1));

/** The table as text, one line per hour and category (the `all` line closes each hour). */
export function formatHourlyTable(t: HourlyTable, title: string): string {
  const head = ['hour', 'cat', 'arrivals', 'served', 'mean wait', 'longest', 'level'];
  const lines = t.rows.map((r) => [r.hour, r.category, String(r.arrivals), String(r.served), num(r.meanWaitMinutes), num(r.longestWaitMinutes), r.serviceLevel]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (l: string[]) => l.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [
    title,
    fmt(head),
    ...lines.map(fmt),
    `total: ${t.totals.arrivals} tickets, ${t.totals.served} served, ${t.totals.stillWaiting} still waiting, longest wait ${num(t.totals.longestWaitMinutes)} min (waits in minutes, call - issue)`,
  ].join('\n');
}

export function hourlyCsv(t: HourlyTable): string {
  const head = 'hour,category,arrivals,served,mean_wait_min,longest_wait_min,service_level';
  return [head, ...t.rows.map((r) => [r.hour, r.category, r.arrivals, r.served, r.meanWaitMinutes ?? '', r.longestWaitMinutes ?? '', r.serviceLevel].join(','))].join('\n') + '\n';
}

/** Longest wait per hour (all categories) of the baseline and the what-if, side by side. */
export function formatSideBySide(base: HourlyTable, whatIf: HourlyTable, labels: [string, string]): string {
  const hours = [...new Set([...base.rows, ...whatIf.rows].filter((r) => r.category === 'all').map((r) => r.hour))].sort();
  const of = (t: HourlyTable, h: string) => t.rows.find((r) => r.hour === h && r.category === 'all');
  const cellOf = (r: HourlyRow | undefined) => (r ? `${num(r.longestWaitMinutes)} (${r.serviceLevel})` : '-');
  const lines = hours.map((h) => [h, cellOf(of(base, h)), cellOf(of(whatIf, h))]);
  const head = ['hour', labels[0], labels[1]];
  const widths = head.map((x, i) => Math.max(x.length, ...lines.map((l) => l[i].length)));
  const fmt = (l: string[]) => l.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return ['longest wait per hour, minutes (service level):', fmt(head), ...lines.map(fmt),
    fmt(['total', `${num(base.totals.longestWaitMinutes)}`, `${num(whatIf.totals.longestWaitMinutes)}`])].join('\n');
}
