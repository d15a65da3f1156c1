/**
 * The printer renders B1's standard queue ticket (escpos.md "The standard queue ticket") to the expected text and to
 * the golden image simulators/test/golden/standard-ticket.png. The comparison is on decoded pixels with no
 * tolerance: the image is thresholded to pure black/white from the same font file, so it is deterministic. On a
 * mismatch the actual image is written to a temp file named in the failure. Regenerate the golden (after looking at
 * it!) with `UPDATE_GOLDEN=1 npx vitest run simulators/test/printer/standard-ticket.test.ts`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import {
  EscPosCommandDecoder, EscPosEncoder, buildStandardTicket, buildStandardTicketRaster, type MonoBitmap,
  type TicketTextLine,
} from '@onedoor/protocol';
import { PrinterSim, TicketComposer, renderTicketBits } from '../../src/printer/index.ts';
import { HostDouble, isProcessId } from './host-double.ts';
import { STANDARD_TICKET_TEXT } from './expected-tickets.ts';

const goldenPath = fileURLToPath(new URL('../golden/standard-ticket.png', import.meta.url));

let sim: PrinterSim | undefined;
afterEach(() => sim?.close());

/** Black pixels as a bit string per pixel, and size. */
function pixels(png: Buffer) {
  const img = PNG.sync.read(png);
  const black = new Uint8Array(img.width * img.height);
  for (let i = 0; i < black.length; i++) black[i] = img.data[i * 4] < 128 ? 1 : 0;
  return { width: img.width, height: img.height, black, colorType: img.colorType, depth: img.depth };
}

describe('standard queue ticket', () => {
  it('prints to the expected text, cut, then echoes the process ID', async () => {
    sim = new PrinterSim({ speedMmPerSec: 400 });
    const host = new HostDouble(sim);
    const next = sim.expectTicket();
    host.write(buildStandardTicket());
    const ticket = await next;
    expect(ticket.text).toBe(STANDARD_TICKET_TEXT);
    expect(ticket).toMatchObject({ seq: 1, cut: 'partial', interrupted: false, reprint: false });
    await host.waitFor(isProcessId('0001'));
    expect(sim.tickets).toEqual([ticket]);
  });

  it('renders to the golden 576-dot 1-bit PNG', async () => {
    sim = new PrinterSim({ speedMmPerSec: 400 });
    const host = new HostDouble(sim);
    const next = sim.expectTicket();
    host.write(buildStandardTicket());
    const ticket = await next;
    const actual = pixels(ticket.png);
    expect(actual).toMatchObject({ width: 576, depth: 1, colorType: 0 });
    expect(actual.height).toBe(ticket.heightDots);
    if (process.env.UPDATE_GOLDEN) writeFileSync(goldenPath, ticket.png);
    const golden = pixels(readFileSync(goldenPath));
    let differing = 0;
    if (golden.width !== actual.width || golden.height !== actual.height) differing = Infinity;
    else for (let i = 0; i < golden.black.length; i++) differing += golden.black[i] !== actual.black[i] ? 1 : 0;
    if (differing !== 0) {
      const out = join(mkdtempSync(join(tmpdir(), 'standard-ticket-')), 'actual.png');
      writeFileSync(out, ticket.png);
      expect.fail(`${differing} pixels differ from ${goldenPath} (${golden.width}x${golden.height} vs ` +
        `${actual.width}x${actual.height}); actual image written to ${out}`);
    }
    // Sanity: the golden is a real ticket (mostly white paper with a QR and text), not a blank or black image.
    const ink = actual.black.reduce((a, b) => a + b, 0) / actual.black.length;
    expect(ink).toBeGreaterThan(0.05);
    expect(ink).toBeLessThan(0.4);
  });

  it('prints the raster form (text drawn as 1D 76 30 images) to the same pixels as the text form', async () => {
    sim = new PrinterSim({ speedMmPerSec: 400 });
    const host = new HostDouble(sim);
    const next = sim.expectTicket();
    // ~20 KB of images: more than the 4 KB receive buffer, so the host has to obey XOFF/XON.
    await host.writeWithFlowControl(buildStandardTicketRaster({}, drawLinesAsPrinter), 512);
    expect(sim.snapshot().overflowBytes).toBe(0);
    const ticket = await next;
    expect(ticket.text).toBe([
      '[C][IMAGE 576x216]',
      '[C][QR M6:https://hall.example/q/A012?d=20261125]',
      '[C][IMAGE 576x60]',
      '', '', '',
      '[CUT partial]',
    ].join('\n'));
    expect(pixels(ticket.png)).toEqual(pixels(readFileSync(goldenPath)));
    await host.waitFor(isProcessId('0001'));
  });
});

/** Draws ticket text lines the way the printer draws text (its own composer and renderer), as one 1-bit image. */
function drawLinesAsPrinter(lines: TicketTextLine[], width: number): MonoBitmap {
  const enc = new EscPosEncoder();
  for (const l of lines) enc.align(l.align).bold(l.bold).reverse(l.reverse).size(l.size).line(l.text);
  const composer = new TicketComposer();
  const bits = renderTicketBits(new EscPosCommandDecoder().push(enc.encode()).flatMap((c) => composer.apply(c)));
  const stride = Math.ceil(width / 8);
  const data = new Uint8Array(stride * bits.height);
  for (let y = 0; y < bits.height; y++) {
    for (let x = 0; x < width; x++) if (bits.pixels[y * bits.width + x]) data[y * stride + (x >> 3)] |= 0x80 >> (x & 7);
  }
  return { width, height: bits.height, data };
}
