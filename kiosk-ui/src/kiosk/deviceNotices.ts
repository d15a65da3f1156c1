/**
 * Device status -> words a citizen understands (device trouble is handled for the citizen: printer
 * out of paper -> say so and offer the result on screen; reader fault -> ask to call staff; the
 * hall link down -> "暂停服务"). Technical detail (`detail`, `lastError`) is for staff screens and
 * never shown here.
 */
import type { DeviceStatus } from '@onedoor/protocol';
import type { Bilingual } from '../i18n/lang.ts';
import type { ConnectionState } from '../net/connectionState.ts';

export type NoticeSource = 'reader' | 'printer' | 'link';

export interface CitizenNotice {
  /** Stable key for rendering and tests, e.g. `reader-unavailable`. */
  id: string;
  source: NoticeSource;
  /** `stop`: the citizen cannot go on with this device; `info`: they can, another way. */
  level: 'stop' | 'info';
  text: Bilingual;
}

export interface KioskDeviceView {
  /** A card placed now can be read (false also while no snapshot has arrived). */
  readerUsable: boolean;
  /** Slips can be printed; otherwise flows show their result on screen. */
  printerUsable: boolean;
  /** An A4 document printer is configured (not noDevice): certificate copies are offered on A4 first. */
  a4Configured?: boolean;
  /** The hall functions (tickets, appointments, ...) need the bridge; false shows "暂停服务" on them. */
  hallServicesAvailable: boolean;
  notices: CitizenNotice[];
}

export const NOTICE_TEXT = {
  readerUnavailable: { zh: '读卡器暂时无法使用，请联系工作人员', en: 'The card reader is not working right now. Please ask a staff member for help.' },
  readerStarting: { zh: '读卡器正在准备，请稍候', en: 'The card reader is getting ready. Please wait a moment.' },
  readerPlaceAgain: { zh: '请取走身份证后重新放置', en: 'Please take your ID card away and place it again.' },
  printerPaperOut: { zh: '打印机缺纸，凭条将显示在屏幕上', en: 'The printer is out of paper. Your slip will be shown on the screen.' },
  printerPaused: { zh: '打印机暂停使用，凭条将显示在屏幕上', en: 'The printer is paused. Your slip will be shown on the screen.' },
  printerUnavailable: { zh: '打印机暂时无法使用，凭条将显示在屏幕上', en: 'The printer is not working right now. Your slip will be shown on the screen.' },
  linkDown: { zh: '网络连接中断，办事功能暂停服务，请稍候或联系工作人员', en: 'Connection lost: services are paused. Please wait or ask a staff member.' },
} as const satisfies Record<string, Bilingual>;

/** Best first: with two devices of a kind, the kiosk is as good as its best one. */
const STATE_RANK: Record<DeviceStatus['state'], number> = {
  online: 0,
  busy: 0,
  starting: 1,
  userError: 2,
  offline: 3,
  hardwareError: 3,
  noDevice: 4,
};

function best(devices: DeviceStatus[], kind: DeviceStatus['kind']): DeviceStatus | null {
  const ofKind = devices.filter((d) => d.kind === kind);
  if (ofKind.length === 0) return null;
  const score = (d: DeviceStatus) => STATE_RANK[d.state] + (kind === 'printer' && d.paper === 'out' ? 2 : 0);
  return ofKind.reduce((a, b) => (score(b) < score(a) ? b : a));
}

function readerNotice(reader: DeviceStatus | null): CitizenNotice | null {
  const notice = (id: string, level: CitizenNotice['level'], text: Bilingual): CitizenNotice => ({ id, source: 'reader', level, text });
  if (reader === null) return notice('reader-unavailable', 'stop', NOTICE_TEXT.readerUnavailable);
  switch (reader.state) {
    case 'online':
    case 'busy':
      return null;
    case 'starting':
      return notice('reader-starting', 'info', NOTICE_TEXT.readerStarting);
    case 'userError':
      return notice('reader-place-again', 'info', NOTICE_TEXT.readerPlaceAgain);
    case 'offline':
    case 'hardwareError':
    case 'noDevice':
      return notice('reader-unavailable', 'stop', NOTICE_TEXT.readerUnavailable);
  }
}

function printerNotice(printer: DeviceStatus | null): CitizenNotice | null {
  const notice = (id: string, text: Bilingual): CitizenNotice => ({ id, source: 'printer', level: 'info', text });
  if (printer === null) return notice('printer-unavailable', NOTICE_TEXT.printerUnavailable);
  if (printer.paper === 'out') return notice('printer-paper-out', NOTICE_TEXT.printerPaperOut);
  switch (printer.state) {
    case 'online':
    case 'busy':
    case 'starting':
      // Paper `low` still prints; staff see it on their console, the citizen needs no warning.
      return null;
    case 'userError':
      return notice('printer-paused', NOTICE_TEXT.printerPaused);
    case 'offline':
    case 'hardwareError':
    case 'noDevice':
      return notice('printer-unavailable', NOTICE_TEXT.printerUnavailable);
  }
}

/**
 * `devices` is the last snapshot merged with later changes, or null before the first snapshot. While the link is
 * down the last known device states stay in effect (the screens the citizen is on keep working).
 */
export function citizenDeviceView(devices: DeviceStatus[] | null, connection: ConnectionState): KioskDeviceView {
  const notices: CitizenNotice[] = [];
  const hallServicesAvailable = connection === 'connected';
  if (connection === 'disconnected') {
    notices.push({ id: 'link-down', source: 'link', level: 'stop', text: NOTICE_TEXT.linkDown });
  }
  if (devices === null) {
    return { readerUsable: false, printerUsable: false, hallServicesAvailable, notices };
  }
  const reader = best(devices, 'idreader');
  const printer = best(devices, 'printer');
  const forReader = readerNotice(reader);
  const forPrinter = printerNotice(printer);
  if (forReader) notices.push(forReader);
  if (forPrinter) notices.push(forPrinter);
  return {
    // `userError` means "place the card again": the reader itself works.
    readerUsable: reader !== null && ['online', 'busy', 'userError'].includes(reader.state),
    printerUsable: forPrinter === null,
    ...(devices.some((d) => d.kind === 'docprinter' && d.state !== 'noDevice') && { a4Configured: true }),
    hallServicesAvailable,
    notices,
  };
}
