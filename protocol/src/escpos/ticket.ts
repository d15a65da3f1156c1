/**
 * The standard queue ticket (escpos.md "The standard queue ticket"), as text commands (`buildStandardTicket`) or
 * with its text drawn as raster images (`buildStandardTicketRaster`, for printers/libraries without Chinese text).
 * Both walk the same layout (`standardTicketLayout`), so the two forms cannot drift apart.
 */
import { EscPosEncoder, ESCPOS_PRINT_WIDTH_DOTS, assertProcessId, type EscPosAlign, type EscPosQrLevel,
  type MonoBitmap } from './encoder.ts';

export interface StandardTicketData {
  hallName: string;
  /** Ticket number, e.g. A012. */
  number: string;
  /** Service category, e.g. 综合受理. */
  category: string;
  /** People waiting ahead of this ticket. */
  waiting: number;
  /** Issue time as printed, e.g. 2026-11-25 09:31 (a string: the ticket prints hall-local time as given). */
  time: string;
  qrUrl: string;
  footer: string;
  /**
   * A ticket of several services (多窗联办): their names in the order they are served, printed as a numbered list
   * under the category line; omitted when undefined or shorter than two.
   */
  steps?: string[];
  /** A visible mark printed first on a reprinted ticket (e.g. 补打 REPRINT); omitted when undefined or empty. */
  reprintMark?: string;
  /** Process ID echoed when the ticket has printed: 4 ASCII characters 0x30-0x7E. */
  processId: string;
}

/** Defaults = exactly the spec's example ticket. */
export const STANDARD_TICKET_DEFAULTS: Readonly<StandardTicketData> = Object.freeze({
  hallName: '广东省政务服务中心',
  number: 'A012',
  category: '综合受理',
  waiting: 7,
  time: '2026-11-25 09:31',
  qrUrl: 'https://hall.example/q/A012?d=20261125',
  footer: '请留意叫号，过号需重新取号。办理完毕请对本次服务作出评价。',
  processId: '0001',
});

/** One printed text line of the ticket. `size` is the character magnification (1-8), `blank` an empty line. */
export interface TicketTextLine {
  text: string;
  align: EscPosAlign;
  bold: boolean;
  reverse: boolean;
  size: number;
}

export type TicketBlock =
  | { kind: 'text'; line: TicketTextLine }
  | { kind: 'qr'; text: string; moduleSize: number; level: EscPosQrLevel }
  | { kind: 'feed'; lines: number }
  | { kind: 'cut'; cut: 'partial' | 'full' }
  | { kind: 'processId'; id: string };

const text = (t: string, size = 1, extra: Partial<TicketTextLine> = {}): TicketBlock =>
  ({ kind: 'text', line: { text: t, align: 'center', bold: false, reverse: false, size, ...extra } });

/** The ticket as an ordered list of blocks, in print order. Validates the data. */
export function standardTicketLayout(data: Partial<StandardTicketData> = {}): TicketBlock[] {
  const d = { ...STANDARD_TICKET_DEFAULTS, ...data };
  if (!Number.isInteger(d.waiting) || d.waiting < 0) {
    throw new Error(`standard ticket: waiting must be a non-negative integer, got ${String(d.waiting)}`);
  }
  for (const key of ['hallName', 'number', 'category', 'time', 'qrUrl'] as const) {
    if (typeof d[key] !== 'string' || d[key].length === 0) throw new Error(`standard ticket: ${key} must be a non-empty string`);
  }
  assertProcessId(d.processId, 'standard ticket processId');
  const blocks: TicketBlock[] = [];
  if (d.reprintMark) blocks.push(text(d.reprintMark, 1, { bold: true, reverse: true }));
  blocks.push(
    text(d.hallName, 1, { bold: true }),
    text(''),
    text(d.number, 4),
    text(`${d.category} · 前面还有 ${d.waiting} 人等候`),
  );
  if (d.steps && d.steps.length > 1) {
    blocks.push(text('本号办理以下业务（按顺序）', 1, { bold: true }), ...d.steps.map((s, i) => text(`${i + 1}. ${s}`)));
  }
  blocks.push(
    text(d.time),
    { kind: 'qr', text: d.qrUrl, moduleSize: 6, level: 'M' },
  );
  if (d.footer) blocks.push(text(d.footer));
  blocks.push({ kind: 'feed', lines: 3 }, { kind: 'cut', cut: 'partial' }, { kind: 'processId', id: d.processId });
  return blocks;
}

/** Emits a non-text block; shared by both ticket forms. */
function emitBlock(enc: EscPosEncoder, block: Exclude<TicketBlock, { kind: 'text' }>): void {
  switch (block.kind) {
    case 'qr': enc.qrCode(block.text, { moduleSize: block.moduleSize, level: block.level }); break;
    case 'feed': enc.feed(block.lines); break;
    case 'cut': enc.cut(block.cut); break;
    case 'processId': enc.processId(block.id); break;
  }
}

/**
 * The standard ticket as ESC/POS text commands: initialize, centre, then each line with only the modes that change
 * (bold, reverse, size), QR model 2 / size 6 / level M, feed 3, partial cut, process ID.
 */
export function buildStandardTicket(data: Partial<StandardTicketData> = {}): Uint8Array {
  const enc = new EscPosEncoder().initialize().align('center');
  let bold = false, reverse = false, size = 1;
  for (const block of standardTicketLayout(data)) {
    if (block.kind !== 'text') { emitBlock(enc, block); continue; }
    const l = block.line;
    if (l.bold !== bold) enc.bold((bold = l.bold));
    if (l.reverse !== reverse) enc.reverse((reverse = l.reverse));
    if (l.size !== size) enc.size((size = l.size));
    enc.line(l.text);
  }
  return enc.encode();
}

/** Draws consecutive text lines as one 1-bit image `widthDots` wide (e.g. with a canvas and a CJK font). */
export type TicketTextRenderer = (lines: TicketTextLine[], widthDots: number) => MonoBitmap;

/**
 * The standard ticket with its text drawn by `render` and sent as raster images (`1D 76 30`), one image per run of
 * consecutive text lines; QR, feed, cut and process ID stay native commands (escpos.md: "the same layout drawn as a
 * 576-dot-wide 1-bit image").
 */
export function buildStandardTicketRaster(data: Partial<StandardTicketData>, render: TicketTextRenderer,
  widthDots = ESCPOS_PRINT_WIDTH_DOTS): Uint8Array {
  const enc = new EscPosEncoder().initialize().align('center');
  let run: TicketTextLine[] = [];
  const flush = () => {
    if (run.length) enc.image(render(run, widthDots));
    run = [];
  };
  for (const block of standardTicketLayout(data)) {
    if (block.kind === 'text') { run.push(block.line); continue; }
    flush();
    emitBlock(enc, block);
  }
  flush();
  return enc.encode();
}
