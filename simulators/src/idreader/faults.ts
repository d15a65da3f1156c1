/**
 * Faults the technician or a test can arm on the simulated reader. Each is counted down as replies go out. Port
 * vanishing is not here: that is the link's job (`SimLink.vanish()`).
 */

export const ID_READER_FAULT_KINDS = ['checksum', 'truncate', 'garbage', 'no-answer', 'fingerprint-layout'] as const;
export type IdReaderFaultKind = (typeof ID_READER_FAULT_KINDS)[number];

export const ID_READER_FAULT_HELP: Record<IdReaderFaultKind, string> = {
  checksum: 'the next reply(s) carry a wrong CHK',
  truncate: 'the next reply(s) are cut off halfway',
  garbage: 'stray bytes (with a false preamble start) go out before the next reply(s)',
  'no-answer': 'the next command(s) get no reply at all',
  'fingerprint-layout':
    'the next basic read(s) (30 01) answer with the 30 10 layout (three lengths: text, photo, fingerprint), as a reader left in fingerprint mode does',
};

/** Stray bytes put before a reply: noise plus a broken preamble, as seen on real lines after power-up. */
export const ID_READER_GARBAGE = Uint8Array.of(0x00, 0xaa, 0x13, 0xaa, 0xaa, 0x96, 0xff);

export interface IdReaderFaultState {
  checksum: number;
  truncate: number;
  garbage: number;
  'no-answer': number;
  'fingerprint-layout': number;
  /** SW3 the next read(s) answer instead of reading the card, and how many more times. */
  readStatus: { sw3: number; count: number } | null;
}

export function noFaults(): IdReaderFaultState {
  return { checksum: 0, truncate: 0, garbage: 0, 'no-answer': 0, 'fingerprint-layout': 0, readStatus: null };
}

/** Takes one use of a counted fault; true when it was armed. */
export function takeFault(f: IdReaderFaultState, kind: IdReaderFaultKind): boolean {
  if (f[kind] <= 0) return false;
  f[kind]--;
  return true;
}

/** Applies the reply faults (garbage, checksum, truncate) that are armed, consuming one of each. */
export function damageReply(f: IdReaderFaultState, frame: Uint8Array): { bytes: Uint8Array; notes: string[] } {
  let bytes = frame;
  const notes: string[] = [];
  if (takeFault(f, 'checksum')) {
    bytes = bytes.slice();
    bytes[bytes.length - 1] ^= 0xff;
    notes.push('fault: wrong CHK');
  }
  if (takeFault(f, 'truncate')) {
    bytes = bytes.slice(0, Math.max(1, Math.floor(bytes.length / 2)));
    notes.push('fault: truncated');
  }
  if (takeFault(f, 'garbage')) {
    const out = new Uint8Array(ID_READER_GARBAGE.length + bytes.length);
    out.set(ID_READER_GARBAGE, 0);
    out.set(bytes, ID_READER_GARBAGE.length);
    bytes = out;
    notes.push('fault: garbage before reply');
  }
  return { bytes, notes };
}

/** Count argument from the CLI/HTTP (string or number), default 1. */
export function parseFaultCount(v: unknown): number {
  if (v === undefined || v === null || v === '') return 1;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 1000) throw new Error(`count must be an integer 0..1000, got ${JSON.stringify(v)}`);
  return n;
}

/** SW3 argument: hex as on the wire (`41`, `0x41`) or a number. */
export function parseSw3(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^(0x)?[0-9a-f]{1,2}$/i.test(v.trim()) ? parseInt(v.trim().replace(/^0x/i, ''), 16) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xff) throw new Error(`sw3 must be a status byte in hex (e.g. 41, 31, 32), got ${JSON.stringify(v)}`);
  return n;
}
