/**
 * A minimal PNG writer for 1-bit black/white images (grayscale, bit depth 1): the ticket images are pure black and
 * white, and a 1-bit PNG states that in the file itself (pngjs writes 8-bit only). Node-only (zlib).
 */
import { crc32, deflateSync } from 'node:zlib';

/** A 1-bit picture: one byte per pixel, row-major, 1 = black. */
export interface BitImage {
  width: number;
  height: number;
  /** width * height bytes; 1 = black, 0 = white. */
  pixels: Uint8Array;
}

export function newBitImage(width: number, height: number): BitImage {
  return { width, height, pixels: new Uint8Array(width * height) };
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** Encodes as a grayscale 1-bit PNG (PNG bit 1 = white, so black pixels are 0 bits). */
export function encodePng1Bit(img: BitImage): Buffer {
  const { width, height, pixels } = img;
  const rowBytes = Math.ceil(width / 8);
  const raw = Buffer.alloc((rowBytes + 1) * height, 0);
  for (let y = 0; y < height; y++) {
    const o = y * (rowBytes + 1); // filter byte 0 (none), then the packed row
    for (let x = 0; x < rowBytes * 8; x++) {
      const white = x >= width || pixels[y * width + x] === 0;
      if (white) raw[o + 1 + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // colour type: grayscale
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
