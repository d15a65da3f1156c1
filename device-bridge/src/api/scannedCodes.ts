/**
 * What a code read by the kiosk's QR scanner does (docs/mobile-codes.md; qr-scanner.md "What a bridge does with
 * it"): the whole code stays in the bridge and is validated here, at the boundary, before it means anything.
 * - a mobile identity code (`ODI1.`) that checks out (issuer, signature, 60 s lifetime, first use) starts a session
 *   exactly as a card: `cardRead` with the masked view, then the session (one authentication across channels);
 *   its holder is then checked as a card's (number, birth date, card expiry) and may be refused like a card;
 * - everything else starts nothing and gets `scanResult` with words: what was wrong, or what codes the kiosk reads.
 * Every outcome is counted and logged with the masked number or the code's length only.
 */
import type { ScanOutcome, ScanResultEvent } from '@onedoor/protocol';
import type { Logger } from 'pino';
import type { ScannedCode } from '../devices/qrScanner/events.ts';
import { assessCard } from '../devices/idReader/cardView.ts';
import type { IdCardReadout } from '../devices/idReader/events.ts';
import { checkIdentityCode, IdentityCodeReplays, looksLikeIdentityCode, type IdentityIssuer } from '../hall/identityCode.ts';
import type { HallClock } from '../hall/clock.ts';

const WHAT_THE_KIOSK_READS = { zh: '本机可识别：移动电子身份码（粤省事等）', en: 'This kiosk reads mobile identity codes (e.g. from 粤省事)' };

export const SCAN_WORDS: Record<ScanOutcome, { zh: string; en: string }> = {
  signedIn: { zh: '身份码验证成功', en: 'Identity code accepted' },
  malformed: { zh: '身份码无法识别，请在手机上刷新身份码后重新扫描', en: 'The identity code cannot be read; refresh it on your phone and scan again' },
  unknownIssuer: { zh: '本机不接受该机构签发的身份码，请刷身份证', en: 'This kiosk does not accept identity codes from this issuer; please use your ID card' },
  forged: { zh: '身份码验证失败：签名无效，请刷身份证或咨询工作人员', en: 'Identity code refused: its signature is not valid; please use your ID card or ask a staff member' },
  expired: { zh: '身份码已过期（有效期60秒），请在手机上刷新后重新扫描', en: 'The identity code has expired (valid 60 s); refresh it on your phone and scan again' },
  notYetValid: { zh: '身份码时间有误，请检查手机时间后刷新', en: 'The identity code\'s time is wrong; check your phone\'s clock and refresh' },
  tooLong: { zh: '二维码过长，无法识别', en: 'The code is too long to read' },
  replayed: { zh: '该身份码已使用过，请在手机上刷新后重新扫描', en: 'This identity code was already used; refresh it on your phone and scan again' },
  holderRefused: { zh: '身份码中的证件信息未通过核验', en: 'The ID details in the code did not pass the check' },
  notIdentityCode: { zh: `无法识别此二维码。${WHAT_THE_KIOSK_READS.zh}`, en: `This QR code is not recognised. ${WHAT_THE_KIOSK_READS.en}` },
  unavailable: { zh: '暂停服务：请刷身份证或稍后再试', en: 'Service paused: please use your ID card or try again later' },
};

export interface ScannedCodeDeps {
  issuers: readonly IdentityIssuer[];
  clock: HallClock;
  /** The kiosk's reader id, so a scanned-in session is the kiosk's session like a card's (a new card ends it). */
  kioskId: (scannerId: string) => string;
  /** To the kiosk's active screen. */
  toScreen: { cardRead(readout: IdCardReadout): void; scanResult(event: ScanResultEvent): void };
  startSession(readout: IdCardReadout): void;
  log: Logger;
}

export class ScannedCodeHandler {
  readonly counts: Record<ScanOutcome, number> = Object.fromEntries(Object.keys(SCAN_WORDS).map((k) => [k, 0])) as Record<ScanOutcome, number>;
  private readonly replays = new IdentityCodeReplays();
  private readonly log: Logger;

  constructor(private readonly deps: ScannedCodeDeps) {
    this.log = deps.log.child({ component: 'scannedCodes' });
  }

  handle(code: ScannedCode): void {
    const identity = looksLikeIdentityCode(code.text);
    const tell = (outcome: ScanOutcome, masked?: string) => {
      this.counts[outcome]++;
      this.log.info({ deviceId: code.deviceId, seq: code.seq, length: code.bytes.length, outcome, ...(masked ? { number: masked } : {}) }, 'scanned code');
      this.deps.toScreen.scanResult({ deviceId: code.deviceId, seq: code.seq, kind: identity ? 'identity' : 'other', outcome, ...SCAN_WORDS[outcome], at: code.at });
    };
    if (!identity) return tell('notIdentityCode');
    const check = checkIdentityCode(code.text, this.deps.issuers, this.deps.clock.now(), this.replays);
    if (!check.ok) return tell(check.reason);
    const { validation, view } = assessCard(check.holder, this.deps.clock.today());
    const readout: IdCardReadout = { deviceId: this.deps.kioskId(code.deviceId), holder: check.holder, validation, view, at: code.at };
    // As a card: the screen hears the (masked) read first, then the session it starts.
    this.deps.toScreen.cardRead(readout);
    this.deps.startSession(readout);
    tell(validation.ok ? 'signedIn' : 'holderRefused', view.idNumberMasked);
  }
}
