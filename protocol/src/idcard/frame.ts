/**
 * SAM frame shape shared by both directions (id-reader-sam.md, "Frame"):
 *   AA AA AA 96 69 | LEN_HI LEN_LO | body... | CHK
 * where body is `CMD PARA DATA...` from the host and `SW1 SW2 SW3 DATA...` from the SAM.
 * LEN counts every byte after the length field up to and including CHK; CHK is the XOR of LEN_HI up to the byte
 * before CHK (the preamble is excluded).
 */

/** The 5-byte preamble (spec "Frame": `AA AA AA 96 69`). */
export const SAM_PREAMBLE: readonly number[] = [0xaa, 0xaa, 0xaa, 0x96, 0x69];
/** Preamble + LEN field: the bytes in front of the body. */
export const SAM_HEADER_BYTES = 7;
/** Smallest LEN of a host command: CMD PARA CHK (spec: "A host command without data therefore has LEN = 3"). */
export const SAM_MIN_COMMAND_LEN = 3;
/** Smallest LEN of a SAM response: SW1 SW2 SW3 CHK (spec: "the response has LEN = 4 and only a status"). */
export const SAM_MIN_RESPONSE_LEN = 4;
/**
 * Largest LEN accepted. The largest known response is 30 10 with a 1024-byte fingerprint block, LEN 0x090A
 * (spec "Read response layout"); 0x0A00 leaves headroom without letting a corrupt LEN stall the stream for long.
 */
export const SAM_MAX_LEN = 0x0a00;
/** Largest whole frame on the wire. */
export const SAM_MAX_FRAME_BYTES = SAM_HEADER_BYTES + SAM_MAX_LEN;

/** XOR of `bytes[from..to)`: the spec's CHK when taken from LEN_HI to the byte before CHK. */
export function samChecksum(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let x = 0;
  for (let i = from; i < to; i++) x ^= bytes[i];
  return x;
}

function checkByte(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new Error(`${what} must be an integer 0..255 (0x00..0xFF), got ${String(value)}`);
  }
}

/** Wraps a body (CMD PARA DATA or SW1 SW2 SW3 DATA) in preamble, LEN and a computed CHK. */
export function buildSamFrame(body: Uint8Array): Uint8Array {
  const len = body.length + 1;
  if (len > SAM_MAX_LEN) throw new Error(`SAM frame body of ${body.length} bytes exceeds LEN limit 0x${SAM_MAX_LEN.toString(16)}`);
  const out = new Uint8Array(SAM_HEADER_BYTES + len);
  out.set(SAM_PREAMBLE, 0);
  out[5] = len >> 8;
  out[6] = len & 0xff;
  out.set(body, SAM_HEADER_BYTES);
  // spec "Frame": CHK always computed over LEN_HI .. last body byte; never copied from examples.
  out[out.length - 1] = samChecksum(out, 5, out.length - 1);
  return out;
}

/** Host -> SAM: `CMD PARA DATA...` framed. */
export function buildSamCommand(cmd: number, para: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  checkByte(cmd, 'SAM command byte CMD');
  checkByte(para, 'SAM command byte PARA');
  const body = new Uint8Array(2 + data.length);
  body[0] = cmd;
  body[1] = para;
  body.set(data, 2);
  return buildSamFrame(body);
}

/** SAM -> host: `SW1 SW2 SW3 DATA...` framed. SW1 SW2 are 00 00 in every known device (spec "Frame"). */
export function buildSamResponse(
  sw3: number,
  data: Uint8Array = new Uint8Array(0),
  opts: { sw1?: number; sw2?: number } = {},
): Uint8Array {
  const sw1 = opts.sw1 ?? 0;
  const sw2 = opts.sw2 ?? 0;
  checkByte(sw1, 'SAM status byte SW1');
  checkByte(sw2, 'SAM status byte SW2');
  checkByte(sw3, 'SAM status byte SW3');
  const body = new Uint8Array(3 + data.length);
  body[0] = sw1;
  body[1] = sw2;
  body[2] = sw3;
  body.set(data, 3);
  return buildSamFrame(body);
}

/** A host command seen through a frame: CMD, PARA and the data after them. */
export interface SamCommand {
  cmd: number;
  para: number;
  data: Uint8Array;
}

/** A SAM response seen through a frame: the three status bytes and the data after them. */
export interface SamResponse {
  sw1: number;
  sw2: number;
  sw3: number;
  data: Uint8Array;
}

/** One checked frame (preamble found, LEN sane, CHK right) as it came off the wire. */
export class SamFrame {
  /**
   * @param raw the whole frame, preamble to CHK (owned by this object)
   * @param streamOffset where the frame started in the decoder's input since construction (for diagnostics)
   */
  constructor(
    readonly raw: Uint8Array,
    readonly streamOffset = 0,
  ) {}

  /** The LEN field. */
  get len(): number {
    return (this.raw[5] << 8) | this.raw[6];
  }

  /** Bytes between LEN and CHK. */
  get body(): Uint8Array {
    return this.raw.subarray(SAM_HEADER_BYTES, this.raw.length - 1);
  }

  /** Interpret as host -> SAM. Throws if the body is shorter than CMD PARA. */
  asCommand(): SamCommand {
    const b = this.body;
    if (b.length < 2) throw new Error(`SAM frame body of ${b.length} bytes is too short for a command (needs CMD PARA)`);
    return { cmd: b[0], para: b[1], data: b.subarray(2) };
  }

  /** Interpret as SAM -> host. Throws if the body is shorter than SW1 SW2 SW3. */
  asResponse(): SamResponse {
    const b = this.body;
    if (b.length < 3) throw new Error(`SAM frame body of ${b.length} bytes is too short for a response (needs SW1 SW2 SW3)`);
    return { sw1: b[0], sw2: b[1], sw3: b[2], data: b.subarray(3) };
  }
}
