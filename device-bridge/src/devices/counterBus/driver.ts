/**
 * The counter bus driver: the bridge is the only Modbus master on the RS-485 line of counter terminals
 * (counter-bus.md).
 *
 * - The actor owns the line: one request in flight, and at least t3.5 (3.5 characters at the configured baud,
 *   counter-bus.md "Line and framing") of silence after every reply or timeout before the next request (the actor's
 *   inter-command gap). A poll (read, status read, ack) is one transaction at `poll` priority; writes on demand
 *   (display, beeper, LED, rating pad, identify) are transactions at `command` priority, so they go before the
 *   next poll.
 * - Polling (counter-bus.md "Polling"): the configured units in turn, each read 04 0x0000 x17 (pending count + FIFO)
 *   and, when it held events, acknowledged with exactly the number read (06 at 0x0110). Events go out exactly once
 *   and in order per terminal; see `terminalBook.ts` for how a lost acknowledgement is resolved, and for the read
 *   tag (fewer registers after a timed-out read) that keeps a late reply from answering a later read.
 * - Reply timeout: wire time of request and reply at the baud, two t3.5 (the slave's turnaround), plus a margin
 *   (`replyMarginMs`, default 100). A reply that comes back damaged is read again at once (up to 3 tries); a silent
 *   terminal is not retried within its poll.
 * - A terminal that fails 3 polls in a row is offline and retried once every 5 s; the bus itself is online while its
 *   port is open, and its status carries every terminal's state (`DeviceStatus.terminals`).
 * - FIFO overflow (status bit 3 of 0x0022, cleared by the next ack): read before acknowledging a full FIFO and
 *   reported as a `counterOverflow` event.
 *
 * Events leave through `driver.bus` (typed emitter): `counterEvent`, `counterOverflow`, `terminal`, `cycle`.
 */
import { EventEmitter } from 'node:events';
import {
  buildModbusRequest, COUNTER_BLINK_UNTIL_CHANGED, COUNTER_FIFO_SIZE, COUNTER_LEDS, counterAckRequest, counterBeepRequest,
  counterDisplayTextError, counterLedRequest, counterRatingPadRequest, counterReadIdentityRequest,
  CounterReg, decodeCounterEventWord, decodeCounterIdentity, encodeCounterDisplayText, modbusExceptionName,
  ModbusFn, ModbusReplyDecoder, modbusReplyAnswers, type CounterIdentity, type CounterLed, type CounterOverflowEvent,
  type CounterTerminalEvent, type CounterTerminalStatus, type DeviceStatus, type ModbusReply, type ModbusRequest,
} from '@onedoor/protocol';
import type { Line } from '../actor.ts';
import { countersOf, type CounterRecord } from '../counters.ts';
import { BaseDeviceDriver, type DeviceActionInfo, type DeviceSpec, type DriverContext, type ExecuteOptions } from '../driver.ts';
import { canceledError, DeviceCommandError, notReadyError, timeOutError } from '../errors.ts';
import { COUNTER_FRAME_BYTES, counterBusTiming, parseCounterBusOptions, type CounterBusOptions, type CounterBusTiming } from './options.ts';
import { CounterTerminalBook } from './terminalBook.ts';

export interface CounterBusDriverEvents {
  /** A key press or rating, exactly once, in FIFO order per terminal. */
  counterEvent: [event: CounterTerminalEvent];
  counterOverflow: [event: CounterOverflowEvent];
  /** A terminal's state, identity or faults changed. */
  terminal: [status: CounterTerminalStatus];
  /** One round over the units finished: how long it took (ms) and how many units were polled in it. */
  cycle: [ms: number, polled: number];
}

/** Options of a write on demand. */
export interface CounterWriteOptions {
  signal?: AbortSignal;
}

/** What `identify` answers: the terminal's identity registers (0x0020-0x0022). */
export interface CounterIdentifyResult {
  unit: number;
  model: string;
  firmware: string;
  statusBits: number;
}

type Outcome = { kind: 'reply'; reply: ModbusReply } | { kind: 'silent' } | { kind: 'garbled' };

/** What the bus counts, for the status (/tech); written by this driver only. */
export interface CounterBusCounters {
  polls: number;
  pollFailures: number;
  /** Requests with no good answer by their reply timeout (silent or damaged). */
  replyTimeouts: number;
  /** Of those, the ones where damaged bytes did arrive (the terminal is there, the line is noisy). */
  garbledReplies: number;
  exceptions: number;
  events: number;
  /** Held words seen again after an ack whose echo was lost, and not delivered twice. */
  redeliveriesAvoided: number;
  acks: number;
  ackFailures: number;
  overflows: number;
  writes: number;
  writeFailures: number;
  cycles: number;
  lastCycleMs: number;
}

type BusLine = Line<ModbusReply>;

/** Blinks and beeps of `identify` (a technician finds the terminal; the text shown is left as it is). */
const IDENTIFY_BLINKS = 5;
const IDENTIFY_BEEPS = 2;
/** The same exception from the same terminal is reported (log, lastError) at most this often. */
const EXCEPTION_REPORT_EVERY_MS = 60_000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export class CounterBusDriver extends BaseDeviceDriver<ModbusReply> {
  /** Counter events, overflows, terminal changes and cycle times. */
  readonly bus = new EventEmitter<CounterBusDriverEvents>();
  readonly options: CounterBusOptions;
  readonly timing: CounterBusTiming;
  private readonly decoder: ModbusReplyDecoder;
  private readonly books: CounterTerminalBook[];
  private readonly byUnit = new Map<number, CounterTerminalBook>();
  private cursor = 0;
  private readonly lastExceptionReport = new Map<number, { message: string; at: number }>();
  private cycleStart = -1;
  private cyclePolls = 0;
  private readonly stats: CounterBusCounters = {
    polls: 0, pollFailures: 0, replyTimeouts: 0, garbledReplies: 0, exceptions: 0, events: 0, redeliveriesAvoided: 0,
    acks: 0, ackFailures: 0, overflows: 0, writes: 0, writeFailures: 0, cycles: 0, lastCycleMs: 0,
  };

  constructor(spec: DeviceSpec, ctx: DriverContext) {
    const options = parseCounterBusOptions(spec.id, spec.options);
    const decoder = new ModbusReplyDecoder();
    const timing = counterBusTiming(spec.baud, options.replyMarginMs);
    // The actor keeps t3.5 after every reply and every timeout; no watchdog: liveness is per terminal, not per port.
    super(spec, ctx, { decoder, actor: { interCommandGapMs: timing.gapMs } });
    this.decoder = decoder;
    this.options = options;
    this.timing = timing;
    this.books = options.units.map((u) => new CounterTerminalBook(u));
    for (const b of this.books) this.byUnit.set(b.unit, b);
  }

  // ---- status ------------------------------------------------------------------------------------------------

  override status(): DeviceStatus {
    return { ...super.status(), terminals: this.terminals() };
  }

  /** Every configured terminal, in polling order. */
  terminals(): CounterTerminalStatus[] {
    return this.books.map((b) => b.status());
  }

  protected override extraCounters(): CounterRecord {
    return countersOf(this.stats);
  }

  private summary(): string {
    const on = this.books.filter((b) => b.state === 'online').length;
    const off = this.books.filter((b) => b.state === 'offline').map((b) => b.unit);
    const faulty = this.books.filter((b) => b.identity && (b.identity.statusBits & 0b111) !== 0).map((b) => b.unit);
    let s = `${this.books.length} terminals: ${on} online`;
    if (off.length) s += `, offline: ${off.join(', ')}`;
    if (faulty.length) s += `, hardware fault: ${faulty.join(', ')}`;
    return s;
  }

  private terminalChanged(b: CounterTerminalBook): void {
    this.safeEmit('terminal', b.status());
    const before = this.status().detail;
    this.setStatus({ detail: this.summary() });
    // setStatus emits only when the detail changed; a changed identity may not change it, and the UI wants it.
    if (this.status().detail === before) this.emit('status', this.status());
  }

  private safeEmit<K extends keyof CounterBusDriverEvents>(event: K, ...args: CounterBusDriverEvents[K]): void {
    try {
      (this.bus.emit as (e: K, ...a: CounterBusDriverEvents[K]) => boolean)(event, ...args);
    } catch (err) {
      // A listener's bug must not stop the bus (events already delivered stay delivered).
      this.log.error({ err: (err as Error).message, event }, 'counter bus listener failed');
    }
  }

  // ---- lifecycle ---------------------------------------------------------------------------------------------

  protected async onConnected(signal: AbortSignal): Promise<void> {
    this.decoder.reset();
    this.decoder.expectReplyTo(null);
    this.setStatus({ state: 'online', detail: this.summary() });
    void this.runBus(signal);
  }

  protected override onDisconnected(): void {
    // Nothing is known about the terminals while the port is down; their held words are kept (the FIFOs are).
    for (const b of this.books) b.lineDown();
    this.setStatus({ detail: `${this.summary()} (port closed)` });
  }


  // ---- the bus loop ------------------------------------------------------------------------------------------

  private async runBus(signal: AbortSignal): Promise<void> {
    this.cycleStart = -1;
    while (!signal.aborted) {
      try {
        const book = this.nextDue();
        if (book) {
          await this.actor.transaction(`poll unit ${book.unit}`, (line) => this.poll(line, book), { priority: 'poll', signal });
        } else await this.idle(signal);
      } catch (err) {
        if (signal.aborted) break;
        // Not expected (the port closing aborts the signal first); keep the loop alive but do not spin.
        this.log.error({ err: (err as Error).message }, 'counter bus loop error');
        await sleep(50, signal);
      }
    }
  }

  /** The next terminal in round-robin order that may be polled now, or null when all are offline and not due. */
  private nextDue(): CounterTerminalBook | null {
    const now = performance.now();
    for (let k = 0; k < this.books.length; k++) {
      const i = this.cursor;
      this.cursor = (this.cursor + 1) % this.books.length;
      if (i === 0) this.cycleBoundary(now);
      if (this.books[i].due(now)) return this.books[i];
    }
    return null;
  }

  private cycleBoundary(now: number): void {
    if (this.cycleStart >= 0 && this.cyclePolls > 0) {
      const ms = now - this.cycleStart;
      this.stats.cycles++;
      this.stats.lastCycleMs = Math.round(ms * 10) / 10;
      this.safeEmit('cycle', ms, this.cyclePolls);
    }
    this.cycleStart = now;
    this.cyclePolls = 0;
  }

  /** Every terminal is offline and none is due: wait for the earliest retry (writes reach the actor directly). */
  private async idle(signal: AbortSignal): Promise<void> {
    const next = Math.min(...this.books.map((b) => b.nextTryAt));
    await sleep(Math.max(1, Math.ceil(next - performance.now())), signal);
  }

  /** One poll of one terminal, holding the line: event read, status read when due, ack. */
  private async poll(line: BusLine, book: CounterTerminalBook): Promise<void> {
    const unit = book.unit;
    this.stats.polls++;
    this.cyclePolls++;
    // A silent terminal gets one try per poll (retrying would only delay the others); a damaged answer shows it is
    // there on a noisy line, so it is read again at once. An offline terminal gets one try every 5 s.
    const attempts = book.state === 'offline' ? 1 : this.options.attemptsPerPoll;
    // counter-bus.md "Polling": 04 from 0x0000, normally 17 registers; fewer after a timeout (the read tag).
    const read = (): ModbusRequest => ({ kind: 'read', unit, fn: ModbusFn.readInput, address: CounterReg.eventCount, quantity: book.readQuantity });
    const out = await this.transactRetrying(line, read, 'poll', attempts, () => book.rotateReadTag());
    const now = performance.now();
    if (out.kind !== 'reply') {
      this.stats.pollFailures++;
      if (book.failed(now, this.options)) {
        this.reportError('terminalOffline', `counter terminal ${unit} did not answer ${book.failures} polls: offline, retried every ${this.options.offlineRetryMs} ms`);
        this.terminalChanged(book);
      }
      return;
    }
    if (book.answered()) {
      this.log.info({ unit }, 'counter terminal online');
      this.terminalChanged(book);
    }
    const reply = out.reply;
    if (reply.kind !== 'registers') {
      this.exception(unit, 'event read', reply);
      return;
    }
    const pending = reply.values[0];
    const words = reply.values.slice(1, 1 + Math.min(pending, COUNTER_FIFO_SIZE));
    const fresh = book.take(pending, words);
    this.stats.redeliveriesAvoided += words.length - fresh.length;
    const at = Date.now();
    for (const w of fresh) {
      this.stats.events++;
      this.safeEmit('counterEvent', { ...decodeCounterEventWord(w), deviceId: this.id, unit, at });
    }
    // The overflow bit is cleared by the ack, so a full FIFO has its status read first. If that read fails the ack
    // is not sent: the held words are skipped at the next read, which checks the bit again.
    const full = pending >= COUNTER_FIFO_SIZE;
    if (full || now - book.statusReadAt >= this.options.statusEveryMs) {
      const ok = await this.readStatus(line, book);
      if (!ok && full) return;
    }
    if (words.length === 0) return;
    const ack = await this.transact(line, counterAckRequest(unit, words.length), 'ack');
    if (ack.kind === 'reply' && ack.reply.kind === 'writeSingle') {
      this.stats.acks++;
      book.ackConfirmed(words.length);
    } else {
      this.stats.ackFailures++;
      // An exception: the terminal refused it, nothing was removed. No echo: the next read decides.
      if (ack.kind === 'reply') this.exception(unit, 'acknowledge', ack.reply);
      else book.ackUnknown(words.length);
      this.log.debug({ unit, outcome: ack.kind }, 'ack not confirmed; the next read decides');
    }
  }

  /** Reads 0x0020-0x0022 (model, firmware, status bits); reports an overflow and fault changes. */
  private async readStatus(line: BusLine, book: CounterTerminalBook): Promise<boolean> {
    const out = await this.transactRetrying(line, () => counterReadIdentityRequest(book.unit), 'status', this.options.attemptsPerPoll);
    if (out.kind !== 'reply') return false;
    if (out.reply.kind !== 'registers') {
      this.exception(book.unit, 'status read', out.reply);
      return false;
    }
    const id = decodeCounterIdentity(out.reply.values);
    const before = book.identity;
    book.identity = id;
    book.statusReadAt = performance.now();
    if (id.status.fifoOverflow && book.noteOverflow()) {
      this.stats.overflows++;
      this.reportError('fifoOverflow', `counter terminal ${book.unit}: FIFO overflowed, key presses were dropped at the terminal`);
      this.safeEmit('counterOverflow', { deviceId: this.id, unit: book.unit, at: Date.now() });
    }
    if (!before || before.model !== id.model || before.firmware !== id.firmware || (before.statusBits & 0b111) !== (id.statusBits & 0b111)) {
      this.terminalChanged(book);
    }
    return true;
  }

  private exception(unit: number, what: string, reply: ModbusReply): void {
    this.stats.exceptions++;
    const why = reply.kind === 'exception' ? `exception ${reply.code} (${modbusExceptionName(reply.code)})` : `unexpected ${reply.kind} reply`;
    const message = `counter terminal ${unit} answered the ${what} with ${why}`;
    // A terminal with another register map answers every poll this way: report it once a minute, not every poll.
    const last = this.lastExceptionReport.get(unit);
    const now = Date.now();
    if (last && last.message === message && now - last.at < EXCEPTION_REPORT_EVERY_MS) return;
    this.lastExceptionReport.set(unit, { message, at: now });
    this.reportError('modbusException', message);
  }

  // ---- one request on the line -------------------------------------------------------------------------------

  /**
   * `transact` up to `attempts` times while the answer comes back damaged. `make` builds each attempt's request and
   * `afterTimeout` runs after every attempt without a good answer (the poll changes its read tag there).
   */
  private async transactRetrying(line: BusLine, make: () => ModbusRequest, label: string, attempts: number, afterTimeout?: () => void): Promise<Outcome> {
    let out: Outcome = { kind: 'silent' };
    for (let a = 0; a < attempts; a++) {
      out = await this.transact(line, make(), label);
      if (out.kind === 'reply') break;
      afterTimeout?.();
      if (out.kind === 'silent') break;
      this.stats.garbledReplies++;
    }
    return out;
  }

  /**
   * One request and its answer, within the reply timeout (wire time of request and reply + turnaround + margin);
   * the actor keeps t3.5 before it. When the time is up the decoder is told the line is silent, which frees a
   * frame held back behind a noise byte. Throws only when the port closes or the transaction is canceled.
   */
  private async transact(line: BusLine, req: ModbusRequest, label: string): Promise<Outcome> {
    const bytes = buildModbusRequest(req);
    const c = this.decoder.counters;
    const damageBefore = c.checksumErrors + c.lengthErrors + c.discardedBytes;
    this.decoder.expectReplyTo(req);
    try {
      const reply = await line.request({
        bytes,
        accept: (f) => modbusReplyAnswers(req, f),
        timeoutMs: this.timing.replyTimeoutMs(bytes.length, replyBytes(req)),
        label: `${label} unit ${req.unit}`,
        onTimeout: () => this.decoder.lineSilent(),
      });
      return { kind: 'reply', reply };
    } catch (err) {
      if (!(err instanceof DeviceCommandError && err.code === 'timeOut')) throw err;
      this.stats.replyTimeouts++;
      const damaged = c.checksumErrors + c.lengthErrors + c.discardedBytes > damageBefore;
      return { kind: damaged ? 'garbled' : 'silent' };
    } finally {
      this.decoder.expectReplyTo(null);
    }
  }

  // ---- writes on demand --------------------------------------------------------------------------------------

  /** Shows up to 8 ASCII characters, steady (mode 0), blinking n times (1-15) or until changed (255). One 16 write. */
  showText(unit: number, text: string, mode = 0, opts: CounterWriteOptions = {}): Promise<void> {
    const err = counterDisplayTextError(text);
    if (err) return Promise.reject(new DeviceCommandError('invalidRequest', err));
    if (!Number.isInteger(mode) || !((mode >= 0 && mode <= 15) || mode === COUNTER_BLINK_UNTIL_CHANGED)) {
      return Promise.reject(new DeviceCommandError('invalidRequest', `display mode must be 0-15 or 255, got ${String(mode)}`));
    }
    // 0x0100-0x0103 text and 0x0104 mode are adjacent: one request sets both, so the text never shows in an old mode.
    const req: ModbusRequest = { kind: 'writeMultiple', unit, address: CounterReg.displayText, values: [...encodeCounterDisplayText(text), mode] };
    return this.enqueueWrite(unit, `display "${text}"`, [req], opts);
  }

  beep(unit: number, times: number, opts: CounterWriteOptions = {}): Promise<void> {
    return this.build(unit, `beep ${times}`, () => [counterBeepRequest(unit, times)], opts);
  }

  setRatingPad(unit: number, on: boolean, opts: CounterWriteOptions = {}): Promise<void> {
    if (typeof on !== 'boolean') return Promise.reject(new DeviceCommandError('invalidRequest', `rating pad "on" must be true or false, got ${String(on)}`));
    return this.build(unit, `rating pad ${on ? 'on' : 'off'}`, () => [counterRatingPadRequest(unit, on)], opts);
  }

  setLed(unit: number, led: CounterLed, opts: CounterWriteOptions = {}): Promise<void> {
    return this.build(unit, `LED ${led}`, () => [counterLedRequest(unit, led)], opts);
  }

  /** Blinks the terminal's display and beeps (so a technician can find it), then reads its identity registers. */
  async identify(unit: number, opts: CounterWriteOptions = {}): Promise<CounterIdentifyResult> {
    const blink: ModbusRequest = { kind: 'writeMultiple', unit, address: CounterReg.displayMode, values: [IDENTIFY_BLINKS, IDENTIFY_BEEPS] };
    let id: CounterIdentity | null = null;
    await this.enqueueWrite(unit, 'identify', [blink, counterReadIdentityRequest(unit)], opts, (reply) => {
      if (reply.kind === 'registers') id = decodeCounterIdentity(reply.values);
    });
    const got = id as CounterIdentity | null;
    if (!got) throw new DeviceCommandError('hardwareError', `counter terminal ${unit} did not return its identity`);
    return { unit, model: `0x${got.model.toString(16).padStart(4, '0')}`, firmware: got.firmware, statusBits: got.statusBits };
  }

  private build(unit: number, label: string, make: () => ModbusRequest[], opts: CounterWriteOptions): Promise<void> {
    let reqs: ModbusRequest[];
    try {
      reqs = make();
    } catch (err) {
      return Promise.reject(new DeviceCommandError('invalidRequest', (err as Error).message));
    }
    return this.enqueueWrite(unit, label, reqs, opts);
  }

  private enqueueWrite(unit: number, label: string, requests: ModbusRequest[], opts: CounterWriteOptions, onReply?: (r: ModbusReply) => void): Promise<void> {
    const what = `${this.id} unit ${unit} ${label}`;
    const trace = new Error(); // the caller's stack, for a write that times out
    if (!this.byUnit.has(unit)) {
      return Promise.reject(new DeviceCommandError('invalidRequest', `unit ${String(unit)} is not on ${this.id} (units: ${this.options.units.join(', ')})`));
    }
    if (!this.actor.isReady || this.state !== 'online') return Promise.reject(notReadyError(what, `bus is ${this.state}`));
    if (opts.signal?.aborted) return Promise.reject(canceledError(what));
    return this.actor.transaction(`unit ${unit} ${label}`, (line) => this.runWrite(line, unit, label, requests, trace, onReply), {
      priority: 'command',
      signal: opts.signal,
    });
  }

  private async runWrite(
    line: BusLine, unit: number, label: string, requests: ModbusRequest[], trace: Error, onReply?: (r: ModbusReply) => void,
  ): Promise<void> {
    const book = this.byUnit.get(unit)!;
    const attempts = book.state === 'offline' ? 1 : this.options.writeAttempts;
    this.stats.writes++;
    for (const req of requests) {
      let out: Outcome = { kind: 'silent' };
      // Register writes are idempotent (they set a value), so a write whose echo was lost may be sent again.
      for (let a = 0; a < attempts; a++) {
        out = await this.transact(line, req, label);
        if (out.kind === 'reply') break;
        if (out.kind === 'garbled') this.stats.garbledReplies++;
      }
      if (out.kind !== 'reply') {
        this.stats.writeFailures++;
        const ms = this.timing.replyTimeoutMs(buildModbusRequest(req).length, replyBytes(req));
        throw timeOutError(`${this.id} unit ${unit} ${label} (${attempts} attempts, ${out.kind})`, ms, trace);
      }
      if (out.reply.kind === 'exception') {
        this.stats.writeFailures++;
        this.exception(unit, label, out.reply);
        // 03: the terminal refused the value (a newer range); otherwise it lacks the register or failed.
        const code = out.reply.code === 3 ? 'invalidRequest' : 'hardwareError';
        throw new DeviceCommandError(code, `counter terminal ${unit} refused ${label}: ${modbusExceptionName(out.reply.code)}`);
      }
      onReply?.(out.reply);
    }
  }

  // ---- actions (technician console, deviceCommand) ------------------------------------------------------------

  override actions(): DeviceActionInfo[] {
    return [
      { name: 'display', help: 'show up to 8 ASCII characters; mode 0 steady, 1-15 blink n times, 255 blink until changed', args: ['unit', 'text', 'mode'] },
      { name: 'beep', help: 'beep n times (0-255)', args: ['unit', 'times'] },
      { name: 'ratingPad', help: 'light the rating pad for a rating (on: true) or turn it off', args: ['unit', 'on'] },
      { name: 'led', help: `set the LED: ${COUNTER_LEDS.join(', ')}`, args: ['unit', 'led'] },
      { name: 'identify', help: 'blink the display and beep, and return model, firmware and status bits', args: ['unit'] },
      { name: 'terminals', help: 'state of every terminal on the line', args: [] },
    ];
  }

  override async execute(action: string, args: Record<string, unknown>, opts: ExecuteOptions): Promise<unknown> {
    const w = { signal: opts.signal };
    const unit = () => intArg(args, 'unit');
    switch (action) {
      case 'display':
        await this.showText(unit(), strArg(args, 'text'), args.mode === undefined ? 0 : intArg(args, 'mode'), w);
        return { unit: args.unit };
      case 'beep':
        await this.beep(unit(), intArg(args, 'times'), w);
        return { unit: args.unit };
      case 'ratingPad':
        await this.setRatingPad(unit(), args.on as boolean, w);
        return { unit: args.unit };
      case 'led':
        await this.setLed(unit(), strArg(args, 'led') as CounterLed, w);
        return { unit: args.unit };
      case 'identify':
        return this.identify(unit(), w);
      case 'terminals':
        return this.terminals();
      default:
        return super.execute(action, args, opts);
    }
  }
}

function intArg(args: Record<string, unknown>, name: string): number {
  const v = args[name];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new DeviceCommandError('invalidRequest', `${name} must be an integer, got ${JSON.stringify(v)}`);
  return v;
}

function strArg(args: Record<string, unknown>, name: string): string {
  const v = args[name];
  if (typeof v !== 'string') throw new DeviceCommandError('invalidRequest', `${name} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

/** Length of the normal answer to `req` (an exception is shorter, 5 bytes). */
function replyBytes(req: ModbusRequest): number {
  return req.kind === 'read' ? COUNTER_FRAME_BYTES.readReply(req.quantity) : COUNTER_FRAME_BYTES.fixed;
}
