/**
 * How much to send so that a printer left inside a command is back at a command boundary (pure; the driver sends it).
 *
 * A bridge killed (or a link lost) while a command was on its way leaves the printer waiting for the rest of it: a
 * strict ESC/POS printer takes our next bytes as that command's data, so the start-up `10 05 02` / `1B 40` and the
 * DLE EOT query vanish into it (real-time commands are recognised only where a command may start), and the printer
 * stays silent until as many bytes as the command's length fields promised have gone by. NUL is the filler: at a
 * boundary it is a no-op, as a parameter byte it is 0, and as the missing byte of a length field it makes the length
 * as SMALL as it can be.
 *
 * escpos.md "Commands (hex)" names the commands with length bytes:
 * - `GS ( k pL pH ...` (QR) and `GS ( H pL pH ...` (process ID): the QR store is the longest, `pL + pH*256 = data
 *   bytes + 3` with at most 7089 data bytes (a model 2 symbol; the encoder refuses more): 7092 bytes after pH.
 * - `GS k 73 len d...` (CODE128): at most 255 after len.
 * - `GS v 0 m xL xH yL yH d...` (raster): x*y bytes; the bridge's recipes send none (only a raw payload can hold one).
 * Cut inside a length field, the NULs complete it: a `GS ( k` cut after pL then holds at most 255 more bytes, a
 * `GS v 0` cut after yL at most 72 * 255 (a full-width image of yL rows). Cut inside the data, what is left is at most
 * that command's whole data: 7092 bytes for a QR store.
 *
 * So the flush goes in rounds, each followed by a DLE EOT 1 probe, stopping at the first answer:
 * 1. `HEADER_FLUSH_BYTES` (a length field completed with NULs, plus a short command's data): a healthy printer
 *    answers this first probe, so a normal start-up costs ~25 ms of wire time at 115200.
 * 2. `DATA_FLUSH_BYTES`, the longest remainder above; repeated once more for a raster band. At 115200 baud the
 *    longest QR remainder takes 0.62 s of wire time, so the printer answers well within 2 s.
 * A remainder longer than that (a raw raster image cut off) is flushed further on the next connection attempt:
 * the driver goes on to its start-up, which then fails and reconnects, and each attempt flushes again.
 */

/** Longest length field of the subset (`GS v 0`: m xL xH yL yH) plus its three-byte command prefix. */
const LONGEST_HEADER = 8;
/** Longest data left once a length field is NUL-completed to one byte (`GS ( k` pL, `GS k` len): 255. */
const ONE_BYTE_LENGTH_MAX = 255;
/** escpos.md "QR: store data": pL + pH*256 = data bytes + 3; a model 2 symbol holds at most 7089 data bytes. */
const QR_STORE_MAX_PARAMS = 7089 + 3;

/** Round 1: any command cut inside its length field (save a raster image), or a short command's data. */
export const HEADER_FLUSH_BYTES = LONGEST_HEADER + ONE_BYTE_LENGTH_MAX;
/** Rounds 2 and 3: the longest data a command of the subset that the bridge's own recipes emit can still expect. */
export const DATA_FLUSH_BYTES = LONGEST_HEADER + QR_STORE_MAX_PARAMS;

/** NUL counts of the flush rounds, each followed by a DLE EOT probe. */
export const PENDING_COMMAND_FLUSH_ROUNDS: readonly number[] = [HEADER_FLUSH_BYTES, DATA_FLUSH_BYTES, DATA_FLUSH_BYTES];

/** Wire time of `bytes` at `baud` (8N1: 10 bits a byte), ms. */
export function wireMs(bytes: number, baud: number): number {
  return (bytes * 10_000) / baud;
}

/**
 * How long a probe may wait for its DLE EOT reply once its bytes are handed to the port: the wire time of what may
 * still be ahead of it (the paced writer keeps up to `aheadBytes` + a slice in flight) and of the probe itself, plus
 * the printer's answer time (`answerMs`, escpos.md: "answered at once").
 */
export function probeTimeoutMs(baud: number, aheadBytes: number, answerMs: number): number {
  return Math.ceil(wireMs(aheadBytes + 3, baud) + answerMs);
}
