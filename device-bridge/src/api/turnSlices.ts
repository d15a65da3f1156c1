/**
 * Work that arrives in bursts, done in slices of event-loop turns (README "Many instances": a storm of kiosks
 * reconnecting at once must not stall the event loop). Jobs run in arrival order, as many per turn as fit the budget
 * (at least one); the rest wait for the next turn (setImmediate), so timers, I/O and every other connection are served
 * between slices.
 *
 * A `TurnSlices` is one kind of work (its jobs, its error handler); it runs on a `SliceRunner`, its own or one shared.
 * The connection work of a process (engine.io handshakes, api/socket.ts; closed connections, api/socketSlices.ts; kiosk
 * link admissions, hallLink/kioskLinkServer.ts) shares one runner (`connectionSlices`): a storm brings all three at
 * once, and one event loop has one turn to spend, so they share one budget in one arrival order rather than taking a
 * budget each.
 *
 * The budget counts what a job leaves behind too. A job's own call is often the small part: a WebSocket handshake
 * admitted goes on in promise callbacks and `process.nextTick`s (engine.io's session, socket.io's connect and its
 * middleware), which Node runs after the slice's callback returns and before the turn goes on. So each slice is
 * followed by a second immediate queued beside it, which runs once Node has drained those queues and measures the
 * slice whole; the follow-up time per job (a moving average) is charged to the next slices as they run, so a slice
 * stays near its budget whichever part of the work is synchronous. Until the first slice has been measured, a slice
 * runs one job.
 */
interface Entry {
  job: () => void;
  owner: TurnSlices;
  /** The owner's generation when pushed: a `clear()` since then drops the job. */
  generation: number;
}

export class SliceRunner {
  private queue: Array<Entry | undefined> = [];
  private head = 0;
  private scheduled = false;
  /** Estimated ms of follow-up work (ticks and promise callbacks) per job, learnt from the last slices; null: none yet. */
  private followUpMs: number | null = null;

  constructor(private readonly budgetMs: number) {}

  /** What a slice's jobs are charged for their follow-up work, per job (ms); null until a slice was measured. */
  get followUpEstimateMs(): number | null {
    return this.followUpMs;
  }

  enqueue(entry: Entry): void {
    this.queue.push(entry);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // Queued one right after the other, so nothing else runs between the slice and its measurement but the slice's
    // own ticks and promise callbacks (Node drains both after every immediate).
    let ran = 0;
    let syncMs = 0;
    let started = 0;
    setImmediate(() => {
      this.scheduled = false;
      started = performance.now();
      ran = this.drain(started);
      syncMs = performance.now() - started;
    });
    setImmediate(() => {
      if (ran === 0) return;
      const perJob = Math.max(0, performance.now() - started - syncMs) / ran;
      this.followUpMs = this.followUpMs === null ? perJob : (this.followUpMs + perJob) / 2;
    });
  }

  /** One slice; returns how many jobs ran (dropped ones not counted). */
  private drain(started: number): number {
    const until = started + this.budgetMs;
    let ran = 0;
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head];
      this.queue[this.head++] = undefined;
      if (!entry || entry.generation !== entry.owner.generation) continue;
      ran++;
      try {
        entry.job();
      } catch (err) {
        entry.owner.onError(err);
      }
      if (this.followUpMs === null || performance.now() + ran * this.followUpMs >= until) break;
    }
    if (this.head >= this.queue.length) {
      this.queue = [];
      this.head = 0;
      return ran;
    }
    if (this.head >= 1024) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.schedule();
    return ran;
  }
}

export class TurnSlices {
  /** Bumped by clear(): jobs pushed before it are dropped. */
  generation = 0;
  private readonly runner: SliceRunner;

  /** `budget`: ms per turn on a runner of its own, or a runner shared with other kinds of work. */
  constructor(budget: number | SliceRunner, readonly onError: (err: unknown) => void) {
    this.runner = typeof budget === 'number' ? new SliceRunner(budget) : budget;
  }

  push(job: () => void): void {
    this.runner.enqueue({ job, owner: this, generation: this.generation });
  }

  /** Waiting jobs are dropped (the hall is stopping); jobs pushed after run. */
  clear(): void {
    this.generation++;
  }

  /** The runner's follow-up estimate (SliceRunner.followUpEstimateMs). */
  get followUpEstimateMs(): number | null {
    return this.runner.followUpEstimateMs;
  }
}

/**
 * How long one event-loop turn may spend on connection work (handshakes, admissions, closes) before the rest waits for
 * the next turn: thousands of kiosks reconnecting at once (README "Many instances") are taken in slices instead of in
 * one turn that stalls every timer and connection of the bridge.
 */
export const CONNECTION_BUDGET_MS = 8;

let connections: SliceRunner | null = null;

/** The process's runner for connection work: one event loop, one budget, whichever bridges or servers it runs. */
export function connectionSlices(): SliceRunner {
  connections ??= new SliceRunner(CONNECTION_BUDGET_MS);
  return connections;
}
