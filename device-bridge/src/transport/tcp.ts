/**
 * Raw TCP to a serial device server (`tcp://host:port`, the server in "raw TCP" / "TCP server" mode): the socket
 * carries the serial bytes unchanged in both directions.
 */
import { EventEmitter } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import {
  TransportClosedError,
  type Transport,
  type TransportCloseReason,
  type TransportEventMap,
} from './transport.ts';

const CONNECT_TIMEOUT_MS = 3000;

export interface TcpAddress {
  host: string;
  port: number;
}

/** Parses `tcp://host:port` (IPv6 as `tcp://[::1]:port`); throws an Error naming what is wrong. */
export function parseTcpPath(path: string): TcpAddress {
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/\s]+):(\d{1,5})\/?$/.exec(path);
  if (!m) throw new Error(`bad TCP path "${path}": expected tcp://host:port`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new Error(`bad TCP path "${path}": port must be 1-65535`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

export class TcpTransport extends EventEmitter<TransportEventMap> implements Transport {
  private socket: Socket | null = null;
  private closingReason: TransportCloseReason | null = null;
  private closingError: Error | undefined;
  private readonly address: TcpAddress;

  constructor(readonly path: string) {
    super();
    this.address = parseTcpPath(path);
  }

  get isOpen(): boolean {
    return this.socket !== null;
  }

  open(): Promise<void> {
    if (this.socket) return Promise.reject(new Error(`TcpTransport ${this.path}: already open`));
    return new Promise<void>((resolve, reject) => {
      const socket = createConnection({ host: this.address.host, port: this.address.port });
      const timer = setTimeout(() => socket.destroy(new Error('connect timed out')), CONNECT_TIMEOUT_MS);
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(new Error(`cannot connect to ${this.path}: ${err.message}`));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.setNoDelay(true);
        // Keepalive notices a device server that vanished without a FIN (power cut) even when we are idle.
        socket.setKeepAlive(true, 5000);
        this.socket = socket;
        this.closingReason = null;
        this.closingError = undefined;
        socket.on('data', (chunk: Buffer) => this.emit('data', chunk));
        socket.on('error', (err) => {
          this.closingReason ??= 'error';
          this.closingError ??= err;
        });
        // The peer closing its side means the device server dropped us: close ours too.
        socket.on('end', () => socket.destroy());
        socket.on('close', () => {
          if (this.socket !== socket) return;
          this.socket = null;
          this.emit('close', { reason: this.closingReason ?? 'disconnected', error: this.closingError });
        });
        this.emit('open');
        resolve();
      });
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new TransportClosedError(this.path));
    return new Promise<void>((resolve, reject) => {
      socket.write(bytes, (err) => (err ? reject(err) : resolve()));
    });
  }

  close(reason: TransportCloseReason = 'requested'): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    this.closingReason ??= reason;
    return new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }
}
