/**
 * A document printer's IPP state -> the bridge's status model (same `DeviceStatus` as the ticket printer): pure, so
 * the mapping is unit-tested without a printer.
 *
 * printer-state-reasons keywords carry a severity suffix (RFC 8011 5.4.12: `-report`, `-warning`, `-error`); the
 * meaning is the same whatever the suffix, and a printer may say `media-empty-report` with paper out (CUPS's
 * ippeveprinter does), so the keyword without the suffix decides:
 * - `media-empty`, `media-needed`, `media-jam`, `door-open`, `cover-open`, `input-tray-missing`, `toner-empty`,
 *   `marker-supply-empty` -> `userError` (staff fix it), paper `out` for the media ones; nothing is sent meanwhile;
 * - `media-low` -> paper `low`, still prints; `toner-low` and the like -> words only;
 * - `offline`, `shutdown` or printer-state `stopped` with nothing else named -> `hardwareError`;
 * - an unreachable printer is `offline` (the driver sets it).
 */
import type { DeviceState, PaperState } from '@onedoor/protocol';

export interface DocPrinterCondition {
  state: Extract<DeviceState, 'online' | 'userError' | 'hardwareError'>;
  paper: PaperState;
  detail: string;
  /** The reasons present, without severity suffix (`media-empty`, `toner-low`). */
  reasons: string[];
  canPrint: boolean;
}

const BLOCKING: Record<string, string> = {
  'media-empty': 'paper out: load A4 paper in the tray (缺纸，请装入A4纸)',
  'media-needed': 'paper out: load A4 paper in the tray (缺纸，请装入A4纸)',
  'media-jam': 'paper jam: open the printer and remove the jammed sheet (卡纸)',
  'door-open': 'printer door open: close it (打印机门未关)',
  'cover-open': 'printer cover open: close it (打印机盖未关)',
  'input-tray-missing': 'paper tray missing: put the tray back (纸盒未装好)',
  'toner-empty': 'toner empty: replace the toner cartridge (墨粉已用完)',
  'marker-supply-empty': 'toner empty: replace the toner cartridge (墨粉已用完)',
};
const MEDIA_OUT = new Set(['media-empty', 'media-needed']);
const WARNINGS: Record<string, string> = {
  'media-low': 'paper low: refill the tray soon (纸将用完)',
  'toner-low': 'toner low: order a cartridge (墨粉不足)',
  'marker-supply-low': 'toner low: order a cartridge (墨粉不足)',
};
const DOWN: Record<string, string> = {
  offline: 'printer offline (打印机离线)',
  shutdown: 'printer shutting down (打印机正在关机)',
};

export const stripSeverity = (k: string): string => k.replace(/-(report|warning|error)$/, '');

/** `printerState` is the printer-state enum (3 idle, 4 processing, 5 stopped). */
export function docPrinterCondition(printerState: number, reasons: readonly string[]): DocPrinterCondition {
  const plain = [...new Set(reasons.map(stripSeverity).filter((r) => r !== 'none'))];
  const blocking = plain.filter((r) => r in BLOCKING);
  const down = plain.filter((r) => r in DOWN);
  const warnings = plain.filter((r) => r in WARNINGS);
  const paper: PaperState = plain.some((r) => MEDIA_OUT.has(r)) ? 'out' : plain.includes('media-low') ? 'low' : 'full';
  const words = [...new Set([...blocking.map((r) => BLOCKING[r]!), ...down.map((r) => DOWN[r]!)])];
  if (blocking.length > 0) {
    return { state: 'userError', paper, detail: [...words, ...warnings.map((r) => WARNINGS[r]!)].join('; '), reasons: plain, canPrint: false };
  }
  if (down.length > 0 || printerState === 5) {
    return { state: 'hardwareError', paper, detail: words.length ? words.join('; ') : `printer stopped (${plain.join(', ') || 'no reason given'})`, reasons: plain, canPrint: false };
  }
  const warn = warnings.map((r) => WARNINGS[r]!);
  return { state: 'online', paper, detail: warn.length ? `ready; ${warn.join('; ')}` : 'ready', reasons: plain, canPrint: true };
}
