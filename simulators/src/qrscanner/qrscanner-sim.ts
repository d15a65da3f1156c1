/**
 * The QR scan engine simulator (qr-scanner.md): a Grow GM65-class engine on a UART. It answers the "7E 00" register
 * protocol (read, write, save to flash; bad checksums get no reply; nothing at all for `powerUpMs` after power-up)
 * and sends decoded codes on its own, followed by the suffix its register 0x0060 selects. All framing goes through
 * `@onedoor/protocol` (one source of truth).
 *
 * Modes (register 0x0000): sense and continuous send a presented code at once; command-triggered sends the code in
 * view when the host writes 01 to 0x0002 (nothing when none is in view within the scan timeout); manual needs the
 * `button` action. In sense mode the same code held still is not sent again within 1 s (spec "Behaviour a host
 * relies on"). Codes scanned while no host is attached are lost, as on a real UART.
 *
 * Faults: garbage on the line, a code over the 512-byte bound, a silent engine (answers nothing, sends nothing).
 *
 * Events: 'state' (snapshot), 'log' ({dir, hex, note}: codes are logged as a short preview and their length only,
 * since a code may be a bearer token), 'code' ({bytes, sentAt, wireDoneAt}) once a code's last byte left the wire.
 */
import { EventEmitter } from 'node:events';
import {
  buildQrReply, encodeGb18030, QR_MAX_CODE_BYTES, QR_POWER_UP_MS, QR_SILENCE_MS, QrCommandDecoder, qrCodePreview, qrSuffixBytes,
  toHex, type QrCommandFrame, type QrMode, type QrSuffix,
} from '@onedoor/protocol';
import type { SimActionInfo, SimDevice, SimLine } from '../core/device.ts';
import { EngineRegisters } from './engine.ts';

export interface QrScannerSimOptions {
  id?: string;
  /** Time after power-up (construction, `power-cycle`) during which commands get no answer. Default 500 ms (spec). */
  powerUpMs?: number;
  /** Time from a code in view to its first byte on the wire (decoding). Default 30 ms. */
  decodeMs?: number;
  /** Time from the end of a command to the start of its reply. Default 5 ms. */
  replyMs?: number;
  /** Sense mode: the same code is not sent again within this long. Default 1000 ms (spec). */
  repeatGuardMs?: number;
  /** Seed of the garbage action's random bytes (default 1), so a run can be replayed. */
  seed?: number;
}

export interface QrScannerCounters {
  commands: number;
  replies: number;
  /** Commands dropped for a bad checksum (no reply, as the spec says). */
  badChecksums: number;
  /** Commands that arrived during the power-up delay or while silent (no reply). */
  ignored: number;
  triggers: number;
  codesSent: number;
  /** Codes scanned while no host was attached (lost). */
  codesLost: number;
  garbageBytes: number;
  overLengthSent: number;
}

export interface SentCode {
  bytes: Uint8Array;
  /** When the first byte was queued and when the last left the wire (ms, Date.now()). */
  sentAt: number;
  wireDoneAt: number;
}

function strArg(args: Record<string, unknown>, name: string): string {
  const v = args[name];
  if (typeof v !== 'string' || v.length === 0) throw new Error(`${name} must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

function intArg(args: Record<string, unknown>, name: string, min: number, max: number, dflt?: number): number {
  const raw = args[name];
  if ((raw === undefined || raw === '') && dflt !== undefined) return dflt;
  const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new Error(`${name} must be an integer ${min}..${max}, got ${JSON.stringify(raw)}`);
  }
  return v;
}

function onOffArg(args: Record<string, unknown>, name: string): boolean {
  const raw = args[name];
  if (raw === undefined || raw === true || raw === 'on' || raw === 'true' || raw === 1 || raw === '1') return true;
  if (raw === false || raw === 'off' || raw === 'false' || raw === 0 || raw === '0') return false;
  throw new Error(`${name} must be on or off, got ${JSON.stringify(raw)}`);
}

export class QrScannerSim extends EventEmitter implements SimDevice {
  readonly id: string;
  readonly kind = 'qrscanner' as const;
  readonly engine = new EngineRegisters();
  readonly counters: QrScannerCounters = {
    commands: 0, replies: 0, badChecksums: 0, ignored: 0, triggers: 0, codesSent: 0, codesLost: 0, garbageBytes: 0, overLengthSent: 0,
  };
  private line: SimLine | null = null;
  private readonly decoder = new QrCommandDecoder();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private silenceTimer: ReturnType<typeof setTimeout> | null = null;
  private poweredAt = Date.now();
  private silentFlag = false;
  private inView: Uint8Array | null = null;
  private lastSent: { hex: string; at: number } | null = null;
  /** Codes go out one after another (a burst is queued behind the code being sent). */
  private sending: Promise<void> = Promise.resolve();
  private rand: () => number;
  private closed = false;
  /** The last codes sent (bytes kept in memory only, for tests' expect helpers; never logged). */
  private readonly history: SentCode[] = [];

  constructor(private readonly opts: QrScannerSimOptions = {}) {
    super();
    this.id = opts.id ?? 'qrscanner';
    this.rand = seededRandom(opts.seed ?? 1);
  }

  // ------------------------------------------------------------------------------------------------------------
  // SimDevice

  attach(line: SimLine | null): void {
    this.line = line;
    this.decoder.reset();
    this.log('link', line ? `host attached at ${line.baud} baud` : 'host detached');
    this.emitState();
  }

  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    const crcBefore = this.decoder.counters.checksumErrors;
    for (const f of this.decoder.push(bytes)) this.onCommand(f);
    const bad = this.decoder.counters.checksumErrors - crcBefore;
    if (bad > 0) {
      this.counters.badChecksums += bad;
      this.log('rx', `${bad} command(s) with a bad checksum: no reply (spec)`);
    }
    // A partial command left by a quiet line is abandoned, so noise cannot swallow the next command.
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.silenceTimer = this.decoder.buffered > 0 ? setTimeout(() => this.onSilence(), QR_SILENCE_MS) : null;
  }

  snapshot(): Record<string, unknown> {
    const e = this.engine;
    return {
      id: this.id,
      kind: this.kind,
      attached: this.line !== null,
      poweredUp: this.poweredUp,
      silent: this.silentFlag,
      mode: e.mode,
      suffix: e.suffix,
      scanTimeoutMs: e.scanTimeoutMs,
      flash: { mode: new EngineRegisters(e.flash).mode, suffix: new EngineRegisters(e.flash).suffix },
      saves: e.saves,
      writes: e.writes,
      // What is in front of the engine: its length and a short preview only (a code may be a bearer token).
      inView: this.inView ? qrCodePreview(this.inView) : null,
      counters: { ...this.counters, decoder: { ...this.decoder.counters } },
    };
  }

  actions(): SimActionInfo[] {
    return [
      { name: 'present', args: ['code'], help: 'a citizen holds up a code (text, sent as UTF-8); sense mode sends it at once, command mode on the next trigger' },
      { name: 'present-gbk', args: ['code'], help: 'a code holding Chinese text, sent as GBK/GB18030 bytes' },
      { name: 'remove', args: [], help: 'the code is taken away' },
      { name: 'button', args: [], help: 'press the engine\'s trigger button (manual mode: scans the code in view)' },
      { name: 'burst', args: ['count', 'prefix'], help: 'several codes back to back (prefix-1, prefix-2, ...; default 3 codes "BURST")' },
      { name: 'garbage', args: ['bytes'], help: 'line noise: random bytes with no suffix (default 16)' },
      { name: 'overlong', args: ['length'], help: `a code over the ${QR_MAX_CODE_BYTES}-byte bound, with its suffix (default 600 bytes)` },
      { name: 'silent', args: ['state'], help: 'the engine answers nothing and sends nothing (on), or works again (off)' },
      { name: 'power-cycle', args: [], help: `power off and on: registers reload from flash, no answers for ${QR_POWER_UP_MS} ms` },
      { name: 'factory-reset', args: [], help: 'registers and flash back to factory settings (manual mode, CR suffix)' },
    ];
  }

  async act(name: string, args: Record<string, unknown>): Promise<unknown> {
    switch (name) {
      case 'present': {
        const text = strArg(args, 'code');
        return this.presentBytes(new TextEncoder().encode(text));
      }
      case 'present-gbk':
        return this.presentBytes(encodeGb18030(strArg(args, 'code')));
      case 'remove':
        this.inView = null;
        this.changed('code taken away');
        return { inView: null };
      case 'button':
        if (!this.inView) return { scanned: false, reason: 'no code in view' };
        return this.scan(this.inView, 'button');
      case 'burst': {
        const count = intArg(args, 'count', 1, 100, 3);
        const prefix = args.prefix === undefined || args.prefix === '' ? 'BURST' : strArg(args, 'prefix');
        const codes = Array.from({ length: count }, (_, i) => new TextEncoder().encode(`${prefix}-${i + 1}`));
        return this.sendCodes(codes, `burst of ${count}`);
      }
      case 'garbage': {
        const n = intArg(args, 'bytes', 1, 4096, 16);
        // Noise, never a suffix or a 02 (so it stays noise, not a code end or a reply start).
        const bytes = Uint8Array.from({ length: n }, () => {
          const b = Math.floor(this.rand() * 256);
          return b === 0x0d || b === 0x0a || b === 0x02 ? 0x00 : b;
        });
        this.counters.garbageBytes += n;
        await this.transmit(bytes, `garbage, ${n} B (fault)`, toHex(bytes.subarray(0, 8)));
        return { bytes: n };
      }
      case 'overlong': {
        const n = intArg(args, 'length', QR_MAX_CODE_BYTES + 1, 65_536, 600);
        const code = new Uint8Array(n).fill(0x4f); // 'O'
        this.counters.overLengthSent++;
        return this.sendCodes([code], `code over the bound, ${n} B (fault)`);
      }
      case 'silent':
        this.silentFlag = onOffArg(args, 'state');
        this.changed(this.silentFlag ? 'engine silent (fault)' : 'engine works again');
        return { silent: this.silentFlag };
      case 'power-cycle':
        this.powerCycle();
        return { mode: this.engine.mode, suffix: this.engine.suffix };
      case 'factory-reset':
        this.engine.ram = new EngineRegisters().ram;
        this.engine.flash = this.engine.ram.slice();
        this.changed('factory settings');
        return { mode: this.engine.mode, suffix: this.engine.suffix };
      default:
        throw new Error(`unknown qrscanner action "${name}"; actions: ${this.actions().map((a) => a.name).join(', ')}`);
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.silenceTimer = null;
    this.line = null;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Class API for tests and scenarios

  get mode(): QrMode {
    return this.engine.mode;
  }

  get suffix(): QrSuffix {
    return this.engine.suffix;
  }

  get poweredUp(): boolean {
    return Date.now() - this.poweredAt >= (this.opts.powerUpMs ?? QR_POWER_UP_MS);
  }

  /** Codes sent so far (newest last), with their wire timing. */
  get sent(): readonly SentCode[] {
    return this.history;
  }

  present(code: string): Promise<unknown> {
    return this.act('present', { code });
  }

  burst(count: number, prefix?: string): Promise<unknown> {
    return this.act('burst', { count, prefix });
  }

  garbage(bytes = 16): Promise<unknown> {
    return this.act('garbage', { bytes });
  }

  overlong(length = 600): Promise<unknown> {
    return this.act('overlong', { length });
  }

  setSilent(silent: boolean): void {
    void this.act('silent', { state: silent });
  }

  powerCycle(): void {
    this.engine.reload();
    this.poweredAt = Date.now();
    this.decoder.reset();
    this.changed('power cycle: registers from flash, starting up');
    const powerUpMs = this.opts.powerUpMs ?? QR_POWER_UP_MS;
    this.later(powerUpMs, () => {
      // Node may run a timer a millisecond before Date.now() says its delay is over: the engine is up when it says so.
      this.poweredAt = Math.min(this.poweredAt, Date.now() - powerUpMs);
      this.changed('powered up: answers commands');
    });
  }

  expectMode(mode: QrMode, timeoutMs = 5000): Promise<void> {
    return this.waitFor(() => this.engine.mode === mode, () => `mode ${mode} (is ${this.engine.mode})`, timeoutMs);
  }

  expectSuffix(suffix: QrSuffix, timeoutMs = 5000): Promise<void> {
    return this.waitFor(() => this.engine.suffix === suffix, () => `suffix ${suffix} (is ${this.engine.suffix})`, timeoutMs);
  }

  /** Resolves once at least `count` commands were answered. */
  expectReplies(count: number, timeoutMs = 5000): Promise<void> {
    return this.waitFor(() => this.counters.replies >= count, () => `${count} replies (sent ${this.counters.replies})`, timeoutMs);
  }

  expectHostAttached(timeoutMs = 5000): Promise<void> {
    return this.waitFor(() => this.line !== null, () => 'a host to attach', timeoutMs);
  }

  /** Resolves when `check()` holds (now or after a later 'state'); rejects after `timeoutMs` naming what was awaited. */
  waitFor(check: () => boolean, what: () => string, timeoutMs = 5000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onState = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.off('state', onState);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off('state', onState);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`));
      }, timeoutMs);
      this.on('state', onState);
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // Codes

  private async presentBytes(bytes: Uint8Array): Promise<unknown> {
    this.inView = bytes;
    this.changed(`code presented: ${qrCodePreview(bytes)}`);
    const mode = this.engine.mode;
    if (mode === 'sense' || mode === 'continuous') {
      const hex = toHex(bytes);
      const guard = this.opts.repeatGuardMs ?? 1000;
      if (mode === 'sense' && this.lastSent?.hex === hex && Date.now() - this.lastSent.at < guard) {
        this.log('link', `same code within ${guard} ms: not sent again (sense mode)`);
        return { scanned: false, reason: 'same code held still' };
      }
      return this.scan(bytes, mode);
    }
    return { scanned: false, reason: mode === 'command' ? 'waiting for a trigger (command mode)' : 'waiting for the button (manual mode)' };
  }

  private async scan(bytes: Uint8Array, why: string): Promise<unknown> {
    if (this.silentFlag) return { scanned: false, reason: 'engine silent (fault)' };
    await this.delay(this.opts.decodeMs ?? 30);
    this.lastSent = { hex: toHex(bytes), at: Date.now() };
    const [sent] = await this.sendCodes([bytes], `code (${why})`);
    return { scanned: true, length: bytes.length, ...(sent ? { wireDoneAt: sent.wireDoneAt } : { lost: true }) };
  }

  /** Codes with the current suffix. With no suffix, a silence of more than 50 ms is what separates two codes. */
  private sendCodes(codes: Uint8Array[], note: string): Promise<SentCode[]> {
    const run = async (): Promise<SentCode[]> => {
      const out: SentCode[] = [];
      const suffix = qrSuffixBytes(this.engine.suffix);
      for (const [i, code] of codes.entries()) {
        if (this.silentFlag || this.closed) break;
        if (i > 0 && suffix.length === 0) await this.delay(QR_SILENCE_MS + 20);
        const wire = new Uint8Array(code.length + suffix.length);
        wire.set(code);
        wire.set(suffix, code.length);
        if (!this.line) {
          this.counters.codesLost++;
          this.log('tx', `${note}: ${qrCodePreview(code)} lost (no host attached)`);
          continue;
        }
        const sentAt = Date.now();
        await this.transmit(wire, `${note}: ${qrCodePreview(code)}`, '');
        const entry = { bytes: code, sentAt, wireDoneAt: Date.now() };
        this.counters.codesSent++;
        this.history.push(entry);
        if (this.history.length > 100) this.history.shift();
        out.push(entry);
        this.emit('code', entry);
      }
      this.emitState();
      return out;
    };
    const p = this.sending.then(run, run);
    this.sending = p.then(() => undefined, () => undefined);
    return p;
  }

  private async transmit(bytes: Uint8Array, note: string, hex: string): Promise<void> {
    if (this.silentFlag || !this.line) return;
    this.log('tx', note, hex);
    await this.line.send(bytes);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Register protocol

  private onCommand(f: QrCommandFrame): void {
    this.counters.commands++;
    const cmd = f.command;
    const what = cmd.type === 'save' ? 'save to flash' : `${cmd.type} 0x${cmd.address.toString(16).padStart(4, '0')}${cmd.type === 'read' ? ` x${cmd.count}` : ` = ${toHex(cmd.data)}`}`;
    if (this.silentFlag || !this.poweredUp) {
      this.counters.ignored++;
      this.log('rx', `${what}: no answer (${this.silentFlag ? 'silent' : 'still powering up'})`, toHex(f.raw));
      return;
    }
    this.log('rx', `${what}${f.command.crc === 'skip' ? ' (no checksum)' : ''}`, toHex(f.raw));
    const ans = this.engine.handle(cmd);
    const reply = buildQrReply({ status: ans.status, data: ans.data });
    this.later(this.opts.replyMs ?? 5, () => {
      if (!this.line || this.silentFlag) return;
      this.counters.replies++;
      this.log('tx', `reply status ${ans.status}${ans.data.length ? `, ${ans.data.length} B` : ''}`, toHex(reply));
      void this.line.send(reply).then(() => {
        if (ans.trigger) this.onTrigger();
      });
      this.emitState(); // registers or reply counters changed: expect helpers wait on 'state'
    });
  }

  /** Scan once now: the code in view if there is one, else nothing after the scan timeout (spec, 0x0002). */
  private onTrigger(): void {
    this.counters.triggers++;
    if (this.inView) {
      void this.scan(this.inView, 'triggered');
    } else {
      this.log('link', `triggered: no code in view${this.engine.scanTimeoutMs ? `, gives up after ${this.engine.scanTimeoutMs} ms` : ''}`);
      this.emitState();
    }
  }

  private onSilence(): void {
    this.silenceTimer = null;
    for (const f of this.decoder.lineSilent()) this.onCommand(f);
  }

  // ------------------------------------------------------------------------------------------------------------

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(ms, resolve));
  }

  private later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
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

/** mulberry32: small, fast, seeded, so a run with garbage can be replayed. */
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
