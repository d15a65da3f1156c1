/**
 * Reading and validating the config file. Every problem becomes a `ConfigError` whose message names the field
 * (`devices[1].baud: must be one of ...`), so the CLI can print it and exit with code 2.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { bridgeConfigSchema, type BridgeConfig, type BridgeConfigInput } from './schema.ts';
import { siteFileProblems } from './site.ts';

export class ConfigError extends Error {
  constructor(
    message: string,
    /** One line per problem, each starting with the field path. */
    readonly problems: string[] = [message],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** `devices[0].baud` from zod's `['devices', 0, 'baud']`; the root is `(config)`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : `${s ? '.' : ''}${String(p)}`;
  return s || '(config)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `${fieldPath([...issue.path, k])}: unknown field`).join('\n');
  }
  return `${fieldPath(issue.path)}: ${issue.message}`;
}

/** The checkout's built UI (kiosk-ui/dist), the default `uiDir`. */
export const DEFAULT_UI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../kiosk-ui/dist');

/**
 * Validate a config object. Relative `dataDir` / `uiDir` are resolved against `baseDir` (the config file's
 * folder; default the working directory).
 */
export function parseConfig(input: unknown, baseDir = process.cwd()): BridgeConfig {
  const r = bridgeConfigSchema.safeParse(input);
  if (!r.success) {
    const problems = r.error.issues.flatMap((i) => describeIssue(i).split('\n'));
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`, problems);
  }
  const c = r.data;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return { ...c, dataDir: abs(c.dataDir), uiDir: c.uiDir ? abs(c.uiDir) : DEFAULT_UI_DIR, backup: { ...c.backup, dir: c.backup.dir ? abs(c.backup.dir) : undefined },
    notifications: { ...c.notifications, file: c.notifications.file ? abs(c.notifications.file) : undefined },
    recording: { ...c.recording, dir: c.recording.dir ? abs(c.recording.dir) : undefined } };
}

export function loadConfigFile(file: string): BridgeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  let config: BridgeConfig;
  try {
    config = parseConfig(json, dirname(resolve(file)));
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${file}: ${err.message}`, err.problems);
    throw err;
  }
  const problems = siteFileProblems(config);
  if (problems.length > 0) throw new ConfigError(`${file}: invalid configuration:\n  ${problems.join('\n  ')}`, problems);
  return config;
}

export type { BridgeConfigInput };
