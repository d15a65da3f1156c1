/**
 * Serial ports through `serialport` v13: `/dev/ttyUSB0`, `/dev/serial/by-id/...`, or a PTY made by socat.
 */
import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import { SerialPort } from 'serialport';
import {
  asBytes,
  TransportClosedError,
  type Transport,
  type TransportCloseReason,
  type TransportEventMap,
  type TransportOptions,
} from './transport.ts';

/**
 * How often an open port checks that its device node still exists. serialport notices most unplugs itself (a read
 * error closes the port with `disconnected`), but when the device vanishes before the first read is queued the
 * binding's read returns 0 bytes in a loop and never reports it (seen with socat PTYs). An unplugged USB adapter or
 * a PTY whose socat exited also removes its node (and its /dev/serial/by-id link), so a missing path is an unplug.
 */
const PRESENCE_CHECK_MS = 250;

export class SerialTransport extends EventEmitter<TransportEventMap> implements Transport {
  private port: SerialPort | null = null;
  private presenceTimer: NodeJS.Timeout | null = null;
  /** The reason we announce when the port closes; set before we close it ourselves. */
  private closingReason: TransportCloseReason | null = null;
  private closingError: Error | undefined;

  constructor(
    readonly path: string,
    private readonly options: TransportOptions,
  ) {
    super();
    if (!path) throw new Error('SerialTransport: path is empty');
    if (!Number.isInteger(options.baud) || options.baud <= 0) throw new Error(`SerialTransport ${path}: bad baud ${options.baud}`);
  }

  get isOpen(): boolean {
    return this.port?.isOpen === true;
  }

  async open(): Promise<void> {
    if (this.port) throw new Error(`SerialTransport ${this.path}: already open`);
    const port = new SerialPort({ path: this.path, baudRate: this.options.baud, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((err) => (err ? reject(new Error(`cannot open ${this.path}: ${err.message}`)) : resolve())),
    );
    // Buffers are flushed on reopen so no stale reply is taken for a new one. Flush before we start
    // reading (a 'data' listener switches the stream to flowing mode).
    await new Promise<void>((resolve) => port.flush(() => resolve()));
    this.port = port;
    this.closingReason = null;
    this.closingError = undefined;
    port.on('data', (chunk: Buffer) => this.emit('data', asBytes(chunk)));
    // Read/write errors: report them as a close with reason 'error' and drop the port.
    port.on('error', (err: Error) => this.shutdown('error', err));
    port.on('close', (err: (Error & { disconnected?: boolean }) | null) => {
      if (this.port !== port) return;
      this.port = null;
      this.stopPresenceCheck();
      // serialport passes an error with `disconnected: true` when the device vanished (USB unplug, PTY gone).
      const reason = this.closingReason ?? (err?.disconnected ? 'disconnected' : err ? 'error' : 'disconnected');
      this.emit('close', { reason, error: this.closingError ?? err ?? undefined });
    });
    this.startPresenceCheck(port);
    this.emit('open');
  }

  private startPresenceCheck(port: SerialPort): void {
    this.presenceTimer = setInterval(() => {
      stat(this.path).catch(() => {
        if (this.port === port) void this.shutdown('disconnected', new Error(`${this.path} disappeared`));
      });
    }, PRESENCE_CHECK_MS);
    this.presenceTimer.unref();
  }

  private stopPresenceCheck(): void {
    if (this.presenceTimer) clearInterval(this.presenceTimer);
    this.presenceTimer = null;
  }

  write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port || !port.isOpen) return Promise.reject(new TransportClosedError(this.path));
    return new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (err) => {
        if (err) {
          reject(err);
          this.shutdown('error', err);
          return;
        }
        port.drain((err2) => (err2 ? reject(err2) : resolve()));
      });
    });
  }

  async close(reason: TransportCloseReason = 'requested'): Promise<void> {
    await this.shutdown(reason);
  }

  private shutdown(reason: TransportCloseReason, error?: Error): Promise<void> {
    const port = this.port;
    if (!port) return Promise.resolve();
    this.closingReason ??= reason;
    this.closingError ??= error;
    if (!port.isOpen) {
      // The port already failed; make sure 'close' is still announced exactly once.
      this.port = null;
      this.stopPresenceCheck();
      this.emit('close', { reason: this.closingReason, error: this.closingError });
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      port.once('close', () => resolve());
      port.close((err) => {
        if (err) resolve();
      });
    });
  }
}

export interface SerialPortInfo {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
  pnpId?: string;
}

/**
 * The machine's serial ports for the technician console. Never throws: on Linux `SerialPort.list()`
 * shells out to `udevadm`, which is missing in containers and minimal images, so any failure yields
 * [].
 */
export async function listSerialPorts(): Promise<SerialPortInfo[]> {
  try {
    const ports = await SerialPort.list();
    return ports.map((p) => ({
      path: p.path,
      manufacturer: p.manufacturer,
      serialNumber: p.serialNumber,
      vendorId: p.vendorId,
      productId: p.productId,
      pnpId: p.pnpId,
    }));
  } catch {
    return [];
  }
}
