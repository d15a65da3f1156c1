/** Words and numbers of the dashboard (pure: unit-tested in kiosk-ui/test/hallFormat.test.ts). */
import type { DeviceState, KioskLinkRefusals, PaperState } from '@onedoor/protocol';

/** `12.5 分钟` from ms; `—` when there is no figure yet. */
export function minutesText(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return `${(ms / 60_000).toFixed(1)} 分钟`;
}

/** `5 s ago` style age of an instant, hall staff read it at a glance. */
export function agoText(at: number | null, now: number): string {
  if (at === null) return '从未 / never';
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return `${s} 秒前 / ${s} s ago`;
  const m = Math.floor(s / 60);
  return `${m} 分钟前 / ${m} min ago`;
}

export const DEVICE_STATE_WORDS: Record<DeviceState, string> = {
  starting: '启动中 / starting',
  online: '正常 / online',
  offline: '离线 / offline',
  hardwareError: '故障 / hardware error',
  userError: '需处理 / needs staff',
  busy: '工作中 / busy',
  noDevice: '未启用 / not driven',
};

export const PAPER_WORDS: Record<PaperState, string> = {
  full: '纸充足 / paper ok',
  low: '纸将尽 / paper low',
  out: '缺纸 / paper out',
  unknown: '纸况未知 / paper unknown',
};

export const WINDOW_STATE_WORDS: Record<string, string> = {
  idle: '空闲 / idle',
  called: '已叫号 / called',
  serving: '办理中 / serving',
  paused: '暂停 / paused',
};

/** Bar lengths for an inline SVG chart: each value's share of the largest (0..1); all 0 when every value is 0. */
export function barShares(values: readonly number[]): number[] {
  const max = Math.max(0, ...values);
  return values.map((v) => (max > 0 ? Math.max(0, v) / max : 0));
}

/**
 * What the hall refused of a linked kiosk since it started (rate limits, malformed messages or unverifiable
 * citizens, connections with its token while it was linked); null when nothing was refused.
 */
export function refusalText(r: KioskLinkRefusals | undefined): string | null {
  if (!r) return null;
  const parts = [
    r.tickets > 0 && `取号超限 / ticket limit ${r.tickets}`,
    r.lookups > 0 && `查询超限 / lookup limit ${r.lookups}`,
    r.invalid > 0 && `无效请求 / invalid ${r.invalid}`,
    r.duplicateLinks > 0 && `重复连接 / duplicate link ${r.duplicateLinks}`,
  ].filter((p): p is string => typeof p === 'string');
  return parts.length ? `已拒绝 / refused: ${parts.join(' · ')}` : null;
}
