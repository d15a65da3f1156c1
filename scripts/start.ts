/**
 * `npm start` (root script `tsx scripts/start.ts`): the whole kiosk with simulated devices, or with
 * `-- --config file.json` the bridge against real hardware. `npm start -- --help` lists the flags.
 *
 * Exit codes (as the bridge CLI): 0 after Ctrl-C / SIGTERM, 2 for a bad flag or a bad config file (the message names
 * the field), 1 when something cannot start (port in use, UI build failed, ...).
 */
import { pathToFileURL } from 'node:url';
import { isConfigError, launch, describeLaunch, type Launched } from './launcher/launch.ts';
import { parseStartArgs, START_USAGE, StartUsageError, type StartOptions } from './launcher/options.ts';

function fail(code: number, message: string): never {
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(code);
}

export async function main(argv: string[]): Promise<void> {
  let opts: StartOptions;
  try {
    opts = parseStartArgs(argv);
  } catch (err) {
    if (err instanceof StartUsageError) fail(2, `${err.message}\n\n${START_USAGE}`);
    throw err;
  }
  if (opts.help) {
    process.stdout.write(`${START_USAGE}\n`);
    return;
  }

  // A signal during start-up is remembered and honoured as soon as there is something to stop.
  let stopAsked = false;
  let launched: Launched | null = null;
  const stop = () => {
    if (stopAsked) {
      // Second Ctrl-C: the user does not want to wait for a clean stop.
      process.exit(130);
    }
    stopAsked = true;
    if (launched) void shutdown(launched);
  };
  const shutdown = async (l: Launched) => {
    console.log('stopping ...');
    try {
      await l.close();
      process.exit(0);
    } catch (err) {
      fail(1, `could not stop cleanly: ${(err as Error).message}`);
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    launched = await launch(opts);
  } catch (err) {
    if (isConfigError(err)) fail(2, err.message);
    fail(1, (err as Error).message);
  }
  for (const line of describeLaunch(launched)) console.log(line);
  if (stopAsked) await shutdown(launched);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => fail(1, err instanceof Error ? (err.stack ?? err.message) : String(err)));
}
