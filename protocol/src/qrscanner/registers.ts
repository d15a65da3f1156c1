/**
 * The scan engine's registers in this project's profile (qr-scanner.md "Register protocol", table) and the values
 * a bridge sets. Mode, timeout and suffix addresses differ between engine models, so a site config may override
 * them (the driver takes them as options); these are the defaults.
 */
export const QR_REGISTERS = {
  /** Working mode, low 2 bits (QR_MODES). */
  mode: 0x0000,
  /** Write 01: scan once now (command-triggered mode). */
  trigger: 0x0002,
  /** Scan timeout in 100 ms units (0 = none). */
  scanTimeout: 0x0006,
  /** Baud rate divisor, little-endian pair as the engine reports it (`39 01` = 9600). */
  baud: 0x002a,
  /** Suffix: 00 none, 01 CR, 02 CR LF. */
  suffix: 0x0060,
} as const;

/** Low 2 bits of register 0x0000. */
export const QR_MODES = { manual: 0, command: 1, continuous: 2, sense: 3 } as const;
export type QrMode = keyof typeof QR_MODES;

export function qrModeName(bits: number): QrMode {
  const m = bits & 0x03;
  return (Object.keys(QR_MODES) as QrMode[]).find((k) => QR_MODES[k] === m)!;
}

/** Register 0x0060. */
export const QR_SUFFIXES = { none: 0, cr: 1, crlf: 2 } as const;
export type QrSuffix = keyof typeof QR_SUFFIXES;

export function qrSuffixName(value: number): QrSuffix | null {
  return (Object.keys(QR_SUFFIXES) as QrSuffix[]).find((k) => QR_SUFFIXES[k] === value) ?? null;
}

/** The bytes an engine sends after a code for a suffix setting. */
export function qrSuffixBytes(suffix: QrSuffix): Uint8Array {
  return suffix === 'cr' ? Uint8Array.of(0x0d) : suffix === 'crlf' ? Uint8Array.of(0x0d, 0x0a) : new Uint8Array(0);
}

/** Baud divisor pairs the engines report in 0x002A-0x002B (little-endian; `39 01` = 0x0139 = 9600 in the spec). */
export const QR_BAUD_DIVISORS: Readonly<Record<number, readonly [number, number]>> = {
  9600: [0x39, 0x01],
  115200: [0x1a, 0x00],
};

/** "this project's codes are at most 512 bytes" (qr-scanner.md "Decoded codes"). */
export const QR_MAX_CODE_BYTES = 512;
/** "with 'no suffix' on an inter-byte silence of at least 50 ms". */
export const QR_SILENCE_MS = 50;
/** "after power-up it needs up to 500 ms before it answers commands". */
export const QR_POWER_UP_MS = 500;
/** "a host times out (100 ms plus wire time) and retries at most twice". */
export const QR_REPLY_TIMEOUT_MS = 100;
export const QR_MAX_RETRIES = 2;
