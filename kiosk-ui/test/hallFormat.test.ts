/** The dashboard's pure formatting (kiosk-ui/src/hall/format.ts): bar lengths of the inline SVG charts, minutes, ages. */
import { describe, expect, it } from 'vitest';
import { agoText, barShares, minutesText, refusalText } from '../src/hall/format.ts';

describe('hall dashboard formatting', () => {
  it('bar shares are each value over the largest; all zero when nothing is counted yet; negatives draw nothing', () => {
    expect(barShares([2, 4, 1, 0])).toEqual([0.5, 1, 0.25, 0]);
    expect(barShares([0, 0, 0])).toEqual([0, 0, 0]);
    expect(barShares([])).toEqual([]);
    expect(barShares([-3, 6])).toEqual([0, 1]);
  });

  it('minutes with one decimal, a dash without a figure', () => {
    expect(minutesText(90_000)).toBe('1.5 分钟');
    expect(minutesText(0)).toBe('0.0 分钟');
    expect(minutesText(null)).toBe('—');
  });

  it('ages in seconds under a minute, then minutes; never heard from says so', () => {
    expect(agoText(1_000, 6_000)).toBe('5 秒前 / 5 s ago');
    expect(agoText(0, 125_000)).toBe('2 分钟前 / 2 min ago');
    expect(agoText(10_000, 5_000)).toBe('0 秒前 / 0 s ago');
    expect(agoText(null, 5_000)).toBe('从未 / never');
  });

  it('a linked kiosk\'s refusals: only the kinds counted, nothing when none', () => {
    expect(refusalText(undefined)).toBeNull();
    expect(refusalText({ tickets: 0, lookups: 0, invalid: 0, duplicateLinks: 0 })).toBeNull();
    expect(refusalText({ tickets: 12, lookups: 0, invalid: 3, duplicateLinks: 1 }))
      .toBe('已拒绝 / refused: 取号超限 / ticket limit 12 · 无效请求 / invalid 3 · 重复连接 / duplicate link 1');
  });
});
