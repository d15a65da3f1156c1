/**
 * A hall rule refused what the citizen asked (hall-rules.md): not a bug, an answer. `code` is stable for the API
 * and UI; `zh` / `en` say why in words a citizen understands and what to do next. Bad arguments (a malformed day,
 * an unknown id) are plain Errors instead.
 */
export type HallRuleCode =
  | 'noSession'
  | 'cardRefused'
  | 'unknownCategory'
  | 'unknownService'
  | 'categoryFull'
  | 'notWorkingDay'
  | 'bookingTooEarly'
  | 'bookingTooLate'
  | 'alreadyBooked'
  | 'slotFull'
  | 'noShowLockout'
  | 'notYourAppointment'
  | 'appointmentNotActive'
  | 'cancelTooLate'
  | 'checkInTooEarly'
  | 'checkInNotToday'
  | 'unknownCertificate'
  | 'certificateRevoked'
  | 'certificateExpired'
  | 'unknownApplication'
  | 'badTransition'
  | 'reasonRequired'
  | 'extensionsExhausted'
  /** Kiosk intake (README "Applying at the kiosk (接件受理)"). */
  | 'notSelfService'
  | 'formInvalid'
  | 'noCommitment'
  | 'cardMismatch'
  | 'commitmentLost'
  | 'bringChoiceRequired'
  | 'requestReused'
  | 'alreadyDecided'
  | 'otherHall'
  | 'alreadyChecked'
  /** A linked kiosk over its per-kiosk rate limit at the hall (hallLink/kioskRateLimits.ts). */
  | 'rateLimited'
  /** A person over a per-person ticket limit (personLimits.ts). */
  | 'personLimit'
  /** Outside the hall's ticket hours (intakeHours.ts). */
  | 'intakeClosed'
  /** An application already 办结, 退回 or 不予受理 moved again by a clerk (applications.ts). */
  | 'alreadyClosed'
  /** Intake paused or closed for the day by a manager or the closing time (dayBoundaries.ts). */
  | 'intakePaused'
  /** A visit of several services that cannot be issued as asked (visits.ts). */
  | 'visitInvalid'
  /** Collecting a result (resultCollection.ts). */
  | 'resultNotReady'
  | 'resultModeNotOffered'
  | 'resultAlreadyChosen'
  | 'resultNotPending'
  | 'addressInvalid'
  | 'pickupOnlyForResults'
  /** Check-in by the appointment slip's code (api/scannedAppointments.ts): no such appointment, or a code refused. */
  | 'unknownAppointment'
  | 'appointmentCode';

export class HallRuleError extends Error {
  constructor(
    readonly code: HallRuleCode,
    readonly zh: string,
    readonly en: string,
  ) {
    super(`${code}: ${en}`);
    this.name = 'HallRuleError';
  }
}

export function refuse(code: HallRuleCode, zh: string, en: string): never {
  throw new HallRuleError(code, zh, en);
}

/** Throws a plain Error naming `what` unless `v` is a positive integer id (bad arguments are not rule refusals). */
export function assertId(v: unknown, what: string): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new Error(`${what} must be a positive integer id, got ${JSON.stringify(v)}`);
}
