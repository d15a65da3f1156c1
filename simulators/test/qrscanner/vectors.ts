/** Loads specs/vectors/qr-scanner.json from ../shared (never copied into this repo), as protocol/test/vectors.ts does. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const sharedDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function loadVectorsFromShared(): Record<string, any> {
  return JSON.parse(readFileSync(resolve(sharedDir, 'specs/vectors/qr-scanner.json'), 'utf8'));
}
