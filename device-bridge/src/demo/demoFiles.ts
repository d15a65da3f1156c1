/**
 * Where the demo's data files are in a checkout: the simulator's card library (read as data, never imported as
 * code: architecture.md "device-bridge depends on protocol only") and the shared department seed beside the
 * checkout (README "The wire contracts are the specs in ../shared/").
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
  departmentSeedFile: resolve(checkout, '../shared/seed-data/departments.json'),
});

/**
 * The `KioskHallOptions.demo` hook for `npm start`: fills an empty hall store from the checkout's files. Throws at
 * once, naming the file, when one is missing (rather than a kiosk with no departments).
 */
export function checkoutDemoHallFiller(files: DemoDataOptions = DEMO_DATA_FILES): (store: HallStore, clock: HallClock) => Promise<void> {
  for (const f of [files.cardsFile, files.departmentSeedFile]) {
    if (!existsSync(f)) throw new Error(`demo data: ${f} is missing (the card library and ../shared/seed-data must be in place)`);
  }
  return demoHallFiller(files);
}
