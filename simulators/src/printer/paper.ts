/**
 * What ends up on the paper: a ticket is a list of `PaperBlock`s laid top to bottom, each as tall as the paper it
 * uses. The composer makes them from commands, the engine moves them onto the paper at print speed, and the text
 * and PNG renderers draw them. Geometry is in dots (203 dpi, 8 dots/mm; escpos.md: 576 dots print width).
 */
export const PRINT_WIDTH_DOTS = 576;
export const DOTS_PER_MM = 8;
/** Font A cell: 12 x 24 dots for one-byte characters, 24 x 24 for Chinese (escpos.md: 48 / 24 columns). */
export const HALF_CELL = 12;
export const CELL_HEIGHT = 24;
/** An HRI line under/over a barcode: font A characters (24 dots) plus a small gap to the bars. */
export const HRI_LINE = CELL_HEIGHT + 6;
/** ESC 2 default line spacing in dots. */
export const DEFAULT_LINE_SPACING = 30;

export type PaperAlign = 'left' | 'center' | 'right';

export interface GlyphStyle {
  bold: boolean;
  underline: 0 | 1 | 2;
  reverse: boolean;
  /** Character size multipliers 1-8 (GS !). */
  width: number;
  height: number;
}

export interface Glyph {
  ch: string;
  /** Full width (a GB18030 multi-byte character in Chinese mode): 24 dots x width. */
  wide: boolean;
  style: GlyphStyle;
}

export type PaperBlock =
  /** One printed line; `glyphs` empty for a blank line. `height` = max(line spacing, tallest character). */
  | { kind: 'text'; align: PaperAlign; glyphs: Glyph[]; height: number }
  /** Paper fed by ESC J n or by the feed of GS V 65/66 n, in dots. */
  | { kind: 'feed'; height: number }
  | { kind: 'qr'; align: PaperAlign; text: string; level: 'L' | 'M' | 'Q' | 'H'; moduleSize: number;
      /** Modules per side and dark modules (row-major, 1 = dark). */
      size: number; modules: Uint8Array; height: number }
  | { kind: 'barcode'; align: PaperAlign; system: number; /** Human-readable data (code-set escapes removed). */
      text: string; /** Bar/space module widths, bar first; empty when the symbology is not drawn. */
      pattern: number[]; moduleWidth: number; barHeight: number; hri: number; height: number }
  /** One band of a raster image (GS v 0 arrives in bands); `image` ties the bands of one image together. */
  | { kind: 'raster'; align: PaperAlign; image: number; widthBytes: number; imageHeight: number; firstRow: number;
      data: Uint8Array; height: number }
  | { kind: 'cut'; partial: boolean; height: 0 };

/** Width in dots of one glyph. */
export function glyphWidth(g: Glyph): number {
  return (g.wide ? 2 * HALF_CELL : HALF_CELL) * g.style.width;
}

/** Left offset of something `width` dots wide under `align`. */
export function alignOffset(align: PaperAlign, width: number): number {
  const free = Math.max(0, PRINT_WIDTH_DOTS - width);
  return align === 'center' ? Math.floor(free / 2) : align === 'right' ? free : 0;
}
