/**
 * The printer's print modes and line buffer: turns decoded commands (`EscPosCommand`) into `PaperBlock`s, the way
 * an Epson-class printer does (escpos.md command table). Pure: no time, no paper supply; the engine decides when
 * the blocks reach the paper. Real-time commands, ASB enable and process ID are the engine's, not handled here.
 *
 * Printer rules followed here (Epson ESC/POS behaviour):
 * - Text collects in a line buffer; LF, ESC d, ESC J, a QR/barcode/image or a cut print it. A line that would run
 *   past 576 dots is printed and continued on the next line (automatic wrap).
 * - Alignment (ESC a) is taken when the first character enters the line buffer.
 * - A line is as tall as the line spacing or its tallest character, whichever is more; characters of different
 *   heights stand on a common bottom line.
 * - ESC @ resets every mode (and drops the line buffer), but not Chinese mode's effect on already decoded text.
 */
import QRCode from 'qrcode';
import type { EscPosCommand } from '@onedoor/protocol';
import { buildCode128 } from './code128.ts';
import {
  CELL_HEIGHT, DEFAULT_LINE_SPACING, HRI_LINE, PRINT_WIDTH_DOTS, glyphWidth, type Glyph, type GlyphStyle, type PaperAlign,
  type PaperBlock,
} from './paper.ts';

interface Modes {
  align: PaperAlign;
  style: GlyphStyle;
  lineSpacing: number;
  qrModuleSize: number;
  qrLevel: 'L' | 'M' | 'Q' | 'H';
  qrData: string | null;
  barcodeHeight: number;
  barcodeWidth: number;
  barcodeHri: number;
}

/** Power-on modes (Epson defaults: QR module 3, level L; barcode height 162, width 3, no HRI). */
function defaultModes(): Modes {
  return {
    align: 'left',
    style: { bold: false, underline: 0, reverse: false, width: 1, height: 1 },
    lineSpacing: DEFAULT_LINE_SPACING,
    qrModuleSize: 3,
    qrLevel: 'L',
    qrData: null,
    barcodeHeight: 162,
    barcodeWidth: 3,
    barcodeHri: 0,
  };
}

export class TicketComposer {
  private modes = defaultModes();
  private line: Glyph[] = [];
  private lineAlign: PaperAlign = 'left';
  private lineWidth = 0;
  private imageSeq = 0;
  private image: { id: number; align: PaperAlign } | null = null;
  /** Commands the composer ignored because they were not valid (e.g. a CODE128 with bad data, QR without data). */
  rejected = 0;

  /** Applies one command; returns the blocks it puts on paper (in order; empty for a mode change). */
  apply(cmd: EscPosCommand): PaperBlock[] {
    const out: PaperBlock[] = [];
    const m = this.modes;
    switch (cmd.type) {
      case 'text': this.addText(cmd.text, cmd.chinese, out); break;
      case 'initialize': this.modes = defaultModes(); this.line = []; this.lineWidth = 0; break;
      case 'lineFeed': out.push(this.printLine()); break;
      case 'feedLines':
        // ESC d n: print the buffer and feed n lines; with text in the buffer its own line is the first of the n.
      {
        const hadText = this.line.length > 0;
        if (hadText) out.push(this.printLine());
        for (let k = hadText ? 1 : 0; k < cmd.lines; k++) out.push(this.blankLine());
      }
        break;
      case 'feedDots':
        // ESC J n: print the buffer, then feed n dots instead of the line spacing.
        if (this.line.length > 0) out.push(this.printLine(cmd.dots));
        else out.push({ kind: 'feed', height: cmd.dots });
        break;
      case 'lineSpacing': m.lineSpacing = cmd.dots ?? DEFAULT_LINE_SPACING; break;
      case 'bold': m.style = { ...m.style, bold: cmd.on }; break;
      case 'underline': m.style = { ...m.style, underline: cmd.mode }; break;
      case 'reverse': m.style = { ...m.style, reverse: cmd.on }; break;
      case 'align': m.align = cmd.align; break;
      case 'charSize': m.style = { ...m.style, width: cmd.width, height: cmd.height }; break;
      case 'qrModuleSize': m.qrModuleSize = cmd.size; break;
      case 'qrErrorLevel': m.qrLevel = cmd.level; break;
      case 'qrStore': m.qrData = cmd.text; break;
      case 'qrPrint': this.flushLine(out); this.qr(out); break;
      case 'barcodeHeight': m.barcodeHeight = Math.max(1, cmd.dots); break;
      case 'barcodeWidth': m.barcodeWidth = Math.min(6, Math.max(2, cmd.width)); break;
      case 'barcodeHri': m.barcodeHri = cmd.position & 3; break;
      case 'barcode': this.flushLine(out); this.barcode(cmd.system, cmd.data, out); break;
      case 'raster': this.flushLine(out); this.raster(cmd, out); break;
      case 'cut':
        this.flushLine(out);
        if (cmd.feedDots) out.push({ kind: 'feed', height: cmd.feedDots });
        out.push({ kind: 'cut', partial: cmd.partial, height: 0 });
        break;
      default: break; // qrModel, chineseMode, unknown, engine commands: nothing on paper
    }
    return out;
  }

  /** Drops the line buffer (paper ran out, or DLE ENQ 2 cleared the buffer); modes stay. */
  dropLine(): void {
    this.line = [];
    this.lineWidth = 0;
    this.image = null;
  }

  private addText(text: string, chinese: boolean, out: PaperBlock[]): void {
    for (const ch of text) {
      if (ch === '\t') { // HT: next tab stop, every 8 half-width columns
        const step = 8 * 12 - (this.lineWidth % (8 * 12));
        for (let k = 0; k < step / 12; k++) this.addGlyph({ ch: ' ', wide: false, style: this.modes.style }, out);
        continue;
      }
      this.addGlyph({ ch, wide: chinese && ch.codePointAt(0)! >= 0x80, style: this.modes.style }, out);
    }
  }

  private addGlyph(g: Glyph, out: PaperBlock[]): void {
    const w = glyphWidth(g);
    if (this.lineWidth + w > PRINT_WIDTH_DOTS && this.line.length > 0) out.push(this.printLine());
    if (this.line.length === 0) this.lineAlign = this.modes.align;
    this.line.push(g);
    this.lineWidth += w;
  }

  private flushLine(out: PaperBlock[]): void {
    if (this.line.length > 0) out.push(this.printLine());
  }

  /** Prints the line buffer; the paper then moves by `spacing` (default: the line spacing) or the tallest glyph. */
  private printLine(spacing = this.modes.lineSpacing): PaperBlock {
    if (this.line.length === 0) return this.blankLine();
    const tallest = Math.max(...this.line.map((g) => g.style.height * CELL_HEIGHT));
    const block: PaperBlock = { kind: 'text', align: this.lineAlign, glyphs: this.line,
      height: Math.max(spacing, tallest) };
    this.line = [];
    this.lineWidth = 0;
    return block;
  }

  private blankLine(): PaperBlock {
    return { kind: 'text', align: this.modes.align, glyphs: [], height: this.modes.lineSpacing };
  }

  private qr(out: PaperBlock[]): void {
    const m = this.modes;
    if (m.qrData === null || m.qrData.length === 0) { this.rejected++; return; }
    let size: number, modules: Uint8Array;
    try {
      const sym = QRCode.create(m.qrData, { errorCorrectionLevel: m.qrLevel });
      size = sym.modules.size;
      modules = Uint8Array.from(sym.modules.data);
    } catch {
      this.rejected++; // too much data for a QR symbol: the printer prints nothing
      return;
    }
    out.push({ kind: 'qr', align: m.align, text: m.qrData, level: m.qrLevel, moduleSize: m.qrModuleSize, size, modules,
      height: size * m.qrModuleSize });
  }

  private barcode(system: number, data: Uint8Array, out: PaperBlock[]): void {
    const m = this.modes;
    let pattern: number[] = [];
    let text = String.fromCharCode(...data);
    if (system === 73) {
      try {
        const sym = buildCode128(data);
        pattern = sym.pattern;
        text = sym.text;
      } catch {
        this.rejected++;
        return;
      }
    }
    const hriLines = (m.barcodeHri & 1 ? 1 : 0) + (m.barcodeHri & 2 ? 1 : 0);
    out.push({ kind: 'barcode', align: m.align, system, text, pattern, moduleWidth: m.barcodeWidth,
      barHeight: m.barcodeHeight, hri: m.barcodeHri, height: m.barcodeHeight + hriLines * HRI_LINE });
  }

  private raster(cmd: Extract<EscPosCommand, { type: 'raster' }>, out: PaperBlock[]): void {
    if (cmd.firstRow === 0 || !this.image) this.image = { id: ++this.imageSeq, align: this.modes.align };
    out.push({ kind: 'raster', align: this.image.align, image: this.image.id, widthBytes: cmd.widthBytes,
      imageHeight: cmd.height, firstRow: cmd.firstRow, data: cmd.data, height: cmd.rows });
    if (cmd.firstRow + cmd.rows >= cmd.height) this.image = null;
  }
}
