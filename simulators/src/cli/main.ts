/** onedoor-sim: entry point of the CLI (the bin shim in simulators/bin registers tsx and imports this). */
import { parseArgv, intFlag, stringFlag, type ParsedArgs } from './argv.ts';
import { ControlClient } from './client.ts';
import { resolveAction } from './command-line.ts';
import { resultLine, statusTable, stepLine } from './format.ts';
import { actionsHelp, describeModels, usage } from './help.ts';
import { startCommand } from './start-command.ts';
import { loadScenario } from '../control/scenario.ts';

const print = (s: string) => console.log(s);

function client(args: ParsedArgs): ControlClient {
  const port = args.flags['control-port'] === undefined ? undefined : intFlag(args.flags, 'control-port', 0, 1, 65535);
  return ControlClient.fromFlags(stringFlag(args.flags, 'control'), port);
}

async function help(): Promise<number> {
  print(usage());
  const { sims, failures } = await describeModels();
  print('\n' + actionsHelp(sims, failures));
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgv(argv);
  const command = args.positionals.shift();
  if (args.flags.help || command === undefined || command === 'help') return help();
  switch (command) {
    case 'start':
      return startCommand(args, print);
    case 'status': {
      const c = client(args);
      print(args.positionals[0] ? JSON.stringify(await c.sim(args.positionals[0]), null, 2) : statusTable(await c.sims()));
      return 0;
    }
    case 'act': {
      if (args.positionals.length === 0) throw new Error('act needs <device> <action> [args...]; see onedoor-sim --help');
      const c = client(args);
      const line = args.positionals.map((p) => (/\s/.test(p) ? JSON.stringify(p) : p)).join(' ');
      const { id, name, args: actArgs } = resolveAction(line, await c.sims());
      print(`${id}.${name} ${resultLine(await c.act(id, name, actArgs))}`);
      return 0;
    }
    case 'scenario': {
      const file = args.positionals[0];
      if (!file) throw new Error('scenario needs a file: onedoor-sim scenario <file.json>');
      const scenario = await loadScenario(file);
      const report = await client(args).runScenario(scenario);
      for (const r of report.steps) print(stepLine(r));
      print(report.ok ? `scenario ${report.name}: done` : `scenario ${report.name}: ${report.error}`);
      return report.ok ? 0 : 1;
    }
    default:
      throw new Error(`unknown command "${command}"; see onedoor-sim --help`);
  }
}

// `onedoor-sim --help | head`: a closed pipe ends the output, it is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  console.error(`onedoor-sim: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
}
