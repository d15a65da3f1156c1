/**
 * Streaming Modbus RTU decoders (counter-bus.md "Line and framing"). RTU frames have no start byte and the 3.5
 * character silence between them is lost once bytes arrive in chunks, so a decoder finds frames by shape: the
 * function (and byte count) says how long a frame must be, and the CRC says whether it is one. On a CRC mismatch it
 * slides forward ONE byte, so a good frame that follows noise or a damaged frame is never lost. A noise byte whose
 * shape asks for more bytes than have arrived delays the decision until they do (at most one maximum frame, 256
 * bytes) or until the owner reports a silence (`lineSilent()`); the buffer never holds more than that.
 *
 * Inherent to RTU: a run of noise can, about once in 65536 candidates of a plausible shape, carry a valid CRC and
 * be taken for a frame (which may then overlap the real one after it).
 */
import { newCounters, type DecoderCounters, type StreamDecoder } from '../stream.ts';
import { modbusCrcOk } from './crc.ts';
import {
  decodeModbusReplyAt, decodeModbusRequestAt, modbusReplyAnswers, modbusReplyShape, modbusRequestFn,
  modbusRequestShape, SHAPE_BAD_COUNT, SHAPE_BAD_FUNCTION, SHAPE_BAD_UNIT, SHAPE_NEED_MORE, type ModbusReply, type ModbusRequest,
} from './frames.ts';

export interface ModbusDecoderCounters extends DecoderCounters {
  /** Well-formed frames that were not the answer to the outstanding request (reply decoder only). */
  unexpected: number;
}

export interface ModbusDecoderOptions {
  /** Remember each delivered frame's bytes for `frameBytes(frame)` (logs, the technician console's hex view). */
  keepFrameBytes?: boolean;
}

abstract class ModbusStreamDecoder<F extends object> implements StreamDecoder<F> {
  readonly counters: ModbusDecoderCounters = { ...newCounters(), unexpected: 0 };
  private readonly bytesOfFrame: WeakMap<F, Uint8Array> | null;
  /** Leftover bytes of an incomplete candidate (< MODBUS_MAX_FRAME bytes), kept between pushes. */
  private pending = new Uint8Array(0);

  constructor(opts: ModbusDecoderOptions = {}) {
    this.bytesOfFrame = opts.keepFrameBytes ? new WeakMap() : null;
  }

  /** The bytes a delivered frame was decoded from (only with `keepFrameBytes`). */
  frameBytes(frame: F): Uint8Array | undefined {
    return this.bytesOfFrame?.get(frame);
  }

  protected abstract shape(b: Uint8Array, i: number, end: number): number;
  /** The frame at b[i..i+len) passed shape and CRC; return it, or null to drop it (counted by the subclass). */
  protected abstract accept(b: Uint8Array, i: number, len: number): F | null;

  push(chunk: Uint8Array): F[] {
    const out: F[] = [];
    if (!(chunk instanceof Uint8Array) || chunk.length === 0) return out;
    let b: Uint8Array;
    if (this.pending.length === 0) b = chunk;
    else {
      b = new Uint8Array(this.pending.length + chunk.length);
      b.set(this.pending);
      b.set(chunk, this.pending.length);
    }
    const end = b.length;
    const c = this.counters;
    let i = 0;
    while (i < end) {
      const len = this.shape(b, i, end);
      if (len === SHAPE_NEED_MORE || (len > 0 && i + len > end)) break;
      if (len < 0) {
        // Not a frame start here (unit, function or count impossible): drop one byte and look again.
        if (len === SHAPE_BAD_COUNT) c.lengthErrors++;
        c.discardedBytes++;
        i++;
        continue;
      }
      if (!modbusCrcOk(b, i, len)) {
        c.checksumErrors++;
        c.discardedBytes++;
        i++; // slide one byte only: the next good frame may start inside this candidate
        continue;
      }
      const f = this.accept(b, i, len);
      if (f !== null) {
        c.frames++;
        this.bytesOfFrame?.set(f, b.slice(i, i + len));
        out.push(f);
      }
      i += len;
    }
    // Keep the tail: an incomplete candidate, shorter than its own length and so than MODBUS_MAX_FRAME, because
    // every candidate that could be decided has been.
    this.pending = i >= end ? new Uint8Array(0) : b.slice(i);
    return out;
  }

  /**
   * Tell the decoder the line has been silent for at least 3.5 characters (t3.5; a driver's reply timeout, a
   * slave's idle timer). No frame spans a silence, so a candidate still waiting for bytes is cut short: drop its
   * first byte (counted) and decode what follows it. Returns the frames this frees.
   */
  lineSilent(): F[] {
    const out: F[] = [];
    while (this.pending.length > 0) {
      const rest = this.pending.subarray(1);
      this.pending = new Uint8Array(0);
      this.counters.lengthErrors++;
      this.counters.discardedBytes++;
      for (const f of this.push(rest)) out.push(f);
    }
    return out;
  }

  reset(): void {
    this.pending = new Uint8Array(0);
  }

  /** Bytes held for an incomplete frame (for tests and diagnostics). */
  get buffered(): number {
    return this.pending.length;
  }
}

/** What a slave sees on the line: requests from the master (any unit, including broadcasts). */
export class ModbusRequestDecoder extends ModbusStreamDecoder<ModbusRequest> {
  protected shape(b: Uint8Array, i: number, end: number): number {
    return modbusRequestShape(b, i, end);
  }
  protected accept(b: Uint8Array, i: number, len: number): ModbusRequest {
    return decodeModbusRequestAt(b, i, len);
  }
}

/**
 * What the master sees: replies from slaves. Tell it which request is outstanding with `expectReplyTo(req)`; while
 * one is, only its answer (normal or exception) comes out and other well-formed frames (a late reply from a
 * terminal polled earlier, an echo) are dropped and counted in `unexpected`. Once the answer has come out nothing
 * is outstanding and every well-formed reply passes.
 */
export class ModbusReplyDecoder extends ModbusStreamDecoder<ModbusReply> {
  private outstanding: ModbusRequest | null = null;

  /** Set (before writing the request) or clear the request whose answer is awaited. */
  expectReplyTo(req: ModbusRequest | null): void {
    this.outstanding = req;
  }

  get awaiting(): ModbusRequest | null {
    return this.outstanding;
  }

  protected shape(b: Uint8Array, i: number, end: number): number {
    const len = modbusReplyShape(b, i, end);
    const req = this.outstanding;
    // A complete candidate goes on to the CRC (and `accept` counts a good frame that is not the answer). An
    // incomplete one is only worth waiting for if it can be the answer: otherwise a noise byte before the reply
    // would hold the reply back until more bytes came, and on a polled line none come.
    if (!req || end - i < 2 || (len > 0 && i + len <= end) || len < SHAPE_NEED_MORE) return len;
    if (b[i] !== req.unit) return SHAPE_BAD_UNIT;
    const fn = modbusRequestFn(req);
    if (b[i + 1] !== fn && b[i + 1] !== (fn | 0x80)) return SHAPE_BAD_FUNCTION;
    if (req.kind === 'read' && b[i + 1] === fn && end - i >= 3 && b[i + 2] !== req.quantity * 2) return SHAPE_BAD_COUNT;
    return len;
  }
  protected accept(b: Uint8Array, i: number): ModbusReply | null {
    const reply = decodeModbusReplyAt(b, i);
    if (this.outstanding) {
      if (!modbusReplyAnswers(this.outstanding, reply)) {
        this.counters.unexpected++;
        return null;
      }
      this.outstanding = null;
    }
    return reply;
  }
}
