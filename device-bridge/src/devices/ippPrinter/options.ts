/**
 * Settings of the A4 document printer driver (config `devices[].options` of a `docprinter`). The device's `path` is
 * the printer's IPP URI (`ipp://host:631/ipp/print` or a CUPS queue `ipp://host:631/printers/<name>`).
 */
import { z } from 'zod';

/** Debian's fonts-noto-cjk (the .ci/run installs it); a collection, so the face is named by `fontName`. */
export const DEFAULT_CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
export const DEFAULT_CJK_FONT_NAME = 'NotoSansCJKsc-Regular';

export const docPrinterOptionsSchema = z
  .object({
    /** A TrueType/OpenType font (or collection) with the CJK characters; embedded as a subset in every copy. */
    fontPath: z.string().min(1).default(DEFAULT_CJK_FONT),
    /** PostScript name of the face inside a collection (.ttc); ignored for a single font file. */
    fontName: z.string().min(1).default(DEFAULT_CJK_FONT_NAME),
    /** Printer status poll while up (printer-state, printer-state-reasons). */
    pollIntervalMs: z.number().int().min(50).max(600_000).default(2000),
    /** Job-state poll while a job is at the printer. */
    jobPollMs: z.number().int().min(20).max(60_000).default(250),
    /** One IPP request's whole time (connect, send, reply). */
    requestTimeoutMs: z.number().int().min(100).max(120_000).default(5000),
    /** A job not `completed` within this long is asked about again after a status check (it is never sent twice). */
    completeTimeoutMs: z.number().int().min(1000).max(600_000).default(120_000),
    /** Attempts (first print and reprints) before a job is `failed`. */
    maxAttempts: z.number().int().min(1).max(20).default(5),
    /** Job table file in the data dir. */
    jobDbFile: z.string().min(1).default('docprint-jobs.sqlite'),
    /** IPP requesting-user-name. */
    userName: z.string().min(1).max(64).default('onedoor'),
  })
  .strict();

export type DocPrinterOptions = z.output<typeof docPrinterOptionsSchema>;

export function parseDocPrinterOptions(deviceId: string, options: Record<string, unknown>): DocPrinterOptions {
  const r = docPrinterOptionsSchema.safeParse(options ?? {});
  if (r.success) return r.data;
  const what = r.error.issues.map((i) => `${deviceId}.options${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`);
  throw new Error(`bad document printer options: ${what.join('; ')}`);
}

export function docPrinterOptionProblems(options: Record<string, unknown>): Array<{ path: PropertyKey[]; message: string }> {
  const r = docPrinterOptionsSchema.safeParse(options ?? {});
  if (r.success) return [];
  return r.error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ path: [...i.path, k], message: 'unknown field' })) : [{ path: i.path, message: i.message }],
  );
}
