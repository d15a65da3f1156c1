/**
 * The contract between a simulated device (a behaviour model: state + reactions to decoded frames) and the link it
 * sits behind (a PTY made with socat, or a raw TCP port). Links live in `../link/`, devices in `../idreader/`,
 * `../printer/`, `../counterbus/`, `../qrscanner/`. The control surfaces (class API, CLI, HTTP/socket.io) drive devices only through
 * this interface, so a new device kind needs no change to them.
 */
import type { EventEmitter } from 'node:events';

export type SimKind = 'idreader' | 'printer' | 'counterbus' | 'qrscanner';

/** The simulated serial line as the device sees it. */
export interface SimLine {
  /** Line speed; the link paces bytes at 10 bits per byte (8N1). */
  readonly baud: number;
  /**
   * Queue bytes for the host. Resolves when the last byte has left the simulated wire (wire time at `baud`).
   * Bytes written while no host is attached are dropped, as on a real unplugged line.
   */
  send(bytes: Uint8Array): Promise<void>;
  /** Seconds on the wire for n bytes at this line's baud (10 bits a byte). */
  wireMs(n: number): number;
}

/** One action a technician, a test or a scenario can perform on a device (place a card, paper out, press a key). */
export interface SimActionInfo {
  name: string;
  /** Argument names in order, for the CLI (`place-card <holder>`). */
  args: string[];
  help: string;
}

export interface SimDevice extends EventEmitter {
  readonly id: string;
  readonly kind: SimKind;
  /** Called by the link when a host is attached (line up) and with null when detached. */
  attach(line: SimLine | null): void;
  /** Bytes from the host, already paced at the line's wire time, in arbitrary chunks. */
  receive(bytes: Uint8Array): void;
  /** A JSON-serialisable view of the device's state for the control API and the technician console. */
  snapshot(): Record<string, unknown>;
  /** Every action this device accepts. */
  actions(): SimActionInfo[];
  /** Perform an action; throws an Error with a clear message for an unknown action or a bad argument. */
  act(name: string, args: Record<string, unknown>): Promise<unknown>;
  /** Stop timers; the device will not be used again. */
  close(): void;
}

/**
 * Events a device emits (EventEmitter): 'state' (snapshot changed, payload: snapshot()), 'log' ({dir:'rx'|'tx',
 * hex, note}) for the technician console, and device-specific ones documented in each device (e.g. the printer's
 * 'ticket' when a ticket is cut).
 */
export type SimDeviceEvents = 'state' | 'log';
