/**
 * Node-only adapters. Kept out of the main entry so that `@onedoor/protocol` stays browser-safe.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { StreamDecoder } from './stream.ts';

/**
 * Wraps a decoder in an object-mode Transform: bytes in (Buffer/Uint8Array chunks), frames out.
 * The decoder itself never throws, so the stream never errors on bad input.
 */
export function decoderTransform<F>(decoder: StreamDecoder<F>): Transform & { decoder: StreamDecoder<F> } {
  const t = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      for (const frame of decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) this.push(frame);
      done();
    },
  });
  return Object.assign(t, { decoder });
}
