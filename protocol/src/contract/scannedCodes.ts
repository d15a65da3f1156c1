/**
 * What a code read by the kiosk's QR scanner did (docs/mobile-codes.md; README "The phone channel"): `/kiosk` gets
 * `scanResult` for every code, in words for the citizen. A mobile identity code that is accepted starts a session
 * exactly as a card does (`cardRead`, then `session`); an appointment code checks that appointment in and prints its
 * ticket (`checkedIn` with the number); everything else is refused here and starts nothing.
 */
export const SCAN_OUTCOMES = [
  'signedIn', 'malformed', 'unknownIssuer', 'forged', 'expired', 'notYetValid', 'tooLong', 'replayed', 'holderRefused',
  'notIdentityCode', 'unavailable', 'checkedIn', 'appointmentRefused',
] as const;
export type ScanOutcome = (typeof SCAN_OUTCOMES)[number];

export interface ScanResultEvent {
  deviceId: string;
  /** The scanner's code sequence number (`codeScanned.seq`). */
  seq: number;
  /** What the code claimed to be. */
  kind: 'identity' | 'appointment' | 'other';
  outcome: ScanOutcome;
  zh: string;
  en: string;
  at: number;
  /** `checkedIn`: the number of the ticket the check-in gave (printed as well). */
  ticketNumber?: string;
}
