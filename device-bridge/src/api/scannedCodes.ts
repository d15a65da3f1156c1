/**
 * What a code read by the kiosk's QR scanner does (docs/mobile-codes.md; qr-scanner.md "What a bridge does with
 * it"): the whole code stays in the bridge and is validated here, at the boundary, before it means anything.
 * - a mobile identity code (`ODI1.`) that checks out (issuer, signature, 60 s lifetime, first use) starts a session
 *   exactly as a card: `cardRead` with the masked view, then the session (one authentication across channels);
 *   its holder is then checked as a card's (number, birth date, card expiry) and may be refused like a card;
 * - an appointment code (`A1.`, printed on the appointment slip) of this hall and today checks that appointment in
 *   and prints its ticket, under the kiosk check-in's rules (scannedAppointments.ts; at the hall for a linked kiosk);
 * - a certificate copy's verification QR gets the `/verify` verdict with the library's masked record, for the
 *   kiosk's full-screen result (scannedCertificates.ts); it starts and ends no session;
 * - everything else starts nothing and gets `scanResult` with words: what was wrong, or what codes the kiosk reads.
 * Every outcome is counted and logged with the masked number or the code's length only.
 */
import type { CertificateVerifyAnswer, ScanOutcome, ScanResultEvent, ScannedCertificate } from '@onedoor/protocol';
import type { Logger } from 'pino';
import type { ScannedCode } from '../devices/qrScanner/events.ts';
import { assessCard } from '../devices/idReader/cardView.ts';
import type { IdCardReadout } from '../devices/idReader/events.ts';
import { checkIdentityCode, IdentityCodeReplays, looksLikeIdentityCode, type IdentityIssuer } from '../hall/identityCode.ts';
import type { HallClock } from '../hall/clock.ts';
import { APPOINTMENT_CODE_TAG, capabilityPattern } from '../hall/ticketCapability.ts';
import { VERIFY_WORDS } from './certificateVerifyAnswer.ts';
import { certificatePayloadOf, certificateScanOf } from './scannedCertificates.ts';
import type { CodeCheckIn } from './scannedAppointments.ts';

const WHAT_THE_KIOSK_READS = {
  zh: '本机可识别：移动电子身份码（粤省事等）、预约凭条上的签到码、证照复印件上的核验码',
  en: 'This kiosk reads mobile identity codes (e.g. from 粤省事), the check-in code on an appointment slip and the verification code on a certificate copy',
};
const COPY_CHECK_PAUSED = {
  zh: '暂停服务：暂时无法核验证照复印件，请稍后再试或咨询工作人员',
  en: 'Service paused: certificate copies cannot be checked now; please try again later or ask a staff member',
};
/** The shape of an appointment code (its MAC is checked with the hall's key, here or at the hall). */
const APPOINTMENT_CODE_PATTERN = capabilityPattern(APPOINTMENT_CODE_TAG);

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
  // The two below are completed with the ticket number or the hall rule's words (checkInByCode).
  checkedIn: { zh: '签到成功', en: 'Checked in' },
  appointmentRefused: { zh: '签到未成功', en: 'Not checked in' },
  // A certificate copy's QR: the words /verify gives (api/certificateVerifyAnswer.ts).
  certificateValid: VERIFY_WORDS.valid,
  certificateExpired: VERIFY_WORDS.expired,
  certificateRevoked: VERIFY_WORDS.revoked,
  certificateForged: VERIFY_WORDS.forged,
};

export interface ScannedCodeDeps {
  issuers: readonly IdentityIssuer[];
  clock: HallClock;
  /** The kiosk's reader id, so a scanned-in session is the kiosk's session like a card's (a new card ends it). */
  kioskId: (scannerId: string) => string;
  /** To the kiosk's active screen. */
  toScreen: { cardRead(readout: IdCardReadout): void; scanResult(event: ScanResultEvent): void };
  startSession(readout: IdCardReadout): void;
  /** The check-in an appointment code does, here or at the hall (scannedAppointments.ts); absent: codes not read. */
  appointments?: { checkIn(code: string): Promise<CodeCheckIn> };
  /** This bridge's copy verifier (api/certificateVerifyAnswer.ts `copyVerifierOf`); null while it is unavailable. */
  certificates?: () => ((payload: string) => Promise<CertificateVerifyAnswer>) | null;
  log: Logger;
}

export class ScannedCodeHandler {
  readonly counts: Record<ScanOutcome, number> = Object.fromEntries(Object.keys(SCAN_WORDS).map((k) => [k, 0])) as Record<ScanOutcome, number>;
  private readonly replays = new IdentityCodeReplays();
  private readonly log: Logger;

  constructor(private readonly deps: ScannedCodeDeps) {
    this.log = deps.log.child({ component: 'scannedCodes' });
  }

  /** Handles one code; the promise settles when an appointment check-in it started has finished (tests, bench). */
  handle(code: ScannedCode): Promise<void> {
    const identity = looksLikeIdentityCode(code.text);
    const appointments = this.deps.appointments;
    const appointment = !identity && appointments !== undefined && APPOINTMENT_CODE_PATTERN.test(code.text);
    const payload = identity || appointment || !this.deps.certificates ? null : certificatePayloadOf(code.text);
    const kind: ScanResultEvent['kind'] = identity ? 'identity' : appointment ? 'appointment' : payload !== null ? 'certificate' : 'other';
    const tell: Tell = (outcome, extra = {}) => {
      this.counts[outcome]++;
      this.log.info({ deviceId: code.deviceId, seq: code.seq, length: code.bytes.length, kind, outcome, ...(extra.masked ? { number: extra.masked } : {}) }, 'scanned code');
      this.deps.toScreen.scanResult({
        deviceId: code.deviceId, seq: code.seq, kind, outcome,
        ...(extra.words ?? SCAN_WORDS[outcome]), at: code.at, ...(extra.ticketNumber ? { ticketNumber: extra.ticketNumber } : {}),
        ...(extra.certificate ? { certificate: extra.certificate } : {}),
      });
    };
    if (appointment) return this.checkIn(code.text, appointments, tell);
    if (payload !== null) return this.verify(payload, tell);
    if (!identity) {
      tell('notIdentityCode');
      return Promise.resolve();
    }
    this.identity(code, tell);
    return Promise.resolve();
  }

  private async checkIn(text: string, appointments: NonNullable<ScannedCodeDeps['appointments']>, tell: Tell): Promise<void> {
    const r = await appointments.checkIn(text);
    if (!r.ok) return tell('appointmentRefused', { words: { zh: r.refusal.zh, en: r.refusal.en } });
    tell('checkedIn', {
      masked: r.ticket.maskedNumber ?? undefined, ticketNumber: r.ticket.number,
      words: { zh: `签到成功，您的号码是${r.ticket.number}，请留意叫号`, en: `Checked in: your number is ${r.ticket.number}; please listen for it` },
    });
  }

  /** A certificate copy's code: the /verify verdict; the library away (or the hall's link down) is 暂停服务. */
  private async verify(payload: string, tell: Tell): Promise<void> {
    const verify = this.deps.certificates?.() ?? null;
    let answer: CertificateVerifyAnswer;
    try {
      if (!verify) throw new Error('certificate library unavailable');
      answer = await verify(payload);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'certificate code not verified');
      return tell('unavailable', { words: COPY_CHECK_PAUSED });
    }
    const scan = certificateScanOf(answer);
    tell(scan.outcome, { words: { zh: answer.zh, en: answer.en }, ...(scan.certificate ? { certificate: scan.certificate } : {}),
      ...(scan.certificate?.certificate ? { masked: scan.certificate.certificate.holderNumberMasked } : {}) });
  }

  private identity(code: ScannedCode, tell: Tell): void {
    const check = checkIdentityCode(code.text, this.deps.issuers, this.deps.clock.now(), this.replays);
    if (!check.ok) return tell(check.reason);
    const { validation, view } = assessCard(check.holder, this.deps.clock.today());
    const readout: IdCardReadout = { deviceId: this.deps.kioskId(code.deviceId), holder: check.holder, validation, view, at: code.at };
    // As a card: the screen hears the (masked) read first, then the session it starts.
    this.deps.toScreen.cardRead(readout);
    this.deps.startSession(readout);
    tell(validation.ok ? 'signedIn' : 'holderRefused', { masked: view.idNumberMasked });
  }
}

type Tell = (outcome: ScanOutcome, extra?: {
  masked?: string; words?: { zh: string; en: string }; ticketNumber?: string; certificate?: ScannedCertificate;
}) => void;
