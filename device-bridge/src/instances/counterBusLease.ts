/**
 * Exactly one instance drives a hall's counter bus (README "Many instances"): the bus is one serial line at the
 * hall, and two masters polling it would garble every frame (counter-bus.md: one master). The lease is a
 * PostgreSQL session-level advisory lock held on a connection of its own:
 *
 * - an instance that takes the lock owns the bus for as long as that connection lives; when the process dies or its
 *   connection breaks, PostgreSQL ends the session and the lock is free again — no expiry time to tune, no clock;
 * - every other instance tries again every `checkMs`; the first to succeed takes the bus over;
 * - the owner checks its connection on the same period (a failed check within `checkMs` counts as lost): from the
 *   moment it cannot be sure it holds the lock it must stop driving the bus, because another instance may have
 *   taken it. A driver object is not restarted (devices/driver.ts), so an instance that lost the bus while alive
 *   leaves it to the others until it is restarted.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import pg from 'pg';

export interface CounterBusLeaseOptions {
  /** PostgreSQL URL without the schema parameter (store/hallStoreSetting.ts). */
  url: string;
  /** What is leased: one name per hall (its schema and hall id), the same on every instance of the hall. */
  name: string;
  checkMs: number;
  log: Logger;
}

export type LeaseState = 'waiting' | 'owner' | 'lost' | 'closed';

export class CounterBusLease extends EventEmitter<{ acquired: []; lost: [reason: string] }> {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private current: LeaseState = 'waiting';
  private checking = false;

  constructor(private readonly o: CounterBusLeaseOptions) {
    super();
  }

  get state(): LeaseState {
    return this.current;
  }

  /** The PostgreSQL backend holding the lock while owner (operators find it in pg_stat_activity; tests end it). */
  get sessionPid(): number | null {
    return this.current === 'owner' ? this.pid : null;
  }
  private pid: number | null = null;

  /** Tries now, then every `checkMs`. */
  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.o.checkMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.current = 'closed';
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // Ending the session releases the lock at once, so another instance takes over on its next try.
    await this.dropClient();
  }

  private async tick(): Promise<void> {
    if (this.checking || this.current === 'closed' || this.current === 'lost') return;
    this.checking = true;
    try {
      if (this.current === 'owner') await this.confirm();
      else await this.tryTake();
    } finally {
      this.checking = false;
    }
  }

  private async tryTake(): Promise<void> {
    try {
      const client = await this.connection();
      const r = await client.query<{ taken: boolean; pid: number }>(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS taken, pg_backend_pid() AS pid', [this.lockName()]);
      if (r.rows[0]?.taken && this.current === 'waiting') {
        this.pid = r.rows[0].pid;
        this.current = 'owner';
        this.o.log.info({ lease: this.o.name }, 'counter bus lease taken: this instance drives the counter bus');
        this.emit('acquired');
      }
    } catch (err) {
      // Database away: nothing to take; try again on the next tick with a fresh connection.
      this.o.log.debug({ err: (err as Error).message }, 'counter bus lease: database unavailable');
      await this.dropClient();
    }
  }

  private async confirm(): Promise<void> {
    try {
      const client = this.client;
      if (!client) throw new Error('lease connection gone');
      await client.query('SELECT 1');
    } catch (err) {
      this.lose(`lease connection failed: ${(err as Error).message}`);
    }
  }

  private lose(reason: string): void {
    if (this.current !== 'owner') return;
    this.current = 'lost';
    this.o.log.error({ lease: this.o.name, reason }, 'counter bus lease lost: this instance stops driving the counter bus (restart it to stand by again)');
    void this.dropClient();
    this.emit('lost', reason);
  }

  private lockName(): string {
    return `onedoor counter bus ${this.o.name}`;
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.o.url,
      application_name: 'onedoor-counterbus-lease',
      connectionTimeoutMillis: this.o.checkMs,
      query_timeout: this.o.checkMs,
      keepAlive: true,
    });
    // A broken connection of the owner means the lock may be gone (pg_terminate_backend, server restart).
    client.on('error', (err) => this.lose(err.message));
    client.on('end', () => {
      if (this.client === client) this.client = null;
      this.lose('lease connection ended');
    });
    this.client = client;
    try {
      await client.connect();
    } catch (err) {
      this.client = null;
      throw err;
    }
    return client;
  }

  private async dropClient(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => undefined);
  }
}
