/**
 * Where the demo's data files are in a checkout: the simulator's card library (read as data, never imported as
 * code: architecture.md "device-bridge depends on protocol only") and the example catalogue (README "Loading the
 * catalogue"), whose departments are those of the shared seed (../shared/seed-data/departments.json).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HallClock } from '../hall/clock.ts';
import type { HallStore } from '../store/hallStore.ts';
import { demoHallFiller, type DemoDataOptions } from './demoData.ts';

const checkout = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const DEMO_DATA_FILES: Readonly<DemoDataOptions> = Object.freeze({
  cardsFile: resolve(checkout, 'simulators/data/cards.json'),
  catalogueFile: resolve(checkout, 'config/examples/catalogue/catalogue.json'),
});

/**
 * The `KioskHallOptions.demo` hook for `npm start`: fills an empty hall store from the checkout's files. Throws at
 * once, naming the file, when one is missing (rather than a kiosk with no departments).
 */
export function checkoutDemoHallFiller(files: DemoDataOptions = DEMO_DATA_FILES): (store: HallStore, clock: HallClock) => Promise<void> {
  for (const f of [files.cardsFile, files.catalogueFile]) {
    if (!existsSync(f)) throw new Error(`demo data: ${f} is missing (the card library and the example catalogue must be in place)`);
  }
  return demoHallFiller(files);
}
