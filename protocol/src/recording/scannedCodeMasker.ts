/**
 * Masking what the QR scan engine sends before it is recorded (docs/recording-format.md "Masking", README "Record
 * and replay"): a scanned code may be a citizen's identity code, an appointment code or a ticket capability, so
 * every code byte becomes a synthetic byte of the same kind, while the line keeps its shape for replay
 * (specs/qr-scanner.md "Decoded codes", "Register protocol"):
 * - suffixes (CR, LF) stay where they were, so the codes split the same way, with the same lengths (an over-long
 *   code stays over-long);
 * - a byte a code may hold becomes a different letter or digit (still a code byte, never CR, LF or 02); a byte no
 *   code holds becomes a different one that no code holds either, so a garbage segment stays garbage;
 * - register replies (`02 00 S L D CH CL`, between codes) pass unchanged: they carry settings, no person, and
 *   their CRC stays valid.
 * Byte in, byte out, nothing held back: the output has exactly the input's length and chunking.
 */
import { isQrCodeByte, QR_REPLY_OVERHEAD } from '../qrscanner/index.ts';

const CR = 0x0d;
const LF = 0x0a;
const STX = 0x02;
const ALNUM = new TextEncoder().encode('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789');

export class ScannedCodeMasker {
  /** In a register reply: bytes of it seen so far and its whole length once L is known. */
  private reply: { seen: number; length: number } | null = null;
  private x = 0x2545f491;

  push(chunk: Uint8Array): Uint8Array {
    const out = new Uint8Array(chunk.length);
    for (let i = 0; i < chunk.length; i++) out[i] = this.byte(chunk[i]);
    return out;
  }

  private byte(b: number): number {
    if (this.reply) {
      const r = this.reply;
      r.seen++;
      if (r.seen === 2 && b !== 0x00) {
        // 02 then not 00: no reply after all (qr-scanner.md: a reply begins 02 00); the rest is masked as code bytes.
        this.reply = null;
        return this.code(b);
      }
      if (r.seen === 4) r.length = QR_REPLY_OVERHEAD + b;
      if (r.seen >= 4 && r.seen >= r.length) this.reply = null;
      return b;
    }
    if (b === CR || b === LF) return b;
    if (b === STX) {
      // Where a code would begin (or inside one: 02 is never a code byte) a reply starts (the decoder's rule).
      this.reply = { seen: 1, length: Number.POSITIVE_INFINITY };
      return b;
    }
    return this.code(b);
  }

  private code(b: number): number {
    if (b === CR || b === LF || b === STX) return b;
    if (!isQrCodeByte(b)) return b === 0x01 ? 0x03 : 0x01;
    const s = this.next();
    // Never the original byte: the next letter of the alphabet instead.
    return s === b ? ALNUM[(ALNUM.indexOf(s) + 1) % ALNUM.length] : s;
  }

  /** A pseudo-random letter or digit (xorshift; synthetic data, not a secret). */
  private next(): number {
    let x = this.x;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.x = x >>> 0;
    return ALNUM[this.x % ALNUM.length];
  }
}
