/**
 * The phone channel (README "The phone channel"): what the phone page `/m` reads with a ticket capability, and the
 * hand-off the kiosk shows after a ticket. Plain types; the bridge validates with zod (device-bridge
 * api/phoneRoutes.ts).
 *
 * - `GET /api/m/ticket?c=<capability>` answers a `PhoneTicketView`; `GET /api/m/ticket/events?c=<capability>` is a
 *   server-sent event stream of the same view (`event: ticket`), sent on connect and whenever it changed.
 * - A refused capability answers 404 with a `PhoneRefusal` (unknown, another day); too many tries answer 429.
 * The view carries no ID number and no name: only what the printed ticket shows.
 */
import type { KioskAppointment, KioskApplication, KioskCertificateState, KioskSlot, KioskTicket } from './kiosk.ts';
import type { KioskIntakeApplication } from './kioskIntake.ts';
import type { VisitView } from './visit.ts';

/** The latest call of the ticket: the window to go to (a recall counts from 1). */
export interface PhoneTicketCall {
  window: number;
  /** `请A012号到3号窗口办理` (hall-rules.md "Voice and screen call text"). */
  text: string;
  recall: number;
  at: number;
}

export interface PhoneTicketView {
  number: string;
  category: string;
  categoryName: string;
  day: string;
  issuedAtText: string;
  status: KioskTicket['status'];
  ahead: number;
  estimatedWaitMinutes: number;
  /** Set once the ticket was called (`called`, `serving`, and a `noShow` after a call). */
  call: PhoneTicketCall | null;
  /** A ticket of several services: its steps and where to go next (visit.ts); absent for one service. */
  visit?: VisitView;
  /** Bridge clock when this view was made. */
  at: number;
  /**
   * The notice of a ticket the hall handled at its closing time (README "Running the hall floor", day boundaries):
   * closed (今日已停止办理，请明日再来) or kept for the next working day under a new number. Absent otherwise.
   */
  closingNotice?: { zh: string; en: string };
}

export const PHONE_REFUSAL_CODES = ['malformed', 'unknown', 'otherDay', 'rateLimited', 'servicePaused',
  // The hand-off and the phone session (README "The phone channel").
  'handoffUnknown', 'handoffUsed', 'handoffExpired', 'sessionEnded', 'invalid', 'notHere'] as const;
export type PhoneRefusalCode = (typeof PHONE_REFUSAL_CODES)[number];

export interface PhoneRefusal {
  code: PhoneRefusalCode;
  zh: string;
  en: string;
}

/** A QR code as modules: `rows[y][x] === '1'` is dark. The screen draws it; no QR encoder ships to the browser. */
export interface QrMatrix {
  size: number;
  rows: string[];
}

/** The kiosk -> phone hand-off of a ticket: the URL the QR holds (`<site.publicUrl>/m#c=<capability>`). */
export interface PhoneHandoff {
  url: string;
  qr: QrMatrix;
}

/** The kiosk -> phone hand-off of a signed-in citizen (`<site.publicUrl>/m#h=<hand-off token>`): once, 2 minutes. */
export interface PhoneSessionHandoff extends PhoneHandoff {
  expiresAt: number;
}

/**
 * The phone session (README "The phone channel"): `POST /api/m/session {handoff}` answers a `PhoneSignIn`; every
 * `/api/m/me*` route then takes `Authorization: Bearer <token>` and slides the session's end.
 */
export interface PhoneMe {
  /** The name masked (`张*`), never whole. */
  maskedName: string;
  maskedNumber: string;
  expiresAt: number;
}

export interface PhoneSignIn {
  token: string;
  me: PhoneMe;
}

/** One of the citizen's tickets today, with the capability that opens its live view. */
export interface PhoneMyTicket {
  number: string;
  categoryName: string;
  status: KioskTicket['status'];
  capability: string;
}

export interface PhoneService {
  id: string;
  name: string;
}

export interface PhoneAppointments {
  appointments: KioskAppointment[];
  /** Days that can be booked, and the services that take appointments. */
  days: string[];
  services: PhoneService[];
  /** The appointment code (docs/mobile-codes.md) of each booked appointment, for the kiosk's scanner. */
  checkInCodes: Array<{ id: number; code: string; qr: QrMatrix }>;
}

export type PhoneSlot = Pick<KioskSlot, 'start' | 'end' | 'remaining'>;

export interface PhoneProgress {
  applications: KioskApplication[];
  /** Kiosk applications the counter has not accepted yet (as the kiosk's progress screen lists them). */
  kioskApplications: KioskIntakeApplication[];
  /** Result notices (结果反馈: 办结, 退回, 不予受理), newest first; the same words the outbox and the kiosk give. */
  notices: PhoneResultNotice[];
}

/** One result notice as the phone shows it: no ID number, the service and the words. */
export interface PhoneResultNotice {
  id: number;
  serial: string;
  serviceName: string;
  /** An application's end, or a waiting ticket handled at the closing time (carried over / closed). */
  outcome: 'done' | 'returned' | 'rejected' | 'carriedOver' | 'closedAtClosing';
  text: string;
  createdAtText: string;
}

/** A certificate by name and kind only: copies are printed at a kiosk or a counter. */
export interface PhoneCertificate {
  typeName: string;
  issuerName: string;
  state: KioskCertificateState;
  expiresOn: string | null;
}

/** The mobile identity code the phone shows for the kiosk's scanner (docs/mobile-codes.md): 60 s, once. */
export interface PhoneIdentityCode {
  code: string;
  qr: QrMatrix;
  expiresAt: number;
  /** Seconds left when made: the phone counts down from its own receipt (a phone's clock may be off). */
  validForSeconds: number;
}
