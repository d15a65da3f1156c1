/**
 * The ID card reader driver (id-reader-sam.md, "Timing and polling").
 *
 * - Start-up on every (re)connect: SAM status (60 self-test failed / 66 not authorised -> hardwareError with the
 *   spec's words), read SAM ID (shown in `detail` and `media`), set max RF bytes.
 * - Every `pollMs` (default 300 ms, the spec's floor): find; on 9F select, then read (30 01, or 30 10). The find poll
 *   is also the watchdog: `maxSilentPolls` (3) finds without an answer -> offline -> the port is reopened.
 * - One `cardRead` per placement: after a good read the SAM answers 80 to find while the card stays (spec: "Do not
 *   treat 80 after a read as card removed"), so the next read happens only when a find succeeds again, i.e. after the
 *   card was taken away and placed again.
 * - A read error (41, 31, 32, 33, any other SW3, or no whole reply) -> one `cardError` asking the citizen to remove
 *   and place the card again, and polling simply goes on (spec: "After a read error the card must be removed and
 *   placed again"), no retry loop on the card.
 * - Card removal: `find` cannot tell a removed card from a read one left on the field (both answer 80, spec), so
 *   while the card read last may still be there each poll that finds nothing also asks the card for its appended
 *   address (30 03): a card on the field answers 90 or 91 (none on the card), a card gone answers a failure (41).
 *   The first failure gives one `cardRemoved` (the kiosk ends a finished session and stops reminding).
 * - SAM faults seen while polling (60 / 66) -> hardwareError; polls then check the SAM status and run the start-up
 *   again once it answers 90.
 *
 * Events (typed on `DeviceDriverEventMap` by ./events.ts): `cardRead` with the FULL holder (bridge-internal: the
 * session work holds it in memory; never logged, never sent) plus the masked view, and `cardError`. The chip photo
 * is dropped right after parsing: it is never kept, logged or sent.
 */
import {
  SAM_SW3,
  SamDataError,
  SamFrameDecoder,
  SamStatusError,
  buildSamFindCard,
  buildSamReadBase,
  buildSamReadAppendedAddress,
  buildSamReadBaseFingerprint,
  buildSamReadId,
  buildSamReset,
  buildSamSelectCard,
  buildSamSetMaxRfBytes,
  buildSamStatus,
  expectSamSuccess,
  holderLogView,
  parseSamFindResponse,
  parseSamIdResponse,
  parseSamReadResponse,
  parseSamSelectResponse,
  samStatusHex,
  samStatusInfo,
  type CardErrorEvent,
  type CardRemovedEvent,
  toHex,
  type SamFrame,
} from '@onedoor/protocol';
import type { DeviceState } from '@onedoor/protocol';
import { countersOf, type CounterRecord } from '../counters.ts';
import { BaseDeviceDriver, type DeviceActionInfo, type DeviceSpec, type DriverContext, type ExecuteOptions } from '../driver.ts';
import { DeviceCommandError } from '../errors.ts';
import { assessCard, cardErrorForBadData, cardErrorForReadStatus, cardErrorForReadTimeout, hallIsoDate, type CardErrorText } from './cardView.ts';
import type { IdCardReadout } from './events.ts';
import { ID_READER_MIN_REAL_POLL_MS, idReaderTimeouts, parseIdReaderOptions, type IdReaderOptions, type IdReaderTimeouts } from './options.ts';
import { acceptSamReply, type SamReplyShape } from './samExchange.ts';

/** A reply frame and its status byte. */
interface SamReply {
  frame: SamFrame;
  sw3: number;
}

/** What the driver needs besides its spec; tests pin the calendar day. */
export interface IdReaderDeps {
  /** Today as `YYYY-MM-DD` for the expiry check. Default: `ctx.hallToday`, else the hall's (China) day. */
  today?: () => string;
}

/** SW3 values that mean the SAM module itself is unusable (spec "Status codes": 60, 66). */
const SAM_FAULTS: ReadonlySet<number> = new Set([SAM_SW3.selfTestFailed, SAM_SW3.notAuthorised]);

/** `hardwareError` carrying the spec's words for a SAM fault, e.g. `SAM self-test failed (SAM自检失败...) [SW3 0x60]`. */
function samFaultError(sw3: number, context: string): DeviceCommandError {
  const s = samStatusInfo(sw3);
  return new DeviceCommandError('hardwareError', `${context}: ${s.en} (${s.zh}) [SW3 0x${s.hex}]`);
}

/** What this driver counts, for the status (/tech); written by this driver only. */
export interface IdReaderCounters {
  polls: number;
  cardsFound: number;
  cardsRead: number;
  cardErrors: number;
  selectFailures: number;
  invalidCards: number;
  cardsRemoved: number;
}

export class IdReaderDriver extends BaseDeviceDriver<SamFrame> {
  readonly options: IdReaderOptions;
  readonly timeouts: IdReaderTimeouts;
  private readonly today: () => string;
  private readonly stats: IdReaderCounters = { polls: 0, cardsFound: 0, cardsRead: 0, cardErrors: 0, selectFailures: 0, invalidCards: 0, cardsRemoved: 0 };
  private samIdDisplay: string | null = null;
  /** The card read last may still lie on the reader: polls check for its removal. */
  private cardOnField = false;

  constructor(spec: DeviceSpec, ctx: DriverContext, deps: IdReaderDeps = {}) {
    const options = parseIdReaderOptions(spec.id, spec.options);
    super(spec, ctx, {
      decoder: new SamFrameDecoder({ direction: 'response' }),
      // The find poll is the watchdog (brief: 3 silent polls -> offline -> reconnect).
      watchdog: { intervalMs: options.pollMs, maxFailures: options.maxSilentPolls },
      // After a timeout, let a late reply drain before the next command so it cannot be taken for that one's.
      actor: { quietAfterTimeoutMs: 100 },
    });
    this.options = options;
    this.timeouts = idReaderTimeouts(spec.baud, options.read);
    this.today = deps.today ?? ctx.hallToday ?? (() => hallIsoDate());
    if (options.pollMs < ID_READER_MIN_REAL_POLL_MS) {
      this.log.warn({ pollMs: options.pollMs }, `pollMs below ${ID_READER_MIN_REAL_POLL_MS} ms: only for simulated readers (spec: poll find no faster than every 300 ms)`);
    }
  }

  // ---- start-up ----------------------------------------------------------------------------------------------

  /** Spec "Timing and polling": "At start-up: SAM status, read SAM ID, set max RF bytes once." */
  protected async onConnected(signal: AbortSignal): Promise<void> {
    const status = await this.sam('SAM status', buildSamStatus(), 'status', this.timeouts.sam, signal);
    if (SAM_FAULTS.has(status.sw3)) {
      // Still try to identify the module for the technician (a SAM that is not authorised answers 12 FF).
      await this.readSamId(signal).catch(() => undefined);
      throw samFaultError(status.sw3, 'SAM status');
    }
    if (status.sw3 !== SAM_SW3.success) throw new DeviceCommandError('hardwareError', new SamStatusError(status.sw3, 'SAM status').message);

    await this.readSamId(signal);
    const rf = await this.sam('set max RF bytes', buildSamSetMaxRfBytes(this.options.maxRfBytes), 'status', this.timeouts.sam, signal);
    if (rf.sw3 !== SAM_SW3.success) {
      // Not fatal: the SAM keeps its default RF frame size; the technician sees why.
      this.reportError('setMaxRfBytes', new SamStatusError(rf.sw3, `set max RF bytes ${this.options.maxRfBytes}`).message);
    }
    this.setReady();
  }

  private async readSamId(signal: AbortSignal): Promise<string> {
    const reply = await this.sam('read SAM ID', buildSamReadId(), 'samId', this.timeouts.samId, signal);
    const id = parseSamIdResponse(reply.frame).display;
    this.samIdDisplay = id;
    this.setStatus({ media: `SAM ${id}` });
    return id;
  }

  // ---- polling -----------------------------------------------------------------------------------------------

  /** One find (and, on 9F, select + read). Throws only when the reader is silent: that is what the watchdog counts. */
  protected override async watchdogPoll(signal: AbortSignal): Promise<void> {
    if (this.state === 'hardwareError') return this.recheckSam(signal);
    if (this.state === 'userError' && Date.now() - this.status().since >= this.options.placeAgainMs) this.setReady();
    this.stats.polls++;
    const find = await this.sam('find card', buildSamFindCard(), 'find', this.timeouts.find, signal);
    if (find.sw3 === SAM_SW3.noCard) return this.checkRemoval(signal); // no card, or the read card stays (spec)
    if (SAM_FAULTS.has(find.sw3)) return this.samFault(find.sw3, 'find card');
    let found: boolean;
    try {
      found = parseSamFindResponse(find.frame).found;
    } catch (err) {
      this.reportError('findStatus', (err as Error).message); // unknown SW3: reported with hex, never a crash
      return;
    }
    if (!found) return;
    this.stats.cardsFound++;
    this.cardOnField = false; // a new placement: the card before it is gone (its read follows)
    if (this.state === 'userError') this.setReady(); // a card placed again: the earlier read error is over
    await this.selectAndRead(signal);
  }

  private async selectAndRead(signal: AbortSignal): Promise<void> {
    const wasOnline = this.state === 'online';
    if (wasOnline) this.setStatus({ state: 'busy', detail: 'reading a card' });
    try {
      const select = await this.sam('select card', buildSamSelectCard(), 'select', this.timeouts.select, signal).catch((err: unknown) => {
        if (signal.aborted) throw err;
        return null; // a select without answer: the next find tells whether the card is still there
      });
      if (!select) return;
      if (SAM_FAULTS.has(select.sw3)) return this.samFault(select.sw3, 'select card');
      try {
        parseSamSelectResponse(select.frame);
      } catch {
        // 81: the card left the field between find and select (or is not readable yet); the next find decides.
        this.stats.selectFailures++;
        return;
      }
      await this.readCard(signal);
    } finally {
      if (wasOnline && (this.state as DeviceState) === 'busy') this.setReady();
    }
  }

  private setReady(): void {
    this.setStatus({ state: 'online', detail: `SAM ${this.samIdDisplay ?? '?'} ready, polling every ${this.options.pollMs} ms` });
  }

  private async readCard(signal: AbortSignal): Promise<void> {
    const fingerprint = this.options.read === 'fingerprint';
    const cmd = fingerprint ? buildSamReadBaseFingerprint() : buildSamReadBase();
    let reply: SamReply;
    try {
      reply = await this.sam('read card', cmd, fingerprint ? 'readFingerprint' : 'read', this.timeouts.read, signal);
    } catch (err) {
      if (signal.aborted || (err instanceof DeviceCommandError && err.code !== 'timeOut')) throw err;
      // The SAM may have finished the read (the card now answers 80) while its reply was lost or corrupted.
      return this.cardError(cardErrorForReadTimeout(this.timeouts.read));
    }
    if (SAM_FAULTS.has(reply.sw3)) return this.samFault(reply.sw3, 'read card');
    let read;
    try {
      read = parseSamReadResponse(reply.frame, { fingerprint });
    } catch (err) {
      if (err instanceof SamStatusError) return this.cardError(cardErrorForReadStatus(err.sw3));
      if (err instanceof SamDataError) return this.cardError(cardErrorForBadData(err.message));
      throw err;
    }
    // Photo and fingerprint go no further than this function (spec "The photo": never persist it, never log it).
    const { holder } = read;
    const today = this.today();
    const { validation, view } = assessCard(holder, today);
    this.stats.cardsRead++;
    if (!validation.ok) this.stats.invalidCards++;
    this.log.info({ card: holderLogView(holder), valid: validation.ok, ...(validation.ok ? {} : { reason: validation.reason }) }, 'card read');
    const readout: IdCardReadout = { deviceId: this.id, holder, validation, view, at: Date.now() };
    this.cardOnField = true;
    this.emitGuarded('cardRead', () => this.emit('cardRead', readout));
  }

  /** After a read, find answers 80 either way: the card's own answer to 30 03 says whether it is still there. */
  private async checkRemoval(signal: AbortSignal): Promise<void> {
    if (!this.cardOnField) return;
    let reply: SamReply;
    try {
      reply = await this.sam('card present?', buildSamReadAppendedAddress(), 'appendedAddress', this.timeouts.find, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      return; // no answer to the probe: the find before it answered, so this is not silence; the next poll asks again
    }
    if (reply.sw3 === SAM_SW3.success || reply.sw3 === SAM_SW3.noContent) return;
    if (SAM_FAULTS.has(reply.sw3)) return this.samFault(reply.sw3, 'card present?');
    this.cardOnField = false;
    this.stats.cardsRemoved++;
    const event: CardRemovedEvent = { deviceId: this.id, at: Date.now() };
    this.emitGuarded('cardRemoved', () => this.emit('cardRemoved', event));
  }

  /** One card error: `userError` until the card is placed again (see `placeAgainMs`), and one `cardError` event. */
  private cardError(e: CardErrorText): void {
    this.stats.cardErrors++;
    this.reportError(e.code, e.message);
    this.setStatus({ state: 'userError', detail: e.message });
    const event: CardErrorEvent = { deviceId: this.id, code: e.code, message: e.message, at: Date.now() };
    this.emitGuarded('cardError', () => this.emit('cardError', event));
  }

  /** A listener's bug must not look like a silent reader to the watchdog (a throw from a poll counts as silence). */
  private emitGuarded(event: 'cardRead' | 'cardError' | 'cardRemoved', emit: () => void): void {
    try {
      emit();
    } catch (err) {
      this.log.error({ err: (err as Error)?.message, event }, 'card event listener failed');
    }
  }

  /** A SAM fault seen while working: hardwareError until the SAM answers 90 again (polls keep checking). */
  private samFault(sw3: number, context: string): void {
    const err = samFaultError(sw3, context);
    this.reportError(`sam${samStatusHex(sw3)}`, err.message);
    this.setStatus({ state: 'hardwareError', detail: err.message });
  }

  /** In hardwareError: ask the SAM its status; once it is fine again, run the start-up sequence and go online. */
  private async recheckSam(signal: AbortSignal): Promise<void> {
    const status = await this.sam('SAM status', buildSamStatus(), 'status', this.timeouts.sam, signal);
    if (status.sw3 !== SAM_SW3.success) return; // still faulty; the state says why, nothing new to report
    this.setStatus({ state: 'starting', detail: 'SAM answers again, starting up' });
    try {
      await this.onConnected(signal);
    } catch (err) {
      if (signal.aborted) throw err;
      this.setStatus({ state: 'hardwareError', detail: (err as Error).message });
      // No answer is silence (the watchdog counts it); a SAM answering with a fault stays a hardwareError.
      if (err instanceof DeviceCommandError && (err.code === 'timeOut' || err.code === 'deviceNotReady')) throw err;
    }
  }

  /** One SAM command through the actor; the reply whatever its SW3 (callers interpret it). */
  private async sam(label: string, bytes: Uint8Array, shape: SamReplyShape, timeoutMs: number, signal: AbortSignal): Promise<SamReply> {
    const frame = await this.actor.request({ label, bytes, accept: acceptSamReply(shape), timeoutMs, signal });
    // acceptSamReply only takes frames with SW1 SW2 SW3, so body[2] is there.
    return { frame, sw3: frame.body[2] };
  }

  // ---- counters, actions ---------------------------------------------------------------------------------------

  protected override extraCounters(): CounterRecord {
    return countersOf(this.stats);
  }

  override actions(): DeviceActionInfo[] {
    return [
      { name: 'samStatus', help: 'SAM self-test status (11 FF): 90 ok, 60 self-test failed, 66 not authorised', args: [] },
      { name: 'samReset', help: 'reset the SAM module (10 FF), then set max RF bytes again', args: [] },
      { name: 'readSamId', help: 'read the 16-byte SAM ID (12 FF) and its display form', args: [] },
    ];
  }

  /**
   * The technician's actions (`/tech`): `samStatus`, `samReset` (reset, then max RF bytes again), `readSamId`.
   * Each reply is waited for within the spec's timeout cut to the caller's `opts.timeoutMs`: a SAM fault is a
   * hardwareError with the spec's words, no reply `timeOut`, a closed port `deviceNotReady`, an unknown action
   * `invalidRequest`.
   */
  override async execute(action: string, args: Record<string, unknown>, opts: ExecuteOptions): Promise<unknown> {
    const timeoutMs = (ms: number) => Math.min(ms, opts.timeoutMs);
    switch (action) {
      case 'samStatus': {
        const f = await this.sam('SAM status', buildSamStatus(), 'status', timeoutMs(this.timeouts.sam), opts.signal);
        const s = samStatusInfo(f.sw3);
        return { ok: s.code === SAM_SW3.success, sw3: s.hex, en: s.en, zh: s.zh };
      }
      case 'samReset': {
        const f = await this.sam('SAM reset', buildSamReset(), 'status', timeoutMs(this.timeouts.sam), opts.signal);
        if (SAM_FAULTS.has(f.sw3)) throw samFaultError(f.sw3, 'SAM reset');
        expectOk(f.frame, 'SAM reset');
        // A reset SAM is back at its default RF frame size (spec: set max RF bytes at start-up).
        const rf = await this.sam('set max RF bytes', buildSamSetMaxRfBytes(this.options.maxRfBytes), 'status', timeoutMs(this.timeouts.sam), opts.signal);
        expectOk(rf.frame, 'set max RF bytes');
        return { reset: true, maxRfBytes: this.options.maxRfBytes };
      }
      case 'readSamId': {
        const f = await this.sam('read SAM ID', buildSamReadId(), 'samId', timeoutMs(this.timeouts.samId), opts.signal);
        if (SAM_FAULTS.has(f.sw3)) throw samFaultError(f.sw3, 'read SAM ID');
        let id;
        try {
          id = parseSamIdResponse(f.frame);
        } catch (err) {
          throw new DeviceCommandError('hardwareError', (err as Error).message);
        }
        this.samIdDisplay = id.display;
        this.setStatus({ media: `SAM ${id.display}` });
        return { display: id.display, hex: toHex(id.bytes, '') };
      }
      default:
        return super.execute(action, args, opts);
    }
  }
}

/** 90 or a `hardwareError` naming the status (with hex for unknown values). */
function expectOk(frame: SamFrame, context: string): void {
  try {
    expectSamSuccess(frame, context);
  } catch (err) {
    throw new DeviceCommandError('hardwareError', (err as Error).message);
  }
}
