/**
 * The one place a `store` setting (hallStoreSetting.ts) becomes a store: called by the composition root (main.ts),
 * which hands the opener to the kiosk's hall (api/kioskHall.ts) so that a store that cannot open pauses the hall
 * functions instead of stopping the bridge.
 */
import { join } from 'node:path';
import { openPostgresHallStore } from './hallPostgres.ts';
import { openSqliteHallStore } from './hallSqlite.ts';
import type { HallStore } from './hallStore.ts';
import { HALL_DB_FILE, type HallStoreSetting } from './hallStoreSetting.ts';

/** Opens the store; the caller decides what a failure means (the kiosk pauses its hall functions). */
export type HallStoreOpener = () => Promise<HallStore>;

export function hallStoreOpener(setting: HallStoreSetting, dataDir: string): HallStoreOpener {
  if (setting.kind === 'sqlite') return async () => openSqliteHallStore(join(dataDir, HALL_DB_FILE));
  return () => openPostgresHallStore({ url: setting.url, schema: setting.schema });
}
