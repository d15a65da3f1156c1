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
import type { KioskTicket } from './kiosk.ts';
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

export const PHONE_REFUSAL_CODES = ['malformed', 'unknown', 'otherDay', 'rateLimited', 'servicePaused'] as const;
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
