/**
 * One attached host on a byte stream (a TCP socket; for a PTY, the socket from the socat bridge): paces bytes both
 * ways at the line's baud and presents the stream to the device as a `SimLine`.
 */
import type { Socket } from 'node:net';
import type { SimDevice, SimLine } from '../core/device.ts';
import { byteWireMs, WirePacer } from './wire-pacer.ts';

/** Above this many paced-but-undelivered host bytes we stop reading the socket (TCP backpressure to the host). */
const RX_HIGH_WATER = 64 * 1024;

export interface SessionCounters {
  rxBytes: number;
  txBytes: number;
}

export class HostSession {
  readonly line: SimLine;
  private readonly toHost: WirePacer;
  private readonly toDevice: WirePacer;
  private ended = false;

  constructor(
    private readonly socket: Socket,
    private readonly device: SimDevice,
    baud: number,
    private readonly counters: SessionCounters,
    private readonly onEnd: (s: HostSession) => void,
    onFault: (err: unknown) => void,
  ) {
    socket.setNoDelay(true);
    this.toHost = new WirePacer(
      baud,
      (chunk) => {
        if (socket.destroyed || !socket.writable) return;
        counters.txBytes += chunk.length;
        socket.write(chunk);
      },
      { onSinkError: onFault, preciseEnd: true },
    );
    this.toDevice = new WirePacer(
      baud,
      (chunk) => {
        counters.rxBytes += chunk.length;
        device.receive(chunk);
      },
      { onSinkError: onFault, preciseEnd: true },
    );
    const toHost = this.toHost;
    const ms = byteWireMs(baud);
    this.line = {
      baud,
      // After the session ended the pacer is closed, so late sends are dropped as on an unplugged line.
      send: (bytes: Uint8Array) => toHost.push(bytes),
      wireMs: (n: number) => n * ms,
    };
    socket.on('data', (data: Buffer) => this.fromHost(data));
    socket.on('error', () => this.end());
    socket.on('close', () => this.end());
    socket.on('end', () => this.end());
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Drop the host: pending bytes both ways are lost, as when a cable is pulled. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.toHost.close();
    this.toDevice.close();
    this.socket.destroy();
    this.onEnd(this);
  }

  private fromHost(data: Buffer): void {
    if (this.ended) return;
    const done = this.toDevice.push(new Uint8Array(data.buffer, data.byteOffset, data.length));
    if (this.toDevice.pending > RX_HIGH_WATER && !this.socket.isPaused()) {
      this.socket.pause();
      void done.then(() => {
        if (!this.ended) this.socket.resume();
      });
    }
  }
}
