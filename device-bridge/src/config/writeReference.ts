/**
 * `npm run config:docs`: writes docs/config-reference.md from the schemas (reference.ts). `--check` only compares
 * and exits 1 when the file is stale (for CI).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigReference, undocumentedFields } from './reference.ts';

export const CONFIG_REFERENCE_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs/config-reference.md');

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const missing = undocumentedFields();
  if (missing.length > 0) {
    process.stderr.write(`config:docs: fields without a description (.meta({ description })):\n  ${missing.join('\n  ')}\n`);
    process.exit(1);
  }
  const text = renderConfigReference();
  if (process.argv.includes('--check')) {
    let old = '';
    try {
      old = readFileSync(CONFIG_REFERENCE_FILE, 'utf8');
    } catch { /* missing: stale */ }
    if (old !== text) {
      process.stderr.write(`config:docs: ${CONFIG_REFERENCE_FILE} is stale; run npm run config:docs\n`);
      process.exit(1);
    }
  } else {
    writeFileSync(CONFIG_REFERENCE_FILE, text);
    process.stdout.write(`wrote ${CONFIG_REFERENCE_FILE}\n`);
  }
}
