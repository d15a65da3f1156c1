// Writes the roles table into README.md between its markers (README "Security"), from device-bridge's one table.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withRolesTable } from '../device-bridge/src/auth/accessTableMarkdown.ts';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
writeFileSync(readme, withRolesTable(readFileSync(readme, 'utf8')));
console.log('README.md: roles table written');
