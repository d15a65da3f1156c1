/**
 * Delivers the outbox (docs/notification-gateway.md "Retries"): claims pending notices that are due (each claim is
 * one attempt and a lease, so two instances never send the same row at once and a crashed one's rows come back),
 * hands each to the gateway, and records sent, a retry with backoff (30 s, 1 min, 2 min ... at most 1 h), or failed
 * after `maxAttempts` or a permanent refusal. The gateway's idempotency key makes the rare second delivery (a crash
 * between the gateway's answer and the outbox update) harmless.
 */
import type { Logger } from 'pino';
import { maskIdNumber } from '@onedoor/protocol';
import type { HallStore } from '../../store/hallStore.ts';
import { HallClock } from '../clock.ts';
import { PermanentDeliveryError, type NotificationGateway } from './gateway.ts';
import { messageOf } from './resultNotices.ts';

export interface NoticeDispatcherOptions {
  clock?: HallClock;
  /** Attempts before a notice is failed (default 8). */
  maxAttempts?: number;
  /** First retry delay; doubles with each attempt up to `maxDelayMs` (defaults 30 s and 1 h). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long a claimed row is left to this dispatcher before another may take it (default 2 min). */
  leaseMs?: number;
  /** Rows per round (default 20). */
  batch?: number;
  log?: Pick<Logger, 'info' | 'warn'>;
}

export interface DispatchRound {
  sent: number;
  retried: number;
  failed: number;
}

export class NoticeDispatcher {
  private readonly clock: HallClock;
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<DispatchRound> | null = null;

  constructor(private readonly store: HallStore, private readonly gateway: NotificationGateway, private readonly opts: NoticeDispatcherOptions = {}) {
    this.clock = opts.clock ?? new HallClock();
  }

  /** The delay before attempt `attempts + 1` (attempts already made >= 1). */
  retryDelay(attempts: number): number {
    const base = this.opts.baseDelayMs ?? 30_000;
    return Math.min(this.opts.maxDelayMs ?? 3_600_000, base * 2 ** Math.max(0, attempts - 1));
  }

  /** One round over the due notices; rounds never overlap (a call during a round gets that round's result). */
  runOnce(): Promise<DispatchRound> {
    this.running ??= this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async round(): Promise<DispatchRound> {
    const out: DispatchRound = { sent: 0, retried: 0, failed: 0 };
    const max = this.opts.maxAttempts ?? 8;
    const claimed = await this.store.claimNotices(this.clock.now(), this.opts.leaseMs ?? 120_000, this.opts.batch ?? 20);
    for (const n of claimed) {
      const masked = maskIdNumber(n.holderNumber);
      try {
        await this.gateway.send(messageOf(n, this.store.hallId));
        await this.store.finishNoticeAttempt(n.id, { status: 'sent', at: this.clock.now() });
        out.sent++;
      } catch (err) {
        const error = (err as Error)?.message ?? String(err);
        if (err instanceof PermanentDeliveryError || n.attempts >= max) {
          await this.store.finishNoticeAttempt(n.id, { status: 'failed', error });
          this.opts.log?.warn({ notice: n.id, serial: n.serial, number: masked, attempts: n.attempts, gateway: this.gateway.name, error }, 'result notice not delivered: given up');
          out.failed++;
        } else {
          await this.store.finishNoticeAttempt(n.id, { status: 'pending', error, nextAttemptAt: this.clock.now() + this.retryDelay(n.attempts) });
          out.retried++;
        }
      }
    }
    if (out.sent > 0) this.opts.log?.info({ ...out, gateway: this.gateway.name }, 'result notices delivered');
    return out;
  }

  /** Runs a round every `intervalMs` (and one now); errors are logged and the next round tries again. */
  start(intervalMs: number): void {
    if (this.timer) return;
    const tick = () => void this.runOnce().catch((err: unknown) => this.opts.log?.warn({ err: (err as Error)?.message }, 'result notices: dispatch round failed (will retry)'));
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
