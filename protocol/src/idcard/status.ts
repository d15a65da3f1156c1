/**
 * SW3 status codes (id-reader-sam.md, "Status codes (SW3)"), with the Chinese wording used by GA 467 reader
 * manuals and an English translation for logs. Unknown values are reported with their hex value, never thrown.
 */

export const SAM_SW3 = {
  success: 0x90,
  cardFound: 0x9f,
  noContent: 0x91,
  hostChecksumError: 0x10,
  hostLengthError: 0x11,
  commandError: 0x21,
  notPermitted: 0x23,
  unrecognisedError: 0x24,
  cardAuthSamFailed: 0x31,
  samAuthCardFailed: 0x32,
  verificationFailed: 0x33,
  fingerprintError: 0x37,
  infoLengthError: 0x3f,
  unknownCardType: 0x40,
  readFailed: 0x41,
  randomFailed: 0x47,
  selfTestFailed: 0x60,
  notAuthorised: 0x66,
  noCard: 0x80,
  selectFailed: 0x81,
} as const;

const TABLE: Record<number, [zh: string, en: string]> = {
  0x90: ['操作成功', 'success'],
  0x9f: ['寻找证/卡成功', 'card found'],
  0x91: ['证/卡中此项无内容', 'no such content on the card'],
  0x10: ['接收业务终端数据的校验和错', 'checksum error in the data received from the host'],
  0x11: ['接收业务终端数据的长度错', 'length error in the data received from the host'],
  0x21: ['接收业务终端的命令错误', 'command error (bad value or combination)'],
  0x23: ['越权操作', 'operation not permitted'],
  0x24: ['无法识别的错误', 'unrecognised error'],
  0x31: ['证/卡认证机具失败', 'card failed to authenticate the SAM'],
  0x32: ['机具认证证/卡失败', 'SAM failed to authenticate the card'],
  0x33: ['信息验证错误', 'information verification failed'],
  0x37: ['指纹信息验证错误', 'fingerprint verification error'],
  0x3f: ['信息长度错误', 'information length error'],
  0x40: ['无法识别的卡类型', 'unrecognised card type'],
  0x41: ['读证/卡操作失败', 'read failed'],
  0x47: ['取随机数失败', 'random-number request failed'],
  0x60: ['SAM自检失败，不能接收命令', 'SAM self-test failed'],
  0x66: ['SAM未经授权，无法使用', 'SAM not authorised'],
  0x80: ['寻找证/卡失败（无卡）', 'find card failed (no card)'],
  0x81: ['选取证/卡失败', 'select card failed'],
};

export interface SamStatusInfo {
  /** The SW3 byte. */
  code: number;
  /** Two upper-case hex digits, e.g. "9F". */
  hex: string;
  zh: string;
  en: string;
  /** False for a value the spec does not list. */
  known: boolean;
}

export function samStatusHex(sw3: number): string {
  return (sw3 & 0xff).toString(16).toUpperCase().padStart(2, '0');
}

/** Meaning of an SW3 value; any value (even out of byte range) gives an answer, never an exception. */
export function samStatusInfo(sw3: number): SamStatusInfo {
  const entry = Number.isInteger(sw3) ? TABLE[sw3] : undefined;
  if (entry) return { code: sw3, hex: samStatusHex(sw3), zh: entry[0], en: entry[1], known: true };
  const hex = Number.isInteger(sw3) && sw3 >= 0 && sw3 <= 0xff ? samStatusHex(sw3) : String(sw3);
  return { code: sw3, hex, zh: `未知状态 0x${hex}`, en: `unknown status 0x${hex}`, known: false };
}

/** A SAM answered with a status that is not the success the caller needed. Carries SW3 and its meaning. */
export class SamStatusError extends Error {
  readonly sw3: number;
  readonly status: SamStatusInfo;
  constructor(sw3: number, context = 'SAM command') {
    const status = samStatusInfo(sw3);
    super(`${context}: SAM status 0x${status.hex}: ${status.en} (${status.zh})`);
    this.name = 'SamStatusError';
    this.sw3 = sw3;
    this.status = status;
  }
}

/** A response whose status was fine but whose data does not have the layout the spec gives (lengths, sizes). */
export class SamDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SamDataError';
  }
}
