/**
 * Structured logs (pino) that never carry personal data in clear (hall-rules.md "Privacy": ID
 * numbers masked first 4 + last 4, the chip photo never logged).
 *
 * Any of these keys, at the top level or up to three objects deep, is rewritten before a line is written:
 * - numbers (`idNumber`, `permitNumber`, `passNumber`) -> masked with `maskIdNumber`;
 * - names (`name`, `chineseName`, `englishName`) -> first character and stars;
 * - `address`, `birthDate` -> `[redacted]`;
 * - `photo`, `fingerprint` -> removed.
 * So other log fields must not use these keys for non-personal things (say `serviceName`, not `name`).
 *
 * Every line is also bounded, whatever a caller put in it (a client's 200 KB requestId, a deeply nested payload):
 * `capLogValue` copies what is logged with each string cut to `LOG_STRING_MAX` characters plus a marker saying how
 * much was cut (stacks to `LOG_STACK_MAX`), arrays to `LOG_ARRAY_MAX` items, objects below `LOG_DEPTH_MAX` levels
 * replaced by a marker, binary data by its length; the personal keys above are masked at every depth on the way.
 * The message string and the child bindings are cut the same way.
 */
import { maskIdNumber } from '@onedoor/protocol';
import { pino, type DestinationStream, type Logger } from 'pino';

const NUMBER_KEYS = ['idNumber', 'permitNumber', 'passNumber'];
const NAME_KEYS = ['name', 'chineseName', 'englishName'];
const REDACT_KEYS = ['address', 'birthDate'];
const REMOVE_KEYS = ['photo', 'fingerprint'];
const ALL_KEYS = [...NUMBER_KEYS, ...NAME_KEYS, ...REDACT_KEYS, ...REMOVE_KEYS];

/** `key`, `*.key`, `*.*.key`, `*.*.*.key` for every personal key. */
export const REDACTED_LOG_PATHS: readonly string[] = ALL_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

function maskName(value: string): string {
  const chars = [...value];
  return chars.length === 0 ? '' : chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/** What a personal field becomes in a log line (exported for tests and for other sinks such as audit exports). */
export function censorPersonalField(key: string, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (REMOVE_KEYS.includes(key)) return undefined;
  if (typeof value !== 'string') return '[redacted]';
  if (NUMBER_KEYS.includes(key)) return maskIdNumber(value);
  if (NAME_KEYS.includes(key)) return maskName(value);
  return '[redacted]';
}

/** Longest string written to a log line (characters); longer ones are cut with a marker. */
export const LOG_STRING_MAX = 512;
/** A stack trace may keep more: it is written by the bridge itself, and the top frames are what matter. */
export const LOG_STACK_MAX = 4096;
export const LOG_ARRAY_MAX = 50;
export const LOG_DEPTH_MAX = 8;

export function capLogString(s: string, max = LOG_STRING_MAX): string {
  return s.length <= max ? s : `${s.slice(0, max)}…[${s.length - max} more chars cut]`;
}

/** A bounded copy of `value` for a log line (see the header); never throws, never recurses without bound. */
export function capLogValue(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return capLogString(value);
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[binary ${value.byteLength} bytes]`;
  if (seen.has(value)) return '[circular]';
  if (depth >= LOG_DEPTH_MAX) return '[nested too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const out = value.slice(0, LOG_ARRAY_MAX).map((v) => capLogValue(v, depth + 1, seen));
      if (value.length > LOG_ARRAY_MAX) out.push(`[${value.length - LOG_ARRAY_MAX} more items cut]`);
      return out;
    }
    if (value instanceof Error) {
      // pino's err serializer would read these off the instance; the copy keeps what it shows, bounded.
      const e = value as Error & { code?: unknown };
      return {
        type: e.name,
        message: capLogString(String(e.message)),
        ...(e.stack ? { stack: capLogString(e.stack, LOG_STACK_MAX) } : {}),
        ...(e.code !== undefined ? { code: capLogValue(e.code, depth + 1, seen) } : {}),
      };
    }
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      return capLogValue((value as { toJSON(): unknown }).toJSON(), depth, seen);
    }
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const key of Object.keys(value)) {
      if (++n > LOG_ARRAY_MAX) {
        out['[cut]'] = `${Object.keys(value).length - LOG_ARRAY_MAX} more keys`;
        break;
      }
      const v = (value as Record<string, unknown>)[key];
      const masked = ALL_KEYS.includes(key) ? censorPersonalField(key, v) : capLogValue(v, depth + 1, seen);
      // defineProperty: a "__proto__" key from a client payload stays a plain field of the copy.
      if (masked !== undefined) Object.defineProperty(out, capLogString(key, 64), { value: masked, enumerable: true, writable: true, configurable: true });
    }
    return out;
  } catch {
    return '[unloggable value]';
  } finally {
    // Only ancestors count as a cycle: the same object logged twice side by side is written twice.
    seen.delete(value);
  }
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go; default stdout. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'device-bridge' },
      // capLogValue already turned errors into {type, message, stack}; pino's own err serializer would rename them.
      serializers: { err: (value: unknown) => value },
      formatters: {
        log: (object) => capLogValue(object) as Record<string, unknown>,
        bindings: (bindings) => capLogValue(bindings) as Record<string, unknown>,
      },
      hooks: {
        // The message (and printf-style arguments) may quote what a client sent: cut like any field.
        logMethod(args, method) {
          const capped = (args as unknown[]).map((a) => (typeof a === 'string' ? capLogString(a) : a));
          return method.apply(this, capped as Parameters<typeof method>);
        },
      },
      redact: {
        paths: [...REDACTED_LOG_PATHS],
        censor: (value: unknown, path: string[]) => censorPersonalField(path[path.length - 1], value),
      },
    },
    options.destination,
  );
}

/** A logger that writes nothing (unit tests, library use without logging). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
