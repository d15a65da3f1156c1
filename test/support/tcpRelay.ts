/**
 * A TCP relay to a real server (PostgreSQL, Redis) that a test can cut and restore, standing in for the server going
 * away: the shared servers themselves are never stopped, other suites use them at the same time.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class TcpRelay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  /** 0 until the first listen; then the same port on every listen, so clients find it again. */
  port = 0;

  constructor(private readonly host: string, private readonly targetPort: number) {}

  async listen(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = createConnection(this.targetPort, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Drops every connection but keeps listening (a connection lost, the server still there). */
  drop(): void {
    for (const s of this.sockets) s.destroy();
  }

  /** Drops every connection and stops listening (the server gone). */
  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
    this.server = null;
  }
}
