/**
 * `onedoor-sim start`: start simulators and the control API, print where each port is, then read commands from the
 * prompt (or stdin when piped) until quit / end of input / Ctrl-C, and close everything (no socat left behind).
 */
import { createInterface } from 'node:readline';
import type { SimKind } from '../core/device.ts';
import { isSimKind, SIM_KINDS, SimulatorHub, type HubLogEntry, type SimInfo } from '../hub.ts';
import { startControlServer, type ControlServer } from '../control/http-server.ts';
import { runScenario } from '../control/scenario.ts';
import { intFlag, stringFlag, type ParsedArgs } from './argv.ts';
import { resolveAction } from './command-line.ts';
import { resultLine, statusTable, stepLine, whereLines } from './format.ts';
import { actionsHelp, DEFAULT_CONTROL_PORT, PROMPT_COMMANDS } from './help.ts';

type Print = (s: string) => void;

export async function startCommand(args: ParsedArgs, print: Print = (s) => console.log(s)): Promise<number> {
  const which = args.positionals[0] ?? 'all';
  if (which !== 'all' && !isSimKind(which)) {
    throw new Error(`unknown simulator "${which}"; choose all, ${SIM_KINDS.join(', ')}`);
  }
  const { flags } = args;
  const hub = new SimulatorHub({
    link: flags.tcp ? 'tcp' : undefined,
    baud: flags.baud === undefined ? undefined : intFlag(flags, 'baud', 0, 50, 4_000_000),
    dir: stringFlag(flags, 'dir'),
    portBase: flags['port-base'] === undefined ? undefined : intFlag(flags, 'port-base', 0, 0, 65533),
    host: stringFlag(flags, 'host'),
  });
  const kinds: SimKind[] = which === 'all' ? [...SIM_KINDS] : [which];
  for (const kind of kinds) {
    try {
      await hub.start(kind);
    } catch (err) {
      print(`could not start ${kind}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  for (const n of hub.notes) print(`note: ${n}`);
  if (hub.ids().length === 0) {
    await hub.close();
    print('no simulator started');
    return 1;
  }
  let server: ControlServer;
  const controlPort = intFlag(flags, 'control-port', DEFAULT_CONTROL_PORT, 0, 65535);
  try {
    server = await startControlServer(hub, { port: controlPort, host: stringFlag(flags, 'host') });
  } catch (err) {
    await hub.close();
    const inUse = (err as { code?: string }).code === 'EADDRINUSE';
    throw new Error(
      inUse
        ? `control port ${controlPort} is in use (another onedoor-sim running?); pick one with --control-port <n>`
        : `cannot start the control API: ${(err as Error).message}`,
    );
  }

  print('OneDoor simulators running:');
  print(whereLines(hub.list()));
  print(`control API: ${server.url}  (onedoor-sim status / act / scenario --control ${server.url})`);

  const verbose = flags.verbose === true;
  hub.on('log', (l: HubLogEntry) => {
    if (!verbose && (l.dir === 'rx' || l.dir === 'tx')) return;
    print(`[${l.id}] ${l.dir}${l.hex ? ' ' + l.hex : ''}${l.note ? ' ' + l.note : ''}`);
  });
  hub.on('ticket', ({ id, ticket }: { id: string; ticket: unknown }) => {
    const seq = (ticket as { seq?: unknown } | null)?.seq;
    print(`[${id}] ticket cut${seq !== undefined ? ` #${String(seq)}: ${server.url}/api/sims/${id}/tickets/${String(seq)}.png` : ''}`);
  });

  let closing: Promise<void> | null = null;
  const shutdown = () =>
    (closing ??= (async () => {
      await server.close();
      await hub.close();
    })());
  const onSignal = () => void shutdown().then(() => process.exit(0));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const scenario = stringFlag(flags, 'scenario');
  if (scenario) await runScenarioPrinted(hub, scenario, print);

  if (flags['no-prompt']) {
    print('running; Ctrl-C to stop');
    await new Promise<void>(() => {}); // until a signal
  }
  await promptLoop(hub, print);
  await shutdown();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return 0;
}

async function runScenarioPrinted(hub: SimulatorHub, file: string, print: Print): Promise<boolean> {
  print(`scenario ${file}:`);
  try {
    const report = await runScenario(hub, file, { onStep: (r) => print(stepLine(r)) });
    print(report.ok ? `scenario ${report.name}: done` : `scenario ${report.name}: ${report.error}`);
    return report.ok;
  } catch (err) {
    print(`scenario ${file}: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

/** Handle one prompt line; returns false on quit. Errors are printed, never thrown (a typo must not stop the sims). */
export async function handleLine(hub: SimulatorHub, line: string, print: Print): Promise<boolean> {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return true;
  const [word, ...rest] = text.split(/\s+/);
  try {
    switch (word.toLowerCase()) {
      case 'quit':
      case 'exit':
        return false;
      case 'help':
      case '?':
        print(PROMPT_COMMANDS + '\n\n' + actionsHelp(hub.list()));
        return true;
      case 'status':
        print(rest[0] ? JSON.stringify(hub.info(rest[0]), null, 2) : statusTable(hub.list()));
        return true;
      case 'scenario':
        if (!rest[0]) throw new Error('scenario needs a file: scenario <file.json>');
        await runScenarioPrinted(hub, rest.join(' '), print);
        return true;
      default: {
        const sims: SimInfo[] = hub.list();
        const { id, name, args } = resolveAction(text, sims);
        print(`${id}.${name} ${resultLine(await hub.act(id, name, args))}`);
        return true;
      }
    }
  } catch (err) {
    print(`error: ${err instanceof Error ? err.message : String(err)}`);
    return true;
  }
}

async function promptLoop(hub: SimulatorHub, print: Print): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
  print('type help for commands, quit to stop');
  rl.setPrompt('onedoor-sim> ');
  rl.prompt();
  for await (const line of rl) {
    if (!(await handleLine(hub, line, print))) break;
    rl.prompt();
  }
  rl.close();
}
