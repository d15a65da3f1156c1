/**
 * The ticket printer driver (escpos.md).
 *
 * Start-up, on every (re)connect: first NULs and a DLE EOT 1 probe until the printer answers, so a command a killed
 * bridge left half sent takes NULs as its remaining data, not our start-up (pendingCommandFlush.ts); then
 * `10 05 02` (clear whatever a previous session left in the printer's buffer: a
 * half job from before a bridge crash must not finish behind our back), `1B 40`, ASB on (`1D 61 0E`: online, error
 * and paper-sensor changes), then DLE EOT 1-4 to learn the state. Watchdog: DLE EOT 1-4 every `pollIntervalMs`.
 *
 * Jobs live in a `PrintJobStore` (SQLite in the data dir) and are printed one at a time, oldest first; what each
 * event does to a job is the pure state machine of printJobMachine.ts, which this driver feeds:
 * - A job is `confirmed` only when ITS process ID (`37 22 d1..d4 00`) comes back; the process-ID request is the
 *   last command of every job, after the cut (escpos.md "process ID").
 * - Paper out, cover open, an error or the link going down while a job is unconfirmed: the job is `interrupted` (the
 *   UI gets a job update at once). When the printer is back, `10 05 02` + `1B 40` and the WHOLE job again with the
 *   visible reprint mark (escpos.md "Paper out in the middle of a ticket"); state `reprinting`.
 * - A bridge restart finds jobs still `printing`/`reprinting`/`interrupted` and prints them again the same way;
 *   `confirmed` jobs are never printed again, and nothing is deleted.
 * - Bytes already handed to the port are never cut off mid-job: stopping inside a command (a QR store, a raster
 *   image) would make the printer read our next bytes, `10 05 02` included, as that command's data.
 * - One attempt is one actor transaction: the job's bytes and the wait for its process ID hold the line together,
 *   so a DLE EOT query can never land inside a job's command (a raster image, a QR store). The start-up (flush,
 *   init, status) is one transaction too, and so is each status query (DLE EOT 1-4).
 * - XOFF `13` pauses writing between slices until XON `11` (the actor's pause hook), and jobs are written at the
 *   line's pace in 64-byte slices so that XOFF still finds almost nothing in flight (pacedWriter.ts). While a job
 *   holds the line, or XOFF does, the watchdog's DLE EOT poll is skipped; the job's own wait for its process ID
 *   queries DLE EOT 1-4 between slices instead (awaitProcessId), so paper out or cover open during a long job is
 *   seen within a poll interval even without ASB.
 *
 * Known limit (inherent to ESC/POS): if the bridge dies after the printer received a whole job but before the echo
 * reached us, the job is printed again after the restart; the copy carries the reprint mark, so it is visible.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import {
  EscPosEncoder,
  EscPosStatusDecoder,
  concatBytes,
  type EscPosRealtimeN,
  type EscPosReply,
  type PrintJobUpdate,
} from '@onedoor/protocol';
import { SqlitePrintJobStore } from '../../store/printJobsSqlite.ts';
import { type PrintJobPatch, type PrintJobRecord, type PrintJobStore } from '../../store/printJobs.ts';
import type { TransportCloseInfo } from '../../transport/index.ts';
import { BaseDeviceDriver, type DeviceActionInfo, type DeviceSpec, type DriverContext, type ExecuteOptions } from '../driver.ts';
import type { Line } from '../actor.ts';
import { countersOf, type CounterRecord } from '../counters.ts';
import { DeviceCommandError } from '../errors.ts';
import { Waiters } from '../waiters.ts';
import { writePaced } from './pacedWriter.ts';
import { PENDING_COMMAND_FLUSH_ROUNDS, probeTimeoutMs } from './pendingCommandFlush.ts';
import { isUnfinished, printJobStep, type PrintJobEvent, type PrintJobStep } from './printJobMachine.ts';
import { buildTestPageJob, buildTicketJob, renderPrintJob, type PrintJobRequest } from './printJobRender.ts';
import {
  cancelPrintArgsSchema,
  jobsArgsSchema,
  parseActionArgs,
  parsePrinterOptions,
  printArgsSchema,
  testPageArgsSchema,
  type PrinterOptions,
} from './printerOptions.ts';
import { printerCondition, type PrinterCondition } from './printerStatus.ts';

/** What `print` / `printTestPage` resolve with. */
export interface PrintJobResult {
  jobId: string;
  state: 'confirmed';
  reprints: number;
  processId: string;
}

/** A job as the technician console lists it (no payload or recipe). */
export type PrintJobSummary = Omit<PrintJobRecord, 'id' | 'seq' | 'deviceId' | 'payload' | 'recipe'> & { jobId: string };

export interface PrinterDriverDeps {
  /** Job store to use instead of the SQLite file in the data dir (tests, or a shared store later). */
  store?: PrintJobStore;
}

interface PrinterJobEventMap {
  update: [update: PrintJobUpdate];
  /** The last byte of an attempt was handed to the port (tests and benchmarks wait on it). */
  sent: [jobId: string];
}

type AttemptOutcome = { kind: 'confirmed' } | { kind: 'interrupted'; why: string } | { kind: 'stopped' };

interface Attempt {
  job: PrintJobRecord;
  settled: boolean;
  settle(outcome: AttemptOutcome): void;
  /** Aborted when the attempt settles: ends the wait for the process ID. */
  ended: AbortSignal;
}

/** What the printer counts, for the status (/tech); written by this driver only. */
export interface PrinterCounters {
  jobsConfirmed: number;
  jobsInterrupted: number;
  reprints: number;
  xoff: number;
  unknownProcessIds: number;
}

type PrinterLine = Line<EscPosReply>;

/** escpos.md: DLE ENQ 2 "clear buffer, recover", then ESC @ "initialize". */
const RECOVER_AND_INIT = new EscPosEncoder().realtimeRecover(2).initialize().encode();
/** escpos.md "enable automatic status back": bit1 online, bit2 error, bit3 paper sensor. */
const STARTUP = new EscPosEncoder().realtimeRecover(2).initialize().enableAsb({ online: true, error: true, paper: true }).encode();
const REALTIME_NS: readonly EscPosRealtimeN[] = [1, 2, 3, 4];
/** How long a flush probe waits for the printer's answer beyond wire time (escpos.md: DLE EOT "answered at once"). */
const FLUSH_PROBE_ANSWER_MS = 250;
/** How far the flush NULs may run ahead of the wire (pacedWriter.ts), so a probe's wait is short and known. */
const FLUSH_AHEAD_BYTES = 64;
const WHAT_NEXT = 'stays queued and prints when the printer is ready (cancelPrint drops it)';

export class PrinterDriver extends BaseDeviceDriver<EscPosReply> {
  readonly options: PrinterOptions;
  private readonly decoder: EscPosStatusDecoder;
  private readonly store: PrintJobStore;
  private readonly ownsStore: boolean;
  private readonly jobEvents = new EventEmitter<PrinterJobEventMap>();
  /** Clients waiting for a job's outcome, keyed by job id. */
  private readonly waiters = new Waiters<PrintJobResult, string>();
  private readonly cancelRequested = new Set<string>();
  /** Aborted by stop(): ends a send in progress and the job loop. */
  private readonly lifetime = new AbortController();
  private condition: PrinterCondition | null = null;
  private connected = false;
  private stopping = false;
  private attempt: Attempt | null = null;
  /** A job's bytes are being written. */
  private sending = false;
  private loopRunning = false;
  private loopAgain = false;
  private readonly stats: PrinterCounters = { jobsConfirmed: 0, jobsInterrupted: 0, reprints: 0, xoff: 0, unknownProcessIds: 0 };

  constructor(spec: DeviceSpec, ctx: DriverContext, deps: PrinterDriverDeps = {}) {
    const options = parsePrinterOptions(spec.id, spec.options);
    const decoder = new EscPosStatusDecoder();
    super(spec, ctx, {
      decoder,
      watchdog: { intervalMs: options.pollIntervalMs, maxFailures: 3 },
      // A timed-out DLE EOT may still be answered; keep the line quiet briefly so the late byte is not taken as the
      // answer to the next query.
      actor: { quietAfterTimeoutMs: 100 },
    });
    this.options = options;
    this.decoder = decoder;
    this.ownsStore = !deps.store;
    this.store = deps.store ?? new SqlitePrintJobStore(join(ctx.dataDir, options.jobDbFile));
  }

  // ---- public API for the bridge (api/, hall services) ---------------------------------------------------------

  /** Job updates (queued, printing, interrupted, reprinting, confirmed, failed, canceled). Returns unsubscribe. */
  onJobUpdate(listener: (update: PrintJobUpdate) => void): () => void {
    this.jobEvents.on('update', listener);
    return () => this.jobEvents.off('update', listener);
  }

  /** Called when the last byte of an attempt at a job was written to the port. Returns unsubscribe. */
  onJobSent(listener: (jobId: string) => void): () => void {
    this.jobEvents.on('sent', listener);
    return () => this.jobEvents.off('sent', listener);
  }

  /**
   * Queues a job (idempotent by requestId: a repeat returns the existing job, `created: false`). Returns at once;
   * `waitForJob` waits for its outcome. Throws `invalidRequest` for a job that cannot be rendered.
   */
  submit(request: PrintJobRequest, opts: { requestId?: string } = {}): { job: PrintJobRecord; created: boolean } {
    if (this.stopping) throw new DeviceCommandError('deviceNotReady', `${this.id}: driver stopped`);
    try {
      // Render once now so a bad recipe is refused when queued, not discovered at print time.
      renderPrintJob({ payload: request.payload ?? null, recipe: request.recipe ?? null, processId: '0000' }, { reprint: false });
    } catch (err) {
      throw new DeviceCommandError('invalidRequest', `print: ${(err as Error).message}`);
    }
    const added = this.store.add({ deviceId: this.id, requestId: opts.requestId, payload: request.payload, recipe: request.recipe });
    if (added.created) {
      this.log.info({ jobId: added.job.id, requestId: opts.requestId }, 'print job queued');
      this.announce(added.job);
      this.kick();
    }
    return added;
  }

  /**
   * Resolves when the job is confirmed. Rejects (the job stays queued) with userError/hardwareError/deviceNotReady
   * as soon as the printer cannot print, `canceled` / `hardwareError` when the job was canceled / failed, and
   * `timeOut` when `signal` aborts (the client's timeout: the job goes on).
   */
  waitForJob(jobId: string, signal?: AbortSignal): Promise<PrintJobResult> {
    const job = this.store.get(jobId);
    if (!job || job.deviceId !== this.id) return Promise.reject(new DeviceCommandError('invalidRequest', `${this.id}: no print job "${jobId}"`));
    const finished = this.finishedOutcome(job);
    if (finished) return finished;
    const blocked = this.blockedError(job);
    if (blocked) return Promise.reject(blocked);
    if (signal?.aborted) return Promise.reject(new DeviceCommandError('timeOut', `print ${jobId}: client timeout passed; the job goes on`));
    return this.waiters.wait({
      key: jobId,
      signal,
      abortError: () => new DeviceCommandError('timeOut', `print ${jobId}: client timeout passed; the job goes on`),
    });
  }

  /** Drops a job that has not been confirmed. A job whose bytes are on their way is not printed again. */
  cancelJob(jobId: string): PrintJobSummary {
    const job = this.store.get(jobId);
    if (!job || job.deviceId !== this.id) throw new DeviceCommandError('invalidRequest', `${this.id}: no print job "${jobId}"`);
    return summary(this.advance(job, { type: 'cancel' }).job);
  }

  /** Most recent jobs, newest first. */
  jobs(limit = 20): PrintJobSummary[] {
    return this.store.recent(this.id, limit).map(summary);
  }

  /** True while bytes of a job are being written (XOFF can hold this for a while). */
  get isSending(): boolean {
    return this.sending;
  }

  override actions(): DeviceActionInfo[] {
    return [
      { name: 'print', help: 'print a job: ticket (standard ticket fields), recipe, or dataBase64 (raw ESC/POS); idempotent by requestId', args: ['ticket', 'recipe', 'dataBase64', 'requestId'] },
      { name: 'printTestPage', help: 'print the technician test page', args: ['requestId'] },
      { name: 'cancelPrint', help: 'drop a job that has not been confirmed (by jobId or requestId)', args: ['jobId', 'requestId'] },
      { name: 'jobs', help: 'list the most recent print jobs', args: ['limit'] },
    ];
  }

  /**
   * Runs a technician's or client's action; callers are the bridge's API routes (roles in auth/accessTable.ts).
   *
   * `print` and `printTestPage` have a single completion (documented for the API and UI):
   * - `success` with `{jobId, state: 'confirmed', reprints}` once the job's process ID came back;
   * - `userError` / `hardwareError` with words (paper out, cover open, cutter error...) or `deviceNotReady` (port
   *   down) as soon as the printer cannot print, whether when the command arrives or mid-job: the job is NOT
   *   dropped, it stays queued and prints when the printer is back, unless the client sends `cancelPrint`;
   * - `timeOut` when the client's timeout (`opts.signal`) passes first: the job goes on, job updates (`printJob`)
   *   tell the rest;
   * - idempotent by requestId: a repeat returns the same job (waits for it, or answers at once when it is finished)
   *   and never prints a second copy; the job table's unique index enforces it too.
   * `cancelPrint` answers the job's summary or `invalidRequest` for a job not on this printer; `jobs` never fails.
   */
  override async execute(action: string, args: Record<string, unknown>, opts: ExecuteOptions): Promise<unknown> {
    // The API may pass the command's requestId in the options; clients may also put it in args.
    const optRequestId = opts.requestId;
    switch (action) {
      case 'print': {
        const a = parseActionArgs('print', printArgsSchema, args);
        let request: PrintJobRequest;
        if (a.dataBase64 !== undefined) request = { payload: new Uint8Array(Buffer.from(a.dataBase64, 'base64')) };
        else if (a.recipe !== undefined) request = { recipe: a.recipe };
        else {
          try {
            request = buildTicketJob(a.ticket as Parameters<typeof buildTicketJob>[0]);
          } catch (err) {
            throw new DeviceCommandError('invalidRequest', `print: ${(err as Error).message}`);
          }
        }
        const { job } = this.submit(request, { requestId: optRequestId ?? a.requestId });
        return this.waitForJob(job.id, opts.signal);
      }
      case 'printTestPage': {
        const a = parseActionArgs('printTestPage', testPageArgsSchema, args);
        const { job } = this.submit(buildTestPageJob(this.id), { requestId: optRequestId ?? a.requestId });
        return this.waitForJob(job.id, opts.signal);
      }
      case 'cancelPrint': {
        const a = parseActionArgs('cancelPrint', cancelPrintArgsSchema, args);
        const job = a.jobId !== undefined ? this.store.get(a.jobId) : this.store.findByRequestId(this.id, a.requestId!);
        if (!job || job.deviceId !== this.id) throw new DeviceCommandError('invalidRequest', `cancelPrint: no such job on ${this.id}`);
        return this.cancelJob(job.id);
      }
      case 'jobs':
        return this.jobs(parseActionArgs('jobs', jobsArgsSchema, args).limit);
      default:
        return super.execute(action, args, opts);
    }
  }

  override async start(): Promise<void> {
    // Jobs a previous run left unfinished: announce each (a UI connecting now learns of them); those it left
    // mid-print become interrupted and print again with the mark.
    for (const job of this.store.unfinished(this.id)) {
      if (!this.advance(job, { type: 'bridgeRestarted' }).step.patch) this.announce(job);
    }
    await super.start();
  }

  override async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.connected = false;
    this.lifetime.abort();
    this.attempt?.settle({ kind: 'stopped' });
    this.waiters.reject(new DeviceCommandError('deviceNotReady', `${this.id}: driver stopped; the job ${WHAT_NEXT}`));
    await super.stop();
    if (this.ownsStore) this.store.close();
  }

  // ---- BaseDeviceDriver hooks -----------------------------------------------------------------------------------

  protected async onConnected(signal: AbortSignal): Promise<void> {
    this.connected = false;
    // A previous bridge (or this one, before the link dropped) may have left the printer inside a command; until it
    // is back at a command boundary it takes everything below as that command's data (pendingCommandFlush.ts).
    await this.actor.transaction('start-up', async (line) => {
      await this.flushPendingCommand(line, signal);
      await line.send(STARTUP, { label: 'start-up (recover, initialize, enable ASB)', timeoutMs: 2000 });
      await this.queryRealtime(line);
    }, { signal });
    if (signal.aborted) return;
    this.connected = true;
    // Again now that we are connected: sets the state and answers clients waiting since before the reconnect.
    this.applyPrinterStatus();
    // After the base class has marked us online (it does so when this resolves).
    setImmediate(() => this.kick());
  }

  protected override async watchdogPoll(signal: AbortSignal): Promise<void> {
    if (this.actor.pending > 0 || this.actor.isPaused) return;
    await this.actor.transaction('status', (line) => this.queryRealtime(line), { priority: 'poll', signal });
  }

  protected override onFrame(frame: EscPosReply): void {
    switch (frame.kind) {
      case 'xoff':
        this.stats.xoff++;
        this.actor.pause();
        return;
      case 'xon':
        this.actor.resume();
        return;
      case 'processId':
        this.onProcessId(frame.id);
        return;
      case 'asb':
        this.applyPrinterStatus();
        return;
      case 'realtime':
        // A late DLE EOT reply (its query timed out): the decoder folded it in if it knew which n it answered.
        if (frame.n !== undefined) this.applyPrinterStatus();
        return;
    }
  }

  protected override onDisconnected(info: TransportCloseInfo): void {
    this.connected = false;
    this.decoder.clearExpectedRealtime();
    this.attempt?.settle({ kind: 'interrupted', why: `printer link lost (${info.reason})` });
    this.waiters.reject(new DeviceCommandError('deviceNotReady', `${this.id}: printer link lost (${info.reason}); the job ${WHAT_NEXT}`));
  }

  protected override extraCounters(): CounterRecord {
    return countersOf(this.stats);
  }

  // ---- status --------------------------------------------------------------------------------------------------

  /**
   * NUL rounds, each followed by a DLE EOT 1 probe, until the printer answers (pendingCommandFlush.ts): a printer at
   * a command boundary answers the first probe; one left inside a command (a QR store, a length field half sent)
   * answers once the NULs have filled what it still expected. Written at the line's pace so that each probe's
   * timeout counts only the bytes still ahead of it, and XOFF holds the NULs like a job's bytes.
   */
  private async flushPendingCommand(line: PrinterLine, signal: AbortSignal): Promise<void> {
    const answerMs = Math.min(this.options.statusTimeoutMs, FLUSH_PROBE_ANSWER_MS);
    let sent = 0;
    for (const [round, fill] of PENDING_COMMAND_FLUSH_ROUNDS.entries()) {
      await writePaced(new Uint8Array(fill), {
        baud: this.spec.baud,
        aheadBytes: FLUSH_AHEAD_BYTES,
        signal,
        send: (slice) => line.send(slice, { label: 'flush a pending command (NUL)' }),
        flowGate: () => this.xonGate(),
      });
      sent += fill;
      if (await this.probe(line, probeTimeoutMs(this.spec.baud, FLUSH_AHEAD_BYTES + 64, answerMs), signal)) {
        if (round > 0) this.log.warn({ nulBytes: sent, rounds: round + 1 }, 'printer was inside a command left unfinished: flushed with NULs, it answers again');
        return;
      }
      sent += 3; // the probe's own bytes went into the pending command too
    }
    // Still inside something longer (a raw raster image): the start-up below fails, and the reconnect flushes more.
    this.log.warn({ nulBytes: sent }, 'printer does not answer DLE EOT after the pending-command flush; retrying on reconnect');
  }

  /** One DLE EOT 1: true when answered within `timeoutMs`. */
  private async probe(line: PrinterLine, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    this.decoder.clearExpectedRealtime();
    this.decoder.expectRealtime(1);
    try {
      await line.request({
        label: 'DLE EOT 1 (probe)',
        bytes: new EscPosEncoder().realtimeStatus(1).encode(),
        accept: (f) => f.kind === 'realtime' && f.n === 1,
        timeoutMs,
      });
      return true;
    } catch (err) {
      this.decoder.clearExpectedRealtime();
      if (err instanceof DeviceCommandError && err.code === 'timeOut' && !signal.aborted) return false;
      throw err;
    }
  }

  /** DLE EOT 1-4, one at a time (the decoder types each reply byte by the n we declared for it). */
  private async queryRealtime(line: PrinterLine): Promise<void> {
    for (const n of REALTIME_NS) {
      this.decoder.clearExpectedRealtime();
      this.decoder.expectRealtime(n);
      try {
        await line.request({
          label: `DLE EOT ${n}`,
          bytes: new EscPosEncoder().realtimeStatus(n).encode(),
          accept: (f) => f.kind === 'realtime' && f.n === n,
          timeoutMs: this.options.statusTimeoutMs,
        });
      } catch (err) {
        this.decoder.clearExpectedRealtime();
        throw err;
      }
    }
    this.applyPrinterStatus();
  }

  private applyPrinterStatus(): void {
    const s = this.decoder.status;
    if (!s) return;
    const before = this.condition;
    const c = printerCondition(s);
    this.condition = c;
    const fresh = c.causes.filter((x) => !before?.causes.includes(x));
    if (fresh.length > 0) this.reportError(fresh[0], c.detail);
    if (!c.canPrint) {
      this.attempt?.settle({ kind: 'interrupted', why: c.detail });
      if (this.connected) this.rejectWaitersBlocked();
    }
    this.refreshState();
    if (c.canPrint && !before?.canPrint) this.kick();
  }

  /** DeviceStatus from the printer's condition and the job in progress (only once start-up is done). */
  private refreshState(): void {
    if (!this.connected || this.stopping || !this.condition) return;
    const c = this.condition;
    if (!c.canPrint) this.setStatus({ state: c.state, detail: c.detail, paper: c.paper });
    else if (this.attempt && !this.attempt.settled) {
      const j = this.attempt.job;
      this.setStatus({ state: 'busy', detail: `printing ${j.id}${j.reprints ? ` (reprint ${j.reprints})` : ''}`, paper: c.paper });
    } else this.setStatus({ state: 'online', detail: c.detail, paper: c.paper });
  }

  private canPrintNow(): boolean {
    return this.connected && !this.stopping && this.condition?.canPrint === true;
  }

  /** Why an unfinished job cannot print right now, or null when it can (or may soon: start-up in progress). */
  private blockedError(job: PrintJobRecord): DeviceCommandError | null {
    if (this.stopping) return new DeviceCommandError('deviceNotReady', `${this.id}: driver stopped; job ${job.id} ${WHAT_NEXT}`);
    if (this.connected && this.condition && !this.condition.canPrint) {
      return new DeviceCommandError(this.condition.state as 'userError' | 'hardwareError', `${this.condition.detail}; job ${job.id} ${WHAT_NEXT}`);
    }
    if (!this.connected && this.state !== 'starting') {
      return new DeviceCommandError('deviceNotReady', `${this.id}: ${this.status().detail}; job ${job.id} ${WHAT_NEXT}`);
    }
    return null;
  }

  // ---- jobs ----------------------------------------------------------------------------------------------------

  private kick(): void {
    if (this.stopping) return;
    if (this.loopRunning) {
      this.loopAgain = true;
      return;
    }
    this.loopRunning = true;
    void this.runQueue()
      .catch((err: unknown) => this.reportError('printQueue', `print queue: ${(err as Error)?.message ?? String(err)}`))
      .finally(() => {
        this.loopRunning = false;
        if (this.loopAgain) {
          this.loopAgain = false;
          this.kick();
        }
      });
  }

  private async runQueue(): Promise<void> {
    while (this.canPrintNow()) {
      this.loopAgain = false;
      const job = this.store.unfinished(this.id)[0];
      if (!job) return;
      await this.printOnce(job);
    }
  }

  /** One attempt at a job: send it, then wait for its process ID or an interruption. */
  private async printOnce(queued: PrintJobRecord): Promise<void> {
    let step = printJobStep(queued, this.jobContext(queued.id), { type: 'begin' });
    let bytes: Uint8Array | null = null;
    if (step.attempt.kind === 'print') {
      try {
        bytes = renderPrintJob(queued, { reprint: step.attempt.reprint });
      } catch (err) {
        step = printJobStep(queued, this.jobContext(queued.id), { type: 'renderFailed', why: (err as Error).message });
      }
    }
    const job = this.apply(queued, { type: 'begin' }, step);
    if (step.attempt.kind !== 'print' || !bytes) return;
    const reprint = step.attempt.reprint;
    // escpos.md "Paper out in the middle of a ticket": after the printer is back, 10 05 02 then 1B 40.
    if (reprint) bytes = concatBytes([RECOVER_AND_INIT, bytes]);

    let settleNow!: (o: AttemptOutcome) => void;
    const outcome = new Promise<AttemptOutcome>((resolve) => (settleNow = resolve));
    const ended = new AbortController();
    const attempt: Attempt = {
      job,
      settled: false,
      ended: ended.signal,
      settle: (o) => {
        if (attempt.settled) return;
        attempt.settled = true;
        ended.abort();
        settleNow(o);
      },
    };
    this.attempt = attempt;
    this.refreshState();
    this.actor
      .transaction(`print ${job.id}`, (line) => this.runAttempt(line, attempt, bytes))
      .catch((err: unknown) => {
        attempt.settle(this.stopping ? { kind: 'stopped' } : { kind: 'interrupted', why: `sending failed: ${(err as Error).message}` });
      });

    const o = await outcome;
    if (this.attempt === attempt) this.attempt = null;
    if (o.kind === 'stopped' || this.stopping) return; // the store keeps it unfinished: the next start reprints it
    const current = this.store.get(job.id)!;
    this.advance(current, o.kind === 'confirmed' ? { type: 'confirmed' } : { type: 'interrupted', why: o.why });
    this.refreshState();
  }

  /**
   * The attempt's transaction: the job's bytes at the line's pace (never cut off once begun, see the header), then
   * the wait for its process ID, both holding the line. A link loss ends the transaction: the actor refuses its
   * later slices, so a job begun on one connection never continues on the next.
   */
  private async runAttempt(line: PrinterLine, attempt: Attempt, bytes: Uint8Array): Promise<void> {
    const job = attempt.job;
    this.sending = true;
    try {
      await writePaced(bytes, {
        baud: this.spec.baud,
        signal: this.lifetime.signal,
        send: (slice) => line.send(slice, { label: `print ${job.id}` }),
        flowGate: () => this.xonGate(),
      });
    } finally {
      this.sending = false;
    }
    this.jobEvents.emit('sent', job.id);
    await this.awaitProcessId(line, attempt);
  }

  /**
   * The wait for a job's process ID, up to `confirmTimeoutMs`, in slices of `pollIntervalMs` with DLE EOT 1-4
   * between them. Every byte of the job is written by now, so the printer is at a command boundary and a status
   * query cannot land inside a command; while it prints a long job, paper out or a cover opened is seen within a
   * poll interval even when no ASB block reports it (a printer without ASB, or an ASB lost on the line). An echo
   * that arrives during a status query is not lost: it reaches `onProcessId` as an unsolicited frame.
   */
  private async awaitProcessId(line: PrinterLine, attempt: Attempt): Promise<void> {
    const job = attempt.job;
    const ms = this.options.confirmTimeoutMs;
    const deadline = performance.now() + ms;
    while (!attempt.settled) {
      const left = deadline - performance.now();
      if (left <= 0) {
        attempt.settle({ kind: 'interrupted', why: `no print confirmation within ${ms} ms` });
        return;
      }
      try {
        const echo = await line.listen({
          label: `process ID of ${job.id}`,
          accept: (f) => f.kind === 'processId' && f.id === job.processId,
          forMs: Math.min(left, this.options.pollIntervalMs),
          signal: attempt.ended,
        });
        if (echo) attempt.settle({ kind: 'confirmed' });
        else if (!attempt.settled && !this.actor.isPaused) await this.queryRealtime(line);
      } catch (err) {
        // Canceled: the attempt ended otherwise (paper out, link lost, stop) and is settled already. A status query
        // that timed out says nothing about the job: keep waiting for its echo (the watchdog judges the link).
        if (!(err instanceof DeviceCommandError) || (err.code !== 'canceled' && err.code !== 'timeOut')) throw err;
      }
    }
  }

  private onProcessId(id: string): void {
    if (this.attempt && !this.attempt.settled && this.attempt.job.processId === id) {
      this.attempt.settle({ kind: 'confirmed' });
      return;
    }
    // Not the job in progress: an earlier attempt of an unfinished job did print after all (the echo proves it).
    const job = this.store.findByProcessId(this.id, id);
    if (job && isUnfinished(job.state)) {
      this.advance(job, { type: 'confirmed' });
      return;
    }
    this.stats.unknownProcessIds++;
    this.log.debug({ processId: id }, 'process ID of no unfinished job (already confirmed, or not ours)');
  }

  /** While XOFF holds the line: resolves on XON, fails after `confirmTimeoutMs` (a printer stuck in XOFF). */
  private xonGate(): Promise<void> | undefined {
    if (!this.actor.isPaused) return undefined;
    const ms = this.options.confirmTimeoutMs;
    return this.actor.whenResumed({ timeoutMs: ms, timeoutError: () => new Error(`the printer held XOFF for more than ${ms} ms`) });
  }

  private jobContext(jobId: string) {
    const inFlight = this.attempt?.job.id === jobId && !this.attempt.settled;
    return { cancelRequested: this.cancelRequested.has(jobId), inFlight, maxAttempts: this.options.maxAttempts };
  }

  /** Feeds `event` to the job's state machine and carries out the step. */
  private advance(job: PrintJobRecord, event: PrintJobEvent): { job: PrintJobRecord; step: PrintJobStep } {
    const step = printJobStep(job, this.jobContext(job.id), event);
    return { job: this.apply(job, event, step), step };
  }

  private apply(job: PrintJobRecord, event: PrintJobEvent, step: PrintJobStep): PrintJobRecord {
    if (step.cancelRequested) this.cancelRequested.add(job.id);
    else this.cancelRequested.delete(job.id);
    if (!step.patch) return job;
    if (step.attempt.kind === 'print' && step.attempt.reprint) this.stats.reprints++;
    if (step.patch.state === 'confirmed') {
      this.stats.jobsConfirmed++;
      this.log.info({ jobId: job.id, reprints: job.reprints }, 'print job confirmed');
    }
    if (event.type === 'interrupted' && step.patch.state === 'interrupted') {
      this.stats.jobsInterrupted++;
      this.log.warn({ jobId: job.id, why: event.why }, 'print job interrupted');
    }
    return this.updateJob(job, step.patch);
  }

  /** Writes the change, tells listeners and settles client waits on finished jobs. */
  private updateJob(job: PrintJobRecord, patch: PrintJobPatch): PrintJobRecord {
    const next = this.store.update(job.id, patch);
    this.announce(next);
    const finished = this.finishedOutcome(next);
    finished?.then(
      (r) => this.waiters.resolve(r, next.id),
      (e: DeviceCommandError) => this.waiters.reject(e, next.id),
    );
    return next;
  }

  private announce(job: PrintJobRecord): void {
    const update: PrintJobUpdate = { jobId: job.id, deviceId: this.id, state: job.state, reprints: job.reprints, at: Date.now() };
    if (job.requestId !== null) update.requestId = job.requestId;
    if (job.message) update.message = job.message;
    this.jobEvents.emit('update', update);
  }

  /** The outcome for a client of a job that is finished, or null while it is not. */
  private finishedOutcome(job: PrintJobRecord): Promise<PrintJobResult> | null {
    switch (job.state) {
      case 'confirmed':
        return Promise.resolve({ jobId: job.id, state: 'confirmed', reprints: job.reprints, processId: job.processId });
      case 'canceled':
        return Promise.reject(new DeviceCommandError('canceled', `print ${job.id}: ${job.message ?? 'canceled'}`));
      case 'failed':
        return Promise.reject(new DeviceCommandError('hardwareError', `print ${job.id} failed: ${job.message ?? 'unknown reason'}`));
      default:
        return null;
    }
  }

  /** Tells every waiting client why its job cannot print now (it stays queued). */
  private rejectWaitersBlocked(): void {
    this.waiters.reject((jobId) => {
      const job = jobId === undefined ? undefined : this.store.get(jobId);
      return job ? this.blockedError(job) : null;
    });
  }
}

function summary(job: PrintJobRecord): PrintJobSummary {
  const { id, seq: _seq, deviceId: _device, payload: _payload, recipe: _recipe, ...rest } = job;
  return { jobId: id, ...rest };
}
