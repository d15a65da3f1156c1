/**
 * What a code read by the kiosk's QR scanner did (docs/mobile-codes.md; README "The phone channel"): `/kiosk` gets
 * `scanResult` for every code, in words for the citizen. A mobile identity code that is accepted starts a session
 * exactly as a card does (`cardRead`, then `session`); an appointment code checks that appointment in and prints its
 * ticket (`checkedIn` with the number); a certificate copy's verification QR gets its verdict, as `/verify` gives it,
 * with what the library says of the certificate (masked), for the kiosk's full-screen result (no session is started or
 * ended); everything else is refused here and starts nothing.
 */
import type { CertificateVerifyAnswer } from './kiosk.ts';

export const SCAN_OUTCOMES = [
  'signedIn', 'malformed', 'unknownIssuer', 'forged', 'expired', 'notYetValid', 'tooLong', 'replayed', 'holderRefused',
  'notIdentityCode', 'unavailable', 'checkedIn', 'appointmentRefused',
  // A certificate copy's QR (hall-rules.md "Electronic certificates": valid / expired / forged / revoked).
  'certificateValid', 'certificateExpired', 'certificateRevoked', 'certificateForged',
] as const;
export type ScanOutcome = (typeof SCAN_OUTCOMES)[number];

export interface ScanResultEvent {
  deviceId: string;
  /** The scanner's code sequence number (`codeScanned.seq`). */
  seq: number;
  /** What the code claimed to be. */
  kind: 'identity' | 'appointment' | 'certificate' | 'other';
  outcome: ScanOutcome;
  zh: string;
  en: string;
  at: number;
  /** `checkedIn`: the number of the ticket the check-in gave (printed as well). */
  ticketNumber?: string;
  /**
   * `certificate*` outcomes but forged: what the signature vouches for (identifier, copy expiry) and, when the library
   * still has it, the certificate (type, issuer, holder masked, dates), to compare with the paper in hand.
   */
  certificate?: ScannedCertificate;
}

/** The verified copy as the kiosk shows it: never the holder's number or full name (hall-rules.md "Privacy"). */
export type ScannedCertificate = Pick<CertificateVerifyAnswer, 'identifier' | 'copyExpires' | 'printedAt' | 'certificate'>;
