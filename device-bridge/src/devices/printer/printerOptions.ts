/**
 * The printer driver's settings (config file `devices[].options` for a `printer`) and the arguments of its actions,
 * validated with zod so a bad value is refused with the field named.
 */
import { z } from 'zod';
import { DeviceCommandError } from '../errors.ts';
import { printRecipeSchema } from './printJobRender.ts';

export const printerOptionsSchema = z
  .object({
    /**
     * DLE EOT watchdog poll period (escpos.md "Printer -> host": DLE EOT polling as the watchdog).
     */
    pollIntervalMs: z.number().int().min(100).max(60_000).default(1500).meta({ description: 'DLE EOT status poll period (the printer watchdog).', unit: 'ms' }),
    /** How long one DLE EOT reply may take (escpos.md: "answered at once even while printing"). */
    statusTimeoutMs: z.number().int().min(50).max(30_000).default(1000).meta({ description: 'How long one DLE EOT reply may take.', unit: 'ms' }),
    /**
     * After the last byte of a job is written: how long to wait for its process ID while the printer reports
     * nothing wrong. Past it the job counts as lost on the way and is printed again with the reprint mark.
     */
    confirmTimeoutMs: z.number().int().min(1000).max(600_000).default(60_000).meta({ description: 'After a job\'s last byte: wait this long for its process ID, then print it again with the reprint mark.', unit: 'ms' }),
    /** Attempts (first print + reprints) before a job is marked failed. */
    maxAttempts: z.number().int().min(1).max(20).default(5).meta({ description: 'Attempts (first print + reprints) before a job is failed.', unit: 'attempts' }),
    /** Job database file name inside the data directory. */
    jobDbFile: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).default('print-jobs.sqlite').meta({ description: 'Print queue database file inside dataDir.' }),
  })
  .strict();

export type PrinterOptions = z.output<typeof printerOptionsSchema>;

export function parsePrinterOptions(deviceId: string, options: Record<string, unknown>): PrinterOptions {
  const r = printerOptionsSchema.safeParse(options);
  if (!r.success) {
    throw new Error(`printer ${deviceId} options: ${r.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}

const requestIdSchema = z.string().min(1).max(128);

/** `print`: exactly one of `ticket` (the standard ticket's fields), `recipe`, `dataBase64` (raw ESC/POS bytes). */
export const printArgsSchema = z
  .object({
    requestId: requestIdSchema.optional(),
    ticket: z.record(z.string(), z.unknown()).optional(),
    recipe: printRecipeSchema.optional(),
    dataBase64: z.string().min(4).max(2_000_000).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64').optional(),
  })
  .strict()
  .refine((a) => [a.ticket, a.recipe, a.dataBase64].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of ticket, recipe, dataBase64',
  });

export const cancelPrintArgsSchema = z
  .object({ jobId: z.string().min(1).max(40).optional(), requestId: requestIdSchema.optional() })
  .strict()
  .refine((a) => (a.jobId === undefined) !== (a.requestId === undefined), { message: 'give exactly one of jobId, requestId' });

export const jobsArgsSchema = z.object({ limit: z.number().int().min(1).max(500).default(20) }).strict();

export const testPageArgsSchema = z.object({ requestId: requestIdSchema.optional() }).strict();

/** Parses action args or throws `invalidRequest` naming the field. */
export function parseActionArgs<S extends z.ZodType>(action: string, schema: S, args: Record<string, unknown>): z.output<S> {
  const r = schema.safeParse(args);
  if (!r.success) {
    throw new DeviceCommandError('invalidRequest', `${action}: ${r.error.issues.map((i) => `${i.path.join('.') || '(args)'}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}
