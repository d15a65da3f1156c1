/**
 * What every link (a PTY made with socat, or a raw TCP port) offers to the hub, the control API and tests. A link
 * carries exactly one device; the device sees it only as a `SimLine` (see `../core/device.ts`).
 */
import type { EventEmitter } from 'node:events';

export type LinkKind = 'pty' | 'tcp';

export interface LinkSnapshot {
  kind: LinkKind;
  baud: number;
  /** What a host opens: the PTY symlink path, or `host:port`. */
  address: string;
  path?: string;
  port?: number;
  /** False between vanish() and restore() (the port is gone). */
  up: boolean;
  /** A host is attached: a TCP client is connected, or (PTY) the link's socat bridge is running. */
  hostConnected: boolean;
  /** Bytes delivered to the device / sent to the host since start. */
  rxBytes: number;
  txBytes: number;
  /** Host connections accepted since start (TCP), or socat (re)starts (PTY). */
  connections: number;
}

/**
 * Events: 'host' (boolean: a host attached / detached), 'log' ({dir: 'link', note}) for the technician console,
 * 'fault' (Error: something went wrong inside the link, e.g. socat could not be restarted, or the device threw).
 */
export interface SimLink extends EventEmitter {
  readonly kind: LinkKind;
  readonly baud: number;
  /** What a host opens: the PTY symlink path, or `host:port`. Valid after start(). */
  readonly address: string;
  readonly path?: string;
  readonly port?: number;
  start(): Promise<void>;
  /** The port disappears: PTY closed and its symlink removed / TCP connections dropped and the listener closed. */
  vanish(): Promise<void>;
  /** The port comes back at the same path / port. */
  restore(): Promise<void>;
  /** Stop for good (does not close the device). */
  close(): Promise<void>;
  snapshot(): LinkSnapshot;
}

export interface LinkLogEntry {
  dir: 'link';
  note: string;
}
