/**
 * The recorder's tap at the transport layer (README "Record and replay"): wraps one device port's Transport and
 * tells the recorder every chunk in and out and every open, close and failed open, then passes everything on
 * unchanged. Sits under ReconnectingTransport, so each reconnection attempt is seen as it happens.
 */
import { EventEmitter } from 'node:events';
import type { Transport, TransportCloseReason, TransportEventMap } from '../transport/index.ts';
import type { PortTap } from './recorder.ts';

export class RecordingTransport extends EventEmitter<TransportEventMap> implements Transport {
  constructor(
    private readonly inner: Transport,
    private readonly tap: PortTap,
  ) {
    super();
    inner.on('data', (chunk) => {
      this.tap.rx(chunk);
      this.emit('data', chunk);
    });
    inner.on('open', () => {
      this.tap.port('open');
      this.emit('open');
    });
    inner.on('close', (info) => {
      this.tap.port('close', info.error ? `${info.reason}: ${info.error.message}` : info.reason);
      this.emit('close', info);
    });
  }

  get path(): string {
    return this.inner.path;
  }

  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  async open(): Promise<void> {
    try {
      await this.inner.open();
    } catch (err) {
      this.tap.port('error', (err as Error).message);
      throw err;
    }
  }

  close(reason?: TransportCloseReason): Promise<void> {
    return this.inner.close(reason);
  }

  write(bytes: Uint8Array): Promise<void> {
    this.tap.tx(bytes);
    return this.inner.write(bytes);
  }
}
