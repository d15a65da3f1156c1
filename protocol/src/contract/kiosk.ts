/**
 * The citizen kiosk's session and hall commands on `/kiosk` (hall-rules.md "One authentication",
 * queue, appointments, certificates, progress, guidance). Plain types only; the bridge validates
 * with zod (device-bridge api/kiosk*).
 *
 * - A valid card read starts a session: the bridge keeps the full number; `/kiosk` gets `session` with an opaque
 *   token and the masked holder view (hall-rules.md "Privacy"). A refused card gets `cardRead` with `valid: false`
 *   and the reason words (no session). The session ends on logout, a new card or inactivity: `sessionEnded`.
 * - Every hall function is one `kioskCommand {requestId, timeout?, token, command, args}` answered with exactly one
 *   `KioskCompletion` (architecture.md "One command model everywhere"). A hall rule's refusal completes with
 *   `userError` and `refusal` (code + words for the citizen); the hall database down completes with
 *   `deviceNotReady` and the refusal `servicePaused` ("暂停服务").
 * - Prints go through the printer's job queue; the command's result carries a `KioskPrintOutcome` (the printed
 *   result is shown on screen too), and `printJob` updates tell when a held job finally printed (after a refill).
 */
import type { KioskIntakeApplication, KioskIntakeDraft, KioskIntakeItem, KioskIntakeSigned, KioskIntakeSubmitResult } from './kioskIntake.ts';
import type { KioskResultCollectResult, KioskResultOffer, ResultCollectionMode } from './kioskResults.ts';
import type { CommandEnvelope, Completion, CompletionAck, CompletionCode } from './command.ts';
import type { PrintJobState } from './events.ts';
import type { IdCardType } from '../idcard/holder.ts';
import type { PhoneHandoff, PhoneSessionHandoff } from './phone.ts';
import type { VisitView } from './visit.ts';

/** The holder as a session shows it: masked number, display name for the greeting, never the birth date. */
export interface KioskSessionHolder {
  cardType: IdCardType;
  displayName: string;
  /** First 4 + last 4 visible (hall-rules.md "Privacy"). */
  maskedNumber: string;
  /** 65+: the green channel applies; the UI may suggest elderly mode. */
  elderly: boolean;
}

/** `session`: a session started (or its timer changed after a touch/extension). */
export interface KioskSessionEvent {
  /** Opaque; every `kioskCommand` carries it. */
  token: string;
  kioskId: string;
  holder: KioskSessionHolder;
  startedAt: number;
  /** Epoch ms the session ends without a touch. */
  expiresAt: number;
  /** Epoch ms the countdown starts (hall-rules.md: 20 s before). */
  warnAt: number;
  extensionsLeft: number;
}

export const KIOSK_SESSION_END_REASONS = ['logout', 'newCard', 'inactivity', 'shutdown'] as const;
export type KioskSessionEndReason = (typeof KIOSK_SESSION_END_REASONS)[number];

/** `sessionEnded`: the bridge has dropped the session's personal data; the UI must too. */
export interface KioskSessionEndedEvent {
  token: string;
  kioskId: string;
  reason: KioskSessionEndReason;
  at: number;
}

/** Why the hall refused a command, in words a citizen understands (hall-rules.md), with a stable code. */
export interface KioskRefusal {
  code: string;
  zh: string;
  en: string;
  /**
   * `formInvalid` (README "Applying at the kiosk (接件受理)": bad input is refused field by field): each field to
   * change with what to change, so the kiosk shows it next to that field.
   */
  fields?: Array<{ field: string; zh: string; en: string }>;
}

/** A kiosk command's completion: a `Completion` plus, when not `success`, the refusal words. */
export interface KioskCompletion<T = unknown> extends Completion<T> {
  refusal?: KioskRefusal;
}

/** How a print of a command went. The result is on screen either way; a held job prints after the refill. */
export interface KioskPrintOutcome {
  /** null when no job could be queued (no printer configured, printer driver stopped). */
  jobId: string | null;
  /** `success`: printed and confirmed; otherwise why not yet (`userError` paper out / cover open, ...). */
  code: CompletionCode;
  /** The job's state when the command completed (`confirmed`, `interrupted`, `queued`...). */
  state: PrintJobState | null;
  /** For people (never personal data). */
  message?: string;
  /** True when the job stays queued and will print once the printer is ready. */
  pending: boolean;
}

export interface KioskQueueCategory {
  letter: string;
  name: string;
}

export interface KioskTicket {
  id: number;
  number: string;
  category: string;
  categoryName: string;
  day: string;
  issuedAt: number;
  issuedAtText: string;
  priority: 'appointment' | 'elderly' | 'disabled' | 'pregnant' | null;
  status: 'waiting' | 'called' | 'serving' | 'done' | 'noShow' | 'canceled';
  ahead: number;
  estimatedWaitMinutes: number;
  maskedNumber: string | null;
  /** The person already held this waiting ticket (hall-rules.md: a second request returns the same). */
  reused: boolean;
  appointmentId: number | null;
  /** A ticket of several services (visit.ts): its steps and where to go next; absent for one service. */
  visit?: VisitView;
}

export interface KioskTicketResult {
  ticket: KioskTicket;
  print: KioskPrintOutcome;
  /** The QR that opens this ticket on the citizen's phone (`/m`); absent without site.publicUrl or hall database. */
  phone?: PhoneHandoff;
}

export type KioskAppointmentStatus = 'booked' | 'checkedIn' | 'late' | 'canceled' | 'noShow';

export interface KioskAppointment {
  id: number;
  serviceId: string;
  serviceName: string;
  day: string;
  start: string;
  end: string;
  status: KioskAppointmentStatus;
  maskedNumber: string;
  canCancel: boolean;
  checkInOpensAt: number;
  checkInClosesAt: number;
  canCheckIn: boolean;
  ticketId: number | null;
}

export interface KioskSlot {
  id: number;
  serviceId: string;
  day: string;
  start: string;
  end: string;
  capacity: number;
  remaining: number;
}

export interface KioskCheckInResult {
  /** `priority`: within the window; `walkIn`: too late, an ordinary ticket. */
  kind: 'priority' | 'walkIn';
  appointment: KioskAppointment;
  ticket: KioskTicket;
  print: KioskPrintOutcome;
  /** As for `KioskTicketResult`: the checked-in ticket on the phone. */
  phone?: PhoneHandoff;
}

export interface KioskDepartment {
  id: number;
  name: string;
  batch: number;
  serviceCount: number;
}

export interface KioskMaterial {
  name: string;
  /** 免提交: the platform fetches it. */
  exempt: boolean;
  /** Where from, e.g. `电子证照库：居民身份证`. */
  source: string | null;
  commitmentAllowed: boolean;
}

export interface KioskServiceGuide {
  id: string;
  name: string;
  departmentId: number;
  departmentName: string;
  category: string;
  categoryName: string;
  timeLimitDays: number;
  materials: KioskMaterial[];
  toBring: number;
}

export interface KioskGuidance {
  departments: KioskDepartment[];
  /** The services of the department asked for (empty without `departmentId`). */
  services: KioskServiceGuide[];
}

/**
 * A service item as the kiosk's finder knows it (README "Finding a service"): its guide, and the pinyin of its name
 * and queue category, one syllable per character (a character without a reading stands for itself), so the kiosk
 * matches full pinyin and initials and highlights the characters matched, with no pinyin data of its own.
 */
export interface KioskFinderService extends KioskServiceGuide {
  namePinyin: string[];
  categoryPinyin: string[];
}

/** A life event (办事主题) from the catalogue: the service items it groups, in order. */
export interface KioskLifeEvent {
  code: string;
  name: string;
  serviceIds: string[];
}

/** What the three ways in from the home screen need: every service, the life events, the hall's most used. */
export interface KioskFinder {
  services: KioskFinderService[];
  lifeEvents: KioskLifeEvent[];
  /** Service ids, most used in this hall over the last 30 days first (appointments, applications, tickets). */
  mostUsed: string[];
}

export type KioskCertificateState = 'valid' | 'expiring' | 'expired' | 'revoked';

/** What the library says about a certificate (masked number; the hall's views carry the same fields). */
export interface KioskCertificateFacts {
  identifier: string;
  typeName: string;
  issuerName: string;
  holderName: string;
  maskedNumber: string;
  issuedOn: string;
  expiresOn: string | null;
}

export interface KioskCertificate extends KioskCertificateFacts {
  state: KioskCertificateState;
  printable: boolean;
}

/** What the printed copy shows (and the screen, when the printer cannot print). */
export interface KioskCertificateCopy extends KioskCertificateFacts {
  printedAt: number;
  printedAtText: string;
  copyExpires: string;
  /** `此件由<issuer>提供，仅供办理政务服务事项时使用，有效期至<date>` (hall-rules.md). */
  statement: string;
  /** The signed verification QR payload; `/verify?p=` checks it. */
  payload: string;
}

/** The purposes a citizen picks for an A4 copy; the copy reads 仅供<purpose>使用. */
export const KIOSK_COPY_PURPOSES = {
  government: '办理政务服务事项',
  bank: '办理银行业务',
  school: '办理入学手续',
  employment: '办理入职手续',
  housing: '办理住房租赁手续',
} as const;
export type KioskCopyPurpose = keyof typeof KIOSK_COPY_PURPOSES;

/** `a4`: the A4 copy on the document printer; `slip`: the 80 mm copy on the ticket printer. */
export type KioskCopyFormat = 'a4' | 'slip';

export interface KioskCertificatePrintResult {
  /** Which copy was made (the A4 one by default where a document printer is configured). */
  format?: KioskCopyFormat;
  copy: KioskCertificateCopy;
  /** The page that verifies the copy (what the QR means to a person). */
  verifyUrl: string;
  print: KioskPrintOutcome;
}

export type KioskTimeLimitState = 'onTime' | 'yellow' | 'red' | 'closed';

export interface KioskApplication {
  serial: string;
  serviceId: string;
  serviceName: string;
  maskedNumber: string;
  status: 'accepted' | 'review' | 'decided' | 'done' | 'returned' | 'rejected';
  statusName: string;
  acceptedDay: string;
  timeLimitDays: number;
  timeLimit: {
    state: KioskTimeLimitState;
    dueDay: string;
    remainingWorkingDays: number;
    stepOverLimit: boolean;
    finishedOnTime?: boolean;
  };
  result: string | null;
  commitments: string[];
  history: Array<{ status: string; statusName: string; at: number; atText: string; note: string | null }>;
}

export interface KioskPrintResult {
  print: KioskPrintOutcome;
}

/**
 * A result notice (README "Result notices (结果反馈)"): an application of the citizen reached 办结, 退回 or 不予受理.
 * Shown once at the card read until acknowledged; no ID number in it.
 */
export interface KioskResultNotice {
  id: number;
  serial: string;
  serviceName: string;
  /** An application's end, or a waiting ticket handled at the closing time (carried over / closed). */
  outcome: 'done' | 'returned' | 'rejected' | 'carriedOver' | 'closedAtClosing';
  /** Plain Chinese, e.g. 您申请的《…》已办结，可领取. */
  text: string;
  createdAt: number;
  createdAtText: string;
  read: boolean;
}

/** Every kiosk command: its arguments and its success result. */
export interface KioskCommandMap {
  /** A touch on the screen: the bridge's inactivity timer restarts. */
  'session.touch': { args: Record<string, never>; result: KioskSessionEvent };
  /** The countdown's "more time" tap (at least 10 allowed: WCAG 2.2.1). */
  'session.extend': { args: Record<string, never>; result: KioskSessionEvent };
  'session.logout': { args: Record<string, never>; result: { ended: boolean } };
  'queue.categories': { args: Record<string, never>; result: KioskQueueCategory[] };
  /** `also`: further services of the same visit, in order (README "Running the hall floor", visits). */
  'queue.take': { args: { category: string; also?: string[] }; result: KioskTicketResult };
  'appointments.list': { args: Record<string, never>; result: KioskAppointment[] };
  'appointments.checkIn': { args: { id: number }; result: KioskCheckInResult };
  /** Bookable days (working days from tomorrow to the 5th working day). */
  'appointments.days': { args: Record<string, never>; result: string[] };
  'appointments.slots': { args: { serviceId: string; date: string }; result: KioskSlot[] };
  /** `slot`: the slot's start `HH:MM` on that date. */
  'appointments.book': { args: { serviceId: string; date: string; slot: string }; result: KioskAppointment };
  'appointments.cancel': { args: { id: number }; result: KioskAppointment };
  /** Guidance (咨询导办): departments, and with `departmentId` its services with materials. */
  'services.list': { args: { departmentId?: number }; result: KioskGuidance };
  /** Finding a service: every service with its pinyin, the life events, the most used (README "Finding a service"). */
  'services.finder': { args: Record<string, never>; result: KioskFinder };
  'certificates.list': { args: Record<string, never>; result: KioskCertificate[] };
  'certificates.print': { args: { id: string; format?: KioskCopyFormat; purpose?: KioskCopyPurpose }; result: KioskCertificatePrintResult };
  'applications.list': { args: Record<string, never>; result: KioskApplication[] };
  /** A progress slip of one application. */
  'print.progress': { args: { serial: string }; result: KioskPrintResult };
  'print.appointmentSlip': { args: { id: number }; result: KioskPrintResult };
  /** 接件受理 (README "Applying at the kiosk (接件受理)"): the self-service items. */
  'intake.items': { args: Record<string, never>; result: KioskIntakeItem[] };
  /** The item's form, filled from the card and offered from earlier applications. */
  'intake.start': { args: { serviceId: string }; result: KioskIntakeDraft };
  /** Signs a commitment: completes when the session's own card is placed again (another card: userError cardMismatch). */
  'intake.sign': { args: { serviceId: string; material: string }; result: KioskIntakeSigned };
  /** Submits the reviewed application (idempotent per kiosk and requestId) and prints its receipt. */
  'intake.submit': { args: { serviceId: string; form: Record<string, string>; bringBy?: 'ticket' | 'slot' }; result: KioskIntakeSubmitResult };
  /** The citizen's kiosk applications not accepted yet (waiting, returned, rejected). */
  'intake.list': { args: Record<string, never>; result: KioskIntakeApplication[] };
  /** The citizen's unread result notices, oldest first (asked once after the card read). */
  'notices.unread': { args: Record<string, never>; result: KioskResultNotice[] };
  /** 知道了: the citizen acknowledged these notices (ids of others' notices change nothing). */
  'notices.ack': { args: { ids: number[] }; result: { marked: number } };
  /** "在手机上继续": a one-time QR that opens the phone page signed in as this citizen (README "The phone channel"). */
  'phone.handoff': { args: Record<string, never>; result: PhoneSessionHandoff };
  /** The citizen's finished (办结) applications and how each result is or can be collected. */
  'results.list': { args: Record<string, never>; result: KioskResultOffer[] };
  /**
   * Chooses how a result is collected: counter (a pickup ticket, printed), post (address and phone, a slip printed) or
   * electronic (a certificate added). Choosing again the way already chosen answers the same record.
   */
  'results.collect': { args: { serial: string; mode: ResultCollectionMode; address?: string; phone?: string }; result: KioskResultCollectResult };
}

export type KioskCommandName = keyof KioskCommandMap;

export const KIOSK_COMMAND_NAMES = [
  'session.touch', 'session.extend', 'session.logout', 'queue.categories', 'queue.take', 'appointments.list',
  'appointments.checkIn', 'appointments.days', 'appointments.slots', 'appointments.book', 'appointments.cancel',
  'services.list', 'services.finder', 'certificates.list', 'certificates.print', 'applications.list', 'print.progress',
  'print.appointmentSlip', 'intake.items', 'intake.start', 'intake.sign', 'intake.submit', 'intake.list', 'phone.handoff',
  'notices.unread', 'notices.ack', 'results.list', 'results.collect',
] as const satisfies readonly KioskCommandName[];

export interface KioskCommand<N extends KioskCommandName = KioskCommandName> extends CommandEnvelope {
  token: string;
  command: N;
  args?: KioskCommandMap[N]['args'];
}

/** `/verify` (GET /api/verify?p=, POST /api/verify {payload}): the verdict on a scanned copy's payload. */
/** `notACode`: the scanned text is no certificate code at all (not a forgery, e.g. a QR of something else). */
export type CertificateVerifyStatus = 'valid' | 'expired' | 'forged' | 'revoked' | 'notACode';

/**
 * What the certificate library says of the copy's certificate, so the person checking can compare it with the paper
 * in front of them (a genuine QR copied onto another document is caught): the holder masked (name: first
 * character; number: first 4 + last 4, hall-rules.md "Privacy").
 */
export interface CertificateVerifyDetails {
  typeName: string;
  issuerName: string;
  holderNameMasked: string;
  holderNumberMasked: string;
  issuedOn: string;
  /** null: no expiry (长期). */
  expiresOn: string | null;
}

export interface CertificateVerifyAnswer {
  status: CertificateVerifyStatus;
  /** Present unless forged: what the signature vouches for (no holder number, only its salted hash). */
  identifier?: string;
  printedAt?: number;
  copyExpires?: string;
  /** Present unless forged or not a code, when the library still has the certificate. */
  certificate?: CertificateVerifyDetails;
  /** Words for the person scanning. */
  zh: string;
  en: string;
  /** Staff detail (why forged, identifier check warning). */
  detail?: string;
}

// The /kiosk event maps grow by declaration merging (events.ts: "they are interfaces ... so they can grow").
declare module './events.ts' {
  interface KioskServerToClientEvents {
    session: (event: KioskSessionEvent) => void;
    sessionEnded: (event: KioskSessionEndedEvent) => void;
  }
  interface KioskClientToServerEvents {
    kioskCommand: (command: KioskCommand, ack: CompletionAck<unknown>) => void;
  }
}
