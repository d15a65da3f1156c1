/**
 * Streaming decoders for the scan engine's line (qr-scanner.md).
 *
 * Host side (`QrScannerDecoder`): two kinds of traffic share the line ("Decoded codes", "Register protocol"):
 * - codes: raw bytes then the suffix. Split on CR, LF or CR LF (all accepted whatever the engine is set to); with
 *   suffix "none", on an inter-byte silence of at least 50 ms. A code longer than 512 bytes is dropped and counted,
 *   and the decoder resynchronises at the next suffix (or, with no suffix, the next silence).
 * - register replies `02 00 S L D CH CL` between codes: a reply begins with 02 00, "which no printable code does",
 *   so a 02 where a code would begin starts a reply, never code bytes.
 * Bytes that no code holds (controls other than TAB, DEL, FF: not ASCII, UTF-8 or GBK) make their segment garbage:
 * dropped and counted, never delivered. With a suffix configured, a partial code left hanging by a silence
 * (`staleMs`, no engine pauses inside a code) is garbage too, so noise without a suffix cannot glue itself to the
 * next code.
 *
 * Time is an input, so the codec stays pure: `push(chunk, at)` and `idle(now)` take the caller's clock (epoch ms or
 * any monotonic ms), or the `now` option supplies one. Without either, no time passes and only suffixes split.
 *
 * Engine side (`QrCommandDecoder`): finds `7E 00` commands among noise; a bad checksum is dropped and counted (the
 * engine gives no reply), sliding one byte so a good command inside the bad one's bytes is not lost.
 */
import { newCounters, type DecoderCounters, type StreamDecoder } from '../stream.ts';
import { qrCrc16 } from './crc.ts';
import { parseQrCommand, QR_CMD_OVERHEAD, QR_REPLY_OVERHEAD, QrFrameError, type QrParsedCommand } from './frames.ts';
import { QR_MAX_CODE_BYTES, QR_SILENCE_MS, type QrSuffix } from './registers.ts';

export type QrScannerFrame =
  | {
      kind: 'code';
      /** The code's bytes without the suffix (UTF-8, ASCII, or GBK for Chinese text: see `qrCodeText`). */
      bytes: Uint8Array;
      /** Clock value of the code's last byte. */
      at: number;
    }
  | {
      kind: 'reply';
      status: number;
      data: Uint8Array;
      /** The whole reply as received (for the frame log). */
      raw: Uint8Array;
      at: number;
    };

export interface QrScannerCounters extends DecoderCounters {
  /** Codes delivered. */
  codes: number;
  /** Register replies delivered. */
  replies: number;
  /** Codes longer than the bound, dropped (also counted in lengthErrors). */
  overLength: number;
  /** Segments dropped because they cannot be a code: bytes no code holds, cut off by a silence, a failed reply. */
  garbage: number;
}

export interface QrScannerDecoderOptions {
  /** What the engine is set to send after a code; only "none" changes how codes end (by silence). Default cr. */
  suffix?: QrSuffix;
  /** Longest code accepted, bytes (spec: 512). */
  maxCodeBytes?: number;
  /** Silence that ends a code with suffix "none" (spec: at least 50 ms). */
  silenceMs?: number;
  /** With a suffix: a partial code (or reply) silent this long is garbage. Default 500 ms. */
  staleMs?: number;
  /** The caller's clock, used when `push` is given no time. */
  now?: () => number;
}

const CR = 0x0d;
const LF = 0x0a;
const STX = 0x02;
/** Longest register reply: 02 00 S L, 255 data bytes, CRC. */
const MAX_REPLY = QR_REPLY_OVERHEAD + 255;

/** Bytes a code of this project may hold: printable ASCII, TAB, and 0x80-0xFE (UTF-8 and GBK bytes). */
export function isQrCodeByte(b: number): boolean {
  return b === 0x09 || (b >= 0x20 && b !== 0x7f && b !== 0xff);
}

type Segment = 'idle' | 'code' | 'overLength' | 'reply';

export class QrScannerDecoder implements StreamDecoder<QrScannerFrame> {
  readonly counters: QrScannerCounters = { ...newCounters(), codes: 0, replies: 0, overLength: 0, garbage: 0 };
  private suffixSetting: QrSuffix;
  private readonly max: number;
  private readonly silenceMs: number;
  private readonly staleMs: number;
  private readonly clock: (() => number) | undefined;
  private seg: Segment = 'idle';
  private buf: number[] = [];
  /** A byte no code holds was seen in the current code segment. */
  private dirty = false;
  /** The reply being read cut a segment short: if it is no reply, its bytes are the rest of a damaged segment. */
  private cut = false;
  private lastAt = 0;

  constructor(opts: QrScannerDecoderOptions = {}) {
    this.suffixSetting = opts.suffix ?? 'cr';
    this.max = opts.maxCodeBytes ?? QR_MAX_CODE_BYTES;
    this.silenceMs = opts.silenceMs ?? QR_SILENCE_MS;
    this.staleMs = opts.staleMs ?? 500;
    this.clock = opts.now;
    if (!(this.max >= 1)) throw new RangeError(`maxCodeBytes must be >= 1, got ${this.max}`);
  }

  get suffix(): QrSuffix {
    return this.suffixSetting;
  }

  /** The engine's suffix changed (the driver set it); takes effect from the next byte. */
  setSuffix(suffix: QrSuffix): void {
    this.suffixSetting = suffix;
  }

  /** Bytes held for a segment not yet ended (0 between codes). */
  get buffered(): number {
    return this.seg === 'idle' ? 0 : Math.max(1, this.buf.length);
  }

  /** How long a silence ends (or spoils) the segment being read: 50 ms with no suffix, `staleMs` otherwise. */
  get gapMs(): number {
    return this.suffixSetting === 'none' ? this.silenceMs : this.staleMs;
  }

  /** When `idle()` should be called to act on a silence, or null when nothing is pending. */
  get silenceDeadline(): number | null {
    return this.seg === 'idle' ? null : this.lastAt + this.gapMs;
  }

  push(chunk: Uint8Array, at?: number): QrScannerFrame[] {
    const out: QrScannerFrame[] = [];
    if (!(chunk instanceof Uint8Array) || chunk.length === 0) return out;
    const t = at ?? this.clock?.() ?? this.lastAt;
    // A silence before these bytes ends what was pending, exactly as if idle() had been called in time.
    this.idleInto(t, out);
    this.lastAt = t;
    for (let i = 0; i < chunk.length; i++) this.byte(chunk[i], out);
    return out;
  }

  /** Tell the decoder the time (e.g. from a timer at `silenceDeadline`); returns frames a silence completes. */
  idle(now?: number): QrScannerFrame[] {
    const out: QrScannerFrame[] = [];
    this.idleInto(now ?? this.clock?.() ?? this.lastAt, out);
    return out;
  }

  reset(): void {
    this.seg = 'idle';
    this.buf = [];
    this.dirty = false;
    this.cut = false;
  }

  private idleInto(now: number, out: QrScannerFrame[]): void {
    while (this.seg !== 'idle' && now - this.lastAt >= this.gapMs) this.onSilence(out);
  }

  private onSilence(out: QrScannerFrame[]): void {
    switch (this.seg) {
      case 'code':
        if (this.suffixSetting === 'none') this.endCode(out);
        else this.drop(this.buf.length); // cut off: no engine pauses inside a code
        return;
      case 'overLength':
        this.reset(); // with no suffix, the silence is the resynchronisation point
        return;
      case 'reply':
        this.failReply(out);
        return;
    }
  }

  private byte(b: number, out: QrScannerFrame[]): void {
    switch (this.seg) {
      case 'idle':
        if (b === CR || b === LF) return; // the LF of CR LF, or an empty line: nothing to deliver
        if (b === STX) {
          this.seg = 'reply';
          this.buf = [b];
          return;
        }
        this.seg = 'code';
        this.buf = [b];
        this.dirty = !isQrCodeByte(b);
        return;
      case 'code':
        if (b === CR || b === LF) {
          this.endCode(out);
          return;
        }
        if (b === STX) {
          // 02 is never a code byte: a reply starts here. With no suffix, a reply may follow a code within 50 ms, so
          // the code ends here. With a suffix, what came before was cut short (noise, or a reply interrupting garbage):
          // it is dropped, and if this turns out not to be a reply, the rest up to the suffix is dropped too.
          if (this.suffixSetting === 'none' && !this.dirty) this.endCode(out);
          else {
            this.drop(this.buf.length);
            this.cut = true;
          }
          this.seg = 'reply';
          this.buf = [b];
          return;
        }
        if (this.buf.length >= this.max) {
          // Over the bound: drop what we have and everything up to the next suffix (spec "bounds a code's length").
          this.counters.overLength++;
          this.counters.lengthErrors++;
          this.counters.discardedBytes += this.buf.length + 1;
          this.seg = 'overLength';
          this.buf = [];
          return;
        }
        this.buf.push(b);
        if (!isQrCodeByte(b)) this.dirty = true;
        return;
      case 'overLength':
        if (b === CR || b === LF) this.reset();
        else this.counters.discardedBytes++;
        return;
      case 'reply':
        this.replyByte(b, out);
        return;
    }
  }

  private replyByte(b: number, out: QrScannerFrame[]): void {
    this.buf.push(b);
    const n = this.buf.length;
    if (n === 2 && b !== 0x00) return this.failReply(out);
    if (n < 4) return;
    const total = QR_REPLY_OVERHEAD + this.buf[3];
    if (n < total) return;
    const raw = Uint8Array.from(this.buf);
    const end = total - 2;
    if (((raw[end] << 8) | raw[end + 1]) !== qrCrc16(raw, 2, end)) {
      this.counters.checksumErrors++;
      return this.failReply(out);
    }
    this.reset();
    this.counters.frames++;
    this.counters.replies++;
    out.push({ kind: 'reply', status: raw[2], data: raw.slice(4, end), raw, at: this.lastAt });
  }

  /** Not a reply after all: drop the 02 (counted as garbage) and read the bytes after it afresh. */
  private failReply(out: QrScannerFrame[]): void {
    const rest = this.buf.slice(1);
    const cut = this.cut;
    this.reset();
    this.counters.garbage++;
    this.counters.discardedBytes++;
    if (cut) {
      // The tail of a segment cut at this 02: garbage up to the suffix, never the truncated end of a code.
      this.seg = 'code';
      this.dirty = true;
    }
    for (const x of rest) this.byte(x, out);
  }

  private endCode(out: QrScannerFrame[]): void {
    if (this.dirty) {
      this.drop(this.buf.length);
      return;
    }
    const bytes = Uint8Array.from(this.buf);
    this.reset();
    this.counters.frames++;
    this.counters.codes++;
    out.push({ kind: 'code', bytes, at: this.lastAt });
  }

  private drop(n: number): void {
    this.counters.garbage++;
    this.counters.discardedBytes += n;
    this.reset();
  }
}

/** A command found on the line (engine side), with its bytes for the log. */
export interface QrCommandFrame {
  command: QrParsedCommand;
  raw: Uint8Array;
}

/**
 * Engine side: commands from the host among noise. Bytes before a 7E 00 are discarded; a command with a bad
 * checksum is dropped (counted) and the search goes on one byte later. Bounded: at most one longest command held.
 */
export class QrCommandDecoder implements StreamDecoder<QrCommandFrame> {
  readonly counters: DecoderCounters = newCounters();
  private pending = new Uint8Array(0);

  push(chunk: Uint8Array): QrCommandFrame[] {
    const out: QrCommandFrame[] = [];
    if (!(chunk instanceof Uint8Array) || chunk.length === 0) return out;
    const b = new Uint8Array(this.pending.length + chunk.length);
    b.set(this.pending);
    b.set(chunk, this.pending.length);
    let i = 0;
    const c = this.counters;
    while (i < b.length) {
      if (b[i] !== 0x7e || (i + 1 < b.length && b[i + 1] !== 0x00)) {
        c.discardedBytes++;
        i++;
        continue;
      }
      if (b.length - i < 4) break;
      const len = QR_CMD_OVERHEAD + b[i + 3];
      if (b.length - i < len) break;
      try {
        out.push({ command: parseQrCommand(b.subarray(i, i + len)), raw: b.slice(i, i + len) });
        c.frames++;
        i += len;
      } catch (err) {
        if (err instanceof QrFrameError && err.reason === 'crc') c.checksumErrors++;
        else c.lengthErrors++;
        c.discardedBytes++;
        i++;
      }
    }
    this.pending = b.slice(i);
    return out;
  }

  /** The line was quiet: a partial command will not be completed; drop its first byte and look at the rest. */
  lineSilent(): QrCommandFrame[] {
    const out: QrCommandFrame[] = [];
    while (this.pending.length > 0) {
      const rest = this.pending.subarray(1);
      this.pending = new Uint8Array(0);
      this.counters.lengthErrors++;
      this.counters.discardedBytes++;
      for (const f of this.push(rest)) out.push(f);
    }
    return out;
  }

  reset(): void {
    this.pending = new Uint8Array(0);
  }

  get buffered(): number {
    return this.pending.length;
  }
}
