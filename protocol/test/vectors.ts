/** Loads the shared wire-contract vectors from ../shared/specs/vectors (never copied into this repo). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
export const sharedDir = resolve(here, '../../../shared');

export function loadVectors<T = any>(name: 'id-reader' | 'escpos' | 'counter-bus' | 'qr-scanner'): T {
  return JSON.parse(readFileSync(resolve(sharedDir, 'specs/vectors', `${name}.json`), 'utf8')) as T;
}
