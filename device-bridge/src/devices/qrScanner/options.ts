/**
 * Settings of the QR scanner driver (config `devices[].options` of a `qrscanner`) and the timing it derives from
 * the baud rate (qr-scanner.md "Register protocol" and "What a bridge does with it").
 */
import { QR_MAX_CODE_BYTES, QR_REGISTERS, QR_REPLY_TIMEOUT_MS, QR_SUFFIXES } from '@onedoor/protocol';
import { z } from 'zod';

const address = z.number().int().min(0).max(0xffff);

export const qrScannerOptionsSchema = z
  .object({
    /** The suffix the bridge sets at start-up (spec: CR). CR, LF and CR LF are accepted on input whatever is set. */
    suffix: z.enum(Object.keys(QR_SUFFIXES) as [keyof typeof QR_SUFFIXES, ...Array<keyof typeof QR_SUFFIXES>]).default('cr').meta({ description: 'Suffix the bridge sets at start-up (spec: cr); CR, LF and CR LF are accepted on input whatever is set.' }),
    /** Longest code accepted (spec: this project's codes are at most 512 bytes); longer ones are dropped and counted. */
    maxCodeBytes: z.number().int().min(16).max(QR_MAX_CODE_BYTES).default(QR_MAX_CODE_BYTES).meta({ description: 'Longest code accepted; longer ones are dropped and counted.', unit: 'bytes' }),
    /**
     * Register addresses: the frame format, trigger and baud registers match published engine documents; "mode,
     * timeout and suffix addresses differ between models, so a site config may override them" (spec).
     */
    registers: z
      .object({
        mode: address.default(QR_REGISTERS.mode).meta({ description: 'Register address of the scan mode (differs between engine models).' }),
        trigger: address.default(QR_REGISTERS.trigger).meta({ description: 'Register address of the software trigger.' }),
        suffix: address.default(QR_REGISTERS.suffix).meta({ description: 'Register address of the suffix setting (differs between engine models).' }),
      })
      .strict()
      .prefault({})
      .meta({ description: 'Register addresses; the spec lets a site override those of its engine model.' }),
    /** Write the settings to flash when start-up changed one (spec: "save only when something changed"). */
    saveSettings: z.boolean().default(true).meta({ description: 'Write the settings to flash when start-up changed one.' }),
    /** How often the engine is asked for its mode while up (the watchdog; also restores sense mode if lost). */
    watchdogMs: z.number().int().min(50).max(600_000).default(5000).meta({ description: 'How often the engine is asked for its mode while up (watchdog; restores sense mode if lost).', unit: 'ms' }),
    /** Watchdog reads without an answer (each already retried twice) before the engine is offline. */
    maxSilentPolls: z.number().int().min(1).max(100).default(2).meta({ description: 'Watchdog reads without an answer (each retried twice) before the engine is offline.', unit: 'polls' }),
    /** Host reply timeout before wire time (spec: 100 ms plus wire time). */
    replyTimeoutMs: z.number().int().min(20).max(5000).default(QR_REPLY_TIMEOUT_MS).meta({ description: 'Reply timeout before wire time is added.', unit: 'ms' }),
    /** Self-test: how long to wait for the technician's test code after the trigger. */
    selfTestWaitMs: z.number().int().min(100).max(60_000).default(5000).meta({ description: 'Self-test: how long to wait for the technician\'s test code after the trigger.', unit: 'ms' }),
  })
  .strict();

export type QrScannerOptions = z.output<typeof qrScannerOptionsSchema>;

/** Parses `options` of one device; the error names the device and the field (`scanner.options.suffix: ...`). */
export function parseQrScannerOptions(deviceId: string, options: Record<string, unknown>): QrScannerOptions {
  const r = qrScannerOptionsSchema.safeParse(options ?? {});
  if (r.success) return r.data;
  const what = r.error.issues.map((i) => `${deviceId}.options${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`);
  throw new Error(`bad QR scanner options: ${what.join('; ')}`);
}

/** Problems with a scanner's options, for the config schema (so a bad file is refused at load, naming the field). */
export function qrScannerOptionProblems(options: Record<string, unknown>): Array<{ path: PropertyKey[]; message: string }> {
  const r = qrScannerOptionsSchema.safeParse(options ?? {});
  if (r.success) return [];
  // One problem per unknown key, worded as the rest of the config's ("unknown field").
  return r.error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ path: [...i.path, k], message: 'unknown field' })) : [{ path: i.path, message: i.message }],
  );
}

/** 8N1: 10 bit times per byte. */
export function qrWireMs(bytes: number, baud: number): number {
  return (bytes * 10_000) / baud;
}
