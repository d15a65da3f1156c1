/**
 * `npm run restore -- --data-dir <dataDir> --from <backup file>` (README "Backups"): puts a backup of the SQLite hall
 * database back, after checking it, and only while no bridge runs on that data dir (store/hallRestore.ts).
 *
 * Exit codes: 0 restored, 1 refused (a bridge runs, the backup is bad) or failed, 2 a bad command line.
 */
import { resolve } from 'node:path';
import { RestoreRefused, restoreHallBackup } from './hallRestore.ts';

const USAGE = 'usage: npm run restore -- --data-dir <the bridge\'s dataDir> --from <backup file, e.g. backups/hall-20261204T020000000Z.sqlite>';

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  const v = i >= 0 ? argv[i + 1] : undefined;
  return v && !v.startsWith('--') ? v : undefined;
}

const argv = process.argv.slice(2);
const dataDir = flag(argv, '--data-dir');
const from = flag(argv, '--from');
if (!dataDir || !from) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
try {
  const r = restoreHallBackup({ dataDir: resolve(dataDir), from: resolve(from) });
  process.stdout.write(`restored ${r.restored} from ${resolve(from)}${r.keptPrevious ? `; the database it replaced is kept as ${r.keptPrevious}` : ''}\n` +
    'start the bridge now; tickets issued after this backup was taken are not in it (README "Backups")\n');
} catch (err) {
  process.stderr.write(`restore: ${err instanceof RestoreRefused ? 'refused: ' : 'failed: '}${(err as Error).message}\n`);
  process.exit(1);
}
