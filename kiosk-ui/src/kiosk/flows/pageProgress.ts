/**
 * Page progress of an A4 copy while the document printer prints it ("正在打印 第 1/2 页"), from the `printJob`
 * updates the bridge sends with `pages` (IPP job-impressions-completed of job-impressions). The page shown is the
 * one under way: pages done + 1, never past the total.
 */
import type { PrintJobUpdate } from '@onedoor/protocol';
import type { Bilingual } from '../../i18n/lang.ts';

export interface PageProgress {
  page: number;
  total: number | null;
}

/** The newest job still printing that reports pages, or null (no document job under way, or no page counts). */
export function pageProgressOf(jobs: Iterable<PrintJobUpdate>): PageProgress | null {
  let newest: PrintJobUpdate | null = null;
  for (const u of jobs) {
    if (!u.pages || (u.state !== 'printing' && u.state !== 'reprinting')) continue;
    if (!newest || u.at >= newest.at) newest = u;
  }
  if (!newest?.pages) return null;
  const { done, total } = newest.pages;
  return { page: total === null ? done + 1 : Math.min(done + 1, total), total };
}

export function pageProgressText(p: PageProgress): Bilingual {
  return p.total === null
    ? { zh: `正在打印 第 ${p.page} 页`, en: `Printing page ${p.page}` }
    : { zh: `正在打印 第 ${p.page}/${p.total} 页`, en: `Printing page ${p.page} of ${p.total}` };
}
