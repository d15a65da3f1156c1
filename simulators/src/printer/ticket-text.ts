/**
 * A printed ticket as text, one output line per line on paper, with markers for what plain text cannot show.
 * The format is stable (tests assert whole tickets with it):
 *
 *   [C]...  / [R]...        line centred / right-aligned (left: no marker). Blank lines are empty.
 *   [B]...[/B]              bold
 *   [U1]...[/U] [U2]...[/U] underline thin / thick
 *   [INV]...[/INV]          reverse (white on black)
 *   [WxH]                   character size from here on, e.g. [4x4]A012; every line starts at 1x1, so a size
 *                           marker appears only where the size differs from the previous character (no closing tag)
 *   [[                      a literal "[" in the printed text
 *   [QR M6:https://...]     QR code, error level + module size, then its text
 *   [CODE128 w2 h80:A012]   barcode (symbology, module width, bar height, HRI text after the colon);
 *                           `hri=above|below|both` is added when HRI is printed; other symbologies: [BARCODE m=N ...]
 *   [IMAGE 576x240]         raster image, width in dots x height
 *   [FEED 24]               paper fed by n dots (ESC J n with nothing to print, or the feed of GS V 65/66 n)
 *   [CUT partial] / [CUT full]   the cut that ended the ticket (always the last line)
 *
 * Markers open in the order size, B, U, INV and close in the reverse order; open styles are closed at the end of
 * each line, so every line reads on its own. Alignment markers come first and also precede QR, barcodes and images.
 */
import type { Glyph, GlyphStyle, PaperBlock } from './paper.ts';

const ALIGN_MARK = { left: '', center: '[C]', right: '[R]' } as const;
const HRI_NAMES = ['', 'above', 'below', 'both'];

export function ticketToText(blocks: readonly PaperBlock[]): string {
  const lines: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'text': lines.push(b.glyphs.length ? ALIGN_MARK[b.align] + styledLine(b.glyphs) : ''); break;
      case 'feed': lines.push(`[FEED ${b.height}]`); break;
      case 'qr': lines.push(`${ALIGN_MARK[b.align]}[QR ${b.level}${b.moduleSize}:${b.text}]`); break;
      case 'barcode': {
        const name = b.system === 73 ? 'CODE128' : `BARCODE m=${b.system}`;
        const hri = b.hri ? ` hri=${HRI_NAMES[b.hri]}` : '';
        lines.push(`${ALIGN_MARK[b.align]}[${name} w${b.moduleWidth} h${b.barHeight}${hri}:${b.text}]`);
        break;
      }
      case 'raster':
        // An image arrives in bands; name it once, at its first band.
        if (b.firstRow === 0) lines.push(`${ALIGN_MARK[b.align]}[IMAGE ${b.widthBytes * 8}x${b.imageHeight}]`);
        break;
      case 'cut': lines.push(`[CUT ${b.partial ? 'partial' : 'full'}]`); break;
    }
  }
  return lines.join('\n');
}

function styledLine(glyphs: readonly Glyph[]): string {
  let s = '';
  let size = '1x1';
  let open: string[] = [];
  const closeFrom = (k: number) => {
    for (let j = open.length - 1; j >= k; j--) s += `[/${open[j].startsWith('U') ? 'U' : open[j]}]`;
    open = open.slice(0, k);
  };
  for (const g of glyphs) {
    const st = g.style;
    const want = tagsOf(st);
    const nextSize = `${st.width}x${st.height}`;
    // A size change closes every open style first, so no marker pair straddles a size change.
    let keep = 0;
    if (nextSize === size) while (keep < open.length && keep < want.length && open[keep] === want[keep]) keep++;
    closeFrom(keep);
    if (nextSize !== size) s += `[${(size = nextSize)}]`;
    for (const t of want.slice(keep)) s += `[${t}]`;
    open = want;
    s += g.ch === '[' ? '[[' : g.ch;
  }
  closeFrom(0);
  return s;
}

/** The open tags a style needs, outermost first. */
function tagsOf(st: GlyphStyle): string[] {
  const t: string[] = [];
  if (st.bold) t.push('B');
  if (st.underline) t.push(`U${st.underline}`);
  if (st.reverse) t.push('INV');
  return t;
}
