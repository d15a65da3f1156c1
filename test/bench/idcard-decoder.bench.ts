/**
 * SamFrameDecoder throughput on a stream of 1295-byte read responses, clean and with 1% of bytes corrupted, as a
 * ratio to the wire rate at 115200 baud 8N1 (11 520 bytes/s, id-reader-sam.md "Line settings").
 * At 1% corruption almost every 1295-byte frame carries a bad byte, so few frames survive; the figure that matters
 * is that resynchronising through the damage still runs far above the wire rate.
 * Run: npm run bench -- idcard-decoder
 */
import { SamFrameDecoder, buildSamReadData, buildSamResponse, buildTextBlock, concatBytes } from '@onedoor/protocol';

const WIRE_BYTES_PER_S = 115200 / 10;
const FRAMES = 2000;
const CHUNK = 256; // a typical serial read size

function readStream(): Uint8Array {
  const text = buildTextBlock({
    cardType: 'resident', name: '张三丰', sex: '1', nation: '01', birthDate: '1990-03-07',
    address: '广东省广州市天河区体育西路一百零三号', idNumber: '440106199003071231', issuer: '广州市公安局天河分局',
    validFrom: '2015-06-11', validUntil: '2035-06-11',
  });
  const photo = Uint8Array.from({ length: 1024 }, (_, i) => (i * 37) & 0xff);
  const frame = buildSamResponse(0x90, buildSamReadData(text, photo));
  return concatBytes(Array.from({ length: FRAMES }, () => frame));
}

/** Deterministic xorshift so every run corrupts the same bytes. */
function corrupt(src: Uint8Array, fraction: number): Uint8Array {
  const out = src.slice();
  let s = 0x2545f491;
  const next = () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), s >>> 0);
  for (let i = 0; i < out.length; i++) if (next() / 2 ** 32 < fraction) out[i] ^= 1 + (next() % 255);
  return out;
}

function run(stream: Uint8Array): { mbps: number; frames: number; errors: number } {
  const rounds = 5;
  let best = Infinity;
  let frames = 0;
  let errors = 0;
  for (let r = 0; r < rounds + 1; r++) {
    const d = new SamFrameDecoder();
    const t0 = performance.now();
    for (let at = 0; at < stream.length; at += CHUNK) d.push(stream.subarray(at, at + CHUNK));
    const ms = performance.now() - t0;
    if (r > 0) best = Math.min(best, ms); // round 0 warms up the JIT
    frames = d.counters.frames;
    errors = d.counters.checksumErrors + d.counters.lengthErrors;
  }
  return { mbps: stream.length / 1e6 / (best / 1000), frames, errors };
}

export default async function (): Promise<void> {
  const clean = readStream();
  const rows = [
    { stream: 'clean read responses', ...run(clean) },
    { stream: '1% bytes corrupted', ...run(corrupt(clean, 0.01)) },
  ];
  console.table(
    rows.map((r) => ({
      stream: r.stream,
      'MB/s': r.mbps.toFixed(1),
      'x wire @115200': Math.round((r.mbps * 1e6) / WIRE_BYTES_PER_S).toLocaleString('en'),
      'frames ok': `${r.frames}/${FRAMES}`,
      'bad frames': r.errors,
    })),
  );
}
