/**
 * Masks what the bridge sends a receipt printer before it reaches a recording (docs/recording-format.md
 * "Masking"): print jobs may carry a citizen's name, ID number and address (a certificate copy, an application
 * receipt). Walks the ESC/POS command structure (escpos.md "Commands (hex)") as it streams past, keeps every
 * command and its parameters, and replaces
 * - text runs character for character: digits by `0`, letters by `X`/`x`, GB18030 characters by `某` (2-byte) or
 *   a 4-byte filler, code page 437 characters by `░`; spaces and punctuation stay, so line layout is unchanged;
 * - QR payloads and barcode data by same-length filler (a code may carry a number or a bearer token);
 * - raster and bit-image data by blank (zero) bytes (an image may be a rendered name or a photo).
 * The process ID (GS ( H) stays: it is the job's confirmation token, not personal, and replay needs it.
 * Output has exactly the input's length; bytes of a command not yet complete are held until it is (`flush()`).
 */
const HT = 0x09, DLE = 0x10, ESC = 0x1b, FS = 0x1c, GS = 0x1d;

type Fill = 'keep' | 'zero' | 'code';

/** One whole command header (or a text character): how many bytes, then a body of `body` bytes to fill. */
interface Step {
  n: number;
  out?: Uint8Array;
  body?: number;
  fill?: Fill;
  chinese?: boolean;
}

const u16 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);

function maskCodeByte(c: number): number {
  if (c >= 0x30 && c <= 0x39) return 0x30;
  if (c >= 0x41 && c <= 0x5a) return 0x58;
  if (c >= 0x61 && c <= 0x7a) return 0x78;
  return c;
}

export class PrintDataMasker {
  private held = new Uint8Array(0);
  private chinese = false;
  private bodyLeft = 0;
  private bodyFill: Fill = 'keep';

  push(chunk: Uint8Array): Uint8Array {
    const b = new Uint8Array(this.held.length + chunk.length);
    b.set(this.held);
    b.set(chunk, this.held.length);
    const out = b.slice();
    let i = 0;
    while (i < b.length) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, b.length - i);
        for (let k = i; k < i + n; k++) out[k] = this.bodyFill === 'zero' ? 0 : this.bodyFill === 'code' ? maskCodeByte(b[k]) : b[k];
        this.bodyLeft -= n;
        i += n;
        continue;
      }
      const step = this.step(b, i);
      if (!step) break;
      if (step.out) out.set(step.out, i);
      if (step.chinese !== undefined) this.chinese = step.chinese;
      i += step.n;
      if (step.body) {
        this.bodyLeft = step.body;
        this.bodyFill = step.fill ?? 'keep';
      }
    }
    this.held = b.slice(i);
    return out.subarray(0, i);
  }

  /** Whatever is held (an unfinished command header or character), masked as text would be. */
  flush(): Uint8Array {
    const h = this.held;
    this.held = new Uint8Array(0);
    return h.map(maskCodeByte).map((c) => (c >= 0x80 ? 0xb0 : c));
  }

  /** The command or character at i, or null when it is not complete yet. */
  private step(b: Uint8Array, i: number): Step | null {
    const avail = b.length - i;
    const c = b[i];
    const p = (k: number) => b[i + k];
    if (c >= 0x20 || c === HT) return this.textChar(b, i, avail);
    if (c === DLE) {
      if (avail < 2) return null;
      if (p(1) === 0x04 || p(1) === 0x05) return avail < 3 ? null : { n: 3 };
      if (p(1) === 0x14) return avail < 5 ? null : { n: 5 };
      return { n: 1 };
    }
    if (c !== ESC && c !== GS && c !== FS) return { n: 1 }; // LF, CR and stray controls
    if (avail < 2) return null;
    const f = p(1);
    if (c === ESC) {
      if (f === 0x40 || f === 0x32) return { n: 2 };
      if ([0x33, 0x64, 0x4a, 0x45, 0x2d, 0x61, 0x21, 0x74, 0x52, 0x20, 0x4d, 0x56, 0x7b, 0x47].includes(f)) return avail < 3 ? null : { n: 3 };
      if (f === 0x24) return avail < 4 ? null : { n: 4 };
      if (f === 0x2a) return avail < 5 ? null : { n: 5, body: u16(b, i + 3) * (p(2) >= 32 ? 3 : 1), fill: 'zero' };
      return { n: 2 };
    }
    if (c === FS) {
      if (f === 0x26) return { n: 2, chinese: true };
      if (f === 0x2e) return { n: 2, chinese: false };
      if (f === 0x28) return avail < 5 ? null : { n: 5, body: u16(b, i + 3) };
      return { n: 2 };
    }
    // GS
    if ([0x21, 0x42, 0x68, 0x77, 0x48, 0x61, 0x66].includes(f)) return avail < 3 ? null : { n: 3 };
    switch (f) {
      case 0x56: {
        if (avail < 3) return null;
        const m = p(2);
        return m === 0x41 || m === 0x42 || (m >= 0x61 && m <= 0x68) ? (avail < 4 ? null : { n: 4 }) : { n: 3 };
      }
      case 0x6b: {
        if (avail < 3) return null;
        const m = p(2);
        if (m <= 6) {
          const end = b.indexOf(0, i + 3);
          if (end < 0) return avail > 3 + 255 ? { n: 3 } : null;
          return { n: 3, body: end - (i + 3), fill: 'code' };
        }
        if (m >= 65 && m <= 79) {
          if (avail < 4) return null;
          // CODE128 data starts with its code set selector ({A {B {C): keep it, mask the rest.
          const keep = p(3) >= 2 && p(4) === 0x7b ? 2 : 0;
          if (keep && avail < 6) return null;
          return { n: 4 + keep, body: p(3) - keep, fill: 'code' };
        }
        return { n: 3 };
      }
      case 0x76:
        if (avail < 3) return null;
        if (p(2) !== 0x30) return { n: 2 };
        return avail < 8 ? null : { n: 8, body: u16(b, i + 4) * u16(b, i + 6), fill: 'zero' };
      case 0x28: {
        if (avail < 5) return null;
        const len = u16(b, i + 3);
        if (p(2) === 0x6b && len >= 3) {
          if (avail < 8) return null;
          // QR store (cn 49, fn 80, m 48): the payload after the 3 fixed bytes.
          if (p(5) === 0x31 && p(6) === 0x50) return { n: 8, body: len - 3, fill: 'code' };
        }
        return { n: 5, body: len };
      }
      case 0x2a:
        return avail < 4 ? null : { n: 4, body: p(2) * p(3) * 8, fill: 'zero' };
      case 0x38:
        if (avail < 3) return null;
        if (p(2) !== 0x4c) return { n: 2 };
        return avail < 7 ? null : { n: 7, body: p(3) + p(4) * 0x100 + p(5) * 0x10000 + p(6) * 0x1000000, fill: 'zero' };
    }
    return { n: 2 };
  }

  private textChar(b: Uint8Array, i: number, avail: number): Step | null {
    const c = b[i];
    if (c < 0x80) return { n: 1, out: Uint8Array.of(maskCodeByte(c)) };
    if (!this.chinese || c === 0x80 || c === 0xff) return { n: 1, out: Uint8Array.of(0xb0) };
    if (avail < 2) return null;
    const c1 = b[i + 1];
    if (c1 >= 0x30 && c1 <= 0x39) {
      if (avail < 4) return null;
      return { n: 4, out: Uint8Array.of(0x81, 0x30, 0x81, 0x30) };
    }
    return { n: 2, out: Uint8Array.of(0xc4, 0xb3) }; // 某
  }
}

