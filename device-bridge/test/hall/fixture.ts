/**
 * A hall on a real store in its own temp dir, with a settable clock (hall-local, UTC+8), the 43 seed departments,
 * three queue categories and two service items. The store is SQLite on a real file by default, or any backend of
 * ../store/backends.ts (PostgreSQL in a fresh schema): hall-service tests run on both with `describe.each`.
 * `reopen()` closes and opens the same data (a bridge restart); `cleanup()` closes and removes the dir and schema.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Holder } from '@onedoor/protocol';
import { sharedDir } from '../../../protocol/test/vectors.ts';
import { HallClock } from '../../src/hall/clock.ts';
import { loadDepartmentSeed } from '../../src/store/departmentSeed.ts';
import type { SqliteHallStore } from '../../src/store/hallSqlite.ts';
import type { HallStore } from '../../src/store/hallStore.ts';
import { sqliteBackend, STORE_BACKENDS, type StoreBackend, type StoreTarget } from '../store/backends.ts';

export { STORE_BACKENDS, type StoreBackend };

export const departmentSeedFile = resolve(sharedDir, 'seed-data/departments.json');
export const cardsFile = resolve(import.meta.dirname, '../../../simulators/data/cards.json');

export interface LibraryCard {
  key: string;
  invalid?: string;
  holder: Holder;
}

export function libraryCards(): LibraryCard[] {
  return (JSON.parse(readFileSync(cardsFile, 'utf8')) as { cards: LibraryCard[] }).cards;
}

export function libraryHolder(key: string): Holder {
  const c = libraryCards().find((x) => x.key === key);
  if (!c) throw new Error(`no card ${key} in the library`);
  return c.holder;
}

/** A clock the test moves: `set('2026-11-25', '09:30')` is hall-local time. */
export class TestClock extends HallClock {
  private ms: number;

  constructor(day: string, time = '09:00') {
    let self: TestClock | undefined;
    super(() => self!.ms);
    self = this;
    this.ms = this.at(day, time);
  }

  set(day: string, time = '09:00'): void {
    this.ms = this.at(day, time);
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}

export const SERVICE_A = 'T-0001';
export const SERVICE_B = 'T-0002';

export interface HallFixture {
  dir: string;
  /** The SQLite file (SQLite backend only). */
  file: string;
  backend: StoreBackend;
  /** The backing store: `sql()` for checks the interface cannot make. */
  target: StoreTarget;
  store: HallStore;
  clock: TestClock;
  reopen(): Promise<HallStore>;
  cleanup(): Promise<void>;
}

export async function seedBasics(store: HallStore): Promise<void> {
  const depts = await store.upsertDepartments(loadDepartmentSeed(departmentSeedFile));
  await store.upsertQueueCategory({ letter: 'A', name: '综合受理', defaultServiceMinutes: 6 });
  await store.upsertQueueCategory({ letter: 'B', name: '社保医保', defaultServiceMinutes: 10 });
  await store.upsertQueueCategory({ letter: 'C', name: '不动产登记', defaultServiceMinutes: 15 });
  await store.upsertServiceItem({ id: SERVICE_A, departmentId: depts[0].id, name: '测试事项甲', category: 'A', timeLimitDays: 10,
    slotCapacity: 2, stepLimits: null }, [
    { name: '居民身份证', fetchedFrom: '电子证照库：居民身份证', commitmentAllowed: false },
    { name: '申请表', fetchedFrom: null, commitmentAllowed: false },
    { name: '无犯罪记录证明', fetchedFrom: null, commitmentAllowed: true },
  ]);
  await store.upsertServiceItem({ id: SERVICE_B, departmentId: depts[1].id, name: '测试事项乙', category: 'B', timeLimitDays: 5,
    slotCapacity: 1, stepLimits: { accepted: 1, review: 2, decided: 1 } }, [{ name: '申请书', fetchedFrom: null, commitmentAllowed: false }]);
}

export async function openHallFixture(day = '2026-11-25', time = '09:00', seed = true,
  backend: StoreBackend = sqliteBackend): Promise<HallFixture> {
  const target = await backend.create();
  const fx: HallFixture = {
    dir: target.dir,
    file: join(target.dir, 'hall.sqlite'),
    backend,
    target,
    store: await target.open(),
    clock: new TestClock(day, time),
    async reopen() {
      await fx.store.close();
      fx.store = await target.open();
      return fx.store;
    },
    async cleanup() {
      await fx.store.close();
      await target.destroy();
    },
  };
  if (seed) await seedBasics(fx.store);
  return fx;
}

export type { SqliteHallStore };

/** `openHallFixture` on one backend: `const openHallFixture = hallFixtureOn(backend)` inside `describe.each`. */
export function hallFixtureOn(backend: StoreBackend): (day?: string, time?: string, seed?: boolean) => Promise<HallFixture> {
  return (day, time, seed) => openHallFixture(day, time, seed, backend);
}
