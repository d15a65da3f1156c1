/**
 * `npm run bench`: runs every `*.bench.ts` in this folder (or those named on the command line), one after another,
 * each printing its own table. Each module's default export is `async () => void`. Benchmarks are not tests: they
 * report figures as ratios against wire time or a peer measured in the same run, and never fail on a number.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) console.log('no benchmarks found' + (only.length ? ` matching ${only.join(', ')}` : ''));
for (const f of files) {
  console.log(`\n=== ${f.replace(/\.bench\.ts$/, '')} ===`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: () => Promise<void> };
  await mod.default();
}
process.exit(0);
