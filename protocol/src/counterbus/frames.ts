/**
 * Modbus RTU application frames for the counter bus (counter-bus.md "Line and framing"):
 * `unit | function | data | CRC16 (low byte first)`. Functions of this profile: 03 read holding registers,
 * 04 read input registers, 06 write single register, 16 (0x10) write multiple registers, and exception replies
 * (function | 0x80, one code byte). Unit 0 is broadcast: writes only, never answered.
 *
 * Requests for other public Modbus functions with a fixed, known shape (01, 02, 05, 08, 0F, 16h) are decoded as
 * `kind: 'other'` so that a slave can answer them with exception 01 (illegal function) instead of treating them as
 * noise.
 */
import { appendModbusCrc, modbusCrcOk } from './crc.ts';

/** Function codes used by this profile (counter-bus.md "Line and framing"). */
export const ModbusFn = {
  readHolding: 0x03,
  readInput: 0x04,
  writeSingle: 0x06,
  writeMultiple: 0x10,
} as const;

/** Exception codes (counter-bus.md; Modbus application protocol v1.1b3 section 7). */
export const ModbusException = {
  illegalFunction: 0x01,
  illegalDataAddress: 0x02,
  illegalDataValue: 0x03,
  deviceFailure: 0x04,
} as const;

const EXCEPTION_NAMES: Record<number, string> = {
  1: 'illegal function', 2: 'illegal data address', 3: 'illegal data value', 4: 'device failure',
  5: 'acknowledge', 6: 'device busy', 8: 'memory parity error', 10: 'gateway path unavailable',
  11: 'gateway target failed to respond',
};

/** Human words for an exception code, for logs and the technician console. */
export function modbusExceptionName(code: number): string {
  return EXCEPTION_NAMES[code] ?? `exception 0x${code.toString(16).padStart(2, '0')}`;
}

/** Modbus limits (application protocol v1.1b3, 6.3/6.4/6.12): registers per read and per write-multiple. */
export const MODBUS_MAX_READ = 125;
export const MODBUS_MAX_WRITE = 123;
/** Largest RTU frame (serial line guide, 2.5.1): 256 bytes; decoders never buffer more than this. */
export const MODBUS_MAX_FRAME = 256;

export type ModbusReadFn = typeof ModbusFn.readHolding | typeof ModbusFn.readInput;

export type ModbusRequest =
  | { kind: 'read'; unit: number; fn: ModbusReadFn; address: number; quantity: number }
  | { kind: 'writeSingle'; unit: number; address: number; value: number }
  | { kind: 'writeMultiple'; unit: number; address: number; values: number[] }
  /** A well-formed request for a public function this profile does not implement (answer: exception 01). */
  | { kind: 'other'; unit: number; fn: number; data: Uint8Array };

export type ModbusReply =
  | { kind: 'registers'; unit: number; fn: ModbusReadFn; values: number[] }
  | { kind: 'writeSingle'; unit: number; address: number; value: number }
  | { kind: 'writeMultiple'; unit: number; address: number; quantity: number }
  /** `fn` is the function that failed (without the 0x80 flag). */
  | { kind: 'exception'; unit: number; fn: number; code: number };

// ---------------------------------------------------------------------------------------------------------------
// Argument checks (bad arguments throw with a message naming the field).

function checkInt(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new Error(`${name} must be an integer ${min}..${max}, got ${String(v)}`);
  }
  return v;
}
/** Unit 0 is broadcast, 1-247 are slaves (serial line guide 2.2); 248-255 are reserved. */
function checkUnit(unit: unknown, broadcastOk: boolean): number {
  const u = checkInt('unit', unit, 0, 247);
  if (u === 0 && !broadcastOk) throw new Error('unit 0 (broadcast) is for writes only: reads are never answered');
  return u;
}
const checkRegister = (name: string, v: unknown) => checkInt(name, v, 0, 0xffff);
function checkReadFn(fn: unknown): ModbusReadFn {
  if (fn !== ModbusFn.readHolding && fn !== ModbusFn.readInput) throw new Error(`read function must be 3 or 4, got ${String(fn)}`);
  return fn;
}
function checkValues(values: unknown, max: number): number[] {
  if (!Array.isArray(values) || values.length < 1 || values.length > max) {
    throw new Error(`values must be an array of 1..${max} registers, got ${Array.isArray(values) ? values.length : typeof values}`);
  }
  values.forEach((v, i) => checkRegister(`values[${i}]`, v));
  return values as number[];
}

// ---------------------------------------------------------------------------------------------------------------
// Builders.

function frame(bytes: number[]): Uint8Array {
  return appendModbusCrc(Uint8Array.from(bytes));
}
const hi = (v: number) => (v >>> 8) & 0xff;
const lo = (v: number) => v & 0xff;
function registerBytes(values: readonly number[]): number[] {
  const out: number[] = [];
  for (const v of values) out.push(hi(v), lo(v));
  return out;
}

/** The RTU bytes (with CRC) of a master's request. Throws on out-of-range fields. */
export function buildModbusRequest(req: ModbusRequest): Uint8Array {
  switch (req.kind) {
    case 'read': {
      const unit = checkUnit(req.unit, false);
      const fn = checkReadFn(req.fn);
      const a = checkRegister('address', req.address);
      const q = checkInt('quantity', req.quantity, 1, MODBUS_MAX_READ);
      return frame([unit, fn, hi(a), lo(a), hi(q), lo(q)]);
    }
    case 'writeSingle': {
      const unit = checkUnit(req.unit, true);
      const a = checkRegister('address', req.address);
      const v = checkRegister('value', req.value);
      return frame([unit, ModbusFn.writeSingle, hi(a), lo(a), hi(v), lo(v)]);
    }
    case 'writeMultiple': {
      const unit = checkUnit(req.unit, true);
      const a = checkRegister('address', req.address);
      const values = checkValues(req.values, MODBUS_MAX_WRITE);
      const n = values.length;
      return frame([unit, ModbusFn.writeMultiple, hi(a), lo(a), hi(n), lo(n), n * 2, ...registerBytes(values)]);
    }
    case 'other': {
      const unit = checkUnit(req.unit, true);
      const fn = checkInt('fn', req.fn, 1, 0x7f);
      if (!(req.data instanceof Uint8Array) || req.data.length > MODBUS_MAX_FRAME - 4) throw new Error('data must be a Uint8Array of at most 252 bytes');
      return frame([unit, fn, ...req.data]);
    }
    default:
      throw new Error(`unknown Modbus request kind ${String((req as { kind?: unknown }).kind)}`);
  }
}

/** The RTU bytes (with CRC) of a slave's reply. Throws on out-of-range fields. */
export function buildModbusReply(reply: ModbusReply): Uint8Array {
  const unit = checkInt('unit', reply.unit, 1, 247); // broadcasts are never answered
  switch (reply.kind) {
    case 'registers': {
      const fn = checkReadFn(reply.fn);
      const values = checkValues(reply.values, MODBUS_MAX_READ);
      return frame([unit, fn, values.length * 2, ...registerBytes(values)]);
    }
    case 'writeSingle': {
      const a = checkRegister('address', reply.address);
      const v = checkRegister('value', reply.value);
      return frame([unit, ModbusFn.writeSingle, hi(a), lo(a), hi(v), lo(v)]);
    }
    case 'writeMultiple': {
      const a = checkRegister('address', reply.address);
      const q = checkInt('quantity', reply.quantity, 1, MODBUS_MAX_WRITE);
      return frame([unit, ModbusFn.writeMultiple, hi(a), lo(a), hi(q), lo(q)]);
    }
    case 'exception': {
      const fn = checkInt('fn', reply.fn, 1, 0x7f);
      const code = checkInt('code', reply.code, 1, 11); // the public codes (application protocol 7), as the decoders accept
      return frame([unit, fn | 0x80, code]);
    }
    default:
      throw new Error(`unknown Modbus reply kind ${String((reply as { kind?: unknown }).kind)}`);
  }
}

/** The reply a slave owes for `req` when it succeeds with a write (an echo, Modbus 6.6 / 6.12). */
export function modbusWriteEcho(req: Extract<ModbusRequest, { kind: 'writeSingle' | 'writeMultiple' }>): ModbusReply {
  return req.kind === 'writeSingle'
    ? { kind: 'writeSingle', unit: req.unit, address: req.address, value: req.value }
    : { kind: 'writeMultiple', unit: req.unit, address: req.address, quantity: req.values.length };
}

/** True when `reply` is the answer (normal or exception) to `req`: same unit and function, matching echo/size. */
export function modbusReplyAnswers(req: ModbusRequest, reply: ModbusReply): boolean {
  if (reply.unit !== req.unit) return false;
  const fn = modbusRequestFn(req);
  if (reply.kind === 'exception') return reply.fn === fn;
  switch (req.kind) {
    case 'read':
      return reply.kind === 'registers' && reply.fn === req.fn && reply.values.length === req.quantity;
    case 'writeSingle':
      return reply.kind === 'writeSingle' && reply.address === req.address && reply.value === req.value;
    case 'writeMultiple':
      return reply.kind === 'writeMultiple' && reply.address === req.address && reply.quantity === req.values.length;
    default:
      return false;
  }
}

/** The function code byte of a request. */
export function modbusRequestFn(req: ModbusRequest): number {
  switch (req.kind) {
    case 'read': return req.fn;
    case 'writeSingle': return ModbusFn.writeSingle;
    case 'writeMultiple': return ModbusFn.writeMultiple;
    default: return req.fn;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes: RTU has no start byte, so a frame's length follows from its function (and byte count). The decoders and
// the parsers share these. Results >= 4 are a frame length; negative values say why there is no frame here.

export const SHAPE_NEED_MORE = -1;
export const SHAPE_BAD_UNIT = -2;
export const SHAPE_BAD_FUNCTION = -3;
export const SHAPE_BAD_COUNT = -4;

const SHAPE_WHY: Record<number, string> = {
  [SHAPE_NEED_MORE]: 'frame is cut short',
  [SHAPE_BAD_UNIT]: 'unit is out of range',
  [SHAPE_BAD_FUNCTION]: 'function code is not one of this profile',
  [SHAPE_BAD_COUNT]: 'byte count does not fit the function',
};

/** Requests (what a slave sees). Requests may be broadcast (unit 0). */
export function modbusRequestShape(b: Uint8Array, i: number, end: number): number {
  const avail = end - i;
  if (avail < 2) return SHAPE_NEED_MORE;
  if (b[i] > 247) return SHAPE_BAD_UNIT;
  switch (b[i + 1]) {
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06: case 0x08:
      return 8; // unit fn addr(2) qty/value(2) crc(2)
    case 0x16:
      return 10; // mask write: unit fn addr and-mask or-mask crc
    case 0x0f: case 0x10: {
      if (avail < 7) return SHAPE_NEED_MORE;
      const qty = (b[i + 4] << 8) | b[i + 5];
      const count = b[i + 6];
      const want = b[i + 1] === 0x10 ? qty * 2 : Math.ceil(qty / 8);
      if (qty < 1 || count !== want) return SHAPE_BAD_COUNT;
      return 9 + count;
    }
    default:
      return SHAPE_BAD_FUNCTION;
  }
}

/** Replies (what a master sees): 03/04 with a byte count, 06/16 fixed, exceptions 5 bytes. */
export function modbusReplyShape(b: Uint8Array, i: number, end: number): number {
  const avail = end - i;
  if (avail < 2) return SHAPE_NEED_MORE;
  if (b[i] < 1 || b[i] > 247) return SHAPE_BAD_UNIT;
  const fn = b[i + 1];
  switch (fn) {
    case ModbusFn.readHolding: case ModbusFn.readInput: {
      if (avail < 3) return SHAPE_NEED_MORE;
      const count = b[i + 2];
      if (count < 2 || count > MODBUS_MAX_READ * 2 || count % 2 !== 0) return SHAPE_BAD_COUNT;
      return 5 + count;
    }
    case ModbusFn.writeSingle: case ModbusFn.writeMultiple:
      return 8;
    default:
      // Exception: function | 0x80, code 1..11 (application protocol 7); anything else is not a frame start.
      if (fn > 0x80 && fn < 0x100) {
        if (avail < 3) return SHAPE_NEED_MORE;
        return b[i + 2] >= 1 && b[i + 2] <= 11 ? 5 : SHAPE_BAD_COUNT;
      }
      return SHAPE_BAD_FUNCTION;
  }
}

const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
function registers(b: Uint8Array, i: number, n: number): number[] {
  const out = new Array<number>(n);
  for (let k = 0; k < n; k++) out[k] = u16(b, i + 2 * k);
  return out;
}

/** Decodes a request whose shape and CRC were checked. */
export function decodeModbusRequestAt(b: Uint8Array, i: number, len: number): ModbusRequest {
  const unit = b[i];
  const fn = b[i + 1];
  switch (fn) {
    case ModbusFn.readHolding: case ModbusFn.readInput:
      return { kind: 'read', unit, fn, address: u16(b, i + 2), quantity: u16(b, i + 4) };
    case ModbusFn.writeSingle:
      return { kind: 'writeSingle', unit, address: u16(b, i + 2), value: u16(b, i + 4) };
    case ModbusFn.writeMultiple:
      return { kind: 'writeMultiple', unit, address: u16(b, i + 2), values: registers(b, i + 7, b[i + 6] / 2) };
    default:
      return { kind: 'other', unit, fn, data: b.slice(i + 2, i + len - 2) };
  }
}

/** Decodes a reply whose shape and CRC were checked. */
export function decodeModbusReplyAt(b: Uint8Array, i: number): ModbusReply {
  const unit = b[i];
  const fn = b[i + 1];
  switch (fn) {
    case ModbusFn.readHolding: case ModbusFn.readInput:
      return { kind: 'registers', unit, fn, values: registers(b, i + 3, b[i + 2] / 2) };
    case ModbusFn.writeSingle:
      return { kind: 'writeSingle', unit, address: u16(b, i + 2), value: u16(b, i + 4) };
    case ModbusFn.writeMultiple:
      return { kind: 'writeMultiple', unit, address: u16(b, i + 2), quantity: u16(b, i + 4) };
    default:
      return { kind: 'exception', unit, fn: fn & 0x7f, code: b[i + 2] };
  }
}

function checkWhole(what: string, frameBytes: Uint8Array, len: number): void {
  if (!(frameBytes instanceof Uint8Array)) throw new Error(`${what} must be a Uint8Array`);
  if (len < 0) throw new Error(`not a Modbus ${what}: ${SHAPE_WHY[len]}`);
  if (len !== frameBytes.length) throw new Error(`Modbus ${what} is ${frameBytes.length} bytes, its function and count say ${len}`);
  if (!modbusCrcOk(frameBytes, 0, len)) throw new Error(`Modbus ${what} CRC mismatch`);
}

/** Parses one complete request frame; throws naming the problem (shape, length, CRC). */
export function parseModbusRequest(frameBytes: Uint8Array): ModbusRequest {
  const len = frameBytes instanceof Uint8Array ? modbusRequestShape(frameBytes, 0, frameBytes.length) : 0;
  checkWhole('request', frameBytes, len);
  return decodeModbusRequestAt(frameBytes, 0, len);
}

/** Parses one complete reply frame; throws naming the problem (shape, length, CRC). */
export function parseModbusReply(frameBytes: Uint8Array): ModbusReply {
  const len = frameBytes instanceof Uint8Array ? modbusReplyShape(frameBytes, 0, frameBytes.length) : 0;
  checkWhole('reply', frameBytes, len);
  return decodeModbusReplyAt(frameBytes, 0);
}
