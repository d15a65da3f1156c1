/**
 * The README's roles table ("Security"), made from the one roles table (accessTable.ts) so that the document cannot
 * drift from what the bridge enforces: `npm run docs:roles` writes it between the README's markers, and a test
 * fails when the README's copy differs from this output.
 */
import {
  CONNECT_RULES, DEVICE_ACTION_RULES, REST_RULES, SOCKET_EVENT_RULES, UI_RULE, type Role,
} from './accessTable.ts';

export const ROLES_TABLE_START = '<!-- roles-table:start (npm run docs:roles writes this part) -->';
export const ROLES_TABLE_END = '<!-- roles-table:end -->';

const roles = (r: readonly Role[]) => (r.length ? r.map((x) => `\`${x}\``).join(', ') : 'nobody');
const cell = (s: string) => s.replace(/\|/g, '\\|');

export function accessTableMarkdown(): string {
  const out: string[] = [];
  out.push('| route | roles | why |', '|---|---|---|');
  for (const r of [...REST_RULES, UI_RULE]) out.push(`| \`${r.method} ${r.path}\` | ${roles(r.roles)} | ${cell(r.why)} |`);
  out.push('', '| namespace | connect | event | roles | acknowledgement | why |', '|---|---|---|---|---|---|');
  for (const [nsp, events] of Object.entries(SOCKET_EVENT_RULES)) {
    const connect = roles(CONNECT_RULES[nsp as keyof typeof CONNECT_RULES]);
    const rows = Object.entries(events);
    if (rows.length === 0) out.push(`| \`${nsp}\` | ${connect} | (none: the server only sends) | | | |`);
    for (const [event, rule] of rows) {
      out.push(`| \`${nsp}\` | ${connect} | \`${event}\` | ${roles(rule.roles)} | ${rule.ack} | ${cell(rule.why)} |`);
    }
  }
  out.push('', '| device action | from | roles |', '|---|---|---|');
  for (const [area, rows] of Object.entries(DEVICE_ACTION_RULES)) {
    const entries = Object.entries(rows);
    if (entries.length === 0) out.push(`| (none) | \`${area}\` | nobody |`);
    for (const [key, r] of entries) out.push(`| \`${key === '*' ? '* (any other driver action)' : key}\` | \`${area}\` | ${roles(r)} |`);
  }
  return out.join('\n');
}

/** `readme` with the part between the markers replaced by the current table. */
export function withRolesTable(readme: string): string {
  const a = readme.indexOf(ROLES_TABLE_START);
  const b = readme.indexOf(ROLES_TABLE_END);
  if (a < 0 || b < a) throw new Error(`README has no roles table markers (${ROLES_TABLE_START} ... ${ROLES_TABLE_END})`);
  return `${readme.slice(0, a + ROLES_TABLE_START.length)}\n${accessTableMarkdown()}\n${readme.slice(b)}`;
}
