/**
 * A hall on a real SQLite file in its own temp dir, with a settable clock (hall-local, UTC+8), the 43 seed
 * departments, three queue categories and two service items. `reopen()` closes and opens the same file (a bridge
 * restart); `cleanup()` closes and removes the dir.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Holder } from '@onedoor/protocol';
import { sharedDir } from '../../../protocol/test/vectors.ts';
import { HallClock } from '../../src/hall/clock.ts';
import { loadDepartmentSeed } from '../../src/store/departmentSeed.ts';
import { openSqliteHallStore, type SqliteHallStore } from '../../src/store/hallSqlite.ts';
import type { HallStore } from '../../src/store/hallStore.ts';

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
  file: string;
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

export async function openHallFixture(day = '2026-11-25', time = '09:00', seed = true): Promise<HallFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'onedoor-hall-'));
  const file = join(dir, 'hall.sqlite');
  const fx: HallFixture = {
    dir,
    file,
    store: openSqliteHallStore(file),
    clock: new TestClock(day, time),
    async reopen() {
      await fx.store.close();
      fx.store = openSqliteHallStore(file);
      return fx.store;
    },
    async cleanup() {
      await fx.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (seed) await seedBasics(fx.store);
  return fx;
}

export type { SqliteHallStore };
