/**
 * The one place a `store` setting (hallStoreSetting.ts) becomes a store: called by the composition root (main.ts),
 * which hands the opener to the kiosk's hall (api/kioskHall.ts) so that a store that cannot open pauses the hall
 * functions instead of stopping the bridge.
 *
 * An opener also says how the running store is watched (README "Security", truthful health; "Running a district"):
 * - `sqliteFile`: the hall's own file, checked on an interval and before numbering (hallDbWatch.ts); a file that
 *   vanished or went bad stops the hall functions until an operator restores it and restarts the bridge;
 * - `server`: a database server (PostgreSQL), asked for a read on an interval (hallServerWatch.ts); while it cannot
 *   be reached the hall functions are paused, and they resume on their own when it answers again. A server that
 *   cannot be reached at start is tried again with a growing delay (reachWhenBack.ts): `pending` is then the open
 *   still to come (migrations included), and the store fails every call until it has happened;
 * - `none`: a store handed in as is (tests), checked only when health asks.
 */
import { join } from 'node:path';
import { openPostgresHallStore, POSTGRES_GROUP_LINGER_MS, PostgresHallStore } from './hallPostgres.ts';
import { openHallDatabaseFile } from './hallSqliteFile.ts';
import type { HallStore } from './hallStore.ts';
import { DEFAULT_HALL_ID } from './hallScope.ts';
import { isDatabaseOutage } from './hallStoreGuard.ts';
import { reachWhenBack, type ReachWhenBackOptions } from './reachWhenBack.ts';
import { HALL_DB_FILE, type HallStoreSetting } from './hallStoreSetting.ts';

export type HallStoreSupervision = { kind: 'sqliteFile'; file: string } | { kind: 'server'; pending?: Promise<HallStore> }
  | { kind: 'none' };

/** Which database the hall runs on, for health and logs. */
export type HallStoreKind = 'sqlite' | 'postgresql';

export interface OpenedHallStore {
  store: HallStore;
  kind: HallStoreKind;
  supervision: HallStoreSupervision;
}

export interface HallStoreOpenContext {
  /** When the database was first created, as the SQLite marker records it (the hall clock's stamp). */
  stamp: () => string;
  /**
   * A server away at start: delays of the attempts to reach it again (reachWhenBack.ts) and their log. Absent: no
   * retry, the open fails at once (a one-shot tool such as the catalogue CLI says so and exits; the bridge passes it).
   */
  retry?: Pick<ReachWhenBackOptions, 'firstMs' | 'maxMs' | 'onRetry'>;
}

/** Opens the store; the caller decides what a failure means (the kiosk pauses its hall functions). */
export type HallStoreOpener = (ctx: HallStoreOpenContext) => Promise<HallStore | OpenedHallStore>;

/**
 * `hallId`: the hall the store is bound to (config site.hallId): it reads and writes only that hall's rows of the
 * database (README "Running a district", "Many halls, one database").
 */
export function hallStoreOpener(setting: HallStoreSetting, dataDir: string, hallId: string = DEFAULT_HALL_ID): HallStoreOpener {
  if (setting.kind === 'sqlite') {
    return async ({ stamp }) => ({
      store: openHallDatabaseFile(dataDir, stamp, hallId), kind: 'sqlite',
      supervision: { kind: 'sqliteFile', file: join(dataDir, HALL_DB_FILE) },
    });
  }
  // No nesting check in a hall server: its cost is every promise's (hallPostgres.ts PostgresHallStoreOptions.checkNesting).
  const open = () => openPostgresHallStore({ url: setting.url, schema: setting.schema, hallId, checkNesting: false });
  return async ({ retry }) => {
    try {
      return { store: await open(), kind: 'postgresql', supervision: { kind: 'server' } };
    } catch (err) {
      // Away, not wrong (a newer schema is wrong: it throws): the bridge starts paused and reaches it when it is back.
      if (!isDatabaseOutage(err) || !retry) throw err;
      const back = reachWhenBack({ ...retry, open, firstError: err as Error, hallId, groupLingerMs: POSTGRES_GROUP_LINGER_MS });
      return { store: back.store, kind: 'postgresql', supervision: { kind: 'server', pending: back.opened } };
    }
  };
}

/** An opener's result, or a store handed in as is: a PostgreSQL store is watched as a server, any other not at all. */
export function openedHallStore(s: HallStore | OpenedHallStore): OpenedHallStore {
  if ('supervision' in s && 'store' in s) return s as OpenedHallStore;
  const store = s as HallStore;
  return store instanceof PostgresHallStore
    ? { store, kind: 'postgresql', supervision: { kind: 'server' } }
    : { store, kind: 'sqlite', supervision: { kind: 'none' } };
}
