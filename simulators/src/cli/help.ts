/** The text of `onedoor-sim --help` and of the prompt's `help`: commands, options and every device action. */
import type { SimActionInfo, SimKind } from '../core/device.ts';
import { createDevice, DEFAULT_SIMS, DEFAULT_TCP_PORT_BASE, LINK_ACTIONS, SIM_KINDS } from '../hub.ts';
import { DEFAULT_PTY_DIR } from '../link/pty-link.ts';
import { actionWords, type SimSummary } from './command-line.ts';

export const DEFAULT_CONTROL_PORT = 7310;

export const KIND_TITLES: Record<SimKind, string> = {
  idreader: 'ID card reader (SAM frames, id-reader-sam.md)',
  printer: 'ticket printer (ESC/POS, escpos.md)',
  counterbus: 'counter bus (Modbus RTU terminals, counter-bus.md)',
  qrscanner: 'QR scan engine ("7E 00" registers and decoded codes, qr-scanner.md)',
};

/** `place-card` with args [holder] -> `place card <holder>`, as typed at the prompt. */
export function actionUsage(a: SimActionInfo): string {
  return [...actionWords(a.name), ...a.args.map((x) => `<${x}>`)].join(' ');
}

function actionLines(actions: SimActionInfo[]): string[] {
  const rows = actions.map((a) => [actionUsage(a), a.help] as const);
  const w = Math.min(34, Math.max(...rows.map((r) => r[0].length)));
  return rows.map(([u, h]) => `    ${u.padEnd(w)}  ${h}`);
}

/** Device actions of running simulators (prompt help) or of freshly made models (--help). */
export function actionsHelp(sims: SimSummary[], failures: string[] = []): string {
  const out: string[] = ['Device actions (type them at the prompt; put the device first when two have the action):'];
  for (const s of sims) {
    const title = KIND_TITLES[s.kind as SimKind] ?? s.kind;
    out.push(`  ${s.id}: ${title}`);
    out.push(...actionLines(s.actions.filter((a) => !LINK_ACTIONS.some((l) => l.name === a.name))));
  }
  for (const f of failures) out.push(`  ${f}`);
  out.push('  every simulator (its port): put the device first, e.g. "printer vanish 3000"');
  out.push(...actionLines([...LINK_ACTIONS]));
  return out.join('\n');
}

/** Make each model once (no link) to read its actions for --help. */
export async function describeModels(): Promise<{ sims: SimSummary[]; failures: string[] }> {
  const sims: SimSummary[] = [];
  const failures: string[] = [];
  for (const kind of SIM_KINDS) {
    try {
      const device = await createDevice(kind, {});
      sims.push({ id: device.id, kind, actions: device.actions() });
      device.close();
    } catch (err) {
      failures.push(`${kind}: not available (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return { sims, failures };
}

const baudOf = (k: SimKind) => DEFAULT_SIMS.find((d) => d.kind === k)?.baud;

export const PROMPT_COMMANDS = `Prompt commands:
  help                         this list
  status [device]              links, ports and state of each simulator (one device: its full state)
  scenario <file.json>         run a scenario file now
  quit | exit                  stop every simulator and exit (also Ctrl-D, Ctrl-C)
  [device] <action> [args...]  perform a device action, e.g.
                                 place card <holder>     remove card     list cards
                                 paper out               press 3 callNext     rate 3 1
                                 idreader vanish 2000    printer restore
                               args fill in order (the last takes the rest of the line); name=value sets one by name`;

export function usage(): string {
  return `onedoor-sim: simulated OneDoor devices (ID card reader, ticket printer, counter bus) on pseudo-terminals or TCP

Usage:
  onedoor-sim start [all|${SIM_KINDS.join('|')}] [options]
      Start simulators, print where each port appears and how to open it, serve the control API, then take
      commands at an interactive prompt (see below).
  onedoor-sim act <device> <action> [args...]   perform an action on a running instance, e.g.
      onedoor-sim act printer paper out      onedoor-sim act idreader place card <holder>
  onedoor-sim status [device]                  show a running instance's simulators (or one in full)
  onedoor-sim scenario <file.json>             run a scenario file on a running instance
  onedoor-sim help | --help | -h               this text

Options of start:
  --tcp                 raw TCP ports instead of PTYs (also used when socat is not installed);
                        ports ${DEFAULT_TCP_PORT_BASE} idreader, ${DEFAULT_TCP_PORT_BASE + 1} printer, ${DEFAULT_TCP_PORT_BASE + 2} counterbus, ${DEFAULT_TCP_PORT_BASE + 3} qrscanner
  --port-base <n>       first TCP port (0 = any free ports)
  --host <addr>         interface for TCP ports and the control API (default 127.0.0.1)
  --baud <n>            line speed for every simulator (default ${SIM_KINDS.map((k) => `${k} ${baudOf(k)}`).join(', ')})
  --dir <d>             directory of the PTY paths (default ${DEFAULT_PTY_DIR}: ${DEFAULT_PTY_DIR}/idreader ...)
  --control-port <n>    HTTP + socket.io control API port (default ${DEFAULT_CONTROL_PORT}; 0 = any free port)
  --scenario <file>     run this scenario once everything is up
  --no-prompt           no prompt: run until Ctrl-C (for services and demos)
  --verbose             also print every frame to and from the host (long frames clipped)
Options of act, status, scenario:
  --control <url>       the running instance's control API (default http://127.0.0.1:${DEFAULT_CONTROL_PORT},
                        or $ONEDOOR_SIM_URL); --control-port <n> for another local port

${PROMPT_COMMANDS}

Control API (for the technician console and scripts): GET /api/sims, GET /api/sims/:id,
  POST /api/sims/:id/actions/:name (JSON args), GET /api/sims/printer/tickets, /tickets/:seq.png, /tickets/:seq.txt,
  POST /api/scenarios/run; socket.io namespace /sim ('state', 'log' events; 'act' with an ack).

Scenario files: JSON {"name": ..., "steps": [{"do": "idreader.place-card", "args": {"holder": "..."}},
  {"wait": 1000}, {"expect": {"printer.paper": "out"}, "within": 3000}, {"say": "..."}]}; examples in
  simulators/scenarios/.`;
}
