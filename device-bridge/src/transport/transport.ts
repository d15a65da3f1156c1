/**
 * Bytes in and out of one device port, whatever carries them. A `Transport` is one
 * connection attempt at a time: `open()` either connects or rejects, and a lost connection is reported once as a
 * `close` event with its reason. Reconnection is not its job: `ReconnectingTransport` supervises any Transport.
 *
 * Errors never escape as EventEmitter 'error' events (which would crash the process when unhandled): a read or write
 * error closes the transport with reason `error` and the error attached.
 */
import type { EventEmitter } from 'node:events';

/**
 * - `requested`: our own close().
 * - `disconnected`: the device went away (USB unplugged, PTY master closed, TCP peer closed).
 * - `error`: a read/write error on an open port.
 * - `watchdog`: the driver's application-level poll stopped getting answers, so the link is recycled.
 */
export type TransportCloseReason = 'requested' | 'disconnected' | 'error' | 'watchdog';

export interface TransportCloseInfo {
  reason: TransportCloseReason;
  error?: Error;
}

export interface TransportEventMap {
  open: [];
  data: [chunk: Uint8Array];
  close: [info: TransportCloseInfo];
}

/** What a consumer of bytes (the per-device actor) needs: write, and hear data/open/close. */
export interface ByteChannel extends EventEmitter<TransportEventMap> {
  /** Where the bytes go: a serial path or `tcp://host:port`. */
  readonly path: string;
  readonly isOpen: boolean;
  /** Resolves when the bytes have left our buffers (serial: drained to the UART; TCP: handed to the kernel). */
  write(bytes: Uint8Array): Promise<void>;
  /** Successful opens after the first, when the channel reconnects by itself (it alone counts them). */
  readonly reconnects?: number;
}

export interface Transport extends ByteChannel {
  /** Connect; rejects with an Error naming the path when that is impossible. Input pending from before is flushed. */
  open(): Promise<void>;
  /** Close (idempotent). Emits `close` with the given reason (default `requested`) if it was open. */
  close(reason?: TransportCloseReason): Promise<void>;
}

export interface TransportOptions {
  /** Serial line speed; ignored for TCP (the device server's port is configured on the server). */
  baud: number;
}

/** Thrown by write() on a transport that is not open. */
export class TransportClosedError extends Error {
  constructor(path: string) {
    super(`transport ${path} is not open`);
    this.name = 'TransportClosedError';
  }
}

/** Adapts a Node Buffer to a plain Uint8Array view without copying (consumers must not rely on Buffer methods). */
export function asBytes(chunk: Buffer): Uint8Array {
  return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
