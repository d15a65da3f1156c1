/**
 * ESC/POS command encoder for the subset in escpos.md ("Commands (hex)"). Fluent: every command method returns
 * `this`; `encode()` returns the bytes so far. Arguments are validated up front and bad ones throw an Error naming
 * the method and the allowed range, so a wrong ticket fails in the code that builds it, not on the printer.
 */
import { pushGb18030CodePoint } from './gb18030.ts';

/** A 1-bit image: `width` in dots, rows padded to whole bytes, MSB = leftmost dot, 1 = black (escpos.md raster). */
export interface MonoBitmap {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * RGBA pixels (canvas `getImageData` layout) -> 1-bit bitmap for `image()`: a dot is black when its luminance
 * (Rec. 601 weights, after compositing alpha over white paper) is below `threshold` (0-255).
 */
export function monoBitmapFromRgba(rgba: ArrayLike<number>, width: number, height: number, threshold = 128): MonoBitmap {
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new Error(`monoBitmapFromRgba: width and height must be positive integers, got ${width}x${height}`);
  }
  if (rgba.length !== width * height * 4) {
    throw new Error(`monoBitmapFromRgba: expected ${width * height * 4} RGBA bytes for ${width}x${height}, got ${rgba.length}`);
  }
  const stride = Math.ceil(width / 8);
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const a = rgba[i + 3] / 255;
      const lum = ((rgba[i] * 299 + rgba[i + 1] * 587 + rgba[i + 2] * 114) / 1000) * a + 255 * (1 - a);
      if (lum < threshold) data[y * stride + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  return { width, height, data };
}

export type EscPosAlign = 'left' | 'center' | 'right';
/** QR error correction level (escpos.md "QR: error level": 30 L, 31 M, 32 Q, 33 H). */
export type EscPosQrLevel = 'L' | 'M' | 'Q' | 'H';
export type EscPosCut = 'full' | 'partial';

export interface EscPosQrOptions {
  /** Module size in dots, 1-16 (default 6, the standard ticket's). */
  moduleSize?: number;
  /** Error correction level (default 'M'). */
  level?: EscPosQrLevel;
}

/** ASB enable flags (escpos.md "enable automatic status back": bit1 online, bit2 error, bit3 paper sensor). */
export interface EscPosAsbFlags {
  online?: boolean;
  error?: boolean;
  paper?: boolean;
}

const ESC = 0x1b, GS = 0x1d, FS = 0x1c, DLE = 0x10, LF = 0x0a, HT = 0x09;
const QR_LEVEL: Record<EscPosQrLevel, number> = { L: 0x30, M: 0x31, Q: 0x32, H: 0x33 };
const ALIGN: Record<EscPosAlign, number> = { left: 0, center: 1, right: 2 };
/** Print width in dots (escpos.md: 576 dots, 72 mm at 203 dpi). */
export const ESCPOS_PRINT_WIDTH_DOTS = 576;

function checkInt(method: string, name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`EscPosEncoder.${method}: ${name} must be an integer ${min}-${max}, got ${String(value)}`);
  }
  return value;
}

function utf8(text: string, method: string): Uint8Array {
  // TextEncoder would silently turn a lone surrogate into U+FFFD; refuse it instead. In a `u` regex a surrogate
  // pair is one code point, so only lone surrogates match \p{Cs}.
  if (/\p{Cs}/u.test(text)) {
    throw new Error(`EscPosEncoder.${method}: text contains a lone surrogate (not valid Unicode)`);
  }
  return new TextEncoder().encode(text);
}

export class EscPosEncoder {
  private readonly out: number[] = [];

  /** The bytes emitted so far (a copy; the encoder can keep going). */
  encode(): Uint8Array {
    return Uint8Array.from(this.out);
  }

  /** Number of bytes emitted so far. */
  get length(): number {
    return this.out.length;
  }

  /** Appends bytes as they are (for commands outside the subset; caller's responsibility). */
  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) checkInt('raw', 'byte', bytes[i], 0, 255);
    for (let i = 0; i < bytes.length; i++) this.out.push(bytes[i]);
    return this;
  }

  /** Appends a command whose bytes the method has already validated. */
  private cmd(...bytes: number[]): this {
    for (const b of bytes) this.out.push(b);
    return this;
  }

  /** ESC @: reset modes to power-on defaults (escpos.md "initialize"). */
  initialize(): this {
    return this.cmd(ESC, 0x40);
  }

  /**
   * Text in GB18030. ASCII goes out as is; each run of non-ASCII characters is wrapped in Chinese mode on `1C 26` /
   * off `1C 2E` (escpos.md: "Chinese mode on while Chinese bytes are sent"; vector `chinese_line`). `\n` becomes LF
   * and `\t` HT; other control characters are refused because they would be read as commands.
   */
  text(text: string): this {
    let chinese = false;
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x80) {
        if (cp < 0x20 && cp !== LF && cp !== HT || cp === 0x7f) {
          throw new Error(`EscPosEncoder.text: control character 0x${cp.toString(16).padStart(2, '0')} in text ` +
            `(would be sent as a command); use the command methods instead`);
        }
        if (chinese) { this.out.push(FS, 0x2e); chinese = false; }
        this.out.push(cp);
        continue;
      }
      if (!chinese) { this.out.push(FS, 0x26); chinese = true; }
      try {
        pushGb18030CodePoint(cp, this.out);
      } catch (e) {
        throw new Error(`EscPosEncoder.text: ${(e as Error).message}`);
      }
    }
    if (chinese) this.out.push(FS, 0x2e);
    return this;
  }

  /** Text followed by LF (escpos.md "line feed" `0A`); `line()` alone prints an empty line. */
  line(text = ''): this {
    return this.text(text).newline();
  }

  /** LF `0A`. */
  newline(): this {
    this.out.push(LF);
    return this;
  }

  /** ESC d n: print and feed n lines (0-255). */
  feed(lines = 1): this {
    return this.cmd(ESC, 0x64, checkInt('feed', 'lines', lines, 0, 255));
  }

  /** ESC J n: print and feed n dots (0-255). */
  feedDots(dots: number): this {
    return this.cmd(ESC, 0x4a, checkInt('feedDots', 'dots', dots, 0, 255));
  }

  /** ESC 2 (default spacing) when `dots` is omitted, else ESC 3 n (0-255 dots). */
  lineSpacing(dots?: number): this {
    if (dots === undefined) return this.cmd(ESC, 0x32);
    return this.cmd(ESC, 0x33, checkInt('lineSpacing', 'dots', dots, 0, 255));
  }

  /** ESC E 1 / ESC E 0. */
  bold(on = true): this {
    return this.cmd(ESC, 0x45, on ? 1 : 0);
  }

  /** ESC - n: 0 off, 1 thin, 2 thick (a boolean means thin/off). */
  underline(mode: 0 | 1 | 2 | boolean = 1): this {
    const n = typeof mode === 'boolean' ? (mode ? 1 : 0) : checkInt('underline', 'mode', mode, 0, 2);
    return this.cmd(ESC, 0x2d, n);
  }

  /** GS B n: white on black. */
  reverse(on = true): this {
    return this.cmd(GS, 0x42, on ? 1 : 0);
  }

  /** ESC a n: 0 left, 1 centre, 2 right. */
  align(align: EscPosAlign): this {
    const n = ALIGN[align];
    if (n === undefined) throw new Error(`EscPosEncoder.align: align must be left, center or right, got ${String(align)}`);
    return this.cmd(ESC, 0x61, n);
  }

  /** GS ! n with n = (width-1)<<4 | (height-1), both 1-8 (escpos.md "character size"). */
  size(width: number, height = width): this {
    const w = checkInt('size', 'width', width, 1, 8);
    const h = checkInt('size', 'height', height, 1, 8);
    return this.cmd(GS, 0x21, ((w - 1) << 4) | (h - 1));
  }

  /** GS ( k, fn 65: select QR model 2 (`1D 28 6B 04 00 31 41 32 00`). */
  qrModel2(): this {
    return this.cmd(GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00);
  }

  /** GS ( k, fn 67: module size 1-16 dots. */
  qrModuleSize(dots: number): this {
    return this.cmd(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, checkInt('qrModuleSize', 'dots', dots, 1, 16));
  }

  /** GS ( k, fn 69: error correction level L/M/Q/H = 30/31/32/33. */
  qrErrorLevel(level: EscPosQrLevel): this {
    const n = QR_LEVEL[level];
    if (n === undefined) throw new Error(`EscPosEncoder.qrErrorLevel: level must be L, M, Q or H, got ${String(level)}`);
    return this.cmd(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, n);
  }

  /**
   * GS ( k, fn 80: store the UTF-8 bytes of `text`. pL + pH*256 = data BYTES + 3 (escpos.md "QR: store data": the
   * length counts bytes, not characters), so multi-byte UTF-8 and payloads over 255 bytes are sized correctly.
   */
  qrStore(text: string): this {
    const data = utf8(text, 'qrStore');
    if (data.length === 0) throw new Error('EscPosEncoder.qrStore: QR data is empty');
    // A model 2 QR holds at most 7089 numeric / 2953 byte-mode characters; the field itself allows 65532.
    if (data.length > 7089) throw new Error(`EscPosEncoder.qrStore: QR data is ${data.length} bytes, more than 7089`);
    const len = data.length + 3;
    this.cmd(GS, 0x28, 0x6b, len & 0xff, len >>> 8, 0x31, 0x50, 0x30);
    for (const b of data) this.out.push(b);
    return this;
  }

  /** GS ( k, fn 81: print the stored symbol. */
  qrPrint(): this {
    return this.cmd(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30);
  }

  /** The whole QR sequence: model 2, module size, error level, store, print. */
  qrCode(text: string, options: EscPosQrOptions = {}): this {
    return this.qrModel2().qrModuleSize(options.moduleSize ?? 6).qrErrorLevel(options.level ?? 'M').qrStore(text).qrPrint();
  }

  /** GS h n: bar height in dots (1-255). */
  barcodeHeight(dots: number): this {
    return this.cmd(GS, 0x68, checkInt('barcodeHeight', 'dots', dots, 1, 255));
  }

  /** GS w n: module width 2-6. */
  barcodeWidth(n: number): this {
    return this.cmd(GS, 0x77, checkInt('barcodeWidth', 'width', n, 2, 6));
  }

  /** GS H n: HRI text 0 none, 1 above, 2 below, 3 both. */
  barcodeHri(position: 0 | 1 | 2 | 3): this {
    return this.cmd(GS, 0x48, checkInt('barcodeHri', 'position', position, 0, 3));
  }

  /**
   * GS k 73 (CODE128) in code set B: `1D 6B 49 len {B data`. Set B carries ASCII 0x20-0x7E; a literal `{` is sent
   * as `{{` because `{` introduces code-set changes. The length byte counts everything after it (<= 255).
   */
  code128(data: string): this {
    if (data.length === 0) throw new Error('EscPosEncoder.code128: data is empty');
    const bytes = [0x7b, 0x42];
    for (let i = 0; i < data.length; i++) {
      const c = data.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new Error(`EscPosEncoder.code128: character 0x${c.toString(16)} at ${i} is not in code set B (0x20-0x7E)`);
      }
      bytes.push(c);
      if (c === 0x7b) bytes.push(0x7b);
    }
    if (bytes.length > 255) throw new Error(`EscPosEncoder.code128: ${bytes.length} bytes with {B, more than 255`);
    return this.cmd(GS, 0x6b, 0x49, bytes.length, ...bytes);
  }

  /**
   * GS v 0 m=0: raster image (escpos.md "raster image": x in BYTES, y in dots, MSB leftmost, 1 = black).
   * `data` must hold ceil(width/8) * height bytes; width 1-576 dots (the print width), height 1-65535.
   */
  image(bitmap: MonoBitmap): this {
    const { width, height, data } = bitmap;
    checkInt('image', 'width', width, 1, ESCPOS_PRINT_WIDTH_DOTS);
    checkInt('image', 'height', height, 1, 0xffff);
    const xBytes = Math.ceil(width / 8);
    if (!(data instanceof Uint8Array) || data.length !== xBytes * height) {
      throw new Error(`EscPosEncoder.image: data must be ${xBytes} bytes per row x ${height} rows = ` +
        `${xBytes * height} bytes, got ${data instanceof Uint8Array ? data.length : typeof data}`);
    }
    this.cmd(GS, 0x76, 0x30, 0x00, xBytes & 0xff, xBytes >>> 8, height & 0xff, height >>> 8);
    for (const b of data) this.out.push(b);
    return this;
  }

  /** GS V 0 (full) / GS V 1 (partial). */
  cut(kind: EscPosCut = 'full'): this {
    return this.cmd(GS, 0x56, this.cutKind('cut', kind) ? 0x00 : 0x01);
  }

  /** GS V 65 n / GS V 66 n: feed n dots (0-255), then cut full / partial. */
  feedAndCut(dots: number, kind: EscPosCut = 'full'): this {
    const full = this.cutKind('feedAndCut', kind);
    return this.cmd(GS, 0x56, full ? 0x41 : 0x42, checkInt('feedAndCut', 'dots', dots, 0, 255));
  }

  private cutKind(method: string, kind: EscPosCut): boolean {
    if (kind !== 'full' && kind !== 'partial') {
      throw new Error(`EscPosEncoder.${method}: kind must be full or partial, got ${String(kind)}`);
    }
    return kind === 'full';
  }

  /**
   * GS ( H fn 48: ask the printer to echo `37 22 d1 d2 d3 d4 00` once everything before it has printed
   * (escpos.md "process ID"). `id` is exactly 4 ASCII characters 0x30-0x7E.
   */
  processId(id: string): this {
    assertProcessId(id, 'EscPosEncoder.processId');
    return this.cmd(GS, 0x28, 0x48, 0x06, 0x00, 0x30, 0x30, ...Array.from(id, (c) => c.charCodeAt(0)));
  }

  /** GS a n: automatic status back; flags or the raw n (bits 1, 2, 3 only; 0 disables). */
  enableAsb(flags: EscPosAsbFlags | number): this {
    let n: number;
    if (typeof flags === 'number') {
      n = checkInt('enableAsb', 'n', flags, 0, 255);
      if (n & ~0x0e) throw new Error(`EscPosEncoder.enableAsb: only bits 1-3 are defined, got 0x${n.toString(16)}`);
    } else {
      n = (flags.online ? 0x02 : 0) | (flags.error ? 0x04 : 0) | (flags.paper ? 0x08 : 0);
    }
    return this.cmd(GS, 0x61, n);
  }

  /** DLE EOT n (1 printer, 2 offline cause, 3 error cause, 4 paper sensor): answered at once even while printing. */
  realtimeStatus(n: 1 | 2 | 3 | 4): this {
    return this.cmd(DLE, 0x04, checkInt('realtimeStatus', 'n', n, 1, 4));
  }

  /** DLE ENQ: 1 = recover and restart from the failed line, 2 = clear the buffer and recover. */
  realtimeRecover(mode: 1 | 2): this {
    return this.cmd(DLE, 0x05, checkInt('realtimeRecover', 'mode', mode, 1, 2));
  }
}

/** Throws unless `id` is a valid process ID: exactly 4 ASCII characters 0x30-0x7E (escpos.md "process ID"). */
export function assertProcessId(id: string, where = 'process ID'): void {
  if (typeof id !== 'string' || !/^[\x30-\x7e]{4}$/.test(id)) {
    throw new Error(`${where}: must be exactly 4 ASCII characters 0x30-0x7E, got ${JSON.stringify(id)}`);
  }
}
