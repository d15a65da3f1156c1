/**
 * Work that arrives in bursts, done in slices of event-loop turns (README "Many instances": a storm of kiosks
 * reconnecting at once must not stall the event loop). Jobs run in arrival order, as many per turn as fit the budget
 * (at least one); the rest wait for the next turn (setImmediate), so timers, I/O and every other connection are served
 * between slices. Used for engine.io handshakes (api/socket.ts) and kiosk link admissions (hallLink/kioskLinkServer.ts).
 */
export class TurnSlices {
  private queue: Array<(() => void) | undefined> = [];
  private head = 0;
  private scheduled: NodeJS.Immediate | null = null;

  constructor(private readonly budgetMs: number, private readonly onError: (err: unknown) => void) {}

  push(job: () => void): void {
    this.queue.push(job);
    this.scheduled ??= setImmediate(() => this.drain());
  }

  /** Waiting jobs are dropped (the hall is stopping). */
  clear(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    this.queue = [];
    this.head = 0;
  }

  private drain(): void {
    this.scheduled = null;
    const until = performance.now() + this.budgetMs;
    do {
      const job = this.queue[this.head];
      this.queue[this.head++] = undefined;
      try {
        job?.();
      } catch (err) {
        this.onError(err);
      }
    } while (this.head < this.queue.length && performance.now() < until);
    if (this.head >= this.queue.length) {
      this.queue = [];
      this.head = 0;
      return;
    }
    if (this.head >= 1024) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.scheduled = setImmediate(() => this.drain());
  }
}
