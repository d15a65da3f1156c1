/**
 * Counter bus reply decoder throughput (the bridge's side of the line), clean and with 1% of bytes corrupted, as a
 * ratio to the line rate: at 9600 baud 8N1 the line carries 960 bytes/s (counter-bus.md "Line and framing").
 * The stream is a realistic poll mix: 17-register event replies (39 bytes), display write echoes and exceptions,
 * fed in 32-byte chunks as a serial port hands them over.
 */
import {
  buildModbusReply, ModbusReplyDecoder, type ModbusReply,
} from '@onedoor/protocol';

const CHUNK = 32;
const STREAM_BYTES = 1 << 20;

function pollStream(rand: () => number): { bytes: Uint8Array; frames: number } {
  const out = new Uint8Array(STREAM_BYTES);
  let n = 0;
  let frames = 0;
  for (;;) {
    const unit = 1 + Math.floor(rand() * 8);
    const r = rand();
    const reply: ModbusReply =
      r < 0.8
        ? { kind: 'registers', unit, fn: 4, values: [2, 0x0100, 0x1101, ...new Array(14).fill(0)] }
        : r < 0.95
          ? { kind: 'writeMultiple', unit, address: 0x0100, quantity: 4 }
          : { kind: 'exception', unit, fn: 4, code: 2 };
    const f = buildModbusReply(reply);
    if (n + f.length > out.length) break;
    out.set(f, n);
    n += f.length;
    frames++;
  }
  return { bytes: out.subarray(0, n), frames };
}

function corrupt(bytes: Uint8Array, fraction: number, rand: () => number): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < out.length; i++) if (rand() < fraction) out[i] ^= 1 + Math.floor(rand() * 255);
  return out;
}

/** Decodes `bytes` repeatedly for about half a second; throughput and what one pass yields. */
function measure(bytes: Uint8Array): { mbps: number; framesPerRun: number; crcErrorsPerRun: number } {
  let runs = 0;
  let frames = 0;
  let crcErrors = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < 500) {
    const d = new ModbusReplyDecoder();
    for (let i = 0; i < bytes.length; i += CHUNK) frames += d.push(bytes.subarray(i, i + CHUNK)).length;
    frames += d.lineSilent().length;
    crcErrors += d.counters.checksumErrors;
    runs++;
    elapsed = performance.now() - started;
  }
  return { mbps: (runs * bytes.length) / 1e6 / (elapsed / 1000), framesPerRun: frames / runs, crcErrorsPerRun: crcErrors / runs };
}

export default async function counterbusDecoderBench(): Promise<void> {
  const rand = Math.random; // 1 MiB of replies: the figures do not depend on the draw
  const clean = pollStream(rand);
  const noisy = corrupt(clean.bytes, 0.01, rand);
  const lineMBps = 960 / 1e6; // 9600 baud, 10 bits per byte
  const rows = [
    ['clean', clean.bytes],
    ['1% bytes corrupted', noisy],
  ] as const;
  console.log(`stream: ${(clean.bytes.length / 1024).toFixed(0)} KiB, ${clean.frames} replies, ${CHUNK}-byte chunks`);
  const table = rows.map(([name, bytes]) => {
    const m = measure(bytes);
    return {
      case: name,
      'MB/s': Number(m.mbps.toFixed(1)),
      'x line rate @9600': Math.round(m.mbps / lineMBps),
      'x line rate @38400': Math.round(m.mbps / (lineMBps * 4)),
      'replies decoded': Math.round(m.framesPerRun),
      'CRC mismatches': Math.round(m.crcErrorsPerRun),
    };
  });
  console.table(table);
}
