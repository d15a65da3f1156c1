/**
 * Keeps one Transport connected for as long as the bridge runs (capped exponential backoff: a
 * device that is unplugged and plugged back is online again within 2 s of reappearing; README
 * "Benchmarks", `bridge-replug`).
 *
 * Retry delays start at `minDelayMs` and double up to `maxDelayMs` (defaults 100 ms -> 1 s), so a device that
 * reappears is retried at most 1 s later, leaving the driver's start-up sequence the other second. The delay resets
 * after every successful open. Consumers see the inner transport's `open` / `data` / `close` events unchanged;
 * failed attempts go to `options.onRetry`.
 */
import { EventEmitter } from 'node:events';
import {
  TransportClosedError,
  type ByteChannel,
  type Transport,
  type TransportCloseReason,
  type TransportEventMap,
} from './transport.ts';

export interface BackoffOptions {
  /** First retry delay after a loss or a failed open. Default 100 ms. */
  minDelayMs?: number;
  /** Cap of the doubling delay. Default 1000 ms. */
  maxDelayMs?: number;
  /** Told about each failed attempt (for logs and the technician console). */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  /** 1 for the first failed attempt after the link was lost (or since start). */
  attempt: number;
  delayMs: number;
  error: Error;
}

/** Delay before attempt n (1-based) of a reconnection series. Exported for the unit test of the schedule. */
export function backoffDelay(attempt: number, minDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, minDelayMs * 2 ** Math.max(0, attempt - 1));
}

export class ReconnectingTransport extends EventEmitter<TransportEventMap> implements ByteChannel {
  /** Successful opens after the first one. */
  reconnects = 0;
  private opens = 0;
  private failures = 0;
  private running = false;
  private opening = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onRetry: ((info: RetryInfo) => void) | undefined;

  constructor(
    readonly inner: Transport,
    options: BackoffOptions = {},
  ) {
    super();
    this.minDelayMs = options.minDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 1000;
    this.onRetry = options.onRetry;
    if (!(this.minDelayMs > 0) || !(this.maxDelayMs >= this.minDelayMs)) {
      throw new Error(`ReconnectingTransport: need 0 < minDelayMs <= maxDelayMs, got ${this.minDelayMs}/${this.maxDelayMs}`);
    }
    inner.on('data', (chunk) => this.emit('data', chunk));
    inner.on('open', () => {
      this.failures = 0;
      if (this.opens++ > 0) this.reconnects++;
      this.emit('open');
    });
    inner.on('close', (info) => {
      this.emit('close', info);
      if (this.running) this.schedule(this.minDelayMs);
    });
  }

  get path(): string {
    return this.inner.path;
  }

  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  /** Begin connecting (returns at once; listen for `open`). */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.attempt();
  }

  /** Stop for good: cancel retries and close the inner transport. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inner.close('requested');
  }

  /**
   * Recycle the link (the driver's watchdog saw the device stop answering): close with `reason`, then reconnect on
   * the normal schedule. Closing and reopening a serial port also flushes whatever stale bytes were pending.
   */
  async restart(reason: TransportCloseReason = 'watchdog'): Promise<void> {
    if (!this.running) return;
    if (this.inner.isOpen) await this.inner.close(reason);
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.inner.isOpen) return Promise.reject(new TransportClosedError(this.path));
    return this.inner.write(bytes);
  }

  private schedule(delayMs: number): void {
    if (!this.running || this.timer || this.opening) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.attempt();
    }, delayMs);
    this.timer.unref?.();
  }

  private async attempt(): Promise<void> {
    if (!this.running || this.opening || this.inner.isOpen) return;
    this.opening = true;
    try {
      await this.inner.open();
      this.opening = false;
      // stop() may have been called while we were opening.
      if (!this.running) await this.inner.close('requested');
    } catch (err) {
      this.opening = false;
      this.failures++;
      const delayMs = backoffDelay(this.failures, this.minDelayMs, this.maxDelayMs);
      this.onRetry?.({ attempt: this.failures, delayMs, error: err as Error });
      this.schedule(delayMs);
    }
  }
}
