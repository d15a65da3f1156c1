/**
 * The counter bus simulator: N counter terminals (units 1..N) as Modbus RTU slaves on one multi-drop RS-485 line
 * (counter-bus.md). Half duplex: a request addressed to one of its units is answered after a turnaround delay, and
 * the link adds the wire time. Broadcast writes (unit 0) are applied by every terminal without a reply; frames with a
 * bad CRC are ignored, as real slaves do. All framing goes through `@onedoor/protocol` (one source of truth).
 *
 * Faults: line noise on replies, bad CRCs on the next replies, a silent terminal, a late terminal. Anything more
 * unusual is a behaviour a test defines (`defineBehavior`, ../core/behaviors.ts), not a new fault kind.
 */
import { EventEmitter } from 'node:events';
import {
  buildModbusReply, COUNTER_KEYS, COUNTER_LEDS, COUNTER_MAX_UNIT, counterKey,
  modbusExceptionName, modbusFrameGapMs, modbusRequestFn, ModbusRequestDecoder, toHex, type CounterKeyName, type CounterLed, type CounterRating, type ModbusReply, type ModbusRequest,
} from '@onedoor/protocol';
import { BehaviorSet, type Behavior } from '../core/behaviors.ts';
import { runAt, type CancelRun } from '../link/precise-timer.ts';
import type { SimActionInfo, SimDevice, SimLine } from '../core/device.ts';
import { SimTerminal, type TerminalFaultBit } from './terminal.ts';

export interface CounterBusSimOptions {
  id?: string;
  /** Terminals on the line, units 1..n (default 8, at most 32). */
  terminals?: number;
  /**
   * Delay between the end of a request and the start of the reply. Default: exactly 3.5 characters, the silence
   * that ends a frame (counter-bus.md "Line and framing"), kept to the sub-millisecond: a real slave answers as
   * soon as its t3.5 timer says the request is complete.
   */
  turnaroundMs?: number;
  /** How long one beep lasts (the beep register counts down at this pace). Default 150 ms. */
  beepMs?: number;
  /**
   * Silence after which a partial frame is given up (a slave's t3.5 timer). Generous by default (50 ms) because
   * the link delivers bytes in paced slices and a busy event loop must not cut a good frame in two.
   */
  silenceMs?: number;
  /** Seed of the noise fault's random numbers (default 1), so a noisy run can be replayed. */
  seed?: number;
}

interface TerminalLineFaults {
  silent: boolean;
  lateMs: number;
}

export interface CounterBusCounters {
  requests: number;
  replies: number;
  exceptions: number;
  broadcasts: number;
  /** Requests for units that are not on this line (another slave's business, or nobody's). */
  otherUnits: number;
}

const DEFAULT_TERMINALS = 8;
const DEFAULT_NOISE_RATE = 0.01;

/** Parses an integer argument that may come as a number (JSON) or a string (CLI). */
function intArg(args: Record<string, unknown>, name: string, min: number, max: number): number {
  const raw = args[name];
  const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new Error(`${name} must be an integer ${min}..${max}, got ${JSON.stringify(raw)}`);
  }
  return v;
}

function onOffArg(args: Record<string, unknown>, name: string): boolean {
  const raw = args[name];
  if (raw === true || raw === 'on' || raw === 'true' || raw === 1 || raw === '1') return true;
  if (raw === false || raw === 'off' || raw === 'false' || raw === 0 || raw === '0') return false;
  throw new Error(`${name} must be on or off, got ${JSON.stringify(raw)}`);
}

export class CounterBusSim extends EventEmitter implements SimDevice {
  readonly id: string;
  readonly kind = 'counterbus' as const;
  private line: SimLine | null = null;
  private readonly decoder = new ModbusRequestDecoder({ keepFrameBytes: true });
  private terminalList: SimTerminal[] = [];
  private readonly lineFaults = new WeakMap<SimTerminal, TerminalLineFaults>();
  private readonly behaviors = new BehaviorSet<ModbusRequest, ModbusReply>();
  private noiseRate = 0;
  private crcFaults = 0;
  private rand: () => number;
  /** Replies waiting for their turnaround (cancelled on close). */
  private readonly pendingReplies = new Set<CancelRun>();
  private silenceTimer: ReturnType<typeof setTimeout> | null = null;
  private beepTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  readonly counters: CounterBusCounters = { requests: 0, replies: 0, exceptions: 0, broadcasts: 0, otherUnits: 0 };

  constructor(private readonly opts: CounterBusSimOptions = {}) {
    super();
    this.id = opts.id ?? 'counterbus';
    this.rand = seededRandom(opts.seed ?? 1);
    this.setTerminalCount(opts.terminals ?? DEFAULT_TERMINALS);
  }

  // ------------------------------------------------------------------------------------------------------------
  // SimDevice

  attach(line: SimLine | null): void {
    this.line = line;
    this.decoder.reset(); // a new host starts a new byte stream
    this.log('link', line ? `host attached at ${line.baud} baud` : 'host detached');
  }

  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    const before = { crc: this.decoder.counters.checksumErrors, junk: this.decoder.counters.discardedBytes };
    for (const req of this.decoder.push(bytes)) this.onRequest(req);
    this.noteDiscards(before);
    // A slave frames by silence as well as by shape: once the line has been quiet, a partial frame is abandoned.
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.silenceTimer = this.decoder.buffered > 0 ? setTimeout(() => this.onSilence(), this.opts.silenceMs ?? 50) : null;
  }

  snapshot(): Record<string, unknown> {
    return {
      id: this.id,
      kind: this.kind,
      attached: this.line !== null,
      terminals: this.terminalList.map((t) => ({ ...t.snapshot(), ...this.faultsOf(t) })),
      faults: { noiseRate: this.noiseRate, crcFaultsPending: this.crcFaults },
      counters: { ...this.counters, decoder: { ...this.decoder.counters } },
    };
  }

  actions(): SimActionInfo[] {
    const keys = COUNTER_KEYS.map((k) => k.key).join(', ');
    return [
      { name: 'press', args: ['unit', 'key', 'arg'], help: `a clerk presses a key on a terminal's keypad (${keys}); arg: transfer target category or digit 0-9` },
      { name: 'rate', args: ['unit', 'rating'], help: 'a citizen presses the rating pad: 1 非常满意 .. 5 非常不满意 (only while the pad is lit)' },
      { name: 'fault-noise', args: ['level'], help: `line noise on replies: on (${DEFAULT_NOISE_RATE} of bytes), off, or a rate 0..1` },
      { name: 'fault-crc', args: ['count'], help: 'the next <count> replies carry a bad CRC' },
      { name: 'fault-silent', args: ['unit', 'state'], help: 'a terminal stops answering (on) or answers again (off)' },
      { name: 'fault-late', args: ['unit', 'ms'], help: 'a terminal answers <ms> late (0 = on time)' },
      { name: 'fault-hardware', args: ['unit', 'part', 'state'], help: 'set a status fault bit: display, keypad or ratingPad, on/off' },
      { name: 'terminals', args: ['n'], help: `how many terminals hang on the line (units 1..n, n <= ${COUNTER_MAX_UNIT})` },
    ];
  }

  async act(name: string, args: Record<string, unknown>): Promise<unknown> {
    switch (name) {
      case 'press': {
        const t = this.terminalArg(args);
        const key = counterKey(String(args.key)).key as CounterKeyName;
        const arg = args.arg === undefined || args.arg === '' ? 0 : intArg(args, 'arg', 0, key === 'digit' ? 9 : 255);
        return this.storeEvent(t, () => t.press({ key, arg }), `${key}${arg ? ' ' + arg : ''}`);
      }
      case 'rate': {
        const t = this.terminalArg(args);
        const rating = intArg(args, 'rating', 1, 5) as CounterRating;
        return this.storeEvent(t, () => t.rate(rating), `rating ${rating}`);
      }
      case 'fault-noise': {
        const level = args.level;
        this.noiseRate = level === 'on' || level === true ? DEFAULT_NOISE_RATE
          : level === 'off' || level === false ? 0
          : rateArg(level);
        this.changed(`noise ${this.noiseRate ? `on (${this.noiseRate})` : 'off'}`);
        return { noiseRate: this.noiseRate };
      }
      case 'fault-crc':
        this.crcFaults = intArg(args, 'count', 0, 1_000_000);
        this.changed(`next ${this.crcFaults} replies with a bad CRC`);
        return { crcFaultsPending: this.crcFaults };
      case 'fault-silent': {
        const t = this.terminalArg(args);
        this.faultsOf(t).silent = onOffArg(args, 'state');
        this.changed(`unit ${t.unit} ${this.faultsOf(t).silent ? 'silent' : 'answers again'}`);
        return { unit: t.unit, silent: this.faultsOf(t).silent };
      }
      case 'fault-late': {
        const t = this.terminalArg(args);
        this.faultsOf(t).lateMs = intArg(args, 'ms', 0, 60_000);
        this.changed(`unit ${t.unit} answers ${this.faultsOf(t).lateMs} ms late`);
        return { unit: t.unit, lateMs: this.faultsOf(t).lateMs };
      }
      case 'fault-hardware': {
        const t = this.terminalArg(args);
        const part = String(args.part);
        const bits: Record<string, TerminalFaultBit> = { display: 'displayFault', keypad: 'keypadFault', ratingPad: 'ratingPadFault' };
        if (!bits[part]) throw new Error(`part must be display, keypad or ratingPad, got ${JSON.stringify(args.part)}`);
        t.setFault(bits[part], onOffArg(args, 'state'));
        this.changed(`unit ${t.unit} ${part} fault ${onOffArg(args, 'state') ? 'on' : 'off'}`);
        return { unit: t.unit, statusBits: t.statusBits };
      }
      case 'terminals':
        this.setTerminalCount(intArg(args, 'n', 1, COUNTER_MAX_UNIT));
        this.changed(`${this.terminalList.length} terminals on the line`);
        return { terminals: this.terminalList.map((t) => t.unit) };
      default:
        throw new Error(`unknown counterbus action "${name}"; actions: ${this.actions().map((a) => a.name).join(', ')}`);
    }
  }

  close(): void {
    this.closed = true;
    for (const cancel of this.pendingReplies) cancel();
    this.pendingReplies.clear();
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    if (this.beepTimer) clearInterval(this.beepTimer);
    this.silenceTimer = null;
    this.beepTimer = null;
    this.line = null;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Class API for tests and scenarios

  /** The terminal at a unit ID (throws when no terminal answers to it). */
  terminal(unit: number): SimTerminal {
    const t = this.terminalList.find((x) => x.unit === unit);
    if (!t) throw new Error(`no terminal with unit ${unit} on this line (units: ${this.terminalList.map((x) => x.unit).join(', ')})`);
    return t;
  }

  get terminals(): readonly SimTerminal[] {
    return this.terminalList;
  }

  press(unit: number, key: CounterKeyName, arg = 0): Promise<unknown> {
    return this.act('press', { unit, key, arg });
  }

  rate(unit: number, rating: CounterRating): Promise<unknown> {
    return this.act('rate', { unit, rating });
  }

  /** Resolves once `unit` shows `text` (trailing spaces ignored); rejects after `timeoutMs` with what it shows. */
  expectDisplay(unit: number, text: string, timeoutMs = 5000): Promise<void> {
    return this.waitFor(() => this.terminal(unit).display === text.replace(/ +$/, ''), () => `unit ${unit} display "${text}" (shows "${this.terminal(unit).display}")`, timeoutMs);
  }

  expectLed(unit: number, led: CounterLed, timeoutMs = 5000): Promise<void> {
    return this.waitFor(() => COUNTER_LEDS[this.terminal(unit).led] === led, () => `unit ${unit} LED ${led} (is ${COUNTER_LEDS[this.terminal(unit).led]})`, timeoutMs);
  }

  /** Resolves once `unit` has sounded at least `count` beeps in all. */
  expectBeeps(unit: number, count: number, timeoutMs = 5000): Promise<void> {
    return this.waitFor(() => this.terminal(unit).beeps >= count, () => `unit ${unit} ${count} beeps (sounded ${this.terminal(unit).beeps})`, timeoutMs);
  }

  /** Resolves once `unit` holds exactly `count` unacknowledged events. */
  expectPending(unit: number, count: number, timeoutMs = 5000): Promise<void> {
    return this.waitFor(() => this.terminal(unit).pending === count, () => `unit ${unit} ${count} pending events (holds ${this.terminal(unit).pending})`, timeoutMs);
  }

  expectRatingPad(unit: number, lit: boolean, timeoutMs = 5000): Promise<void> {
    return this.waitFor(() => this.terminal(unit).ratingPad === lit, () => `unit ${unit} rating pad ${lit ? 'lit' : 'off'}`, timeoutMs);
  }

  /** Resolves when `check()` holds (now or after a later 'state'); rejects after `timeoutMs` naming what was awaited. */
  waitFor(check: () => boolean, what: () => string, timeoutMs = 5000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onState = () => {
        let ok = false;
        try { ok = check(); } catch { /* e.g. the unit was re-addressed meanwhile: keep waiting */ }
        if (!ok) return;
        clearTimeout(timer);
        this.off('state', onState);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off('state', onState);
        let detail: string;
        try { detail = what(); } catch (e) { detail = (e as Error).message; }
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${detail}`));
      }, timeoutMs);
      this.on('state', onState);
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // The line

  private onRequest(req: ModbusRequest): void {
    this.counters.requests++;
    const raw = this.decoder.frameBytes(req);
    const hex = raw ? toHex(raw) : '';
    if (req.unit === 0) {
      this.counters.broadcasts++;
      // Broadcast: writes only, applied by every terminal, never answered (reads and exceptions stay silent).
      let changed = false;
      for (const t of this.terminalList) {
        const ans = t.handle(req);
        if (typeof ans !== 'number') {
          changed ||= ans.changed;
          if (ans.newUnit !== undefined) this.log('rx', 'broadcast unit ID write ignored: every terminal would take the same unit');
        }
      }
      this.log('rx', `broadcast ${describe(req)}`, hex);
      if (changed) this.emitState();
      return;
    }
    const t = this.terminalList.find((x) => x.unit === req.unit);
    if (!t) {
      this.counters.otherUnits++;
      this.log('rx', `unit ${req.unit} is not on this line: no answer`, hex);
      return;
    }
    const faults = this.faultsOf(t);
    this.log('rx', `unit ${req.unit} ${describe(req)}${faults.silent ? ' (silent: no answer)' : ''}`, hex);
    if (faults.silent) return;
    const decided = this.behaviors.decide(req, () => this.modelReply(t, req));
    if (decided.kind === 'silent') {
      this.log('rx', `unit ${req.unit}: no answer (behaviour)`);
      return;
    }
    if (decided.kind === 'bytes') {
      this.sendBytes(decided.bytes, `unit ${req.unit} raw bytes (behaviour)`, faults.lateMs + (decided.delayMs ?? 0));
      return;
    }
    this.sendReply(decided.reply, faults.lateMs + (decided.delayMs ?? 0));
  }

  /**
   * Adds a behaviour (or replaces one with the same name): it sees every request to a terminal on this line that is
   * not silent, after the terminal lookup. Returns a function that removes it.
   */
  defineBehavior(behavior: Behavior<ModbusRequest, ModbusReply>): () => void {
    return this.behaviors.define(behavior);
  }

  /** The terminal's own reaction to `req` (its state changes here) and its reply. */
  private modelReply(t: SimTerminal, req: ModbusRequest): ModbusReply {
    const ans = t.handle(req);
    if (typeof ans === 'number') {
      this.counters.exceptions++;
      return { kind: 'exception', unit: t.unit, fn: modbusRequestFn(req), code: ans };
    }
    if (ans.newUnit !== undefined) this.readdress(t, ans.newUnit);
    if (ans.changed) {
      if (t.beepsPending > 0) this.startBeeper();
      this.emitState();
    }
    return ans.reply;
  }

  private sendReply(reply: ModbusReply, lateMs: number): void {
    let bytes = buildModbusReply(reply);
    let note = reply.kind === 'exception' ? `exception ${reply.code} (${modbusExceptionName(reply.code)})` : `reply ${reply.kind}`;
    if (this.crcFaults > 0) {
      this.crcFaults--;
      bytes = bytes.slice();
      bytes[bytes.length - 2] ^= 0xff;
      note += ' with a bad CRC (fault)';
    }
    if (this.noiseRate > 0) {
      const noisy = this.addNoise(bytes);
      if (noisy !== bytes) note += ' with line noise (fault)';
      bytes = noisy;
    }
    this.sendBytes(bytes, `unit ${reply.unit} ${note}`, lateMs);
  }

  /** Puts `bytes` on the line after the turnaround (plus `lateMs`). */
  private sendBytes(bytes: Uint8Array, note: string, lateMs: number): void {
    const baud = this.line?.baud ?? 9600;
    const delay = (this.opts.turnaroundMs ?? modbusFrameGapMs(baud)) + lateMs;
    const cancel = runAt(performance.now() + delay, () => {
      this.pendingReplies.delete(cancel);
      if (this.closed || !this.line) return;
      this.counters.replies++;
      this.log('tx', note, toHex(bytes));
      void this.line.send(bytes);
    });
    this.pendingReplies.add(cancel);
  }

  /** Flip bytes at the noise rate and now and then put a burst of garbage before the frame. */
  private addNoise(bytes: Uint8Array): Uint8Array {
    let out = bytes;
    if (this.rand() < Math.min(1, this.noiseRate * 10)) {
      const burst = Uint8Array.from({ length: 1 + Math.floor(this.rand() * 3) }, () => Math.floor(this.rand() * 256));
      out = new Uint8Array(burst.length + bytes.length);
      out.set(burst);
      out.set(bytes, burst.length);
    }
    for (let i = 0; i < out.length; i++) {
      if (this.rand() < this.noiseRate) {
        if (out === bytes) out = bytes.slice();
        out[i] ^= 1 + Math.floor(this.rand() * 255);
      }
    }
    return out;
  }

  private onSilence(): void {
    this.silenceTimer = null;
    const before = { crc: this.decoder.counters.checksumErrors, junk: this.decoder.counters.discardedBytes };
    for (const req of this.decoder.lineSilent()) this.onRequest(req);
    this.noteDiscards(before);
  }

  private noteDiscards(before: { crc: number; junk: number }): void {
    const c = this.decoder.counters;
    if (c.discardedBytes > before.junk) {
      this.log('rx', `ignored ${c.discardedBytes - before.junk} bytes (${c.checksumErrors - before.crc} CRC mismatches): no answer, as a real slave`);
    }
  }

  private readdress(t: SimTerminal, newUnit: number): void {
    const clash = this.terminalList.find((x) => x !== t && x.unit === newUnit);
    this.log('link', `unit ${t.unit} re-addressed to ${newUnit}${clash ? ` (unit ${newUnit} already exists: both would answer, the line has a conflict)` : ''}`);
    t.unit = newUnit;
  }

  // ------------------------------------------------------------------------------------------------------------

  private storeEvent(t: SimTerminal, store: () => string | null, what: string): { unit: number; stored: boolean; reason?: string; pending: number } {
    const rejected = store();
    this.log('link', `unit ${t.unit} ${what}${rejected ? ` not stored (${rejected})` : ''}`);
    this.emitState();
    return rejected ? { unit: t.unit, stored: false, reason: rejected, pending: t.pending } : { unit: t.unit, stored: true, pending: t.pending };
  }

  private terminalArg(args: Record<string, unknown>): SimTerminal {
    return this.terminal(intArg(args, 'unit', 1, 247));
  }

  private faultsOf(t: SimTerminal): TerminalLineFaults {
    let f = this.lineFaults.get(t);
    if (!f) {
      f = { silent: false, lateMs: 0 };
      this.lineFaults.set(t, f);
    }
    return f;
  }

  /** Keeps terminals 1..n that exist (with their state), adds fresh ones, drops those above n. */
  private setTerminalCount(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > COUNTER_MAX_UNIT) throw new Error(`terminals must be 1..${COUNTER_MAX_UNIT}, got ${n}`);
    const kept = this.terminalList.filter((t) => t.unit <= n);
    for (let u = 1; u <= n; u++) if (!kept.some((t) => t.unit === u)) kept.push(new SimTerminal(u));
    kept.sort((a, b) => a.unit - b.unit);
    this.terminalList = kept;
  }

  /** One clock for every beeper: each tick sounds one beep on every terminal that still owes some. */
  private startBeeper(): void {
    if (this.beepTimer || this.closed) return;
    this.beepTimer = setInterval(() => {
      let busy = false;
      for (const t of this.terminalList) {
        if (t.beepsPending > 0) {
          t.beepOnce();
          busy = true;
        }
      }
      if (busy) this.emitState();
      if (!this.terminalList.some((t) => t.beepsPending > 0) && this.beepTimer) {
        clearInterval(this.beepTimer);
        this.beepTimer = null;
      }
    }, this.opts.beepMs ?? 150);
  }

  private changed(note: string): void {
    this.log('link', note);
    this.emitState();
  }

  private emitState(): void {
    this.emit('state', this.snapshot());
  }

  private log(dir: 'rx' | 'tx' | 'link', note: string, hex = ''): void {
    this.emit('log', { dir, hex, note });
  }
}

function describe(req: ModbusRequest): string {
  switch (req.kind) {
    case 'read': return `read ${req.fn === 4 ? 'input' : 'holding'} 0x${req.address.toString(16).padStart(4, '0')} x${req.quantity}`;
    case 'writeSingle': return `write 0x${req.address.toString(16).padStart(4, '0')} = ${req.value}`;
    case 'writeMultiple': return `write 0x${req.address.toString(16).padStart(4, '0')} x${req.values.length}`;
    default: return `function 0x${req.fn.toString(16).padStart(2, '0')} (not supported)`;
  }
}

function rateArg(v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !(n >= 0 && n <= 1)) throw new Error(`noise level must be on, off or a rate 0..1, got ${JSON.stringify(v)}`);
  return n;
}

/** mulberry32: small, fast, seeded, so a noisy run can be replayed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
