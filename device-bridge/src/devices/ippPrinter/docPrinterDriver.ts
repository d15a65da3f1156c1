/**
 * The A4 document printer (kind `docprinter`): an IPP printer (IPP Everywhere, PDF in; or a CUPS queue) at the URI
 * in the device's `path`. It prints the A4 certificate copy (certificatePdf.ts) through the same job table as the
 * ticket printer (store/printJobs.ts), with the same promises:
 *
 * - A job is `confirmed` only when the printer reports ITS IPP job `completed` (Get-Job-Attributes).
 * - Each IPP job is named after our job (`onedoor-pj-12-<created>`). Whenever contact was lost while a job was at
 *   the printer (no reply to Print-Job, a malformed reply, the printer going away mid-job, a bridge restart), the
 *   next attempt first asks the printer for that name (Get-Jobs): a job the printer has (pending, processing) is
 *   followed, one it completed is confirmed, and only a job it does not have or aborted is sent again, with the
 *   second-printing footer (第2次打印). So a copy is never lost and never printed twice unmarked.
 * - Nothing is sent while printer-state-reasons name a condition that stops printing (paper out, door open...):
 *   the job stays queued and goes when the condition clears (ippStatus.ts). A job already at the printer when the
 *   paper runs out stays there (the printer finishes it after the refill) and is followed to `completed`.
 * - The printer refusing the job (an IPP error status, e.g. document format not supported) fails it with the
 *   printer's words: sending the same PDF again cannot succeed. The job row stays for the record.
 *
 * Status: Get-Printer-Attributes every `pollIntervalMs`; no answer -> `offline`, a malformed answer ->
 * `hardwareError`, otherwise the printer's condition (paper `out` for media-empty...).
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import {
  IPP_GROUP, IPP_JOB_STATE, ippGroupRecords, ippValues,
  type DeviceKind, type DeviceStatus, type PrintJobUpdate,
} from '@onedoor/protocol';
import type { Logger } from 'pino';
import { z } from 'zod';
import { SqlitePrintJobStore } from '../../store/printJobsSqlite.ts';
import { UNFINISHED_PRINT_JOB_STATES, type PrintJobPatch, type PrintJobRecord, type PrintJobStore } from '../../store/printJobs.ts';
import type { DeviceActionInfo, DeviceDriver, DeviceDriverEventMap, DeviceSpec, DriverContext, ExecuteOptions, StatusPatch } from '../driver.ts';
import { DeviceCommandError } from '../errors.ts';
import { COPY_PURPOSES, renderA4CertificateCopy, type A4CopyInput } from './certificatePdf.ts';
import { IppClient, IppClientError } from './ippClient.ts';
import { docPrinterCondition, type DocPrinterCondition } from './ippStatus.ts';
import { parseDocPrinterOptions, type DocPrinterOptions } from './options.ts';

/** What a document print job holds: the copy's data; the PDF is made at print time (the printing count changes). */
export type DocPrintRecipe = { kind: 'a4CertificateCopy'; input: Omit<A4CopyInput, 'printing' | 'jobRef'> };

const recipeSchema = z.object({
  kind: z.literal('a4CertificateCopy'),
  input: z.object({
    copy: z.object({
      identifier: z.string().min(1).max(128), typeName: z.string().max(500), issuerName: z.string().max(500),
      holderName: z.string().max(500), maskedNumber: z.string().max(64), issuedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      expiresOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(), printedAt: z.number(), printedAtText: z.string().max(64),
      copyExpires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), statement: z.string().max(2000), payload: z.string().max(4000),
    }),
    verifyUrl: z.string().min(1).max(4000),
    purpose: z.enum(Object.keys(COPY_PURPOSES) as [keyof typeof COPY_PURPOSES]),
    hallName: z.string().max(200),
    kioskName: z.string().max(200),
  }),
});

export interface DocPrintJobResult {
  jobId: string;
  state: 'confirmed';
  reprints: number;
}

export type DocPrintJobSummary = Omit<PrintJobRecord, 'id' | 'seq' | 'deviceId' | 'payload' | 'recipe'> & { jobId: string };

interface Waiter {
  resolve(r: DocPrintJobResult): void;
  reject(e: DeviceCommandError): void;
}

const WHAT_NEXT = 'stays queued and prints when the printer is ready (cancelPrint drops it)';

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  const t = setTimeout(done, ms);
  function done() {
    clearTimeout(t);
    signal.removeEventListener('abort', done);
    resolve();
  }
  signal.addEventListener('abort', done, { once: true });
});

export class DocPrinterDriver extends EventEmitter<DeviceDriverEventMap> implements DeviceDriver {
  readonly id: string;
  readonly kind: DeviceKind = 'docprinter';
  readonly options: DocPrinterOptions;
  private readonly log: Logger;
  private readonly client: IppClient;
  private readonly store: PrintJobStore;
  private readonly jobEvents = new EventEmitter<{ update: [PrintJobUpdate] }>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  /** Our job id -> the printer's job-id while we know it (a restart forgets it; Get-Jobs finds it again by name). */
  private readonly ippJobIds = new Map<string, number>();
  private current: Omit<DeviceStatus, 'counters'>;
  private condition: DocPrinterCondition | null = null;
  private lifetime = new AbortController();
  private pollTimer: NodeJS.Timeout | null = null;
  private polling = false;
  private loopRunning = false;
  private loopAgain = false;
  private stopped = false;
  private printingNow: string | null = null;
  private readonly stats = { jobsConfirmed: 0, jobsInterrupted: 0, reprints: 0, polls: 0, pollFailures: 0, missingGlyphs: 0 };

  constructor(private readonly spec: DeviceSpec, ctx: DriverContext, deps: { store?: PrintJobStore } = {}) {
    super();
    this.id = spec.id;
    this.options = parseDocPrinterOptions(spec.id, spec.options);
    this.log = ctx.log.child({ device: spec.id, kind: 'docprinter' });
    this.client = new IppClient(spec.path, { userName: this.options.userName, timeoutMs: this.options.requestTimeoutMs });
    this.store = deps.store ?? new SqlitePrintJobStore(join(ctx.dataDir, this.options.jobDbFile));
    this.current = { id: spec.id, kind: 'docprinter', state: 'starting', detail: 'not started', lastError: null, since: Date.now() };
  }

  // ---- DeviceDriver ---------------------------------------------------------------------------------------------

  status(): DeviceStatus {
    return { ...this.current, counters: { ...this.stats } };
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.setStatus({ state: 'starting', detail: `asking ${this.spec.path}` });
    void this.poll();
    this.pollTimer = setInterval(() => void this.poll(), this.options.pollIntervalMs);
    this.pollTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.lifetime.abort();
    this.rejectWaiters((job) => new DeviceCommandError('deviceNotReady', `${this.id}: driver stopped; job ${job.id} ${WHAT_NEXT}`));
    // Let a job loop in progress see the abort before the store closes.
    for (let i = 0; i < 50 && this.loopRunning; i++) await new Promise((r) => setTimeout(r, 10));
    this.store.close();
    this.setStatus({ state: 'offline', detail: 'stopped' });
  }

  actions(): DeviceActionInfo[] {
    return [
      { name: 'cancelPrint', help: 'drop a job that has not been confirmed (by jobId or requestId)', args: ['jobId', 'requestId'] },
      { name: 'jobs', help: 'list the most recent print jobs', args: ['limit'] },
      { name: 'refreshStatus', help: 'ask the printer for its state now', args: [] },
    ];
  }

  async execute(action: string, args: Record<string, unknown>, _opts: ExecuteOptions): Promise<unknown> {
    switch (action) {
      case 'cancelPrint': {
        const a = z.object({ jobId: z.string().max(64).optional(), requestId: z.string().max(200).optional() }).strict()
          .refine((x) => (x.jobId === undefined) !== (x.requestId === undefined), 'give exactly one of jobId and requestId').safeParse(args);
        if (!a.success) throw new DeviceCommandError('invalidRequest', `cancelPrint: ${a.error.issues.map((i) => i.message).join('; ')}`);
        const job = a.data.jobId !== undefined ? this.store.get(a.data.jobId) : this.store.findByRequestId(this.id, a.data.requestId!);
        if (!job || job.deviceId !== this.id) throw new DeviceCommandError('invalidRequest', `cancelPrint: no such job on ${this.id}`);
        return this.cancelJob(job.id);
      }
      case 'jobs': {
        const a = z.object({ limit: z.number().int().min(1).max(200).optional() }).strict().safeParse(args);
        if (!a.success) throw new DeviceCommandError('invalidRequest', 'jobs: limit must be 1-200');
        return this.jobs(a.data.limit ?? 20);
      }
      case 'refreshStatus':
        await this.poll();
        return this.status();
      default:
        throw new DeviceCommandError('invalidRequest', `${this.id} (docprinter) has no action "${action}"`);
    }
  }

  // ---- jobs for the bridge (api/kioskPrint.ts) ---------------------------------------------------------------

  onJobUpdate(listener: (u: PrintJobUpdate) => void): () => void {
    this.jobEvents.on('update', listener);
    return () => this.jobEvents.off('update', listener);
  }

  /** Queues a copy (idempotent by requestId). Throws `invalidRequest` for a recipe that is not a copy. */
  submit(request: { recipe: DocPrintRecipe }, opts: { requestId?: string } = {}): { job: PrintJobRecord; created: boolean } {
    if (this.stopped) throw new DeviceCommandError('deviceNotReady', `${this.id}: driver stopped`);
    const r = recipeSchema.safeParse(request.recipe);
    if (!r.success) throw new DeviceCommandError('invalidRequest', `print: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const added = this.store.add({ deviceId: this.id, requestId: opts.requestId, recipe: r.data });
    if (added.created) {
      this.log.info({ jobId: added.job.id, requestId: opts.requestId }, 'document print job queued');
      this.announce(added.job);
      this.kick();
    }
    return added;
  }

  /** Resolves when confirmed; rejects at once (the job stays queued) when the printer cannot print now. */
  waitForJob(jobId: string, signal?: AbortSignal): Promise<DocPrintJobResult> {
    const job = this.store.get(jobId);
    if (!job || job.deviceId !== this.id) return Promise.reject(new DeviceCommandError('invalidRequest', `${this.id}: no print job "${jobId}"`));
    const finished = this.finishedOutcome(job);
    if (finished) return finished;
    const blocked = this.blockedError(job);
    if (blocked) return Promise.reject(blocked);
    const timeout = () => new DeviceCommandError('timeOut', `print ${jobId}: client timeout passed; the job goes on`);
    if (signal?.aborted) return Promise.reject(timeout());
    return new Promise((resolve, reject) => {
      const set = this.waiters.get(jobId) ?? new Set<Waiter>();
      this.waiters.set(jobId, set);
      const cleanup = () => {
        set.delete(w);
        if (set.size === 0) this.waiters.delete(jobId);
        signal?.removeEventListener('abort', onAbort);
      };
      const w: Waiter = { resolve: (r) => { cleanup(); resolve(r); }, reject: (e) => { cleanup(); reject(e); } };
      const onAbort = () => w.reject(timeout());
      signal?.addEventListener('abort', onAbort, { once: true });
      set.add(w);
    });
  }

  /**
   * Drops a job not yet confirmed (`cancelPrint`), and cancels its IPP job when the printer has it. Throws
   * `invalidRequest` for a job that is not this printer's; a finished job (confirmed, failed, canceled) is
   * answered as it is.
   */
  cancelJob(jobId: string): DocPrintJobSummary {
    const job = this.store.get(jobId);
    if (!job || job.deviceId !== this.id) throw new DeviceCommandError('invalidRequest', `${this.id}: no print job "${jobId}"`);
    if (!UNFINISHED_PRINT_JOB_STATES.includes(job.state)) return summary(job);
    const ippJobId = this.ippJobIds.get(jobId);
    if (ippJobId !== undefined) {
      this.client.cancelJob(ippJobId).catch((err: unknown) => this.log.warn({ jobId, err: (err as Error).message }, 'Cancel-Job not accepted'));
    }
    return summary(this.updateJob(job, { state: 'canceled', message: 'canceled by the client' }));
  }

  jobs(limit = 20): DocPrintJobSummary[] {
    return this.store.recent(this.id, limit).map(summary);
  }

  // ---- status ---------------------------------------------------------------------------------------------

  private setStatus(patch: StatusPatch): void {
    const next = { ...this.current, ...patch };
    const changed = (Object.keys(patch) as Array<keyof StatusPatch>).some((k) => this.current[k] !== next[k]);
    if (!changed) return;
    if (patch.state !== undefined && patch.state !== this.current.state) next.since = Date.now();
    this.current = next;
    this.emit('status', this.status());
  }

  private reportError(code: string, message: string): void {
    this.current = { ...this.current, lastError: { code, message, at: Date.now() } };
    this.log.warn({ code }, message);
    this.emit('status', this.status());
  }

  /** One status poll; never throws. */
  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    this.stats.polls++;
    try {
      const reply = await this.client.getPrinterAttributes(this.lifetime.signal);
      const state = Number(ippValues(reply, 'printer-state', IPP_GROUP.printer)[0] ?? 3);
      const reasons = ippValues(reply, 'printer-state-reasons', IPP_GROUP.printer).map(String);
      this.applyCondition(docPrinterCondition(state, reasons));
    } catch (err) {
      if (this.stopped) return;
      this.stats.pollFailures++;
      const e = err as Error;
      const kind = err instanceof IppClientError ? err.kind : 'malformed';
      const wasUp = this.condition !== null || this.current.state === 'starting';
      this.condition = null;
      if (wasUp || this.current.lastError?.message !== e.message) this.reportError(kind === 'unreachable' ? 'offline' : 'badReply', e.message);
      this.setStatus(kind === 'unreachable'
        ? { state: 'offline', detail: `${e.message}; retrying`, paper: 'unknown' }
        : { state: 'hardwareError', detail: e.message, paper: 'unknown' });
      this.rejectWaiters((job) => this.blockedError(job)!);
    } finally {
      this.polling = false;
    }
  }

  private applyCondition(c: DocPrinterCondition): void {
    const before = this.condition;
    this.condition = c;
    const fresh = c.reasons.filter((r) => !before?.reasons.includes(r));
    if (!c.canPrint && fresh.length > 0) this.reportError(fresh[0]!, c.detail);
    if (!c.canPrint) this.rejectWaiters((job) => this.blockedError(job)!);
    this.refreshState();
    if (c.canPrint && !before?.canPrint) this.kick();
  }

  private refreshState(): void {
    if (this.stopped || !this.condition) return;
    const c = this.condition;
    if (!c.canPrint) this.setStatus({ state: c.state, detail: c.detail, paper: c.paper });
    else if (this.printingNow) this.setStatus({ state: 'busy', detail: `printing ${this.printingNow}`, paper: c.paper });
    else this.setStatus({ state: 'online', detail: c.detail, paper: c.paper });
  }

  private canPrintNow(): boolean {
    return !this.stopped && this.condition?.canPrint === true;
  }

  private blockedError(job: PrintJobRecord): DeviceCommandError | null {
    if (this.stopped) return new DeviceCommandError('deviceNotReady', `${this.id}: driver stopped; job ${job.id} ${WHAT_NEXT}`);
    if (this.condition && !this.condition.canPrint) {
      return new DeviceCommandError(this.condition.state as 'userError' | 'hardwareError', `${this.condition.detail}; job ${job.id} ${WHAT_NEXT}`);
    }
    if (!this.condition && this.current.state !== 'starting') {
      const code = this.current.state === 'hardwareError' ? 'hardwareError' : 'deviceNotReady';
      return new DeviceCommandError(code, `${this.current.detail}; job ${job.id} ${WHAT_NEXT}`);
    }
    return null;
  }

  // ---- the job loop -----------------------------------------------------------------------------------------

  private kick(): void {
    if (this.stopped) return;
    if (this.loopRunning) {
      this.loopAgain = true;
      return;
    }
    this.loopRunning = true;
    void this.runQueue()
      .catch((err: unknown) => this.reportError('printQueue', `print queue: ${(err as Error)?.message ?? String(err)}`))
      .finally(() => {
        this.loopRunning = false;
        this.printingNow = null;
        this.refreshState();
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
      const progressed = await this.printOnce(job);
      if (!progressed) return; // the printer went away: the next good poll kicks the loop again
    }
  }

  private ippJobName(job: PrintJobRecord): string {
    return `onedoor-${job.id}-${job.createdAt.toString(36)}`;
  }

  /** One step for a job. False when contact was lost (the loop waits for the printer). */
  private async printOnce(queued: PrintJobRecord): Promise<boolean> {
    const signal = this.lifetime.signal;
    this.printingNow = queued.id;
    this.refreshState();
    try {
      let ippJobId: number | null = null;
      if (queued.state !== 'queued') {
        // It may already be at the printer, or printed: ask before sending it again.
        const found = await this.findAtPrinter(queued);
        if (found && found.state === IPP_JOB_STATE.completed) {
          this.confirm(this.store.get(queued.id)!);
          return true;
        }
        if (found && found.state < IPP_JOB_STATE.canceled) ippJobId = found.id;
      }
      let job = this.store.get(queued.id)!;
      if (ippJobId === null) {
        if (job.attempts >= this.options.maxAttempts) {
          this.updateJob(job, { state: 'failed', message: `not completed after ${job.attempts} attempts (${job.message ?? 'no reason known'})` });
          return true;
        }
        const reprint = job.attempts > 0;
        const pdf = await this.render(job, job.attempts + 1);
        if (!pdf) return true;
        job = this.updateJob(job, {
          state: reprint ? 'reprinting' : 'printing', attempts: job.attempts + 1, reprints: job.reprints + (reprint ? 1 : 0),
          message: reprint ? `printing again, marked as printing ${job.attempts + 1}` : null,
        });
        if (reprint) this.stats.reprints++;
        let reply;
        try {
          reply = await this.client.printJob(this.ippJobName(job), pdf, signal);
        } catch (err) {
          if (err instanceof IppClientError && err.kind === 'refused') {
            this.updateJob(job, { state: 'failed', message: err.message });
            this.reportError('jobRefused', err.message);
            return true;
          }
          throw err;
        }
        ippJobId = Number(ippValues(reply, 'job-id', IPP_GROUP.job)[0]);
        if (!Number.isInteger(ippJobId) || ippJobId <= 0) {
          throw new IppClientError('malformed', `printer ${this.spec.path}: Print-Job reply without a job-id`);
        }
        this.log.info({ jobId: job.id, ippJobId, attempt: job.attempts }, 'document sent to the printer');
      }
      this.ippJobIds.set(job.id, ippJobId);
      return await this.follow(job.id, ippJobId, signal);
    } catch (err) {
      if (this.stopped) return false;
      const message = (err as Error).message;
      const current = this.store.get(queued.id);
      if (current && UNFINISHED_PRINT_JOB_STATES.includes(current.state)) {
        this.stats.jobsInterrupted++;
        this.updateJob(current, { state: current.attempts > 0 ? 'interrupted' : 'queued', message });
      }
      this.log.warn({ jobId: queued.id, err: message }, 'document print interrupted; it is asked about (never sent blindly) when the printer is back');
      // The status poll tells the kiosk what is wrong, and kicks the loop when the printer is back.
      await this.poll();
      return false;
    } finally {
      this.printingNow = null;
    }
  }

  /** The printer's job with this job's name, if it still has one (the newest). */
  private async findAtPrinter(job: PrintJobRecord): Promise<{ id: number; state: number } | null> {
    const name = this.ippJobName(job);
    const known = this.ippJobIds.get(job.id);
    if (known !== undefined) {
      try {
        const r = await this.client.getJobAttributes(known, this.lifetime.signal);
        return { id: known, state: Number(ippValues(r, 'job-state', IPP_GROUP.job)[0]) };
      } catch (err) {
        if (!(err instanceof IppClientError && err.kind === 'refused')) throw err; // not-found: look by name
      }
    }
    const reply = await this.client.getJobs(this.lifetime.signal);
    const mine = ippGroupRecords(reply, IPP_GROUP.job).filter((j) => j['job-name']?.[0] === name)
      .map((j) => ({ id: Number(j['job-id']?.[0]), state: Number(j['job-state']?.[0]) }))
      .sort((a, b) => b.id - a.id);
    return mine[0] ?? null;
  }

  /** Polls the IPP job until it is completed (confirm), canceled or aborted. Throws when contact is lost. */
  private async follow(jobId: string, ippJobId: number, signal: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + this.options.completeTimeoutMs;
    let stoppedNoted = false;
    let shown = '';
    for (;;) {
      if (signal.aborted) return false;
      const r = await this.client.getJobAttributes(ippJobId, signal);
      const state = Number(ippValues(r, 'job-state', IPP_GROUP.job)[0]);
      const job = this.store.get(jobId)!;
      if (job.state === 'canceled') return true;
      const pages = jobPages(r);
      if (pages && state !== IPP_JOB_STATE.completed && JSON.stringify(pages) !== shown) {
        // Page progress for the kiosk's print screen ("正在打印 第 1/2 页"): an update each time it moves.
        shown = JSON.stringify(pages);
        this.announce(job, pages);
      }
      if (state === IPP_JOB_STATE.completed) {
        this.confirm(job);
        return true;
      }
      if (state === IPP_JOB_STATE.canceled || state === IPP_JOB_STATE.aborted) {
        const reasons = ippValues(r, 'job-state-reasons', IPP_GROUP.job).map(String).join(', ');
        this.stats.jobsInterrupted++;
        this.updateJob(job, { state: 'interrupted', message: `the printer ${state === IPP_JOB_STATE.aborted ? 'aborted' : 'canceled'} the job (${reasons || 'no reason given'})` });
        return true;
      }
      if (state === IPP_JOB_STATE.processingStopped && !stoppedNoted) {
        // The printer stopped with our job inside (paper out mid-job): it finishes it after the fix; tell the kiosk now.
        stoppedNoted = true;
        await this.poll();
      }
      if (Date.now() > deadline) throw new Error(`job ${jobId} not completed within ${this.options.completeTimeoutMs} ms`);
      await sleep(this.options.jobPollMs, signal);
    }
  }

  private async render(job: PrintJobRecord, printing: number): Promise<Uint8Array | null> {
    const recipe = recipeSchema.safeParse(job.recipe);
    if (!recipe.success) {
      this.updateJob(job, { state: 'failed', message: 'the stored job is not a certificate copy' });
      return null;
    }
    const out = await renderA4CertificateCopy({ ...recipe.data.input, printing, jobRef: job.id },
      { path: this.options.fontPath, name: this.options.fontName });
    for (const m of out.missing) {
      // The field and the code point only, never the text around it (hall-rules.md "Privacy").
      this.stats.missingGlyphs++;
      this.log.warn({ jobId: job.id, field: m.field, codePoint: m.codePoint }, 'character not in the font: printed as 〓');
    }
    return out.pdf;
  }

  private confirm(job: PrintJobRecord): void {
    if (job.state === 'confirmed') return;
    this.stats.jobsConfirmed++;
    this.log.info({ jobId: job.id, reprints: job.reprints }, 'document print job completed');
    this.updateJob(job, { state: 'confirmed', message: null });
  }

  private updateJob(job: PrintJobRecord, patch: PrintJobPatch): PrintJobRecord {
    const next = this.store.update(job.id, patch);
    this.announce(next);
    const waiting = this.waiters.get(next.id);
    const finished = waiting ? this.finishedOutcome(next) : null;
    if (waiting && finished) {
      finished.then((r) => [...waiting].forEach((w) => w.resolve(r)), (e: DeviceCommandError) => [...waiting].forEach((w) => w.reject(e)));
    }
    return next;
  }

  private announce(job: PrintJobRecord, pages?: PrintJobUpdate['pages']): void {
    const u: PrintJobUpdate = { jobId: job.id, deviceId: this.id, state: job.state, reprints: job.reprints, at: Date.now() };
    if (job.requestId !== null) u.requestId = job.requestId;
    if (job.message) u.message = job.message;
    if (pages) u.pages = pages;
    this.jobEvents.emit('update', u);
  }

  private finishedOutcome(job: PrintJobRecord): Promise<DocPrintJobResult> | null {
    switch (job.state) {
      case 'confirmed': return Promise.resolve({ jobId: job.id, state: 'confirmed', reprints: job.reprints });
      case 'canceled': return Promise.reject(new DeviceCommandError('canceled', `print ${job.id}: ${job.message ?? 'canceled'}`));
      case 'failed': return Promise.reject(new DeviceCommandError('hardwareError', `print ${job.id} failed: ${job.message ?? 'unknown reason'}`));
      default: return null;
    }
  }

  private rejectWaiters(errorFor: (job: PrintJobRecord) => DeviceCommandError | null): void {
    for (const [jobId, set] of [...this.waiters]) {
      const job = this.store.get(jobId);
      if (!job) continue;
      const e = errorFor(job);
      if (e) for (const w of [...set]) w.reject(e);
    }
  }
}

/**
 * Pages done and in all from a Get-Job-Attributes reply (RFC 8011 5.3.18 job-impressions-completed, 5.2.x
 * job-impressions), or null when the printer reports no progress. A count that is not a whole number >= 0 is
 * treated as not reported.
 */
export function jobPages(reply: Parameters<typeof ippValues>[0]): PrintJobUpdate['pages'] | null {
  const count = (name: string): number | null => {
    const v = Number(ippValues(reply, name, IPP_GROUP.job)[0]);
    return Number.isInteger(v) && v >= 0 ? v : null;
  };
  const done = count('job-impressions-completed');
  if (done === null) return null;
  const total = count('job-impressions');
  return { done, total: total !== null && total > 0 ? total : null };
}

function summary(job: PrintJobRecord): DocPrintJobSummary {
  const { id, seq: _seq, deviceId: _device, payload: _payload, recipe: _recipe, ...rest } = job;
  return { jobId: id, ...rest };
}
