/**
 * Printer status (escpos.md "DLE EOT bits" / "ASB bytes", as merged by `EscPosStatusDecoder`) -> what the bridge
 * shows (`DeviceStatus`: state, paper, detail words). Pure, so the mapping is unit-tested without a port.
 *
 * - Cutter, mechanical, unrecoverable and head temperature/voltage errors -> `hardwareError` (a technician's job).
 * - Cover open, paper out, printer offline for another reason (feed button) -> `userError` (staff fix it).
 * - Paper near end is not a problem: the printer prints; `paper: 'low'` and a word in the detail.
 * Every cause present is named, hardware causes first, so a printer with its cover open AND no paper says both.
 */
import type { DeviceState, EscPosStatusFields, PaperState } from '@onedoor/protocol';

export interface PrinterCondition {
  /** `online` when nothing stops printing. */
  state: Extract<DeviceState, 'online' | 'userError' | 'hardwareError'>;
  paper: PaperState;
  /** Words for people (English first, Chinese after, as the kiosk staff screens show both). */
  detail: string;
  /** The condition codes present (`coverOpen`, `paperOut`, ...), for lastError and tests. */
  causes: string[];
  /** Nothing stops a job: online, paper present, cover closed, no error. */
  canPrint: boolean;
}

const HARDWARE: Array<[keyof EscPosStatusFields, string, string]> = [
  ['unrecoverableError', 'unrecoverableError', 'unrecoverable printer error: call a technician (打印机故障)'],
  ['cutterError', 'cutterError', 'auto-cutter error: clear the cutter jam (切刀故障)'],
  ['recoverableError', 'mechanicalError', 'mechanical error: check the print mechanism (机械故障)'],
  ['autoRecoverableError', 'headError', 'print head temperature/voltage error, waiting for it to recover (打印头过热或电压异常)'],
];

export function printerCondition(s: EscPosStatusFields): PrinterCondition {
  const paper: PaperState = s.paper === 'out' ? 'out' : s.paper === 'low' ? 'low' : 'full';
  const causes: string[] = [];
  const words: string[] = [];
  for (const [field, code, text] of HARDWARE) {
    if (s[field]) {
      causes.push(code);
      words.push(text);
    }
  }
  const hardware = causes.length > 0;
  if (s.coverOpen) {
    causes.push('coverOpen');
    words.push('cover open: close the printer cover (打印机盖未关)');
  }
  if (s.paper === 'out') {
    causes.push('paperOut');
    words.push('paper out: load a new paper roll (缺纸)');
  }
  if (!s.online && causes.length === 0) {
    causes.push('offline');
    words.push(s.feedButton ? 'printer offline: paper is being fed by the button (正在走纸)' : 'printer offline (打印机离线)');
  }
  if (causes.length === 0) {
    return {
      state: 'online',
      paper,
      detail: paper === 'low' ? 'ready; paper near end: replace the roll soon (纸将用完)' : 'ready',
      causes,
      canPrint: true,
    };
  }
  return { state: hardware ? 'hardwareError' : 'userError', paper, detail: words.join('; '), causes, canPrint: false };
}
