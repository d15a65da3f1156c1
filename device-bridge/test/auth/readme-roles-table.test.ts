// The README's roles table is the enforced one: it must equal what accessTable.ts makes (npm run docs:roles).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REST_RULES } from '../../src/auth/accessTable.ts';
import { accessTableMarkdown, withRolesTable } from '../../src/auth/accessTableMarkdown.ts';

const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');

describe('README roles table', () => {
  it('is the table the bridge enforces, row for row (run npm run docs:roles after changing accessTable.ts)', () => {
    expect(withRolesTable(readme)).toBe(readme);
  });

  it('lists every REST route with its roles', () => {
    const md = accessTableMarkdown();
    for (const r of REST_RULES) expect(md).toContain(`| \`${r.method} ${r.path}\` |`);
    expect(md).toContain('`/kiosk`');
    expect(md).toContain('`idreader.samReset` | `/tech`');
  });
});
