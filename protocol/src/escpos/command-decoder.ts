/**
 * Host -> printer ESC/POS decoder: the printer's side of escpos.md "Commands (hex)". Bytes go in as they arrive (any
 * chunking); typed commands come out in order. Used by the printer simulator and by anything that wants to show
 * what a ticket's bytes mean (technician console, tests).
 *
 * Guarantees:
 * - Chunk-independent: any split of the same bytes yields the same commands. Text runs end at the next non-text byte
 *   (or every `ESCPOS_TEXT_RUN_MAX` bytes), never at a chunk boundary, and a GB18030 character split across chunks
 *   is held until it is complete.
 * - Bounded: the largest buffered partial command is a QR store (<= 7089 data bytes, the model 2 maximum); raster
 *   images come out in bands of whole rows (`ESCPOS_RASTER_BAND_BYTES`), and commands outside the subset whose
 *   length is known (GS ( ..., GS 8 L, GS *, ESC *) are skipped as they stream past without being buffered.
 * - Never throws on bad input. Commands outside the subset come out as `{type:'unknown'}` (so a console can show
 *   them) and are counted in `unknownCommands`: those with a known shape are skipped whole, an unrecognised
 *   ESC/GS/FS X as just those two bytes (what follows is decoded afresh). Stray control bytes and broken GB18030
 *   sequences go to `discardedBytes`; a command of the subset with an impossible length field to `lengthErrors` (its
 *   bytes are skipped and also counted in `discardedBytes`).
 *
 * Real-time commands (DLE EOT, DLE ENQ) are decoded where they stand in the command structure, not inside the data
 * of another command: a raster image whose bytes happen to contain `10 04 01` stays an image.
 */
import { newCounters, type DecoderCounters, type StreamDecoder } from '../stream.ts';

export type EscPosCommandAlign = 'left' | 'center' | 'right';
export type EscPosCommandQrLevel = 'L' | 'M' | 'Q' | 'H';

/** Fields every decoded command has. */
interface CommandBase {
  /** The command's wire bytes (for a raster band: the header, on the first band only, plus the band's rows). */
  raw: Uint8Array;
}

/** One decoded host->printer command (escpos.md "Commands (hex)"). */
export type EscPosCommand = CommandBase & (
  /**
   * A run of printable text. `chinese` = Chinese mode was on (`1C 26`), so bytes >= 0x81 were GB18030 2/4-byte
   * characters (full width); otherwise bytes >= 0x80 are code page 437 characters (half width). HT stays `\t`.
   */
  | { type: 'text'; text: string; chinese: boolean }
  | { type: 'initialize' }
  | { type: 'chineseMode'; on: boolean }
  /** LF `0A`: print the line buffer and feed one line. */
  | { type: 'lineFeed' }
  /** ESC d n: print the line buffer and feed n lines. */
  | { type: 'feedLines'; lines: number }
  /** ESC J n: print the line buffer and feed n dots. */
  | { type: 'feedDots'; dots: number }
  /** ESC 2 (dots = null: the default) / ESC 3 n. */
  | { type: 'lineSpacing'; dots: number | null }
  | { type: 'bold'; on: boolean }
  | { type: 'underline'; mode: 0 | 1 | 2 }
  | { type: 'reverse'; on: boolean }
  | { type: 'align'; align: EscPosCommandAlign }
  /** GS ! n: width and height multipliers 1-8. */
  | { type: 'charSize'; width: number; height: number }
  | { type: 'qrModel'; model: number }
  | { type: 'qrModuleSize'; size: number }
  | { type: 'qrErrorLevel'; level: EscPosCommandQrLevel }
  /** QR store data: `data` are the payload bytes, `text` their UTF-8 decoding (escpos.md: payload is UTF-8). */
  | { type: 'qrStore'; data: Uint8Array; text: string }
  | { type: 'qrPrint' }
  | { type: 'barcodeHeight'; dots: number }
  | { type: 'barcodeWidth'; width: number }
  /** GS H n: 0 none, 1 above, 2 below, 3 both. */
  | { type: 'barcodeHri'; position: number }
  /** GS k m: `system` is m (73 = CODE128); `data` the bytes after the length (CODE128: starts with `{B` etc.). */
  | { type: 'barcode'; system: number; data: Uint8Array }
  /**
   * GS v 0 raster image, delivered in bands of whole rows: rows `firstRow` .. `firstRow + rows - 1` of an image
   * `widthBytes` x `height`. MSB = leftmost dot, 1 = black. A band with `firstRow + rows === height` ends the image.
   */
  | { type: 'raster'; mode: number; widthBytes: number; height: number; firstRow: number; rows: number; data: Uint8Array }
  /** GS V: `feedDots` is set for the feed-then-cut forms (GS V 65/66 n). */
  | { type: 'cut'; partial: boolean; feedDots?: number }
  | { type: 'processId'; id: string }
  /** GS a n: ASB enable mask (bit1 online, bit2 error, bit3 paper; 0 disables). */
  | { type: 'asbEnable'; mask: number }
  /** DLE EOT n (1-4). */
  | { type: 'realtimeStatus'; n: 1 | 2 | 3 | 4 }
  /** DLE ENQ n: 1 recover and restart from the failed line, 2 clear the buffer and recover. */
  | { type: 'realtimeRecovery'; n: 1 | 2 }
  /**
   * A command outside the subset with a known length, skipped. `raw` holds its first bytes (at most the header);
   * `length` is its full length on the wire.
   */
  | { type: 'unknown'; length: number }
);

export type EscPosCommandType = EscPosCommand['type'];

export interface EscPosCommandCounters extends DecoderCounters {
  /** Commands outside the subset that were recognised by shape and skipped (emitted as `unknown`). */
  unknownCommands: number;
}

/** Text runs are cut into commands of at most this many bytes so a long unterminated run cannot grow the buffer. */
export const ESCPOS_TEXT_RUN_MAX = 1024;
/** Raster images come out in bands of at most this many data bytes (at least one row). */
export const ESCPOS_RASTER_BAND_BYTES = 1024;
/** QR model 2 holds at most 7089 (numeric) characters; larger store commands are length errors. */
const QR_MAX_DATA = 7089;
/** GS v 0 limits (Epson TM-T88 class): 1-128 bytes wide (our paper is 72), 1-4095 dots high. */
const RASTER_MAX_WIDTH_BYTES = 128;
const RASTER_MAX_HEIGHT = 4095;

const LF = 0x0a, HT = 0x09, CR = 0x0d, DLE = 0x10, ESC = 0x1b, FS = 0x1c, GS = 0x1d;

/** Code page 437 upper half (printers' power-on code page) for bytes 0x80-0xFF outside Chinese mode. */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

/**
 * Total length of ESC/GS/FS commands outside the subset that take fixed parameters (Epson ESC/POS reference), so
 * they are skipped whole instead of leaking their parameters into the text.
 */
const FIXED_UNKNOWN: Record<number, Record<number, number>> = {
  [ESC]: {
    0x0c: 2, 0x20: 3, 0x21: 3, 0x24: 4, 0x25: 3, 0x3c: 2, 0x3d: 3, 0x3f: 3, 0x44: 2, 0x47: 3, 0x4c: 2, 0x4d: 3,
    0x52: 3, 0x53: 2, 0x54: 3, 0x55: 3, 0x56: 3, 0x57: 10, 0x5c: 4, 0x63: 4, 0x69: 2, 0x6d: 2, 0x70: 5, 0x72: 3,
    0x74: 3, 0x75: 3, 0x76: 2, 0x7b: 3,
  },
  [GS]: {
    0x24: 4, 0x2f: 3, 0x3a: 2, 0x49: 3, 0x4c: 4, 0x50: 4, 0x54: 3, 0x57: 4, 0x5c: 4, 0x5e: 5, 0x62: 3, 0x63: 2,
    0x66: 3, 0x72: 3, 0x7a: 3,
  },
  [FS]: { 0x21: 3, 0x2d: 3, 0x43: 3, 0x57: 3, 0x53: 4, 0x70: 4, 0x3f: 4 },
};

type Step =
  | { kind: 'need' }
  /** Consumed n bytes, producing a command, or (none) discarding them unless `ignored` (CR). */
  | { kind: 'done'; n: number; cmd?: EscPosCommand; ignored?: boolean }
  /** A command of unknown/unwanted payload: emit `cmd` (if any) for the first `n` bytes, then skip `skip` more. */
  | { kind: 'skip'; n: number; skip: number; cmd?: EscPosCommand; lengthError?: boolean }
  /** Raster header consumed: rows follow. */
  | { kind: 'raster'; n: number; mode: number; widthBytes: number; height: number };

const need: Step = { kind: 'need' };
const done = (n: number, cmd?: EscPosCommand): Step => ({ kind: 'done', n, cmd });

function u16(buf: Uint8Array, i: number): number {
  return buf[i] | (buf[i + 1] << 8);
}

export class EscPosCommandDecoder implements StreamDecoder<EscPosCommand> {
  readonly counters: EscPosCommandCounters = { ...newCounters(), unknownCommands: 0 };
  private buf = new Uint8Array(0);
  private chinese = false;
  /** Bytes of the text run being collected, and how the run decodes. */
  private text: number[] = [];
  private textChinese = false;
  /** Bytes still to skip of a command we do not buffer. */
  private skipLeft = 0;
  /** The raster image whose rows are streaming in. */
  private raster: { mode: number; widthBytes: number; height: number; rowsDone: number; header: Uint8Array } | null =
    null;
  private readonly gb18030 = new TextDecoder('gb18030');
  private readonly utf8 = new TextDecoder('utf-8');

  /** True while Chinese mode (`1C 26`) is on. */
  get chineseMode(): boolean {
    return this.chinese;
  }

  /** Bytes held for an incomplete command or text run (bounded: see the top of this file). */
  get bufferedBytes(): number {
    return this.buf.length + this.text.length;
  }

  reset(): void {
    this.buf = new Uint8Array(0);
    this.text = [];
    this.skipLeft = 0;
    this.raster = null;
  }

  push(chunk: Uint8Array): EscPosCommand[] {
    const out: EscPosCommand[] = [];
    let buf: Uint8Array;
    if (this.buf.length === 0) buf = chunk;
    else {
      buf = new Uint8Array(this.buf.length + chunk.length);
      buf.set(this.buf);
      buf.set(chunk, this.buf.length);
    }
    let i = 0;
    while (i < buf.length) {
      if (this.skipLeft > 0) {
        const n = Math.min(this.skipLeft, buf.length - i);
        this.skipLeft -= n;
        i += n;
        continue;
      }
      if (this.raster) {
        const n = this.rasterBand(buf, i, out);
        if (n === 0) break;
        i += n;
        continue;
      }
      const b = buf[i];
      if (b >= 0x20 || b === HT) {
        const n = this.textChar(buf, i, out);
        if (n === 0) break;
        i += n;
        continue;
      }
      this.flushText(out);
      const step = this.control(buf, i);
      if (step.kind === 'need') break;
      const raw = buf.slice(i, i + step.n);
      i += step.n;
      if (step.kind === 'raster') {
        this.raster = { mode: step.mode, widthBytes: step.widthBytes, height: step.height, rowsDone: 0, header: raw };
        continue;
      }
      if (step.kind === 'skip') {
        this.skipLeft = step.skip;
        if (step.lengthError) {
          this.counters.lengthErrors++;
          this.counters.discardedBytes += step.n + step.skip;
        }
      }
      if (step.cmd) {
        const cmd = { ...step.cmd, raw } as EscPosCommand;
        if (cmd.type === 'unknown') this.counters.unknownCommands++;
        else this.counters.frames++;
        if (cmd.type === 'chineseMode') this.chinese = cmd.on;
        out.push(cmd);
      } else if (step.kind === 'done' && !step.ignored) {
        this.counters.discardedBytes += step.n;
      }
    }
    this.buf = buf.slice(i);
    return out;
  }

  /** Takes one text character at i; returns bytes consumed, 0 when the character is incomplete. */
  private textChar(buf: Uint8Array, i: number, out: EscPosCommand[]): number {
    const b = buf[i];
    let len = 1;
    if (b === 0x7f) {
      this.flushText(out);
      this.counters.discardedBytes++;
      return 1;
    }
    if (this.chinese && b >= 0x80) {
      // GB18030: lead 81-FE; then 40-7E/80-FE (2 bytes) or 30-39 81-FE 30-39 (4 bytes). 80 and FF are not leads.
      if (b === 0x80 || b === 0xff) return this.badText(out);
      if (i + 1 >= buf.length) return 0;
      const b1 = buf[i + 1];
      if (b1 >= 0x30 && b1 <= 0x39) {
        if (i + 3 >= buf.length) {
          // Check what we have so a broken sequence is rejected as early as it can be.
          if (i + 2 < buf.length && !(buf[i + 2] >= 0x81 && buf[i + 2] <= 0xfe)) return this.badText(out);
          return 0;
        }
        if (!(buf[i + 2] >= 0x81 && buf[i + 2] <= 0xfe && buf[i + 3] >= 0x30 && buf[i + 3] <= 0x39)) {
          return this.badText(out);
        }
        len = 4;
      } else if ((b1 >= 0x40 && b1 <= 0x7e) || (b1 >= 0x80 && b1 <= 0xfe)) {
        len = 2;
      } else {
        return this.badText(out);
      }
    }
    if (this.text.length > 0 && this.textChinese !== this.chinese) this.flushText(out);
    if (this.text.length + len > ESCPOS_TEXT_RUN_MAX) this.flushText(out);
    this.textChinese = this.chinese;
    for (let k = 0; k < len; k++) this.text.push(buf[i + k]);
    return len;
  }

  /** A lead byte that starts no valid GB18030 character: drop it alone and rescan from the next byte. */
  private badText(out: EscPosCommand[]): number {
    this.flushText(out);
    this.counters.discardedBytes++;
    return 1;
  }

  private flushText(out: EscPosCommand[]): void {
    if (this.text.length === 0) return;
    const raw = Uint8Array.from(this.text);
    this.text = [];
    let text: string;
    if (this.textChinese) text = this.gb18030.decode(raw);
    else {
      text = '';
      for (const c of raw) text += c < 0x80 ? String.fromCharCode(c) : CP437_HIGH[c - 0x80];
    }
    this.counters.frames++;
    out.push({ type: 'text', text, chinese: this.textChinese, raw });
  }

  private rasterBand(buf: Uint8Array, i: number, out: EscPosCommand[]): number {
    const r = this.raster!;
    const rowsPerBand = Math.max(1, Math.floor(ESCPOS_RASTER_BAND_BYTES / r.widthBytes));
    const rows = Math.min(rowsPerBand, r.height - r.rowsDone);
    const n = rows * r.widthBytes;
    if (buf.length - i < n) return 0;
    const data = buf.slice(i, i + n);
    const raw = r.rowsDone === 0 ? concat(r.header, data) : data;
    out.push({ type: 'raster', mode: r.mode, widthBytes: r.widthBytes, height: r.height, firstRow: r.rowsDone, rows,
      data, raw });
    this.counters.frames++;
    r.rowsDone += rows;
    if (r.rowsDone >= r.height) this.raster = null;
    return n;
  }

  /** Decodes the control sequence starting at buf[i] (a byte < 0x20 that is not HT). */
  private control(buf: Uint8Array, i: number): Step {
    const b = buf[i];
    const avail = buf.length - i;
    switch (b) {
      case LF: return done(1, { type: 'lineFeed' } as EscPosCommand);
      case CR: return { kind: 'done', n: 1, ignored: true }; // printers feed on LF only; CR is a no-op before it
      case DLE: return this.dle(buf, i, avail);
      case ESC: return avail < 2 ? need : this.esc(buf, i, avail);
      case GS: return avail < 2 ? need : this.gs(buf, i, avail);
      case FS: return avail < 2 ? need : this.fs(buf, i, avail);
      default: return done(1);
    }
  }

  private dle(buf: Uint8Array, i: number, avail: number): Step {
    if (avail < 2) return need;
    const fn = buf[i + 1];
    if (fn === 0x04 || fn === 0x05) {
      if (avail < 3) return need;
      const n = buf[i + 2];
      if (fn === 0x04 && n >= 1 && n <= 4) return done(3, cmd({ type: 'realtimeStatus', n: n as 1 | 2 | 3 | 4 }));
      if (fn === 0x05 && (n === 1 || n === 2)) return done(3, cmd({ type: 'realtimeRecovery', n }));
      return done(3, unknown(3));
    }
    if (fn === 0x14) return avail < 5 ? need : done(5, unknown(5)); // DLE DC4 fn m t
    return done(1); // a stray DLE
  }

  private esc(buf: Uint8Array, i: number, avail: number): Step {
    const c = buf[i + 1];
    const p = (k: number) => buf[i + 1 + k];
    switch (c) {
      case 0x40: return done(2, cmd({ type: 'initialize' }));
      case 0x32: return done(2, cmd({ type: 'lineSpacing', dots: null }));
    }
    const one: Record<number, (n: number) => EscPosCommand | undefined> = {
      0x33: (n) => cmd({ type: 'lineSpacing', dots: n }),
      0x64: (n) => cmd({ type: 'feedLines', lines: n }),
      0x4a: (n) => cmd({ type: 'feedDots', dots: n }),
      // ESC E / ESC -: the printer reads only the low bits (Epson: "LSB of n"), so 0x30/0x31 work as ASCII digits.
      0x45: (n) => cmd({ type: 'bold', on: (n & 1) === 1 }),
      0x2d: (n) => { const m = n & 0x0f; return m <= 2 ? cmd({ type: 'underline', mode: m as 0 | 1 | 2 }) : undefined; },
      0x61: (n) => { const m = n & 0x0f; return m <= 2 ? cmd({ type: 'align', align: ALIGNS[m] }) : undefined; },
    };
    const f = one[c];
    if (f) {
      if (avail < 3) return need;
      return done(3, f(p(1)) ?? unknown(3));
    }
    if (c === 0x2a) { // ESC * m nL nH d: bit image, n columns of 1 (m 0/1) or 3 (m 32/33) bytes
      if (avail < 5) return need;
      const cols = u16(buf, i + 3);
      const len = 5 + cols * (p(1) >= 32 ? 3 : 1);
      return { kind: 'skip', n: 5, skip: len - 5, cmd: unknown(len) };
    }
    return this.fixedUnknown(ESC, c, avail);
  }

  private gs(buf: Uint8Array, i: number, avail: number): Step {
    const c = buf[i + 1];
    const p = (k: number) => buf[i + 1 + k];
    const one: Record<number, (n: number) => EscPosCommand | undefined> = {
      0x21: (n) => cmd({ type: 'charSize', width: (n >> 4) + 1, height: (n & 0x0f) + 1 }),
      0x42: (n) => cmd({ type: 'reverse', on: (n & 1) === 1 }),
      0x68: (n) => cmd({ type: 'barcodeHeight', dots: n }),
      0x77: (n) => cmd({ type: 'barcodeWidth', width: n }),
      0x48: (n) => cmd({ type: 'barcodeHri', position: n & 0x0f }),
      0x61: (n) => cmd({ type: 'asbEnable', mask: n }),
    };
    const f = one[c];
    if (f) {
      if (avail < 3) return need;
      // GS ! n: width and height are 1-8, i.e. each nibble 0-7.
      if (c === 0x21 && (p(1) & 0x88) !== 0) return done(3, unknown(3));
      return done(3, f(p(1)) ?? unknown(3));
    }
    switch (c) {
      case 0x56: return this.cut(buf, i, avail);
      case 0x6b: return this.barcode(buf, i, avail);
      case 0x76: return this.rasterHeader(buf, i, avail);
      case 0x28: return this.gsParen(buf, i, avail);
      case 0x2a: { // GS * x y d: downloaded bit image, x*y*8 bytes
        if (avail < 4) return need;
        const len = 4 + p(1) * p(2) * 8;
        return { kind: 'skip', n: 4, skip: len - 4, cmd: unknown(len) };
      }
      case 0x38: { // GS 8 L p1 p2 p3 p4 m fn ...: like GS ( L with a 4-byte length
        if (avail < 3) return need;
        if (p(1) !== 0x4c) return done(2, unknown(2));
        if (avail < 7) return need;
        const len = 7 + (p(2) + p(3) * 0x100 + p(4) * 0x10000 + p(5) * 0x1000000);
        return { kind: 'skip', n: 7, skip: len - 7, cmd: unknown(len) };
      }
    }
    return this.fixedUnknown(GS, c, avail);
  }

  private fs(buf: Uint8Array, i: number, avail: number): Step {
    const c = buf[i + 1];
    if (c === 0x26) return done(2, cmd({ type: 'chineseMode', on: true }));
    if (c === 0x2e) return done(2, cmd({ type: 'chineseMode', on: false }));
    if (c === 0x28) { // FS ( X pL pH ...
      if (avail < 5) return need;
      const len = 5 + u16(buf, i + 3);
      return { kind: 'skip', n: 5, skip: len - 5, cmd: unknown(len) };
    }
    return this.fixedUnknown(FS, c, avail);
  }

  private fixedUnknown(prefix: number, c: number, avail: number): Step {
    const len = FIXED_UNKNOWN[prefix][c];
    if (len) return avail < len ? need : done(len, unknown(len));
    // Unknown shape: skip just these two bytes; whatever follows is decoded afresh.
    return done(2, unknown(2));
  }

  /** GS V m [n]: 0/48 full, 1/49 partial; 65/66 n feed n then cut (escpos.md "cut"). */
  private cut(buf: Uint8Array, i: number, avail: number): Step {
    if (avail < 3) return need;
    const m = buf[i + 2];
    if (m === 0x00 || m === 0x30) return done(3, cmd({ type: 'cut', partial: false }));
    if (m === 0x01 || m === 0x31) return done(3, cmd({ type: 'cut', partial: true }));
    if (m === 0x41 || m === 0x42) {
      if (avail < 4) return need;
      return done(4, cmd({ type: 'cut', partial: m === 0x42, feedDots: buf[i + 3] }));
    }
    if (m >= 0x61 && m <= 0x68) return avail < 4 ? need : done(4, unknown(4)); // GS V 97-104 n (reserve cuts)
    return done(3, unknown(3));
  }

  /** GS k: m 0-6 (data up to NUL) or m 65-79 (length byte, then data); escpos.md uses 73 = CODE128. */
  private barcode(buf: Uint8Array, i: number, avail: number): Step {
    if (avail < 3) return need;
    const m = buf[i + 2];
    if (m <= 6) {
      const end = buf.indexOf(0, i + 3);
      // No NUL within 255 bytes: not a barcode; drop the header and decode the rest afresh.
      if (end < 0) return avail > 3 + 255 ? { kind: 'skip', n: 3, skip: 0, lengthError: true } : need;
      return done(end + 1 - i, cmd({ type: 'barcode', system: m, data: buf.slice(i + 3, end) }));
    }
    if (m >= 65 && m <= 79) {
      if (avail < 4) return need;
      const len = buf[i + 3];
      if (len === 0) return { kind: 'skip', n: 4, skip: 0, lengthError: true };
      if (avail < 4 + len) return need;
      return done(4 + len, cmd({ type: 'barcode', system: m, data: buf.slice(i + 4, i + 4 + len) }));
    }
    return done(3, unknown(3));
  }

  /** GS v 0 m xL xH yL yH: x in bytes, y in dots (escpos.md "raster image"). */
  private rasterHeader(buf: Uint8Array, i: number, avail: number): Step {
    if (avail < 3) return need;
    if (buf[i + 2] !== 0x30) return done(2, unknown(2));
    if (avail < 8) return need;
    const mode = buf[i + 3], widthBytes = u16(buf, i + 4), height = u16(buf, i + 6);
    if (widthBytes < 1 || widthBytes > RASTER_MAX_WIDTH_BYTES || height < 1 || height > RASTER_MAX_HEIGHT || mode > 51
      || (mode > 3 && mode < 48)) {
      // An image we cannot trust the size of: skip what its header says so its data is not read as commands.
      return { kind: 'skip', n: 8, skip: widthBytes * height, lengthError: true };
    }
    return { kind: 'raster', n: 8, mode, widthBytes, height };
  }

  /** GS ( X pL pH ...: QR (k, cn 49) and process ID (H, fn 48) are ours; anything else is skipped by its length. */
  private gsParen(buf: Uint8Array, i: number, avail: number): Step {
    if (avail < 5) return need;
    const fnClass = buf[i + 2];
    const plen = u16(buf, i + 3);
    const total = 5 + plen;
    if (fnClass === 0x6b && plen >= 2) { // GS ( k
      if (avail < 7) return need;
      const cn = buf[i + 5], fn = buf[i + 6];
      if (cn === 0x31) return this.qr(buf, i, avail, fn, plen);
    }
    if (fnClass === 0x48 && plen >= 1) { // GS ( H fn=48 m=48 d1..d4
      if (avail < 6) return need;
      if (buf[i + 5] === 0x30) {
        if (plen !== 6) return { kind: 'skip', n: 5, skip: plen, lengthError: true };
        if (avail < total) return need;
        const id = buf.slice(i + 7, i + 11);
        if (buf[i + 6] !== 0x30 || id.some((d) => d < 0x30 || d > 0x7e)) return done(total, unknown(total));
        return done(total, cmd({ type: 'processId', id: String.fromCharCode(...id) }));
      }
    }
    return { kind: 'skip', n: 5, skip: plen, cmd: unknown(total) };
  }

  /** GS ( k cn=49 fn: 65 model, 67 module size, 69 error level, 80 store, 81 print (escpos.md "QR"). */
  private qr(buf: Uint8Array, i: number, avail: number, fn: number, plen: number): Step {
    const total = 5 + plen;
    const fixed: Record<number, number> = { 0x41: 4, 0x43: 3, 0x45: 3, 0x51: 3 };
    if (fixed[fn] !== undefined) {
      if (plen !== fixed[fn]) return { kind: 'skip', n: 5, skip: plen, lengthError: true };
      if (avail < total) return need;
      const n1 = buf[i + 7];
      switch (fn) {
        case 0x41: return done(total, n1 >= 0x31 && n1 <= 0x33 ? cmd({ type: 'qrModel', model: n1 - 0x30 }) : unknown(total));
        case 0x43: return done(total, n1 >= 1 && n1 <= 16 ? cmd({ type: 'qrModuleSize', size: n1 }) : unknown(total));
        case 0x45: {
          const level = QR_LEVELS[n1 - 0x30];
          return done(total, level ? cmd({ type: 'qrErrorLevel', level }) : unknown(total));
        }
        default: return done(total, n1 === 0x30 ? cmd({ type: 'qrPrint' }) : unknown(total));
      }
    }
    if (fn === 0x50) {
      // pL + pH*256 = data bytes + 3 (cn, fn, m); escpos.md "QR: store data".
      if (plen < 4 || plen - 3 > QR_MAX_DATA) return { kind: 'skip', n: 5, skip: plen, lengthError: true };
      if (avail < total) return need;
      const data = buf.slice(i + 8, i + total);
      return done(total, cmd({ type: 'qrStore', data, text: this.utf8.decode(data) }));
    }
    return { kind: 'skip', n: 5, skip: plen, cmd: unknown(total) };
  }
}

const ALIGNS: EscPosCommandAlign[] = ['left', 'center', 'right'];
const QR_LEVELS: (EscPosCommandQrLevel | undefined)[] = ['L', 'M', 'Q', 'H'];

/** Builds a command; `raw` is filled in by the decoder once the bytes are known. */
function cmd(c: DistributiveOmit<EscPosCommand, 'raw'>): EscPosCommand {
  return c as EscPosCommand;
}

function unknown(length: number): EscPosCommand {
  return cmd({ type: 'unknown', length });
}

type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
