/**
 * A day's dashboard figures as CSV (README "For managers: the dashboard", export): UTF-8 with a
 * byte-order mark, so Excel opens the Chinese column names and category names correctly (without
 * the BOM it guesses the ANSI code page), CRLF line ends (RFC 4180), fields quoted when they hold a
 * comma, quote or line break. Sections are separated by an empty line; every row starts with its
 * section name so a filter in Excel keeps one section.
 */
import { COUNTER_RATINGS, LIMIT_KIND_WORDS, type DashboardQueue, type DashboardTimeLimits, type DashboardToday } from '@onedoor/protocol';
import type { VisitStepRecord } from '../store/visitRecords.ts';

export const CSV_BOM = '\uFEFF';

export function csvField(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const minutes = (ms: number | null): string => (ms === null ? '' : (ms / 60_000).toFixed(1));

export interface DayFigures {
  day: string;
  queue: DashboardQueue;
  today: DashboardToday;
  timeLimits: DashboardTimeLimits;
  /** The day's figures against the service-level limits (serviceLevels.ts serviceLevelRows). */
  serviceLevelRows?: Array<Array<string | number | null>>;
  /** The day's visit steps (store listVisitStepsOfDay): the finished ones are counted per window and category. */
  visitSteps?: readonly VisitStepRecord[];
}

/**
 * Visit steps (多窗联办, hall/visits.ts) finished per window and queue category, by window then category: where the
 * several-window visits were served.
 */
export function visitStepCounts(steps: readonly VisitStepRecord[]): Array<{ window: number; category: string; served: number }> {
  const counts = new Map<string, { window: number; category: string; served: number }>();
  for (const s of steps) {
    if (s.state !== 'done' || s.window === null) continue;
    const key = `${s.window}:${s.category}`;
    const c = counts.get(key) ?? { window: s.window, category: s.category, served: 0 };
    c.served++;
    counts.set(key, c);
  }
  return [...counts.values()].sort((a, b) => a.window - b.window || a.category.localeCompare(b.category));
}

export function dashboardCsv(f: DayFigures): string {
  const rows: Array<Array<string | number | null>> = [];
  const section = (header: string[], body: Array<Array<string | number | null>>) => {
    if (rows.length > 0) rows.push([]);
    rows.push(header, ...body);
  };
  const t = f.today;
  section(['分类 section', '指标 figure', '值 value'], [
    ['汇总 summary', '日期 day', f.day],
    ['汇总 summary', '取号 tickets', t.tickets],
    ['汇总 summary', '已办结 served', t.served],
    ['汇总 summary', '过号 no-shows', t.noShows],
    ['汇总 summary', '等候中 waiting', f.queue.waiting],
    ['汇总 summary', '平均等候(分钟) average wait (min)', minutes(f.queue.averageWaitMs)],
    ['汇总 summary', '最长等候(分钟) longest wait (min)', minutes(f.queue.longestWaitMs)],
    ['汇总 summary', '平均办理(分钟) average service (min)', minutes(f.queue.averageServiceMs)],
    ['汇总 summary', '预约 appointments booked', t.appointmentsBooked],
    ['汇总 summary', '预约已签到 appointments checked in', t.appointmentsCheckedIn],
    ['汇总 summary', '未处理差评 open bad reviews', t.openBadReviews.length],
    ['汇总 summary', '时限黄灯 time limit yellow', f.timeLimits.yellow],
    ['汇总 summary', '时限红灯 time limit red', f.timeLimits.red],
  ]);
  section(['分类 section', '类别 category', '名称 name', '取号 issued', '等候中 waiting', '平均等候(分钟) avg wait (min)',
    '最长等候(分钟) longest wait (min)', '平均办理(分钟) avg service (min)'],
  f.queue.categories.map((c) => ['类别 category', c.letter, c.name, c.issued, c.waiting, minutes(c.averageWaitMs),
    minutes(c.longestWaitMs), minutes(c.averageServiceMs)]));
  // A window's count is of services finished there (a several-window visit counts at each), the summary's of tickets.
  section(['分类 section', '窗口 window', '办件 services done', '办理时长(分钟) busy (min)'],
    f.queue.windows.map((w) => ['窗口 window', w.window, w.served ?? 0, minutes(w.busyMs ?? 0)]));
  const steps = visitStepCounts(f.visitSteps ?? []);
  if (steps.length > 0) {
    const nameOf = new Map(f.queue.categories.map((c) => [c.letter, c.name]));
    section(['分类 section', '窗口 window', '类别 category', '名称 name', '联办环节已办 visit steps served'],
      steps.map((c) => ['联办环节 visit steps', c.window, c.category, nameOf.get(c.category) ?? '', c.served]));
  }
  // Kinds never refused are absent (store listLimitRefusals): a day without refusals has no section.
  if (t.limitRefusals && t.limitRefusals.length > 0) {
    section(['分类 section', '限额 limit', '名称 name', '拒绝次数 refusals'],
      t.limitRefusals.map((r) => ['限额拒绝 limit refusals', r.kind, LIMIT_KIND_WORDS[r.kind] ?? r.kind, r.count]));
  }
  if (f.serviceLevelRows && f.serviceLevelRows.length > 0) {
    section(['分类 section', '对象 scope', '指标 measure', '值 value', '黄 yellow', '红 red', '达到 reached'], f.serviceLevelRows);
  }
  section(['分类 section', '评价 rating', '名称 name', '次数 count'],
    COUNTER_RATINGS.map((r) => ['好差评 ratings', r.rating, r.zh, t.ratings[r.rating - 1]]));
  section(['分类 section', '票号 ticket', '窗口 window', '评价 rating', '开启 opened', '期限 deadline'],
    t.openBadReviews.map((b) => ['差评跟进 bad review', b.ticketNumber, b.window, b.rating, b.openedDay, b.deadlineDay]));
  section(['分类 section', '流水号 serial', '事项 service', '申请人 applicant', '环节 status', '灯 state', '到期 due', '剩余工作日 working days left'],
    f.timeLimits.items.map((i) => ['办理时限 time limit', i.serial, i.serviceName, i.maskedNumber, i.statusName, i.state, i.dueDay,
      i.remainingWorkingDays]));
  return CSV_BOM + rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
