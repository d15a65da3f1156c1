/**
 * Opens the hall's SQLite file in the data dir (store `sqlite`, hallStoreSetting.ts), refusing to create a new empty
 * one where a database existed before: the marker file HALL_DB_MARKER_FILE, written when the database is first
 * created, says one did. A new empty database would issue today's ticket numbers a second time (hall-rules.md: a
 * number is never issued twice in a day). The operator restores the file, or deletes the marker to start afresh
 * knowingly.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE, restrictFileMode } from './fileModes.ts';
import { openSqliteHallStore, type SqliteHallStore } from './hallSqlite.ts';
import { HALL_DB_FILE, HALL_DB_MARKER_FILE } from './hallStoreSetting.ts';

/**
 * `stamp`: when the database was created, as the marker records it (the hall clock's stamp); `hallId`: the hall the
 * store is bound to (config site.hallId).
 */
export function openHallDatabaseFile(dataDir: string, stamp: () => string, hallId?: string): SqliteHallStore {
  const file = join(dataDir, HALL_DB_FILE);
  const marker = join(dataDir, HALL_DB_MARKER_FILE);
  if (!existsSync(file) && existsSync(marker)) {
    let created = '';
    try {
      created = ` (created ${String((JSON.parse(readFileSync(marker, 'utf8')) as { createdAt?: unknown }).createdAt ?? '?')})`;
    } catch {
      /* the marker's content is informative only */
    }
    throw new Error(`hall database ${HALL_DB_FILE} is missing${created}: not creating a new empty one, which would issue today's ` +
      `ticket numbers again. Restore ${HALL_DB_FILE} from a backup, or delete ${HALL_DB_MARKER_FILE} to start a new database knowingly`);
  }
  const store = openSqliteHallStore(file, { hallId });
  if (!existsSync(marker)) {
    writeFileSync(marker, JSON.stringify({ createdAt: stamp() }) + '\n', { mode: PRIVATE_FILE_MODE });
  }
  restrictFileMode(marker);
  return store;
}
