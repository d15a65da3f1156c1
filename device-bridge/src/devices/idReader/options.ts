/**
 * Settings of the ID reader driver (config `devices[].options` of an `idreader`) and the command timeouts it
 * derives from them (id-reader-sam.md, "Timing and polling" and "Line settings").
 */
import { z } from 'zod';

/** Spec "Timing and polling": "Poll `find` no faster than every 300 ms". */
export const ID_READER_MIN_REAL_POLL_MS = 300;

export const idReaderOptionsSchema = z
  .object({
    /**
     * Time between `find` polls. Real readers need >= 300 ms (spec); lower values (down to 20 ms) are accepted for
     * the simulator only (benchmarks), and logged as a warning.
     */
    pollMs: z.number().int().min(20).max(10_000).default(ID_READER_MIN_REAL_POLL_MS).meta({ description: 'Time between card `find` polls; real readers need >= 300, lower only for the simulator.', unit: 'ms' }),
    /** `base` = 30 01 (text + photo), `fingerprint` = 30 10 (text + photo + fingerprint block). */
    read: z.enum(['base', 'fingerprint']).default('base').meta({ description: 'base = text + photo (30 01); fingerprint = text + photo + fingerprint block (30 10).' }),
    /** Argument of 61 FF at start-up (spec example and `set_max_rf_bytes_80` vector: 0x50). */
    maxRfBytes: z.number().int().min(1).max(255).default(0x50).meta({ description: 'Argument of the 61 FF start-up command (max RF frame bytes).', unit: 'bytes' }),
    /** Silent `find` polls before the reader is declared offline and its port reopened (brief: 3). */
    maxSilentPolls: z.number().int().min(1).max(100).default(3).meta({ description: 'Silent polls before the reader is offline and its port reopened.', unit: 'polls' }),
    /**
     * After a read error the reader shows `userError` ("take the card away and place it again") until a card is found
     * again, or at most this long: find answers 80 both for a removed card and for a failed one left on the reader
     * (spec "Timing and polling"), so removal itself cannot be seen, and a citizen who walked away must not leave
     * the notice to the next one.
     */
    placeAgainMs: z.number().int().min(1000).max(600_000).default(30_000).meta({ description: 'After a read error, longest time the \'place the card again\' notice stays.', unit: 'ms' }),
  })
  .strict();

export type IdReaderOptions = z.output<typeof idReaderOptionsSchema>;

/** Parses `options` of one device; the error names the device and the field (`reader.options.pollMs: ...`). */
export function parseIdReaderOptions(deviceId: string, options: Record<string, unknown>): IdReaderOptions {
  const r = idReaderOptionsSchema.safeParse(options ?? {});
  if (r.success) return r.data;
  const what = r.error.issues.map((i) => `${deviceId}.options${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`);
  throw new Error(`bad ID reader options: ${what.join('; ')}`);
}

/** Host timeouts before wire time (spec "Timing and polling": find 300-800, select 300, read 1.1-3 s). */
export const ID_READER_BASE_TIMEOUTS_MS = {
  /** 11 FF, 12 FF, 10 FF, 61 FF: not in the spec's table; SAM-local commands answer within a few ms. */
  sam: 500,
  find: 800,
  select: 300,
  read: 3000,
} as const;

/** Frame sizes on the wire, for wire time (spec "Frame", "Commands", "Read response layout"). */
const FRAME_BYTES = {
  command: 10, // AA AA AA 96 69 LEN(2) CMD PARA CHK
  status: 11, // ... SW1 SW2 SW3 CHK
  samId: 11 + 16,
  find: 11 + 4,
  select: 11 + 8,
  readBase: 1295, // spec "Read response layout (30 01)"
  readFingerprint: 7 + 0x090a, // spec: "its LEN is 09 0A when a 1024-byte fingerprint block is present"
} as const;

/** 8N1 (spec "Line settings"): 10 bit times per byte. */
export function serialWireMs(bytes: number, baud: number): number {
  return (bytes * 10 * 1000) / baud;
}

export interface IdReaderTimeouts {
  sam: number;
  samId: number;
  find: number;
  select: number;
  read: number;
}

/**
 * Per-command timeouts at `baud`: the spec's host timeout plus the wire time of the command and its longest reply
 * (spec: "at 9600 baud allow the wire time on top"; a 1295-byte read is about 1.35 s at 9600).
 */
export function idReaderTimeouts(baud: number, read: IdReaderOptions['read']): IdReaderTimeouts {
  if (!(baud > 0)) throw new Error(`baud must be > 0, got ${baud}`);
  const t = (base: number, replyBytes: number) => Math.ceil(base + serialWireMs(FRAME_BYTES.command + replyBytes, baud));
  return {
    sam: t(ID_READER_BASE_TIMEOUTS_MS.sam, FRAME_BYTES.status),
    samId: t(ID_READER_BASE_TIMEOUTS_MS.sam, FRAME_BYTES.samId),
    find: t(ID_READER_BASE_TIMEOUTS_MS.find, FRAME_BYTES.find),
    select: t(ID_READER_BASE_TIMEOUTS_MS.select, FRAME_BYTES.select),
    read: t(ID_READER_BASE_TIMEOUTS_MS.read, read === 'fingerprint' ? FRAME_BYTES.readFingerprint : FRAME_BYTES.readBase),
  };
}
