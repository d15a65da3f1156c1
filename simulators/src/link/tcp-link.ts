/**
 * A simulated device on a raw TCP port, like a serial device server in TCP server mode: the host connects and the
 * bytes on the socket are the bytes on the serial line, paced at the line's baud.
 *
 * One host at a time, and a new connection REPLACES the current one (the old socket is closed). A host that crashed
 * or lost its network leaves a half-open socket behind; refusing newcomers would lock it out of its own reconnect,
 * which is the case the bridge's reconnect logic exists for. The device sees attach(null) then attach(newLine).
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { SimDevice } from '../core/device.ts';
import { HostSession, type SessionCounters } from './host-session.ts';
import type { LinkSnapshot, SimLink } from './types.ts';
import { checkBaud } from './wire-pacer.ts';

export interface TcpLinkOptions {
  baud: number;
  /** TCP port; 0 (default) picks a free one, kept across vanish()/restore(). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1; use 0.0.0.0 to reach the simulator from another machine). */
  host?: string;
}

export class TcpLink extends EventEmitter implements SimLink {
  readonly kind = 'tcp' as const;
  readonly baud: number;
  private readonly host: string;
  private wantedPort: number;
  private server: net.Server | null = null;
  private session: HostSession | null = null;
  private vanished = false;
  private readonly counters: SessionCounters & { connections: number } = { rxBytes: 0, txBytes: 0, connections: 0 };

  constructor(
    readonly device: SimDevice,
    opts: TcpLinkOptions,
  ) {
    super();
    this.baud = checkBaud(opts.baud);
    const port = opts.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`TCP port must be an integer 0..65535, got ${String(opts.port)}`);
    }
    this.wantedPort = port;
    this.host = opts.host ?? '127.0.0.1';
  }

  /** The listening port (after start()). */
  get port(): number {
    return this.wantedPort;
  }

  get address(): string {
    return `${this.host}:${this.wantedPort}`;
  }

  get hostConnected(): boolean {
    return this.session !== null;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.wantedPort, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // A listener error after start (rare: the interface went away) must not crash the process.
    server.on('error', (err) => this.emit('fault', err));
    this.server = server;
    const addr = server.address();
    if (addr && typeof addr === 'object') this.wantedPort = addr.port;
    this.vanished = false;
  }

  async vanish(): Promise<void> {
    this.vanished = true;
    this.log('port vanished');
    await this.stopServer();
  }

  async restore(): Promise<void> {
    await this.start();
    this.log(`port restored at ${this.address}`);
  }

  async close(): Promise<void> {
    await this.stopServer();
  }

  snapshot(): LinkSnapshot {
    return {
      kind: this.kind,
      baud: this.baud,
      address: this.address,
      port: this.wantedPort,
      up: !this.vanished && this.server !== null,
      hostConnected: this.hostConnected,
      rxBytes: this.counters.rxBytes,
      txBytes: this.counters.txBytes,
      connections: this.counters.connections,
    };
  }

  /** Drop the current host, if any (the listener stays). */
  dropHost(): void {
    this.session?.end();
  }

  private accept(socket: net.Socket): void {
    if (this.session) {
      this.log('a new host connected: replacing the previous one');
      this.session.end();
    }
    this.counters.connections++;
    const session = new HostSession(
      socket,
      this.device,
      this.baud,
      this.counters,
      (s) => this.ended(s),
      (err) => this.emit('fault', err instanceof Error ? err : new Error(String(err))),
    );
    this.session = session;
    this.log(`host connected from ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`);
    this.attachDevice(session.line);
    this.emit('host', true);
  }

  private ended(s: HostSession): void {
    if (this.session !== s) return;
    this.session = null;
    this.attachDevice(null);
    this.log('host disconnected');
    this.emit('host', false);
  }

  /** A device that throws on attach is a bug in the model; report it instead of crashing the socket callback. */
  private attachDevice(line: HostSession['line'] | null): void {
    try {
      this.device.attach(line);
    } catch (err) {
      this.emit('fault', err instanceof Error ? err : new Error(String(err)));
    }
  }

  private async stopServer(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.session?.end();
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private log(note: string): void {
    this.emit('log', { dir: 'link', note });
  }
}
