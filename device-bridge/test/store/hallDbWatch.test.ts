/**
 * The hall database watch and guard (store/hallDbWatch.ts, store/hallStoreGuard.ts) on a real SQLite file: a file
 * deleted, replaced, or overwritten in place is found; a database fault thrown by a store call (a write error) stops
 * the store too; a stopped store refuses every call with an error the kiosk answers as 暂停服务.
 */
import { closeSync, openSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kioskFailure } from '../../src/api/kioskCommands.ts';
import { fileIdentity, sqliteFileProblem, watchHallDatabase } from '../../src/store/hallDbWatch.ts';
import { guardHallStore, HallStoreGuard, isDatabaseFault } from '../../src/store/hallStoreGuard.ts';
import type { HallStore } from '../../src/store/hallStore.ts';
import { openHallFixture, type HallFixture } from '../hall/fixture.ts';

let fx: HallFixture;
beforeEach(async () => {
  fx = await openHallFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

describe('hall database file watch', () => {
  it('a healthy file: no problem', async () => {
    const guard = new HallStoreGuard();
    const watch = watchHallDatabase({ file: fx.file, opened: fileIdentity(fx.file), store: fx.store, guard, intervalMs: 60_000 });
    try {
      expect(await watch.check()).toBeNull();
      expect(guard.problem).toBeNull();
    } finally {
      watch.stop();
    }
  });

  it('deleted: found by the interval, the guard fails, and every store call is refused as 暂停服务', async () => {
    const guard = new HallStoreGuard();
    const failed: string[] = [];
    guard.on('failed', (p) => failed.push(p));
    const store = guardHallStore(fx.store, guard);
    const watch = watchHallDatabase({ file: fx.file, opened: fileIdentity(fx.file), store: fx.store, guard, intervalMs: 20 });
    try {
      expect((await store.listQueueCategories()).length).toBe(3);
      unlinkSync(fx.file);
      // SQLite itself goes on as if nothing happened (the open descriptor still works).
      expect((await fx.store.listQueueCategories()).length).toBe(3);
      const end = Date.now() + 10_000;
      while (guard.problem === null && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      expect(guard.problem).toContain('hall.sqlite vanished');
      expect(failed).toHaveLength(1);
      const err = await store.nextCounterValue('A:2026-11-25').catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/^hall store unavailable: database file hall.sqlite vanished/);
      expect(kioskFailure(err)).toMatchObject({ code: 'deviceNotReady', refusal: { code: 'servicePaused' } });
      await expect(store.withTransaction(async (tx) => tx.nextCounterValue('A'))).rejects.toThrow(/hall store unavailable/);
    } finally {
      watch.stop();
    }
  });

  it('a ticket number is not issued into a deleted file even before the interval check (checked before numbering)', async () => {
    const guard = new HallStoreGuard();
    const identity = fileIdentity(fx.file);
    const store = guardHallStore(fx.store, guard, { beforeWrite: () => sqliteFileProblem(fx.file, identity) });
    expect(await store.nextCounterValue('A:2026-11-25')).toBe(1);
    unlinkSync(fx.file);
    await expect(store.withTransaction(async (tx) => tx.nextCounterValue('A:2026-11-25'))).rejects.toThrow(/hall store unavailable: .*vanished/);
    expect(guard.problem).toContain('vanished');
    // Nothing was numbered after the deletion, even in the orphaned file.
    expect(await fx.store.nextCounterValue('A:2026-11-25')).toBe(2);
  });

  it('replaced by another file, or overwritten in place: found', async () => {
    const opened = fileIdentity(fx.file);
    const fd = openSync(fx.file, 'r+');
    writeSync(fd, Buffer.from('garbage garbage!'), 0, 16, 0);
    closeSync(fd);
    expect(sqliteFileProblem(fx.file, opened)).toContain('corrupt');
    const other = join(fx.dir, 'other.sqlite');
    writeFileSync(other, 'x');
    renameSync(other, fx.file);
    expect(sqliteFileProblem(fx.file, opened)).toContain('replaced');
  });

  it('a database fault thrown by a call (a write error) stops the store; other errors do not', async () => {
    const guard = new HallStoreGuard();
    const io = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });
    const calls: string[] = [];
    const failing = {
      nextCounterValue: async () => {
        calls.push('next');
        throw io;
      },
      getTicket: async () => {
        throw Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
      },
      listQueueCategories: async () => [],
      close: async () => undefined,
    } as unknown as HallStore;
    const store = guardHallStore(failing, guard);
    await expect(store.getTicket(1)).rejects.toThrow('UNIQUE');
    expect(guard.problem).toBeNull();
    await expect(store.nextCounterValue('A')).rejects.toBe(io);
    expect(guard.problem).toContain('SQLITE_IOERR_WRITE');
    await expect(store.listQueueCategories()).rejects.toThrow(/hall store unavailable/);
    await expect(store.nextCounterValue('A')).rejects.toThrow(/hall store unavailable/);
    expect(calls).toEqual(['next']);
    await expect(store.close()).resolves.toBeUndefined();
    expect(isDatabaseFault({ code: 'SQLITE_CORRUPT' })).toBe(true);
    expect(isDatabaseFault({ code: 'SQLITE_BUSY' })).toBe(false);
  });
});
