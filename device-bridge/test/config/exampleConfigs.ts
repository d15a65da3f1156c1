/**
 * The example site configs (config/examples) as a technician fills them in: placeholders replaced by real secrets
 * and a fresh password hash, written to `dir` (optionally with other fields changed, e.g. the data dir).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashPassword } from '../../src/auth/password.ts';
import { EXAMPLE_PASSWORD_HASH } from '../../src/config/site.ts';

export const EXAMPLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../config/examples');
export const EXAMPLE_FILES = { hall: join(EXAMPLES_DIR, 'site.example.hall.json'), kiosk: join(EXAMPLES_DIR, 'site.example.kiosk.json') };

let fresh: string | undefined;
let n = 0;

export async function filledInExample(which: 'hall' | 'kiosk', dir: string, change: Record<string, unknown> = {}): Promise<string> {
  fresh ??= await hashPassword('a-real-password-1');
  const secrets = new Map<string, string>();
  const text = readFileSync(EXAMPLE_FILES[which], 'utf8')
    .replace(/REPLACE-with-[A-Za-z0-9-]+/g, (m) => {
      if (!secrets.has(m)) secrets.set(m, randomBytes(24).toString('hex'));
      return secrets.get(m)!;
    })
    .replaceAll(EXAMPLE_PASSWORD_HASH, fresh);
  const file = join(dir, `site-${which}-${++n}.json`);
  writeFileSync(file, JSON.stringify({ ...(JSON.parse(text) as object), ...change }, null, 2));
  return file;
}
