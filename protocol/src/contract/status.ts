/**
 * Device status model shared by the bridge and every UI (architecture.md "One command model
 * everywhere"). Plain types and constant lists only: no I/O, no validation library, so the kiosk UI
 * can import it in the browser.
 */

import type { CounterTerminalStatus } from './counterBus.ts';

/** The device families the bridge drives. */
export const DEVICE_KINDS = ['idreader', 'printer', 'counterbus', 'qrscanner', 'docprinter'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/**
 * - `starting`: the bridge is opening the port / running the driver's start-up sequence.
 * - `online`: ready for commands.
 * - `offline`: the port is gone or the device stopped answering; the bridge keeps reconnecting.
 * - `hardwareError`: the device answers but reports a fault it cannot recover from alone (e.g. SAM self-test).
 * - `userError`: a condition a person fixes (paper out, cover open, card to be placed again).
 * - `busy`: working on a command (printing a job, reading a card).
 * - `noDevice`: configured but not driven (no driver registered for its kind, or disabled).
 */
export const DEVICE_STATES = ['starting', 'online', 'offline', 'hardwareError', 'userError', 'busy', 'noDevice'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

export const PAPER_STATES = ['full', 'low', 'out', 'unknown'] as const;
export type PaperState = (typeof PAPER_STATES)[number];

/** The last error a device reported; `at` is epoch milliseconds. */
export interface DeviceErrorInfo {
  /** Short machine-readable code, e.g. `timeOut`, `samSelfTestFailed`, `paperOut`. */
  code: string;
  /** Human-readable, never containing personal data. */
  message: string;
  at: number;
}

export interface DeviceStatus {
  /** The configured device id (unique per bridge). */
  id: string;
  kind: DeviceKind;
  state: DeviceState;
  /** Printers only. */
  paper?: PaperState;
  /** Free-form media description where a device has one (e.g. `80mm`, a SAM id display string). */
  media?: string;
  /** One line for people: why the state is what it is. */
  detail: string;
  /** Frames, checksumErrors, discardedBytes, timeouts, reconnects, ... plus driver-specific counters. */
  counters: Record<string, number>;
  lastError: DeviceErrorInfo | null;
  /** Epoch milliseconds when `state` last changed. */
  since: number;
  /** Counter buses only: each configured terminal on the line (the bus itself is online while its port is open). */
  terminals?: CounterTerminalStatus[];
}
