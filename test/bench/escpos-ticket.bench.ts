/**
 * ESC/POS figures, each a ratio against the wire or a peer measured in this same run:
 * (a) EscPosStatusDecoder throughput on a printer -> host stream (DLE EOT, ASB, process IDs, XON/XOFF), clean and
 *     with 1% of bytes corrupted, against the line rate at 115200 baud 8N1 (11520 bytes/s, escpos.md).
 * (b) The standard queue ticket (escpos.md): encode time (median) and bytes on the wire for our encoder (GB18030
 *     text), against @point-of-sale/receipt-printer-encoder, which has no GB18030: its users print Chinese as an
 *     image, so its ticket is the same lines drawn on a 576-dot canvas (@napi-rs/canvas, WenQuanYi Zen Hei) and
 *     sent with its image(); its time INCLUDES that rendering. Our raster form (same renderer) is shown too.
 */
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import {
  buildStandardTicket, buildStandardTicketRaster, EscPosEncoder, EscPosStatusDecoder, standardTicketLayout,
  ESCPOS_PRINT_WIDTH_DOTS, concatBytes, monoBitmapFromRgba, type TicketTextLine,
} from '@onedoor/protocol';

const WIRE_BYTES_PER_S = 115200 / 10; // 8N1: 10 bits per byte
const FONT_PATH = '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc';
const FONT = 'WenQuanYi Zen Hei';

/** xorshift32: deterministic bytes so every run measures the same stream. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 4294967296; };
}

// ---- (a) status decoder ----

function statusStream(bytes: number, rand: () => number): Uint8Array {
  const parts: Uint8Array[] = [];
  let n = 0;
  while (n < bytes) {
    const r = rand();
    const reply = r < 0.4 ? Uint8Array.of(0x12 | (Math.floor(rand() * 256) & 0x6c)) // DLE EOT reply
      : r < 0.75 ? Uint8Array.of(0x10, Math.floor(rand() * 256) & 0x6f, Math.floor(rand() * 256) & 0x6f, 0) // ASB
        : r < 0.95 ? Uint8Array.of(0x37, 0x22, 0x30, 0x30, 0x30 + Math.floor(rand() * 10), 0x31, 0) // process ID
          : Uint8Array.of(rand() < 0.5 ? 0x11 : 0x13);
    parts.push(reply);
    n += reply.length;
  }
  return concatBytes(parts);
}

function corrupt(bytes: Uint8Array, fraction: number, rand: () => number): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < out.length; i++) if (rand() < fraction) out[i] ^= 1 + Math.floor(rand() * 255);
  return out;
}

/** Decodes in 64-byte chunks (a serial port's typical hand-over) for ~0.5 s; MB/s and replies per pass. */
function decoderThroughput(bytes: Uint8Array): { mbps: number; replies: number; discarded: number } {
  let runs = 0, replies = 0, discarded = 0;
  const started = performance.now();
  do {
    const d = new EscPosStatusDecoder();
    for (let o = 0; o < bytes.length; o += 64) replies += d.push(bytes.subarray(o, o + 64)).length;
    discarded += d.counters.discardedBytes;
    runs++;
  } while (performance.now() - started < 500);
  const seconds = (performance.now() - started) / 1000;
  return { mbps: (bytes.length * runs) / seconds / 1e6, replies: replies / runs, discarded: discarded / runs };
}

// ---- (b) ticket ----

interface Rgba { data: Uint8ClampedArray; width: number; height: number }

/** Draws ticket text lines like the printer would: 24-dot characters times the size, 30-dot line pitch, wrapped. */
function renderLinesRgba(lines: TicketTextLine[], width: number): Rgba {
  const rows: Array<{ text: string; line: TicketTextLine }> = [];
  const measure = createCanvas(width, 10).getContext('2d');
  for (const line of lines) {
    measure.font = `${line.bold ? 'bold ' : ''}${24 * line.size}px "${FONT}"`;
    let rest = line.text;
    do { // greedy wrap by measured width, as the printer wraps at the right margin
      let take = rest.length;
      while (take > 1 && measure.measureText(rest.slice(0, take)).width > width) take--;
      rows.push({ text: rest.slice(0, take), line });
      rest = rest.slice(take);
    } while (rest.length > 0);
  }
  const pitch = (l: TicketTextLine) => 24 * l.size + 6;
  const height = rows.reduce((h, r) => h + pitch(r.line), 0);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.textBaseline = 'top';
  let y = 0;
  for (const { text, line } of rows) {
    ctx.font = `${line.bold ? 'bold ' : ''}${24 * line.size}px "${FONT}"`;
    const w = ctx.measureText(text).width;
    const x = line.align === 'center' ? (width - w) / 2 : line.align === 'right' ? width - w : 0;
    if (line.reverse) { ctx.fillStyle = '#000'; ctx.fillRect(0, y, width, pitch(line)); ctx.fillStyle = '#fff'; }
    else ctx.fillStyle = '#000';
    ctx.fillText(text, x, y + 3);
    y += pitch(line);
  }
  const img = ctx.getImageData(0, 0, width, height);
  return { data: img.data, width, height };
}

/** The standard ticket with @point-of-sale/receipt-printer-encoder: text as images, QR native, same tail bytes. */
function peerTicket(): Uint8Array {
  const enc = new ReceiptPrinterEncoder({ language: 'esc-pos', columns: 48, imageMode: 'raster', feedBeforeCut: 0 });
  enc.initialize().align('center');
  let run: TicketTextLine[] = [];
  const flush = () => {
    if (run.length) {
      const img = renderLinesRgba(run, ESCPOS_PRINT_WIDTH_DOTS);
      enc.image({ data: img.data, width: img.width, height: img.height }, { mode: 'raster', algorithm: 'threshold' });
    }
    run = [];
  };
  for (const block of standardTicketLayout()) {
    if (block.kind === 'text') { run.push(block.line); continue; }
    flush();
    if (block.kind === 'qr') enc.qrcode(block.text, { model: 2, size: block.moduleSize, errorlevel: 'm' });
    // Feed, cut and process ID sent as the same raw bytes as ours (the peer has no process-ID command).
    if (block.kind === 'feed') enc.raw(new EscPosEncoder().feed(block.lines).encode());
    if (block.kind === 'cut') enc.cut('partial');
    if (block.kind === 'processId') enc.raw(new EscPosEncoder().processId(block.id).encode());
  }
  flush();
  return enc.encode();
}

function medianMicros(runs: number, f: () => Uint8Array): { us: number; bytes: number } {
  let bytes = 0;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    bytes = f().length;
    times.push((performance.now() - t) * 1000);
  }
  times.sort((a, b) => a - b);
  return { us: times[Math.floor(times.length / 2)], bytes };
}

export default async function escposTicketBench(): Promise<void> {
  const rand = rng(0x5eed);
  const clean = statusStream(1 << 20, rand);
  const dirty = corrupt(clean, 0.01, rand);
  const rows = [
    { stream: 'clean', ...decoderThroughput(clean) },
    { stream: '1% bytes corrupted', ...decoderThroughput(dirty) },
  ];
  console.log(`(a) EscPosStatusDecoder, ${(clean.length / 1e6).toFixed(2)} MB stream in 64-byte chunks`);
  console.table(rows.map((r) => ({
    stream: r.stream,
    'MB/s': r.mbps.toFixed(1),
    'x line rate (115200 8N1)': Math.round((r.mbps * 1e6) / WIRE_BYTES_PER_S).toLocaleString('en'),
    'replies / pass': Math.round(r.replies),
    'discarded bytes / pass': Math.round(r.discarded),
  })));

  GlobalFonts.registerFromPath(FONT_PATH, FONT);
  const t0 = performance.now();
  buildStandardTicket();
  const firstMs = performance.now() - t0; // includes building the GB18030 table once (if nothing built it before)
  const renderMono = (lines: TicketTextLine[], width: number) => {
    const img = renderLinesRgba(lines, width);
    return monoBitmapFromRgba(img.data, img.width, img.height); // threshold 128, as the peer's
  };
  const figures = [
    { encoder: 'OneDoor EscPosEncoder (GB18030 text)', ...medianMicros(2000, () => buildStandardTicket()) },
    { encoder: 'OneDoor raster form (render + encode)', ...medianMicros(40, () => buildStandardTicketRaster({}, renderMono)) },
    { encoder: 'receipt-printer-encoder (render + image())', ...medianMicros(40, peerTicket) },
  ];
  const base = figures[0];
  console.log('(b) standard queue ticket (escpos.md); raster rows include canvas rendering of the text lines');
  console.table(figures.map((f) => ({
    encoder: f.encoder,
    'encode µs (median)': f.us < 100 ? f.us.toFixed(1) : Math.round(f.us),
    'time x ours': (f.us / base.us).toFixed(1),
    bytes: f.bytes,
    'bytes x ours': (f.bytes / base.bytes).toFixed(1),
    'wire ms @115200': ((f.bytes / WIRE_BYTES_PER_S) * 1000).toFixed(1),
  })));
  console.log(`first buildStandardTicket call in this process: ${firstMs.toFixed(1)} ms (builds the GB18030 table once)`);
}
