/**
 * Register frames of the scan engine's host protocol (qr-scanner.md "Register protocol"):
 *
 *   command (host -> engine): 7E 00 | T | L | AH AL | D[L] | CH CL   CRC-16/XMODEM over T..D, or the literal AB CD
 *   reply   (engine -> host): 02 00 | S | L | D[L] | CH CL          CRC-16/XMODEM over S..D
 *
 * T: 07 read (D is one byte: how many register bytes), 08 write, 09 save all registers to flash.
 */
import { qrCrc16 } from './crc.ts';

export const QR_CMD_HEAD = [0x7e, 0x00] as const;
export const QR_REPLY_HEAD = [0x02, 0x00] as const;
export const QR_CMD_TYPES = { read: 0x07, write: 0x08, save: 0x09 } as const;
/** "The engine also accepts the literal `AB CD` as 'no checksum'." */
export const QR_NO_CRC = [0xab, 0xcd] as const;
/** Header (7E 00 T L AH AL) and CRC around D. */
export const QR_CMD_OVERHEAD = 8;
/** Header (02 00 S L) and CRC around D. */
export const QR_REPLY_OVERHEAD = 6;

export type QrCommand =
  | { type: 'read'; address: number; count: number }
  | { type: 'write'; address: number; data: Uint8Array }
  | { type: 'save' };

/** A parsed command and how it was checked: `ok` a good CRC, `skip` the literal AB CD. */
export type QrParsedCommand = QrCommand & { crc: 'ok' | 'skip' };

export interface QrReply {
  /** 0x00 success. */
  status: number;
  data: Uint8Array;
}

export class QrFrameError extends Error {
  constructor(
    readonly reason: 'crc' | 'shape',
    message: string,
  ) {
    super(message);
    this.name = 'QrFrameError';
  }
}

function u16(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new RangeError(`${what} must be 0..0xFFFF, got ${n}`);
  return n;
}

/** The command's bytes; `noCrc` puts the literal AB CD where the CRC goes. */
export function buildQrCommand(cmd: QrCommand, opts: { noCrc?: boolean } = {}): Uint8Array {
  let t: number;
  let address = 0;
  let data: Uint8Array;
  if (cmd.type === 'read') {
    if (!Number.isInteger(cmd.count) || cmd.count < 1 || cmd.count > 255) throw new RangeError(`read count must be 1..255, got ${cmd.count}`);
    t = QR_CMD_TYPES.read;
    address = u16(cmd.address, 'address');
    data = Uint8Array.of(cmd.count);
  } else if (cmd.type === 'write') {
    if (cmd.data.length < 1 || cmd.data.length > 255) throw new RangeError(`write data must be 1..255 bytes, got ${cmd.data.length}`);
    t = QR_CMD_TYPES.write;
    address = u16(cmd.address, 'address');
    data = cmd.data;
  } else {
    // As published (vector save_flash): L = 1, address 0000, D = 00.
    t = QR_CMD_TYPES.save;
    data = Uint8Array.of(0);
  }
  const out = new Uint8Array(QR_CMD_OVERHEAD + data.length);
  out.set([0x7e, 0x00, t, data.length, address >> 8, address & 0xff]);
  out.set(data, 6);
  const end = 6 + data.length;
  const crc = opts.noCrc ? (QR_NO_CRC[0] << 8) | QR_NO_CRC[1] : qrCrc16(out, 2, end);
  out[end] = crc >> 8;
  out[end + 1] = crc & 0xff;
  return out;
}

/** Length of the command starting at `b[i]` (7E 00 T L ...), or 0 when fewer than 4 bytes are there. */
export function qrCommandLength(b: Uint8Array, i = 0): number {
  return b.length - i < 4 ? 0 : QR_CMD_OVERHEAD + b[i + 3];
}

/** Parse one whole command; throws QrFrameError ('crc' for a bad checksum, 'shape' for anything else). */
export function parseQrCommand(bytes: Uint8Array): QrParsedCommand {
  if (bytes.length < QR_CMD_OVERHEAD + 1 || bytes[0] !== 0x7e || bytes[1] !== 0x00) throw new QrFrameError('shape', 'not a 7E 00 command');
  const l = bytes[3];
  if (bytes.length !== QR_CMD_OVERHEAD + l) throw new QrFrameError('shape', `length ${bytes.length} does not match L=${l}`);
  const end = 6 + l;
  const ch = bytes[end];
  const cl = bytes[end + 1];
  let crc: 'ok' | 'skip';
  if (ch === QR_NO_CRC[0] && cl === QR_NO_CRC[1]) crc = 'skip';
  else if (((ch << 8) | cl) === qrCrc16(bytes, 2, end)) crc = 'ok';
  else throw new QrFrameError('crc', 'command checksum mismatch');
  const address = (bytes[4] << 8) | bytes[5];
  const data = bytes.slice(6, end);
  switch (bytes[2]) {
    case QR_CMD_TYPES.read:
      if (l !== 1 || data[0] === 0) throw new QrFrameError('shape', 'a read carries one non-zero count byte');
      return { type: 'read', address, count: data[0], crc };
    case QR_CMD_TYPES.write:
      if (l === 0) throw new QrFrameError('shape', 'a write carries at least one byte');
      return { type: 'write', address, data, crc };
    case QR_CMD_TYPES.save:
      return { type: 'save', crc };
    default:
      throw new QrFrameError('shape', `unknown command type 0x${bytes[2].toString(16)}`);
  }
}

export function buildQrReply(reply: QrReply): Uint8Array {
  if (!Number.isInteger(reply.status) || reply.status < 0 || reply.status > 255) throw new RangeError(`status must be a byte, got ${reply.status}`);
  if (reply.data.length > 255) throw new RangeError(`reply data must be at most 255 bytes, got ${reply.data.length}`);
  const out = new Uint8Array(QR_REPLY_OVERHEAD + reply.data.length);
  out.set([0x02, 0x00, reply.status, reply.data.length]);
  out.set(reply.data, 4);
  const end = 4 + reply.data.length;
  const crc = qrCrc16(out, 2, end);
  out[end] = crc >> 8;
  out[end + 1] = crc & 0xff;
  return out;
}

/** "A write or save is answered with one data byte 00" (`02 00 00 01 00 33 31`). */
export function qrAckReply(): Uint8Array {
  return buildQrReply({ status: 0, data: Uint8Array.of(0) });
}

/** Parse one whole reply; throws QrFrameError. */
export function parseQrReply(bytes: Uint8Array): QrReply {
  if (bytes.length < QR_REPLY_OVERHEAD || bytes[0] !== 0x02 || bytes[1] !== 0x00) throw new QrFrameError('shape', 'not a 02 00 reply');
  const l = bytes[3];
  if (bytes.length !== QR_REPLY_OVERHEAD + l) throw new QrFrameError('shape', `length ${bytes.length} does not match L=${l}`);
  const end = 4 + l;
  if (((bytes[end] << 8) | bytes[end + 1]) !== qrCrc16(bytes, 2, end)) throw new QrFrameError('crc', 'reply checksum mismatch');
  return { status: bytes[2], data: bytes.slice(4, end) };
}
