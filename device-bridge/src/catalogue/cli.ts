/**
 * The catalogue loader (README "Loading the catalogue"):
 *
 *   npm run catalogue -- load --config site.json [--dry-run] catalogue.json services.csv holidays-2027.csv ...
 *   npm run catalogue -- load --data-dir /var/lib/onedoor [--dry-run] files...
 *
 * Run it as the bridge's user (the data dir is owner-only). With `--config`, the hall database is the one the
 * config's `store` names (hall.sqlite in its dataDir, or PostgreSQL), opened as the bridge opens it
 * (store/openHallStore.ts); a catalogue's `hallId` must be the config's `site.hallId`, and windows must name the
 * config's counter terminals. `--data-dir` means the SQLite file in that folder. Every problem is printed as `file:line: field: message` and nothing is applied.
 *
 * Exit codes: 0 applied (or dry run clean), 2 bad command line, bad config or refused catalogue, 1 the database
 * cannot be opened.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { configuredBuses } from '../api/hallCounter.ts';
import { ConfigError, loadConfigFile } from '../config/index.ts';
import { siteUtcOffsetMinutes } from '../config/site.ts';
import { HallClock } from '../hall/clock.ts';
import { securePrivateDir } from '../store/fileModes.ts';
import type { HallStore } from '../store/hallStore.ts';
import { describeHallStoreSetting, parseHallStoreSetting, type HallStoreSetting } from '../store/hallStoreSetting.ts';
import { hallStoreOpener, openedHallStore } from '../store/openHallStore.ts';
import { CatalogueRefused, loadCatalogueFiles } from './loadCatalogue.ts';
import { planDetails, planSummary, type CatalogueSiteCheck } from './plan.ts';

export const CATALOGUE_USAGE = `usage: npm run catalogue -- load (--config site.json | --data-dir DIR) [--dry-run] FILE...
  FILE: catalogue .json (any of departments, categories, services with materials, windows, holidays) or a .csv of one
        table named by its file name: departments.csv categories.csv services.csv materials.csv windows.csv holidays.csv
  --dry-run  check and show what would change; apply nothing
  Format: docs/catalogue-format.md`;

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Runs the CLI; returns the exit code (tests call it in-process; the script exits with it). */
export async function catalogueCli(argv: string[], io: Io = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'load') {
    io.err(CATALOGUE_USAGE);
    return 2;
  }
  let configFile: string | undefined;
  let dataDir: string | undefined;
  let dryRun = false;
  const files: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--config' || a === '--data-dir') {
      const v = rest[++i];
      if (!v || v.startsWith('--')) {
        io.err(`catalogue: ${a} needs a value\n${CATALOGUE_USAGE}`);
        return 2;
      }
      if (a === '--config') configFile = v;
      else dataDir = v;
    } else if (a === '--dry-run') dryRun = true;
    else if (a.startsWith('--')) {
      io.err(`catalogue: unknown option ${a}\n${CATALOGUE_USAGE}`);
      return 2;
    } else files.push(a);
  }
  if ((configFile === undefined) === (dataDir === undefined) || files.length === 0) {
    io.err(`catalogue: give --config or --data-dir (one of them) and at least one file\n${CATALOGUE_USAGE}`);
    return 2;
  }

  let site: CatalogueSiteCheck | undefined;
  let clock = new HallClock();
  let setting: HallStoreSetting = { kind: 'sqlite' };
  if (configFile !== undefined) {
    try {
      const config = loadConfigFile(configFile);
      if (config.hall) {
        io.err(`catalogue: ${configFile} is a kiosk linked to a hall (hall.url): load the catalogue on the hall server`);
        return 2;
      }
      dataDir = config.dataDir;
      setting = parseHallStoreSetting(config.store);
      site = { hallId: config.site.hallId, buses: configuredBuses(config) };
      clock = new HallClock(Date.now, siteUtcOffsetMinutes(config.site));
    } catch (err) {
      io.err(`catalogue: ${(err as Error).message}`);
      return err instanceof ConfigError ? 2 : 1;
    }
  }

  let store: HallStore;
  const where = describeHallStoreSetting(setting, resolve(dataDir!));
  try {
    if (setting.kind === 'sqlite') securePrivateDir(resolve(dataDir!));
    // Bound to the config's hall (site.hallId): the catalogue is loaded into that hall's rows of the database.
    store = openedHallStore(await hallStoreOpener(setting, resolve(dataDir!), site?.hallId)({ stamp: () => clock.stamp() })).store;
  } catch (err) {
    io.err(`catalogue: cannot open the hall database (${where}): ${(err as Error).message}`);
    return 1;
  }
  try {
    const r = await loadCatalogueFiles(store, files, { dryRun, site });
    if (dryRun) {
      io.out('dry run: nothing applied. It would change:');
      for (const l of planDetails(r.plan)) io.out(`  ${l}`);
    } else {
      io.out(`catalogue loaded in one transaction from ${files.length} file${files.length === 1 ? '' : 's'}:`);
      for (const l of planSummary(r.plan)) io.out(`  ${l}`);
    }
    return 0;
  } catch (err) {
    if (err instanceof CatalogueRefused) {
      io.err(`catalogue: ${err.message}`);
      return 2;
    }
    io.err(`catalogue: ${(err as Error).message}`);
    return 1;
  } finally {
    await store.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void catalogueCli(process.argv.slice(2)).then((code) => process.exit(code));
}
