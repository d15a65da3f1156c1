/**
 * Masks ID reader replies before they reach a recording (docs/recording-format.md "Masking"; common rules: the
 * chip photo is never stored). Bytes stream in as the port delivers them; SAM frames (id-reader-sam.md "Frame")
 * come out with every personal byte replaced by same-length synthetic data, everything else unchanged, so the
 * recording still replays through the bridge's decoder the same way (same lengths, same layout errors, CHK right
 * where it was right and wrong where it was wrong).
 *
 * A reply cut short (a truncated fault, a line dropped mid-frame) is masked as far as it goes: the region a frame's
 * LEN claims ends early only at a following frame that checks out whole, so a photo that happens to contain the
 * preamble cannot end masking early. `flush()` masks whatever is held (the bridge moved on, the port closed).
 */
import { SAM_HEADER_BYTES, SAM_MAX_LEN, SAM_PREAMBLE, samChecksum } from '../idcard/index.ts';
import { syntheticFiller, syntheticTextBlock } from './synthetic.ts';

/** Status bytes SW1 SW2 SW3 follow LEN: data starts here. */
const DATA_AT = SAM_HEADER_BYTES + 3;
/** Find answers (<= 4 data bytes) and the SAM ID (16) carry nothing personal (frameDescribe.ts keeps them too). */
const SAM_ID_BYTES = 16;
const ID_CARD_TEXT_BYTES = 256;

function preambleAt(b: Uint8Array, i: number): boolean {
  for (let k = 0; k < SAM_PREAMBLE.length; k++) if (b[i + k] !== SAM_PREAMBLE[k]) return false;
  return true;
}

/** A whole, checked frame starts at i (LEN sane, CHK right). */
function validFrameAt(b: Uint8Array, i: number): boolean {
  if (i + SAM_HEADER_BYTES > b.length || !preambleAt(b, i)) return false;
  const len = (b[i + 5] << 8) | b[i + 6];
  if (len < 3 || len > SAM_MAX_LEN || i + SAM_HEADER_BYTES + len > b.length) return false;
  const end = i + SAM_HEADER_BYTES + len;
  return samChecksum(b, i + 5, end - 1) === b[end - 1];
}

const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];

/**
 * Masks the data of one reply frame (whole when `complete`, else cut short: no CHK). Read replies (30 01 / 30 10
 * layouts: 2 or 3 big-endian lengths, then the blocks) keep their lengths; the text block becomes a synthetic holder.
 */
export function maskSamReply(frame: Uint8Array, complete: boolean): Uint8Array {
  const out = frame.slice();
  const dataEnd = complete ? frame.length - 1 : frame.length;
  if (dataEnd <= DATA_AT) return out;
  const data = frame.subarray(DATA_AT, dataEnd);
  if (complete && (data.length <= 4 || data.length === SAM_ID_BYTES)) return out;
  // Read reply layout: n lengths that, with the blocks they give, account for the data exactly (a cut-short reply:
  // the lengths as far as they go).
  let blocksAt = 0;
  let blocks: number[] = [];
  for (const n of [2, 3]) {
    if (data.length < 2 * n) continue;
    const ls = Array.from({ length: n }, (_, i) => be16(data, 2 * i));
    const need = ls.reduce((a, b) => a + b, 0) + 2 * n;
    if (need === data.length || (!complete && ls[0] === ID_CARD_TEXT_BYTES && need > data.length)) {
      blocksAt = 2 * n;
      blocks = ls;
      break;
    }
  }
  let at = DATA_AT + blocksAt;
  blocks.forEach((len, i) => {
    const take = Math.max(0, Math.min(len, dataEnd - at));
    const synthetic = i === 0 && len === ID_CARD_TEXT_BYTES ? syntheticTextBlock(frame.subarray(at, at + take)) : syntheticFiller(len, i);
    out.set(synthetic.subarray(0, take), at);
    at += take;
  });
  // Whatever is not a known block (a card serial, an appended address, data of an unknown layout): filler.
  if (at < dataEnd) out.set(syntheticFiller(dataEnd - at, 7), at);
  if (complete) {
    // Keep CHK as right or as wrong as it was: a checksum fault must replay as a checksum fault.
    const delta = frame[frame.length - 1] ^ samChecksum(frame, 5, frame.length - 1);
    out[out.length - 1] = samChecksum(out, 5, out.length - 1) ^ delta;
  }
  return out;
}

export interface SamReplyMaskerOptions {
  /**
   * The stream may start inside a frame (a recording started while a reply was arriving): bytes before the first
   * preamble are replaced by filler, as they may be the tail of a card's data.
   */
  unsynced?: boolean;
}

export class SamReplyMasker {
  private held = new Uint8Array(0);
  private synced: boolean;

  constructor(options: SamReplyMaskerOptions = {}) {
    this.synced = !options.unsynced;
  }

  /** Bytes held back until their frame is complete (at most one frame). */
  get heldBytes(): number {
    return this.held.length;
  }

  /** Feed received bytes; returns the masked bytes that are final (possibly none, never more than fed in total). */
  push(chunk: Uint8Array): Uint8Array {
    const b = new Uint8Array(this.held.length + chunk.length);
    b.set(this.held);
    b.set(chunk, this.held.length);
    const out: Uint8Array[] = [];
    let i = 0;
    while (i < b.length) {
      // Bytes before a (possible) preamble carry no frame: pass them on as they are (line noise).
      let p = i;
      while (p < b.length && !(b[p] === SAM_PREAMBLE[0] && this.couldBePreamble(b, p))) p++;
      if (p > i) out.push(this.synced ? b.subarray(i, p) : syntheticFiller(p - i, 5));
      i = p;
      if (i < b.length && b.length - i >= SAM_PREAMBLE.length) this.synced = true;
      if (i >= b.length) break;
      if (b.length - i < SAM_HEADER_BYTES) break; // preamble or LEN incomplete: wait
      if (!preambleAt(b, i)) {
        out.push(b.subarray(i, i + 1));
        i++;
        continue;
      }
      const len = (b[i + 5] << 8) | b[i + 6];
      if (len < 3 || len > SAM_MAX_LEN) {
        // Not a frame the decoder would take: its bytes are not read as data; pass the preamble byte on.
        out.push(b.subarray(i, i + 1));
        i++;
        continue;
      }
      const end = i + SAM_HEADER_BYTES + len;
      const cut = this.nextValidFrame(b, i + SAM_HEADER_BYTES, Math.min(end, b.length));
      if (cut >= 0) {
        out.push(maskSamReply(b.subarray(i, cut), false));
        i = cut;
        continue;
      }
      if (end > b.length) break; // wait for the rest
      out.push(maskSamReply(b.subarray(i, end), true));
      i = end;
    }
    this.held = b.slice(i);
    return concat(out);
  }

  /** Masks and returns everything held (a frame that will not be completed). */
  flush(): Uint8Array {
    const b = this.held;
    this.held = new Uint8Array(0);
    if (b.length === 0) return b;
    // Fewer than 7 bytes, or no preamble: line noise or the start of a header, nothing personal.
    return b.length >= SAM_HEADER_BYTES && preambleAt(b, 0) ? maskSamReply(b, false) : b;
  }

  private couldBePreamble(b: Uint8Array, p: number): boolean {
    for (let k = 0; k < SAM_PREAMBLE.length && p + k < b.length; k++) if (b[p + k] !== SAM_PREAMBLE[k]) return false;
    return true;
  }

  private nextValidFrame(b: Uint8Array, from: number, to: number): number {
    for (let k = from; k < to; k++) if (b[k] === SAM_PREAMBLE[0] && validFrameAt(b, k)) return k;
    return -1;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0].slice();
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
