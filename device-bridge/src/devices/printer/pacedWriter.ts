/**
 * Writes a job at the pace of the serial line, in small slices, stopping on XOFF.
 *
 * Why pace at all: `write()` completes as soon as the OS, a USB-serial adapter or a serial device server has taken
 * the bytes, not when they are on the wire. Written at full speed, a 20 KB raster job sits in those buffers at
 * once, and the printer's XOFF (escpos.md "Printer -> host": "Stop sending on XOFF") arrives when everything is
 * already on its way: its receive buffer overflows and the job is lost. Kept at most `aheadBytes` + one slice ahead
 * of the wire, an XOFF finds almost nothing in flight (the printer sends XOFF with a few hundred bytes still free).
 *
 * Pure of I/O: `send` writes a slice, `flowGate` says whether XOFF holds us; clock and sleep are injectable for tests.
 */

export interface PacedWriteOptions {
  /** Writes one slice (the driver: through its actor). */
  send: (slice: Uint8Array) => Promise<void>;
  /** Line speed (8N1: 10 bits a byte). */
  baud: number;
  /** Default 64 bytes. */
  sliceBytes?: number;
  /** How far ahead of the wire the writer may be, in bytes (default 64). */
  aheadBytes?: number;
  /** Called before each slice: returns a promise while XOFF holds the line (resolves on XON), else undefined. */
  flowGate: () => Promise<void> | undefined;
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function writePaced(bytes: Uint8Array, o: PacedWriteOptions): Promise<void> {
  if (!(o.baud > 0)) throw new Error(`writePaced: baud must be > 0, got ${String(o.baud)}`);
  const slice = o.sliceBytes ?? 64;
  const ahead = o.aheadBytes ?? 64;
  if (!(slice > 0) || !(ahead >= 0)) throw new Error('writePaced: sliceBytes must be > 0 and aheadBytes >= 0');
  const now = o.now ?? (() => performance.now());
  const sleep = o.sleep ?? defaultSleep;
  const byteMs = 10_000 / o.baud;
  /** When the wire will have carried everything written so far (an estimate from the line speed). */
  let wireFreeAt = now();
  for (let off = 0; off < bytes.length; off += slice) {
    const held = o.flowGate();
    if (held) await held;
    if (o.signal?.aborted) throw new Error('write aborted');
    const wait = wireFreeAt - ahead * byteMs - now();
    if (wait > 0) await sleep(wait);
    const part = bytes.subarray(off, off + slice);
    // Idle time gives no credit: the wire cannot have carried bytes we had not written yet.
    const start = Math.max(wireFreeAt, now());
    await o.send(part);
    wireFreeAt = start + part.length * byteMs;
  }
}
