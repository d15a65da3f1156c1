/**
 * Streaming decoder for SAM frames (id-reader-sam.md, "Frame"): bytes in any chunking, whole checked frames out.
 *
 * Resynchronisation (spec: "A receiver must resynchronise on the preamble ... without losing the next good frame"):
 * bytes before a preamble are discarded; a frame whose LEN is out of bounds or whose CHK is wrong is dropped and
 * counted, and the search restarts ONE byte after that frame's preamble start, because the bytes the bad LEN claimed
 * may hold the next good frame (the `noisy_stream` vector).
 *
 * Invariant (between resets; reset() drops the buffer without counting it): every byte pushed is exactly one of:
 * part of a delivered frame, counted in `discardedBytes`, or still buffered (`bufferedBytes`, less than one maximal
 * frame). `SamFrame.streamOffset` counts every byte pushed since construction, reset or not.
 */
import { newCounters, type DecoderCounters, type StreamDecoder } from '../stream.ts';
import {
  SAM_HEADER_BYTES,
  SAM_MAX_FRAME_BYTES,
  SAM_MAX_LEN,
  SAM_MIN_COMMAND_LEN,
  SAM_MIN_RESPONSE_LEN,
  SAM_PREAMBLE,
  SamFrame,
  samChecksum,
} from './frame.ts';

const P0 = SAM_PREAMBLE[0];
const P3 = SAM_PREAMBLE[3];
const P4 = SAM_PREAMBLE[4];
const PREAMBLE_LEN = SAM_PREAMBLE.length;
const SLICE_BYTES = 4096;

export interface SamFrameDecoderOptions {
  /**
   * Which side's frames this decoder reads. It only sets the smallest sane LEN: 3 for host commands, 4 for SAM
   * responses; 'any' (default) accepts 3.
   */
  direction?: 'command' | 'response' | 'any';
}

export class SamFrameDecoder implements StreamDecoder<SamFrame> {
  private readonly minLen: number;
  private readonly _counters: DecoderCounters = newCounters();
  // Bytes not yet consumed live in buf[start, end): at most one partial frame plus one slice of input.
  private buf = new Uint8Array(SAM_MAX_FRAME_BYTES + SLICE_BYTES);
  private start = 0;
  private end = 0;
  /** Stream offset of buf[start]. */
  private offset = 0;

  constructor(opts: SamFrameDecoderOptions = {}) {
    const dir = opts.direction ?? 'any';
    if (dir !== 'command' && dir !== 'response' && dir !== 'any') {
      throw new Error(`SamFrameDecoder direction must be 'command', 'response' or 'any', got ${String(dir)}`);
    }
    this.minLen = dir === 'response' ? SAM_MIN_RESPONSE_LEN : SAM_MIN_COMMAND_LEN;
  }

  get counters(): Readonly<DecoderCounters> {
    return this._counters;
  }

  /** Bytes held waiting for the rest of a frame (bounded by one maximal frame). */
  get bufferedBytes(): number {
    return this.end - this.start;
  }

  reset(): void {
    this.offset += this.end - this.start;
    this.start = 0;
    this.end = 0;
  }

  push(chunk: Uint8Array): SamFrame[] {
    const out: SamFrame[] = [];
    // Feed large chunks in slices so the buffer's capacity stays bounded whatever the caller hands in.
    for (let at = 0; at < chunk.length; at += SLICE_BYTES) {
      this.append(chunk.subarray(at, at + SLICE_BYTES));
      this.drain(out);
    }
    return out;
  }

  private drain(out: SamFrame[]): void {
    const buf = this.buf;
    const c = this._counters;
    for (;;) {
      const at = this.findPreamble();
      if (at < 0) {
        // Keep only a tail that could still grow into a preamble; the rest is garbage.
        this.drop(this.end - this.start - this.preamblePrefixTail());
        break;
      }
      this.drop(at - this.start);
      if (this.end - this.start < SAM_HEADER_BYTES) break;
      const len = (buf[this.start + 5] << 8) | buf[this.start + 6];
      if (len < this.minLen || len > SAM_MAX_LEN) {
        c.lengthErrors++;
        this.drop(1); // resume one byte after this preamble's start
        continue;
      }
      const total = SAM_HEADER_BYTES + len;
      if (this.end - this.start < total) break;
      const chkAt = this.start + total - 1;
      if (samChecksum(buf, this.start + 5, chkAt) !== buf[chkAt]) {
        c.checksumErrors++;
        this.drop(1);
        continue;
      }
      out.push(new SamFrame(buf.slice(this.start, this.start + total), this.offset));
      c.frames++;
      this.start += total;
      this.offset += total;
    }
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
    }
  }

  /** Discard n bytes from the front, counting them. */
  private drop(n: number): void {
    if (n <= 0) return;
    this._counters.discardedBytes += n;
    this.start += n;
    this.offset += n;
  }

  /** Index of the first full preamble in buf[start, end), or -1. */
  private findPreamble(): number {
    const buf = this.buf;
    const last = this.end - PREAMBLE_LEN;
    // Anchor on the 96 at index 3: it is rarer than AA in real traffic, so this skips faster.
    for (let i = this.start; i <= last; i++) {
      if (buf[i + 3] !== P3) continue;
      if (buf[i] === P0 && buf[i + 1] === P0 && buf[i + 2] === P0 && buf[i + 4] === P4) return i;
    }
    return -1;
  }

  /** Length of the longest suffix of the buffer that is a proper prefix of the preamble. */
  private preamblePrefixTail(): number {
    const n = this.end - this.start;
    for (let k = Math.min(PREAMBLE_LEN - 1, n); k > 0; k--) {
      let ok = true;
      for (let j = 0; j < k; j++) {
        if (this.buf[this.end - k + j] !== SAM_PREAMBLE[j]) {
          ok = false;
          break;
        }
      }
      if (ok) return k;
    }
    return 0;
  }

  private append(chunk: Uint8Array): void {
    const held = this.end - this.start;
    if (this.end + chunk.length > this.buf.length) {
      if (held + chunk.length <= this.buf.length) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        // Unreachable while held < SAM_MAX_FRAME_BYTES and chunk <= SLICE_BYTES; kept so a bug cannot overflow.
        const next = new Uint8Array(held + chunk.length);
        next.set(this.buf.subarray(this.start, this.end), 0);
        this.buf = next;
      }
      this.start = 0;
      this.end = held;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }
}
