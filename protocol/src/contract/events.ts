/**
 * Typed socket.io event maps for the bridge's namespaces. The UI uses them with
 * `io(url + BRIDGE_NAMESPACES.kiosk) as Socket<KioskServerToClientEvents, KioskClientToServerEvents>` and the bridge
 * with `Namespace<KioskClientToServerEvents, KioskServerToClientEvents>`.
 *
 * Extending: later issues add events by adding members to these interfaces (they are interfaces, not type
 * aliases, precisely so they can grow), or by declaration merging from their own module.
 */
import type { CommandEnvelope, CompletionAck, DeviceCommand } from './command.ts';
import type { DeviceStatus } from './status.ts';
import type { IdCardType } from '../idcard/holder.ts';
import type { CounterOverflowEvent, CounterTerminalEvent } from './counterBus.ts';
import type { ScanResultEvent } from './scannedCodes.ts';
import type { DeviceFramesEvent } from './tech.ts';
import type { DisplayWindowView, HallCallEvent } from './hallDisplay.ts';
import type { HallAlertsEvent, HallDashboard } from './hallDashboard.ts';
import type { QrCodeEncoding } from '../qrscanner/text.ts';

export const BRIDGE_NAMESPACES = { kiosk: '/kiosk', hall: '/hall', tech: '/tech' } as const;
export type BridgeNamespace = (typeof BRIDGE_NAMESPACES)[keyof typeof BRIDGE_NAMESPACES];

/** Sent on every (re)connect: the full state, so a client never has to replay missed changes. */
export interface BridgeSnapshot {
  devices: DeviceStatus[];
  /** Bridge clock (epoch ms) when the snapshot was taken. */
  serverTime: number;
}

/**
 * What may leave the bridge about a card holder. Placeholder shape: the session work refines it. The ID number is
 * masked (first 4 + last 4 visible, see common rules); the chip photo is never sent.
 */
export interface CardHolderView {
  /** The card family as the ID card codec names it. */
  cardType: IdCardType;
  /** Display name as the kiosk may show it to the holder standing in front of it. */
  name: string;
  /** e.g. `4401**********123X`. */
  idNumberMasked: string;
  /** `YYYY-MM-DD` or `长期`. */
  validUntil?: string;
  expired?: boolean;
  /**
   * The reader's verdict (hall-rules.md "One authentication": number check character, birth date against the
   * number, expiry; `长期` never expires). false: the card must be refused, `invalid` says why.
   */
  valid?: boolean;
  invalid?: CardInvalidReason;
}

/** Why a card is refused: a machine code (`checkChar`, `birthMismatch`, `expired`, ...) and words for the citizen. */
export interface CardInvalidReason {
  reason: string;
  zh: string;
  en: string;
}

export interface CardReadEvent {
  deviceId: string;
  holder: CardHolderView;
  at: number;
  /** Set when the holder came from a scanned mobile identity code: there is no card on the reader to take away. */
  via?: 'identityCode';
}

/** `placeAgain`: take the card away and place it again (spec: after a read error the card must be re-placed). */
export const CARD_ERROR_CODES = ['placeAgain', 'unsupportedCard', 'invalidData', 'expired', 'readerFault'] as const;
export type CardErrorCode = (typeof CARD_ERROR_CODES)[number];

export interface CardErrorEvent {
  deviceId: string;
  code: CardErrorCode;
  message: string;
  at: number;
}

/**
 * A QR scanner read a code (qr-scanner.md). A code may be a bearer token (an identity code, a hand-off link), so
 * only a short preview and the length leave the bridge; the bridge itself validates the whole code before it means
 * anything.
 */
export interface CodeScannedEvent {
  deviceId: string;
  /** Per scanner, from 1 (two equal codes are two events). */
  seq: number;
  /** Bytes as read, without the suffix. */
  length: number;
  /** The first few characters (at most half the code) and the length, e.g. `GDID1.… (120 B)`. */
  preview: string;
  encoding: QrCodeEncoding;
  at: number;
}

/**
 * The card read last was taken off the reader (id-reader-sam.md: `find` answers 80 while a read card stays, so the
 * driver asks the card itself, see the reader driver). Carries no personal data.
 */
export interface CardRemovedEvent {
  deviceId: string;
  at: number;
}

/**
 * A print job's life (the printer driver in device-bridge documents the transitions): `queued` -> `printing` ->
 * `confirmed` (its process ID came back); paper out, cover open, an error or a lost link -> `interrupted` ->
 * `reprinting` (the whole job again with a reprint mark) -> `confirmed`; `failed` after too many attempts;
 * `canceled` when the client dropped it before it was confirmed.
 */
export const PRINT_JOB_STATES = ['queued', 'printing', 'interrupted', 'reprinting', 'confirmed', 'failed', 'canceled'] as const;
export type PrintJobState = (typeof PRINT_JOB_STATES)[number];

export interface PrintJobUpdate {
  jobId: string;
  /** The command that created the job, when it came from a client. */
  requestId?: string;
  deviceId: string;
  state: PrintJobState;
  /** How many times the whole job was printed again after an interruption. */
  reprints: number;
  message?: string;
  /**
   * Pages of a document job while the printer prints it: `done` from IPP `job-impressions-completed`, `total` from
   * `job-impressions` (null when the printer does not say). Absent for the ticket printer (one slip, no pages).
   */
  pages?: { done: number; total: number | null };
  at: number;
}

/** Events every namespace receives. */
export interface DeviceServerToClientEvents {
  snapshot: (snapshot: BridgeSnapshot) => void;
  deviceStatus: (status: DeviceStatus) => void;
}

/** Commands every namespace accepts; each ack is called exactly once. */
export interface DeviceClientToServerEvents {
  /** Ask for the snapshot again; result: `BridgeSnapshot`. */
  getSnapshot: (command: CommandEnvelope, ack: CompletionAck<BridgeSnapshot>) => void;
  /** Run a driver action; result: whatever that action documents. */
  deviceCommand: (command: DeviceCommand, ack: CompletionAck<unknown>) => void;
}

export interface KioskServerToClientEvents extends DeviceServerToClientEvents {
  cardRead: (event: CardReadEvent) => void;
  cardError: (event: CardErrorEvent) => void;
  cardRemoved: (event: CardRemovedEvent) => void;
  printJob: (update: PrintJobUpdate) => void;
  /** A QR scanner read a code (preview and length only). */
  codeScanned: (event: CodeScannedEvent) => void;
  /** What a scanned code did: signed in, or refused in words (contract/scannedCodes.ts). */
  scanResult: (event: ScanResultEvent) => void;
}
export interface KioskClientToServerEvents extends DeviceClientToServerEvents {}

/** Reserved for the hall issue (managers, clerks, hall display); requires a token. */
export interface HallServerToClientEvents extends DeviceServerToClientEvents {
  printJob: (update: PrintJobUpdate) => void;
  /** A clerk's key or a citizen's rating from a counter terminal (each exactly once, in order per terminal). */
  counterEvent: (event: CounterTerminalEvent) => void;
  /** A counter terminal dropped key presses because its FIFO was full. */
  counterOverflow: (event: CounterOverflowEvent) => void;
  /**
   * The counter workflow called or recalled a ticket (README "For the hall: counter terminals and
   * the hall display"); the hall display gets the same on /display.
   */
  call: (event: HallCallEvent) => void;
  /** A service window's state changed (call, start, finish, no-show, transfer, pause, resume). */
  windowState: (window: DisplayWindowView) => void;
  /** The manager dashboard (hallDashboard.ts): the whole view on connect and after changes. */
  hallDashboard: (dashboard: HallDashboard) => void;
  /** The active alerts, whenever one is raised or cleared. */
  hallAlerts: (event: HallAlertsEvent) => void;
}
export interface HallClientToServerEvents extends DeviceClientToServerEvents {}

/** The technician console; requires a technician or manager session (or the tech token). */
export interface TechServerToClientEvents extends KioskServerToClientEvents {
  /** New entries of a device's frame log, batched (at most a few per second per device). */
  deviceFrames: (event: DeviceFramesEvent) => void;
}
export interface TechClientToServerEvents extends DeviceClientToServerEvents {}
