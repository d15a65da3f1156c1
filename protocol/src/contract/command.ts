/**
 * One command model everywhere (architecture.md, "One command model everywhere"): every command carries a
 * `requestId` and an optional `timeout`; exactly one `Completion` comes back, with one of these codes.
 */

export const COMPLETION_CODES = [
  'success',
  'canceled',
  'timeOut',
  'deviceNotReady',
  'hardwareError',
  'userError',
  'invalidRequest',
] as const;
export type CompletionCode = (typeof COMPLETION_CODES)[number];

export interface Completion<T = unknown> {
  /** The requestId of the command this completes. */
  requestId: string;
  code: CompletionCode;
  /** For people; present when `code` is not `success` (never personal data). */
  message?: string;
  /** Only with `success`. */
  result?: T;
}

/**
 * Every command from a client or a service. `requestId` is chosen by the client and makes the command idempotent:
 * a repeated requestId gets the first completion again and never runs twice. `timeout` is in milliseconds; the
 * bridge applies its own default when absent.
 */
export interface CommandEnvelope {
  requestId: string;
  timeout?: number;
}

/** The bounds the bridge accepts for `CommandEnvelope` (also documented for UI authors). */
export const COMMAND_LIMITS = {
  requestIdMaxLength: 128,
  timeoutMinMs: 1,
  timeoutMaxMs: 600_000,
  defaultTimeoutMs: 10_000,
} as const;

/**
 * A command addressed to one device by id: `action` names what the device's driver offers (each driver documents
 * its actions, e.g. the printer's `print`), `args` are that action's arguments. Used by the technician console and
 * by early UI work; later issues add purpose-built commands (take a ticket, print a certificate).
 */
export interface DeviceCommand extends CommandEnvelope {
  deviceId: string;
  action: string;
  args?: Record<string, unknown>;
}

/** Socket.io acknowledgement callback: called exactly once with the command's completion. */
export type CompletionAck<T = unknown> = (completion: Completion<T>) => void;
