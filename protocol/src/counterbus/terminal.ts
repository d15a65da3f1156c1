/**
 * The counter terminal's register map (counter-bus.md "Input registers" / "Holding registers"): key codes, the event
 * FIFO block, the display, beeper, rating pad, LED, acknowledge and re-addressing, and the identity registers.
 * Request helpers return `ModbusRequest` values; `buildModbusRequest` turns them into bytes, and the same value
 * tells a `ModbusReplyDecoder` which answer to expect.
 */
import type { ModbusRequest } from './frames.ts';

/** Register addresses (counter-bus.md tables). */
export const CounterReg = {
  // input registers, function 04
  eventCount: 0x0000,
  firstEvent: 0x0001,
  model: 0x0020,
  firmware: 0x0021,
  status: 0x0022,
  // holding registers, functions 03 / 06 / 16
  displayText: 0x0100,
  displayMode: 0x0104,
  beep: 0x0105,
  ratingPad: 0x0106,
  led: 0x0107,
  ack: 0x0110,
  unitId: 0x0120,
} as const;

/** FIFO depth (0x0000 holds 0-16) and the size of the poll block 0x0000-0x0010. */
export const COUNTER_FIFO_SIZE = 16;
export const COUNTER_EVENT_BLOCK = 1 + COUNTER_FIFO_SIZE;
/** Display: 8 ASCII characters in 4 registers, high byte first, padded with spaces. */
export const COUNTER_DISPLAY_CHARS = 8;
/** Unit IDs of counter terminals (counter-bus.md "Line and framing"). */
export const COUNTER_MAX_UNIT = 32;
/** Display mode 0xFF: blink until changed; 1-15 blink that many times; 0 steady. */
export const COUNTER_BLINK_UNTIL_CHANGED = 0xff;
/** Status bits of input register 0x0022. */
export const CounterStatusBit = { displayFault: 0, keypadFault: 1, ratingPadFault: 2, fifoOverflow: 3 } as const;

export type CounterKeyName = 'callNext' | 'recall' | 'start' | 'finish' | 'noShow' | 'transfer' | 'pause' | 'resume' | 'digit';
export type CounterRating = 1 | 2 | 3 | 4 | 5;

export interface CounterKeyInfo {
  code: number;
  key: CounterKeyName;
  zh: string;
  en: string;
  /** What the low byte carries, when it carries anything. */
  arg?: string;
}

/** Keypad keys (counter-bus.md "Key codes"). */
export const COUNTER_KEYS: readonly CounterKeyInfo[] = [
  { code: 0x01, key: 'callNext', zh: '叫号', en: 'Call next' },
  { code: 0x02, key: 'recall', zh: '重呼', en: 'Recall' },
  { code: 0x03, key: 'start', zh: '开始办理', en: 'Start service' },
  { code: 0x04, key: 'finish', zh: '办结', en: 'Finish' },
  { code: 0x05, key: 'noShow', zh: '过号', en: 'No-show (skip)' },
  { code: 0x06, key: 'transfer', zh: '转移', en: 'Transfer', arg: 'target queue category number' },
  { code: 0x07, key: 'pause', zh: '暂停', en: 'Pause' },
  { code: 0x08, key: 'resume', zh: '恢复', en: 'Resume' },
  { code: 0x09, key: 'digit', zh: '数字', en: 'Digit entry', arg: 'digit 0-9' },
];

export interface CounterRatingInfo {
  rating: CounterRating;
  code: number;
  zh: string;
  en: string;
  /** 不满意 and 非常不满意 are 差评 (hall-rules.md "Ratings"): each is followed up. */
  bad: boolean;
}

/** Rating pad keys 0x11-0x15 -> rating 1 (非常满意) .. 5 (非常不满意). */
export const COUNTER_RATINGS: readonly CounterRatingInfo[] = [
  { rating: 1, code: 0x11, zh: '非常满意', en: 'Very satisfied', bad: false },
  { rating: 2, code: 0x12, zh: '满意', en: 'Satisfied', bad: false },
  { rating: 3, code: 0x13, zh: '基本满意', en: 'Fairly satisfied', bad: false },
  { rating: 4, code: 0x14, zh: '不满意', en: 'Dissatisfied', bad: true },
  { rating: 5, code: 0x15, zh: '非常不满意', en: 'Very dissatisfied', bad: true },
];

const RATING_BASE = 0x10;

export type CounterEvent =
  | { key: CounterKeyName; arg: number }
  | { key: 'rating'; rating: CounterRating }
  /** A key code outside the table (a newer terminal); kept so nothing is silently lost. */
  | { key: 'unknown'; code: number; arg: number };

export interface CounterEventBlock {
  pending: number;
  events: CounterEvent[];
}

const KEY_BY_CODE = new Map(COUNTER_KEYS.map((k) => [k.code, k]));
const KEY_BY_NAME = new Map(COUNTER_KEYS.map((k) => [k.key, k]));

/** The keypad key for a name; throws for a name outside the table. */
export function counterKey(name: string): CounterKeyInfo {
  const k = KEY_BY_NAME.get(name as CounterKeyName);
  if (!k) throw new Error(`unknown counter key "${name}"; keys: ${COUNTER_KEYS.map((x) => x.key).join(', ')}`);
  return k;
}

/** One FIFO register: high byte key code, low byte argument. */
export function decodeCounterEventWord(word: number): CounterEvent {
  const code = (word >>> 8) & 0xff;
  const arg = word & 0xff;
  if (code > RATING_BASE && code <= RATING_BASE + 5) return { key: 'rating', rating: (code - RATING_BASE) as CounterRating };
  const k = KEY_BY_CODE.get(code);
  return k ? { key: k.key, arg } : { key: 'unknown', code, arg };
}

/** The FIFO register for an event (what a terminal stores when a key is pressed). */
export function encodeCounterEventWord(ev: CounterEvent): number {
  if (ev.key === 'rating') {
    checkRange('rating', ev.rating, 1, 5);
    // counter-bus.md "Input registers": for a rating key "the argument repeats the level ... a terminal sends the
    // level" (0x1101 非常满意 ... 0x1505 非常不满意); the decoder above accepts either argument, as a master must.
    return ((RATING_BASE + ev.rating) << 8) | ev.rating;
  }
  const arg = checkRange('event argument', ev.arg, 0, 0xff);
  if (ev.key === 'unknown') return (checkRange('key code', ev.code, 0, 0xff) << 8) | arg;
  if (ev.key === 'digit') checkRange('digit', arg, 0, 9);
  return (counterKey(ev.key).code << 8) | arg;
}

/** Decodes the poll block (input registers 0x0000..): pending count, then that many events, oldest first. */
export function decodeCounterEvents(values: readonly number[]): CounterEventBlock {
  if (values.length < 1) throw new Error('event block needs at least the pending-count register');
  const pending = values[0];
  const n = Math.min(pending, COUNTER_FIFO_SIZE, values.length - 1);
  const events: CounterEvent[] = [];
  for (let k = 0; k < n; k++) events.push(decodeCounterEventWord(values[1 + k]));
  return { pending, events };
}

export interface CounterIdentity {
  model: number;
  /** "major.minor" from register 0x0021 (major<<8 | minor). */
  firmware: string;
  statusBits: number;
  status: { displayFault: boolean; keypadFault: boolean; ratingPadFault: boolean; fifoOverflow: boolean };
}

/** Decodes input registers 0x0020-0x0022. */
export function decodeCounterIdentity(values: readonly number[]): CounterIdentity {
  if (values.length < 3) throw new Error(`identity block is 3 registers (0x0020-0x0022), got ${values.length}`);
  const [model, fw, bits] = values;
  const bit = (n: number) => (bits & (1 << n)) !== 0;
  return {
    model,
    firmware: `${fw >>> 8}.${fw & 0xff}`,
    statusBits: bits,
    status: {
      displayFault: bit(CounterStatusBit.displayFault),
      keypadFault: bit(CounterStatusBit.keypadFault),
      ratingPadFault: bit(CounterStatusBit.ratingPadFault),
      fifoOverflow: bit(CounterStatusBit.fifoOverflow),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Display text.

/** Why `text` cannot be shown (null when it can): 0-8 printable ASCII characters (0x20-0x7E). */
export function counterDisplayTextError(text: unknown): string | null {
  if (typeof text !== 'string') return `display text must be a string, got ${typeof text}`;
  if (text.length > COUNTER_DISPLAY_CHARS) return `display text "${text}" is longer than ${COUNTER_DISPLAY_CHARS} characters`;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return `display text "${text}" has a non-ASCII or control character at ${i}`;
  }
  return null;
}

/** Four registers: the text padded with spaces to 8 characters, 2 per register, high byte first. */
export function encodeCounterDisplayText(text: string): number[] {
  const err = counterDisplayTextError(text);
  if (err) throw new Error(err);
  const s = text.padEnd(COUNTER_DISPLAY_CHARS, ' ');
  const out: number[] = [];
  for (let i = 0; i < COUNTER_DISPLAY_CHARS; i += 2) out.push((s.charCodeAt(i) << 8) | s.charCodeAt(i + 1));
  return out;
}

/** The text in display registers, trailing padding removed. */
export function decodeCounterDisplayText(values: readonly number[]): string {
  let s = '';
  for (const v of values.slice(0, COUNTER_DISPLAY_CHARS / 2)) s += String.fromCharCode((v >>> 8) & 0xff, v & 0xff);
  return s.replace(/ +$/, '');
}

// ---------------------------------------------------------------------------------------------------------------
// Holding register values: one rule shared by the request helpers and the simulated terminal (which answers
// exception 03 where this says no).

export type CounterLed = 'off' | 'green' | 'red' | 'redBlinking';
/** LED register values 0-3 in order: off, green (idle), red (busy), red blinking (paused). */
export const COUNTER_LEDS: readonly CounterLed[] = ['off', 'green', 'red', 'redBlinking'];

/**
 * Why `value` is not acceptable in holding register `address` (null when it is), for the registers with a fixed
 * range. The acknowledge count also depends on the FIFO, which only the terminal knows.
 */
export function counterHoldingValueError(address: number, value: number): string | null {
  const bad = (what: string) => `${what}, got ${value}`;
  switch (address) {
    case CounterReg.displayMode:
      return value <= 15 || value === COUNTER_BLINK_UNTIL_CHANGED ? null : bad('display mode is 0-15 or 255');
    case CounterReg.beep:
      return value <= 0xff ? null : bad('beep count is 0-255');
    case CounterReg.ratingPad:
      return value <= 1 ? null : bad('rating pad is 0 (off) or 1 (on)');
    case CounterReg.led:
      return value < COUNTER_LEDS.length ? null : bad('LED is 0-3');
    case CounterReg.ack:
      return value <= COUNTER_FIFO_SIZE ? null : bad(`acknowledge count is 0-${COUNTER_FIFO_SIZE}`);
    case CounterReg.unitId:
      return value >= 1 && value <= COUNTER_MAX_UNIT ? null : bad(`unit ID is 1-${COUNTER_MAX_UNIT}`);
    default:
      if (address >= CounterReg.displayText && address < CounterReg.displayText + COUNTER_DISPLAY_CHARS / 2) {
        const ok = [value >>> 8, value & 0xff].every((c) => c >= 0x20 && c <= 0x7e);
        return ok ? null : bad('display characters are printable ASCII 0x20-0x7E');
      }
      return null;
  }
}

function checkRange(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be an integer ${min}..${max}, got ${String(v)}`);
  return v;
}

function writeRegister(unit: number, address: number, value: number, what: string): ModbusRequest {
  checkRange(what, value, 0, 0xffff);
  const err = counterHoldingValueError(address, value);
  if (err) throw new Error(err);
  return { kind: 'writeSingle', unit, address, value };
}

// ---------------------------------------------------------------------------------------------------------------
// Requests a master sends (counter-bus.md "Polling" and the tables).

/** 04 at 0x0000, 17 registers: pending count and the FIFO. */
export function counterReadEventsRequest(unit: number): ModbusRequest {
  return { kind: 'read', unit, fn: 0x04, address: CounterReg.eventCount, quantity: COUNTER_EVENT_BLOCK };
}

/** 04 at 0x0020, 3 registers: model, firmware, status bits. */
export function counterReadIdentityRequest(unit: number): ModbusRequest {
  return { kind: 'read', unit, fn: 0x04, address: CounterReg.model, quantity: 3 };
}

/** 03 at 0x0100, 8 registers: display text, mode, beep, rating pad, LED (for a technician's read-back). */
export function counterReadOutputsRequest(unit: number): ModbusRequest {
  return { kind: 'read', unit, fn: 0x03, address: CounterReg.displayText, quantity: 8 };
}

/** 06 at 0x0110: remove the `count` oldest events (count <= pending, else the terminal answers exception 03). */
export function counterAckRequest(unit: number, count: number): ModbusRequest {
  return writeRegister(unit, CounterReg.ack, count, 'acknowledge count');
}

/** 16 at 0x0100, 4 registers: up to 8 ASCII characters, padded with spaces. */
export function counterDisplayTextRequest(unit: number, text: string): ModbusRequest {
  return { kind: 'writeMultiple', unit, address: CounterReg.displayText, values: encodeCounterDisplayText(text) };
}

/** 06 at 0x0104: 0 steady, 1-15 blink that many times, COUNTER_BLINK_UNTIL_CHANGED (0xFF). */
export function counterDisplayModeRequest(unit: number, mode: number): ModbusRequest {
  return writeRegister(unit, CounterReg.displayMode, mode, 'display mode');
}

/** 06 at 0x0105: beep `times` times. */
export function counterBeepRequest(unit: number, times: number): ModbusRequest {
  return writeRegister(unit, CounterReg.beep, times, 'beep count');
}

/** 06 at 0x0106: light the rating pad and wait for a rating (true), or turn it off. */
export function counterRatingPadRequest(unit: number, on: boolean): ModbusRequest {
  return writeRegister(unit, CounterReg.ratingPad, on ? 1 : 0, 'rating pad');
}

/** 06 at 0x0107. */
export function counterLedRequest(unit: number, led: CounterLed): ModbusRequest {
  const value = COUNTER_LEDS.indexOf(led);
  if (value < 0) throw new Error(`LED must be one of ${COUNTER_LEDS.join(', ')}, got ${String(led)}`);
  return writeRegister(unit, CounterReg.led, value, 'LED');
}

/** 06 at 0x0120: re-address the terminal (the reply still comes from the old unit). */
export function counterSetUnitIdRequest(unit: number, newUnit: number): ModbusRequest {
  return writeRegister(unit, CounterReg.unitId, newUnit, 'new unit ID');
}
