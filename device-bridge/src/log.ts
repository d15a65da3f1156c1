/**
 * Structured logs (pino) that never carry personal data in clear (issue 4: "Structured logs (pino) without personal
 * data in clear"; common rules: ID numbers masked first 4 + last 4, the chip photo never logged).
 *
 * Any of these keys, at the top level or up to three objects deep, is rewritten before a line is written:
 * - numbers (`idNumber`, `permitNumber`, `passNumber`) -> masked with `maskIdNumber`;
 * - names (`name`, `chineseName`, `englishName`) -> first character and stars;
 * - `address`, `birthDate` -> `[redacted]`;
 * - `photo`, `fingerprint` -> removed.
 * So other log fields must not use these keys for non-personal things (say `serviceName`, not `name`).
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
