/**
 * A hall bridge for staff route tests: the example catalogue (config/examples/catalogue) loaded into a fresh data dir,
 * hall GZ-TH-01, the demo staff users, no devices, silent logs.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_USERS } from '../../src/auth/demoUsers.ts';
import { loadCatalogueFiles } from '../../src/catalogue/loadCatalogue.ts';
import { startBridge, silentLogger, type BridgeHandle } from '../../src/index.ts';

export const EXAMPLE_CATALOGUE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../config/examples/catalogue/catalogue.json');

export function startCatalogueHall(dir: string): Promise<BridgeHandle> {
  return startBridge({ http: { host: '127.0.0.1', port: 0 }, dataDir: join(dir, 'data'), users: [...DEMO_USERS],
    site: { hallId: 'GZ-TH-01' }, devices: [], options: { logLevel: 'silent' } },
  { log: silentLogger(), hall: { demo: async (store) => void (await loadCatalogueFiles(store, [EXAMPLE_CATALOGUE])) } });
}
