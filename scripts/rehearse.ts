/**
 * `npm run rehearse -- --scenario file.json|synthetic-morning [--speed 60] [--windows-at 09:00=+2]` (README
 * "Rehearsing a busy day", docs/rehearsal.md): replays a scenario through a whole hall at N× speed, printing the
 * dashboard and display URLs while it runs and the hourly table at the end (also written as CSV and JSON). With
 * --windows-at the same scenario runs again with that window change and both longest-wait columns are printed side
 * by side. Exit codes: 0 done, 2 bad flag or scenario (the message names the field), 1 the run failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_UI_DIR, DEMO_PASSWORDS } from '@onedoor/device-bridge';
import { ensureUiBuilt } from './launcher/uiBuild.ts';
import { formatHourlyTable, formatSideBySide, hourlyCsv } from './rehearsal/hourlyTable.ts';
import { scenarioFromRecordedDay } from './rehearsal/recordedArrivals.ts';
import { runRehearsal, type RehearsalResult } from './rehearsal/runner.ts';
import { loadScenarioFile, parseWindowChange, ScenarioError, withWindowChange, type Scenario, type WindowChange } from './rehearsal/scenario.ts';
import { syntheticMorning } from './rehearsal/syntheticMorning.ts';

export const REHEARSE_USAGE = `usage: npm run rehearse -- --scenario <file.json | synthetic-morning> [options]

Replays a hall day through a fresh bridge (temp data dir; real hall data is never touched) with simulated kiosks
taking the tickets and clerks pressing the counter terminals' keys, at N times speed. Open the printed /hall URL
(manager login) or /display to watch it. Prints the hourly table at the end and writes it as CSV and JSON.

  --scenario <s>        a scenario file (docs/rehearsal.md) or synthetic-morning (a seeded busy morning)
  --from-store <file>   instead of --scenario: a day's tickets in a hall SQLite file (read-only), with --day
  --day <YYYY-MM-DD>    the day of --from-store (also the rehearsal's day for synthetic-morning)
  --seed <n>            seed of synthetic-morning (default fixed)
  --speed <n>           times faster than the wall clock (default 60)
  --windows-at <change> what-if: the same scenario again with a window change, e.g. 09:00=+2 (two more windows
                        calling every category), 09:00=+1:B (one more for B), 10:30=-1 (one fewer)
  --out <dir>           where the table files go (default rehearsal-out/)
  --port <n>            bridge HTTP port (default 8090; 0 = any free port)
  --no-build            serve kiosk-ui/dist as it is
  --help                this text`;

interface RehearseArgs {
  scenario?: string;
  fromStore?: string;
  day?: string;
  seed?: number;
  speed: number;
  windowsAt?: WindowChange;
  out: string;
  port: number;
  build: boolean;
  help: boolean;
}

export function parseRehearseArgs(argv: readonly string[], cwd = process.cwd()): RehearseArgs {
  const a: RehearseArgs = { speed: 60, out: resolve(cwd, 'rehearsal-out'), port: 8090, build: true, help: false };
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') && argv[i].startsWith('--') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new ScenarioError(`${flag} needs a value`);
      return v;
    };
    const number = (min: number, max: number) => {
      const v = value();
      const n = Number(v);
      if (!Number.isFinite(n) || n < min || n > max) throw new ScenarioError(`${flag} must be a number ${min}-${max}, got "${v}"`);
      return n;
    };
    switch (flag) {
      case '--scenario': a.scenario = value(); break;
      case '--from-store': a.fromStore = abs(value()); break;
      case '--day': a.day = value(); break;
      case '--seed': a.seed = Math.round(number(0, 2 ** 31)); break;
      case '--speed': a.speed = number(0.1, 1000); break;
      case '--windows-at': a.windowsAt = parseWindowChange(value()); break;
      case '--out': a.out = abs(value()); break;
      case '--port': a.port = Math.round(number(0, 65535)); break;
      case '--no-build': a.build = false; break;
      case '--help': a.help = true; break;
      default: throw new ScenarioError(`unknown flag ${flag}`);
    }
  }
  if (!a.help && (a.scenario === undefined) === (a.fromStore === undefined)) throw new ScenarioError('give exactly one of --scenario or --from-store');
  if (a.fromStore !== undefined && a.day === undefined) throw new ScenarioError('--from-store needs --day YYYY-MM-DD');
  if (a.scenario !== undefined && a.scenario !== 'synthetic-morning') a.scenario = abs(a.scenario);
  return a;
}

export function scenarioOf(a: RehearseArgs): Scenario {
  if (a.fromStore !== undefined) return scenarioFromRecordedDay({ file: a.fromStore, day: a.day! });
  if (a.scenario === 'synthetic-morning') return syntheticMorning({ ...(a.seed !== undefined && { seed: a.seed }), ...(a.day !== undefined && { day: a.day }) });
  return loadScenarioFile(a.scenario!);
}

function writeTable(dir: string, name: string, r: RehearsalResult): string[] {
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, `${name}.csv`);
  const json = join(dir, `${name}.json`);
  writeFileSync(csv, hourlyCsv(r.table));
  writeFileSync(json, `${JSON.stringify({ scenario: r.scenario.name, day: r.day, ...r.table, refused: r.refused }, null, 2)}\n`);
  return [csv, json];
}

async function main(argv: string[]): Promise<void> {
  let args: RehearseArgs;
  let scenario: Scenario;
  try {
    args = parseRehearseArgs(argv);
    if (args.help) {
      console.log(REHEARSE_USAGE);
      return;
    }
    scenario = scenarioOf(args);
  } catch (err) {
    process.stderr.write(`npm run rehearse: ${(err as Error).message}\n\n${REHEARSE_USAGE}\n`);
    process.exit(2);
  }
  if (args.build) await ensureUiBuilt(DEFAULT_UI_DIR, (why) => console.log(`building the kiosk UI (${why}) ...`));
  const runs: Array<[string, Scenario]> = [['baseline', scenario]];
  if (args.windowsAt) runs.push(['what-if', withWindowChange(scenario, args.windowsAt)]);
  const results: RehearsalResult[] = [];
  for (const [label, s] of runs) {
    console.log(`\n== ${label}: ${s.name}, ${s.arrivals.reduce((n, a) => n + Object.values(a.counts).reduce((x, y) => x + y, 0), 0)} tickets from ${s.opening}, at ${args.speed}x`);
    const r = await runRehearsal({
      scenario: s, speed: args.speed, port: args.port, uiDir: DEFAULT_UI_DIR, print: (l) => console.log(`  ${l}`),
      onReady: ({ url }) => {
        console.log(`  dashboard ${url}/hall  (manager / ${DEMO_PASSWORDS.manager})   display ${url}/display`);
      },
    });
    results.push(r);
    console.log(`\n${formatHourlyTable(r.table, `${label}: ${s.name} (${r.day})`)}`);
    for (const line of r.refused) console.log(`  refused: ${line}`);
    if (r.represses > 0) console.log(`  note: ${r.represses} key presses did not reach the hall within 3 s and were pressed again (a loaded machine)`);
    console.log(`  written: ${writeTable(args.out, label, r).join(', ')}`);
  }
  const c = args.windowsAt;
  if (results.length === 2 && c) {
    const change = `${c.at}=${c.delta > 0 ? '+' : ''}${c.delta}${c.categories.length ? `:${c.categories.join('')}` : ''}`;
    console.log(`\n${formatSideBySide(results[0].table, results[1].table, ['baseline', `what-if ${change}`])}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(() => process.exit(0), (err: unknown) => {
    process.stderr.write(`npm run rehearse: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
