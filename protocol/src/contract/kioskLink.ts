/**
 * The kiosk -> hall link (README "Several kiosks, one hall"): a kiosk bridge started with `--hall
 * <url>` connects to the hall bridge's socket.io namespace `/kiosklink`, authenticated by its kiosk
 * token (`auth: { token }`). The hall owns the database; the kiosk keeps its devices and its
 * citizen sessions and asks the hall for every hall function.
 *
 * - On every (re)connect the kiosk says `kioskHello` with a full device status snapshot ("a full snapshot on every
 *   (re)connect", architecture.md), then streams `kioskDeviceStatus` changes and a `kioskHeartbeat` every
 *   `KIOSK_LINK_HEARTBEAT_MS`.
 * - `hallRequest` carries a requestId unique per kiosk; the hall answers exactly once. Requests that change the hall
 *   database (`KIOSK_LINK_MUTATING_OPS`) are deduplicated by requestId and their answer is persisted, so a resend
 *   after a reconnect gets the first answer (`replayed: true`) and is never applied twice.
 *
 * Privacy: the citizen's full number travels only inside `hallRequest` (the hall needs it as the key); answers hold
 * the services' masked views only, and neither side logs a request's citizen.
 */
import type { DeviceStatus } from './status.ts';

export const KIOSK_LINK_NAMESPACE = '/kiosklink';
/**
 * How often a linked kiosk says it is alive (README "Several kiosks, one hall": a heartbeat every 5
 * s).
 */
export const KIOSK_LINK_HEARTBEAT_MS = 5000;

/** Every hall function a kiosk can ask for (the methods of the hall services its /kiosk commands use). */
export const KIOSK_LINK_OPS = [
  'queue.categories', 'queue.take',
  'appointments.upcoming', 'appointments.checkIn', 'appointments.bookableDays', 'appointments.slots',
  'appointments.book', 'appointments.cancel',
  // The kiosk's QR scanner (README "The QR scanner"): an appointment code is checked with the hall's key.
  'appointments.checkInByCode',
  'guidance.departments', 'guidance.servicesOf', 'guidance.finder',
  'certificates.list', 'certificates.printCopy', 'certificates.verify',
  // The whole /verify answer (verdict, claims, the library's masked record) for a copy's QR scanned at the kiosk.
  'certificates.verifyCopy',
  'applications.list', 'applications.get',
  'results.offers', 'results.collect',
  'printLog.add',
  'notices.unread', 'notices.ack',
  'intake.state',
  // Applying at the kiosk (README "Applying at the kiosk (接件受理)"): the hall holds the catalogue, the citizen's
  // earlier forms, the signed commitments of a session (keyed by kiosk and session hash) and the applications.
  'intake.items', 'intake.start', 'intake.sign', 'intake.submit', 'intake.list', 'intake.forget',
  // The phone channel (README "The phone channel"): the hall's key makes ticket capabilities and hand-offs.
  'phone.ticketCapability', 'phone.handoff', 'phone.revokeHandoffs',
] as const;
export type KioskLinkOp = (typeof KIOSK_LINK_OPS)[number];

/** Ops that change the hall database: deduplicated by requestId, their answer persisted at the hall. */
export const KIOSK_LINK_MUTATING_OPS: readonly KioskLinkOp[] = [
  'queue.take', 'appointments.checkIn', 'appointments.checkInByCode', 'appointments.book', 'appointments.cancel', 'certificates.printCopy',
  'printLog.add', 'results.collect', 'intake.submit',
];

/**
 * The citizen as the hall services key them (the number on the card; hall-rules.md "一号申办"). The hall trusts a
 * kiosk for its devices, not for people: it re-checks every field (number and check character, birth date against
 * the number, expiry in the hall's clock, name) and derives priority itself; nothing here claims a priority.
 */
export interface KioskLinkCitizen {
  number: string;
  name: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  /** The card's valid-until: `YYYY-MM-DD` or `长期` (no expiry). */
  validUntil: string;
}

export interface KioskLinkRequest {
  /** Unique per kiosk; the same id on a resend. */
  requestId: string;
  op: KioskLinkOp;
  /** For the ops of one citizen. */
  citizen?: KioskLinkCitizen;
  /** The op's arguments after the citizen, in order (validated by the hall). */
  args: unknown[];
}

/**
 * Why the hall did not give a result: a hall rule refused (with the words to show; also a citizen the hall could not
 * verify, `cardRefused`, and a kiosk over its rate limit, `rateLimited`), its database is down, or a bad request.
 */
export type KioskLinkFailure =
  | { kind: 'rule'; code: string; zh: string; en: string; fields?: KioskLinkFieldProblem[] }
  | { kind: 'paused'; message: string }
  | { kind: 'invalid'; message: string };

/** A form refused field by field (接件受理 `formInvalid`): what to change under each field, as the kiosk screen shows it. */
export interface KioskLinkFieldProblem {
  field: string;
  label: string;
  zh: string;
  en: string;
}

export type KioskLinkAnswer =
  | { requestId: string; ok: true; result: unknown; replayed?: boolean }
  | { requestId: string; ok: false; failure: KioskLinkFailure; replayed?: boolean };

export interface KioskLinkHello {
  /**
   * The kiosk's own idea of its name. Ignored by the hall: a kiosk's dashboard name comes from the hall's config
   * (`kiosks: [{ id, token, name }]`), never from the kiosk.
   */
  name?: string;
  devices: DeviceStatus[];
  /** Epoch ms the kiosk bridge started. */
  startedAt: number;
}

export interface KioskLinkWelcome {
  /** The id the hall knows this kiosk by (from its token). */
  kioskId: string;
  /** Hall clock, epoch ms. */
  at: number;
}

/** The hall refused a `kioskHello` (malformed): the kiosk is not registered and should say so in its log. */
export interface KioskLinkHelloRefusal {
  error: string;
}

export interface KioskLinkClientToServerEvents {
  kioskHello: (hello: KioskLinkHello, ack: (welcome: KioskLinkWelcome | KioskLinkHelloRefusal) => void) => void;
  kioskDeviceStatus: (status: DeviceStatus) => void;
  kioskHeartbeat: (beat: { at: number }) => void;
  hallRequest: (request: KioskLinkRequest, ack: (answer: KioskLinkAnswer) => void) => void;
}

/** The hall's word on a link message it could not take (malformed, or sent without its acknowledgement callback). */
export interface KioskLinkError {
  /** The event refused, e.g. `kioskDeviceStatus`. */
  event: string;
  message: string;
}

export interface KioskLinkServerToClientEvents {
  linkError: (error: KioskLinkError) => void;
}

/** What the hall refused of one kiosk since it started (the manager dashboard shows these). */
export interface KioskLinkRefusals {
  /** Ticket requests over the kiosk's ticket rate limit. */
  tickets: number;
  /** Citizen lookups over the kiosk's lookup rate limit. */
  lookups: number;
  /** Malformed link messages and citizens the hall could not verify. */
  invalid: number;
  /** Connections with this kiosk's token refused while its link was alive. */
  duplicateLinks: number;
}

/** One kiosk as the hall's registry knows it (the manager dashboard shows these). */
export interface LinkedKioskInfo {
  kioskId: string;
  name: string;
  /** The link is up now. */
  connected: boolean;
  /** Epoch ms of the last `kioskHello`; null when never seen since the hall started. */
  registeredAt: number | null;
  /** Epoch ms (hall clock) of the last heartbeat or hello; null when never seen. */
  lastHeartbeat: number | null;
  /** The last known status of each of its devices. */
  devices: DeviceStatus[];
  /** Counts of what the hall refused of this kiosk since it started. */
  refusals: KioskLinkRefusals;
  /** Epoch ms of the last connection refused because this kiosk's link was alive; null: none. */
  lastDuplicateLinkAt: number | null;
}
