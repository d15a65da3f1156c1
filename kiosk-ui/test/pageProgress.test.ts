// The A4 copy's page progress on the print screen, from the bridge's printJob updates.
import { describe, expect, it } from 'vitest';
import type { PrintJobUpdate } from '@onedoor/protocol';
import { pageProgressOf, pageProgressText } from '../src/kiosk/flows/pageProgress.ts';

const update = (over: Partial<PrintJobUpdate>): PrintJobUpdate =>
  ({ jobId: 'pj-1', deviceId: 'a4', state: 'printing', reprints: 0, at: 1, ...over });

describe('page progress', () => {
  it('shows the page under way: done + 1 of the total, never past it', () => {
    expect(pageProgressOf([update({ pages: { done: 0, total: 2 } })])).toEqual({ page: 1, total: 2 });
    expect(pageProgressOf([update({ pages: { done: 1, total: 2 } })])).toEqual({ page: 2, total: 2 });
    expect(pageProgressOf([update({ pages: { done: 2, total: 2 } })])).toEqual({ page: 2, total: 2 });
    expect(pageProgressText({ page: 1, total: 2 })).toEqual({ zh: '正在打印 第 1/2 页', en: 'Printing page 1 of 2' });
    expect(pageProgressText({ page: 3, total: null })).toEqual({ zh: '正在打印 第 3 页', en: 'Printing page 3' });
  });

  it('takes the newest job still printing; none for finished jobs, slips (no pages) or nothing', () => {
    expect(pageProgressOf([
      update({ jobId: 'old', at: 1, pages: { done: 0, total: 5 } }),
      update({ jobId: 'new', at: 2, pages: { done: 0, total: 1 } }),
    ])).toEqual({ page: 1, total: 1 });
    expect(pageProgressOf([update({ state: 'confirmed', pages: { done: 1, total: 1 } })])).toBeNull();
    expect(pageProgressOf([update({ deviceId: 'printer' })])).toBeNull();
    expect(pageProgressOf([])).toBeNull();
  });
});
