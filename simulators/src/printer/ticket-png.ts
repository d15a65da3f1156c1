/**
 * Draws a ticket (its `PaperBlock`s) as the paper would look: 576 dots wide, pure black and white, one pixel per
 * dot. Text is drawn with a real CJK font (WenQuanYi Zen Hei) through @napi-rs/canvas and thresholded to 1 bit;
 * QR modules, CODE128 bars and raster images are set dot by dot, exactly.
 */
import { GlobalFonts, createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { encodePng1Bit, newBitImage, type BitImage } from './png-1bit.ts';
import {
  CELL_HEIGHT, HALF_CELL, HRI_LINE, PRINT_WIDTH_DOTS, alignOffset, glyphWidth, type Glyph, type PaperBlock,
} from './paper.ts';

export const CJK_FONT_PATH = '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc';
const FONT_FAMILY = 'WenQuanYi Zen Hei';
/** Where the baseline sits in a 24-dot cell: the font's CJK glyphs then fill the cell from top to bottom. */
const BASELINE = 20;

let fontReady = false;
function ensureFont(): void {
  if (fontReady) return;
  if (!GlobalFonts.has(FONT_FAMILY) && !GlobalFonts.registerFromPath(CJK_FONT_PATH)) {
    throw new Error(`printer PNG: cannot load the CJK font ${CJK_FONT_PATH} (apt-get install fonts-wqy-zenhei)`);
  }
  fontReady = true;
}

/** Renders the blocks to a 1-bit image (1 = black). */
export function renderTicketBits(blocks: readonly PaperBlock[]): BitImage {
  ensureFont();
  const height = Math.max(1, blocks.reduce((h, b) => h + b.height, 0));
  // Text goes through a canvas (antialiased), then a threshold; everything else is set on the bit image directly.
  const canvas = createCanvas(PRINT_WIDTH_DOTS, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, PRINT_WIDTH_DOTS, height);
  let y = 0;
  for (const b of blocks) {
    if (b.kind === 'text') drawGlyphLine(ctx, b.glyphs, alignOffset(b.align, lineWidth(b.glyphs)), y);
    if (b.kind === 'barcode' && b.hri) drawHri(ctx, b, y);
    y += b.height;
  }
  const img = newBitImage(PRINT_WIDTH_DOTS, height);
  const rgba = ctx.getImageData(0, 0, PRINT_WIDTH_DOTS, height).data;
  for (let i = 0; i < img.pixels.length; i++) img.pixels[i] = rgba[i * 4] < 128 ? 1 : 0;
  y = 0;
  for (const b of blocks) {
    if (b.kind === 'qr') drawQr(img, b, y);
    else if (b.kind === 'barcode') drawBars(img, b, y);
    else if (b.kind === 'raster') drawRaster(img, b, y);
    y += b.height;
  }
  return img;
}

export function renderTicketPng(blocks: readonly PaperBlock[]): Buffer {
  return encodePng1Bit(renderTicketBits(blocks));
}

function lineWidth(glyphs: readonly Glyph[]): number {
  return glyphs.reduce((w, g) => w + glyphWidth(g), 0);
}

/** Draws one line of glyphs with its top at `top`; glyphs of different heights share the bottom line. */
function drawGlyphLine(ctx: SKRSContext2D, glyphs: readonly Glyph[], left: number, top: number): void {
  if (glyphs.length === 0) return;
  const tallest = Math.max(...glyphs.map((g) => g.style.height * CELL_HEIGHT));
  let x = left;
  for (const g of glyphs) {
    const w = glyphWidth(g);
    const h = g.style.height * CELL_HEIGHT;
    const cellTop = top + tallest - h;
    const ink = g.style.reverse ? '#fff' : '#000';
    if (g.style.reverse) {
      ctx.fillStyle = '#000';
      ctx.fillRect(x, cellTop, w, h);
    }
    ctx.fillStyle = ink;
    ctx.save();
    ctx.translate(x, cellTop);
    ctx.scale(g.style.width, g.style.height);
    ctx.font = `${CELL_HEIGHT}px "${FONT_FAMILY}"`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    const cx = (g.wide ? 2 * HALF_CELL : HALF_CELL) / 2;
    ctx.fillText(g.ch, cx, BASELINE);
    // Bold = double strike one dot to the right, as thermal printers do it.
    if (g.style.bold) ctx.fillText(g.ch, cx + 1 / g.style.width, BASELINE);
    ctx.restore();
    if (g.style.underline) ctx.fillRect(x, cellTop + h - g.style.underline, w, g.style.underline);
    x += w;
  }
}

function drawHri(ctx: SKRSContext2D, b: Extract<PaperBlock, { kind: 'barcode' }>, top: number): void {
  const style = { bold: false, underline: 0 as const, reverse: false, width: 1, height: 1 };
  const glyphs: Glyph[] = [...b.text].map((ch) => ({ ch, wide: false, style }));
  const left = alignOffset(b.align, lineWidth(glyphs));
  if (b.hri & 1) drawGlyphLine(ctx, glyphs, left, top);
  if (b.hri & 2) drawGlyphLine(ctx, glyphs, left, top + b.height - CELL_HEIGHT);
}

function fillRect(img: BitImage, x: number, y: number, w: number, h: number): void {
  for (let yy = Math.max(0, y); yy < Math.min(img.height, y + h); yy++) {
    img.pixels.fill(1, yy * img.width + Math.max(0, x), yy * img.width + Math.min(img.width, x + w));
  }
}

function drawQr(img: BitImage, b: Extract<PaperBlock, { kind: 'qr' }>, top: number): void {
  const left = alignOffset(b.align, b.size * b.moduleSize);
  for (let r = 0; r < b.size; r++) {
    for (let c = 0; c < b.size; c++) {
      if (b.modules[r * b.size + c]) fillRect(img, left + c * b.moduleSize, top + r * b.moduleSize, b.moduleSize, b.moduleSize);
    }
  }
}

function drawBars(img: BitImage, b: Extract<PaperBlock, { kind: 'barcode' }>, top: number): void {
  const width = b.pattern.reduce((a, m) => a + m, 0) * b.moduleWidth;
  let x = alignOffset(b.align, width);
  // HRI above: the bars start one HRI line down (height = bars + one HRI line per printed position).
  const barTop = top + (b.hri & 1 ? HRI_LINE : 0);
  b.pattern.forEach((m, i) => {
    if (i % 2 === 0) fillRect(img, x, barTop, m * b.moduleWidth, b.barHeight);
    x += m * b.moduleWidth;
  });
}

function drawRaster(img: BitImage, b: Extract<PaperBlock, { kind: 'raster' }>, top: number): void {
  const left = alignOffset(b.align, b.widthBytes * 8);
  for (let r = 0; r < b.height; r++) {
    for (let x = 0; x < b.widthBytes * 8; x++) {
      // MSB = leftmost dot, 1 = black (escpos.md "raster image").
      if (b.data[r * b.widthBytes + (x >> 3)] & (0x80 >> (x & 7))) {
        const px = left + x;
        if (px < img.width) img.pixels[(top + r) * img.width + px] = 1;
      }
    }
  }
}
