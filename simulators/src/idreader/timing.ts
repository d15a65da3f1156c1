/**
 * How long the simulated SAM takes before it starts answering each command (RF and processing time; the link adds
 * the wire time on top). Defaults sit inside the spec's typical ranges (id-reader-sam.md, "Timing and polling":
 * find 300-800 ms and select 300 ms are host timeouts, read 1.1-3 s including the ~112 ms wire time at 115200), so a
 * host using the spec's timeouts never times out against a healthy simulator.
 */

/** A fixed delay in ms, or a [min, max] range drawn uniformly per command. */
export type DelayMs = number | readonly [min: number, max: number];

export interface IdReaderTiming {
  /** reset, status, SAM ID, set max RF bytes, set baud. */
  sam: DelayMs;
  find: DelayMs;
  select: DelayMs;
  /** 30 01 text + photo. */
  read: DelayMs;
  /** 30 10 text + photo + fingerprint. */
  readFingerprint: DelayMs;
  /** 30 03 appended address. */
  appendedAddress: DelayMs;
}

export const ID_READER_TYPICAL_TIMING: Readonly<IdReaderTiming> = {
  sam: [3, 10],
  find: [20, 60],
  select: [20, 60],
  read: [500, 800],
  readFingerprint: [700, 1000],
  appendedAddress: [80, 150],
};

/** No processing delay at all: for tests that only care about behaviour (the link still paces the wire). */
export const ID_READER_FAST_TIMING: Readonly<IdReaderTiming> = {
  sam: 0,
  find: 0,
  select: 0,
  read: 0,
  readFingerprint: 0,
  appendedAddress: 0,
};

function checkDelay(name: string, d: unknown): DelayMs {
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  if (ok(d)) return d;
  if (Array.isArray(d) && d.length === 2 && ok(d[0]) && ok(d[1]) && d[0] <= d[1]) return [d[0], d[1]];
  throw new Error(`timing.${name} must be a number of ms >= 0 or [min, max] with min <= max, got ${JSON.stringify(d)}`);
}

/** Typical timing with the given overrides, checked; 'fast' gives no delays. */
export function resolveIdReaderTiming(t: Partial<IdReaderTiming> | 'fast' | 'typical' = 'typical'): IdReaderTiming {
  if (t === 'fast') return { ...ID_READER_FAST_TIMING };
  if (t === 'typical') return { ...ID_READER_TYPICAL_TIMING };
  const out = { ...ID_READER_TYPICAL_TIMING } as IdReaderTiming;
  for (const [k, v] of Object.entries(t)) {
    if (!(k in out)) throw new Error(`unknown timing ${k}; known: ${Object.keys(out).join(', ')}`);
    out[k as keyof IdReaderTiming] = checkDelay(k, v);
  }
  return out;
}

export function drawDelay(d: DelayMs): number {
  return typeof d === 'number' ? d : d[0] + Math.random() * (d[1] - d[0]);
}
