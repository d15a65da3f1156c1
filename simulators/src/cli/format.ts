/** What the CLI prints: where each port appears and how to open it, status tables, scenario steps. */
import type { SimKind } from '../core/device.ts';
import type { SimInfo } from '../hub.ts';
import type { LinkSnapshot } from '../link/types.ts';
import type { StepReport } from '../control/scenario.ts';
import { KIND_TITLES } from './help.ts';

/** How a technician opens this port with common tools (and what a bridge config needs). */
export function howToOpen(link: LinkSnapshot): string {
  if (link.kind === 'pty') {
    return (
      `open it as a serial port at ${link.baud} baud: picocom -b ${link.baud} ${link.path}` +
      `   or   socat -x - ${link.path},raw,echo=0   (bridge config: "path": "${link.path}")`
    );
  }
  const [host, port] = [link.address.slice(0, link.address.lastIndexOf(':')), link.port];
  return `connect a raw TCP client: socat -x - TCP:${host}:${port}   (bridge config: "path": "tcp://${host}:${port}")`;
}

export function whereLines(sims: SimInfo[]): string {
  const w = Math.max(...sims.map((s) => s.id.length));
  return sims
    .map((s) => {
      const title = KIND_TITLES[s.kind as SimKind] ?? s.kind;
      return `  ${s.id.padEnd(w)}  ${s.link.address}  (${s.link.kind}, ${s.link.baud} baud) ${title}\n  ${' '.repeat(w)}  ${howToOpen(s.link)}`;
    })
    .join('\n');
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

export function statusTable(sims: SimInfo[]): string {
  if (sims.length === 0) return 'no simulators running';
  const rows = sims.map((s) => [
    s.id,
    s.kind,
    s.link.address,
    String(s.link.baud),
    s.link.up ? (s.link.hostConnected ? 'up, host attached' : 'up') : 'VANISHED',
    clip(JSON.stringify(s.snapshot), 90),
  ]);
  const head = ['id', 'kind', 'port', 'baud', 'link', 'state'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

export function stepLine(r: StepReport): string {
  const s = r.step;
  const what =
    'do' in s ? `${s.do} ${s.args ? JSON.stringify(s.args) : ''}`.trim()
    : 'wait' in s ? `wait ${s.wait} ms`
    : 'expect' in s ? `expect ${JSON.stringify(s.expect)}${s.within ? ` within ${s.within} ms` : ''}`
    : `say: ${s.say}`;
  return `  ${r.ok ? 'ok  ' : 'FAIL'} ${r.index + 1}. ${what}${r.ok ? '' : `: ${r.error}`}`;
}

export function resultLine(result: unknown): string {
  return result === undefined ? 'ok' : `ok ${JSON.stringify(result)}`;
}
