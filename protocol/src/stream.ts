/**
 * The one shape every streaming frame decoder in this package has (ID reader SAM frames, ESC/POS printer replies,
 * Modbus RTU). Bytes go in as they arrive, in chunks of any size; whole frames come out. A decoder never throws on
 * bad input: it skips to the next start-of-frame, counts what it dropped, and keeps its buffer bounded.
 *
 * Browser code uses `push` directly; Node code wraps a decoder in a Transform with `decoderTransform` from
 * `@onedoor/protocol/node`.
 */
export interface DecoderCounters {
  /** Good frames delivered. */
  frames: number;
  /** Frames dropped because their check value (XOR, CRC) was wrong. */
  checksumErrors: number;
  /** Frames dropped because their length field was impossible or the frame was cut short. */
  lengthErrors: number;
  /** Bytes thrown away while looking for a start-of-frame (garbage, noise, the remains of bad frames). */
  discardedBytes: number;
}

export interface StreamDecoder<F> {
  /** Feed bytes; returns every frame completed by them, oldest first. Never throws. */
  push(chunk: Uint8Array): F[];
  /** Drop any partial frame (e.g. after a port was reopened), keep the counters. */
  reset(): void;
  readonly counters: Readonly<DecoderCounters>;
}

export function newCounters(): DecoderCounters {
  return { frames: 0, checksumErrors: 0, lengthErrors: 0, discardedBytes: 0 };
}
