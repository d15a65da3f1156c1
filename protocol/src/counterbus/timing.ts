/**
 * Wire-time floors for the counter bus (counter-bus.md "Line and framing" and "Polling"), used by the bridge's
 * polling benchmark: 8N1 is 10 bits per character.
 */
const BITS_PER_CHAR = 10;

/** Milliseconds for one character at `baud`. */
export function modbusCharMs(baud: number): number {
  if (typeof baud !== 'number' || !(baud > 0) || !Number.isFinite(baud)) throw new Error(`baud must be a positive number, got ${String(baud)}`);
  return (BITS_PER_CHAR * 1000) / baud;
}

/** The 3.5-character silence that separates frames (about 4 ms at 9600). */
export function modbusFrameGapMs(baud: number): number {
  return 3.5 * modbusCharMs(baud);
}

/** Characters in one poll: request 8 + reply 39 (17 registers) + two 3.5-character gaps = 54. */
export const MODBUS_POLL_CHARS = 8 + 39 + 2 * 3.5;

/** Physical floor of one poll of one terminal: 54 character times (about 56 ms at 9600 baud). */
export function modbusPollFloorMs(baud: number): number {
  return MODBUS_POLL_CHARS * modbusCharMs(baud);
}
