/**
 * The clerk moving applications on over real HTTP (README "Result notices (结果反馈)"): find by serial, advance
 * under the allowed transitions, an end queues the citizen's notice; the roles table refuses others; bodies are
 * zod-checked; another origin, a closed application and another hall's (same database file) are refused; audited.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS } from '../../src/auth/demoUsers.ts';
import { loadCatalogueFiles } from '../../src/catalogue/loadCatalogue.ts';
import { ApplicationService } from '../../src/hall/applications.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import type { BridgeHandle } from '../../src/index.ts';
import { openSqliteHallStore } from '../../src/store/hallSqlite.ts';
import { libraryHolder } from '../hall/fixture.ts';
import { staffHttp } from '../helpers/staffHttp.ts';
import { EXAMPLE_CATALOGUE as CATALOGUE, startCatalogueHall } from '../helpers/catalogueHall.ts';

const dir = mkdtempSync(join(tmpdir(), 'od-advance-api-'));
let bridge: BridgeHandle;
let clerk: string;
let manager: string;
let technician: string;
const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));

const { call, login } = staffHttp(() => bridge.url);

const apply = () => new ApplicationService(bridge.hall.store!, bridge.hall.clock).submit(zhang, 'D35-02');
const advance = (serial: string, body: unknown, cookie = clerk, origin?: string) => call(`/api/hall/applications/${serial}/advance`, { cookie, body, origin });

beforeAll(async () => {
  bridge = await startCatalogueHall(dir);
  clerk = await login('clerk', DEMO_PASSWORDS.clerk);
  manager = await login('manager', DEMO_PASSWORDS.manager);
  technician = await login('tech', DEMO_PASSWORDS.tech);
}, 60_000);
afterAll(async () => {
  await bridge?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('/api/hall/applications', () => {
  it('a clerk finds an application and moves it to 办结 step by step; the end queues the notice', async () => {
    const a = await apply();
    expect((await call(`/api/hall/applications/${a.serial}`)).status).toBe(401);
    const found = await call(`/api/hall/applications/${a.serial}`, { cookie: clerk });
    expect(found).toMatchObject({ status: 200, body: { application: { serial: a.serial, statusName: '受理', maskedNumber: '4401**********1231' },
      next: [{ to: 'review', name: '审查' }, { to: 'returned', name: '退回' }, { to: 'rejected', name: '不予受理' }] } });
    expect(JSON.stringify(found.body)).not.toContain(zhang.number);
    expect((await advance(a.serial, { to: 'done' })).body).toMatchObject({ error: 'badTransition' });
    expect((await advance(a.serial, { to: 'review' })).body).toMatchObject({ application: { statusName: '审查' }, next: [{ to: 'decided' }, { to: 'returned' }] });
    expect((await advance(a.serial, { to: 'decided', note: '准予许可' })).status).toBe(200);
    expect(await bridge.hall.store!.listNotices({ serial: a.serial })).toEqual([]);
    const done = await advance(a.serial, { to: 'done' });
    expect(done).toMatchObject({ status: 200, body: { application: { statusName: '办结', result: '准予许可' }, next: [] } });
    expect((await bridge.hall.store!.listNotices({ serial: a.serial })).map((n) => n.text)).toEqual(['您申请的《户口迁移（投靠）》已办结，可领取']);
    const closed = await advance(a.serial, { to: 'done' });
    expect(closed).toMatchObject({ status: 409, body: { error: 'alreadyClosed' } });
  });

  it('refuses bad bodies and serials (400), an unknown serial (404), a return without reason (409), another origin and other roles', async () => {
    const a = await apply();
    expect((await advance(a.serial, { to: 'finished' })).status).toBe(400);
    expect((await advance(a.serial, { to: 'review', extra: 1 })).status).toBe(400);
    expect((await advance(a.serial, { to: 'returned', note: 'a\u0007b' })).status).toBe(400);
    expect((await advance(a.serial, { to: 'returned', note: 'x'.repeat(301) })).status).toBe(400);
    expect((await advance('not-a-serial', { to: 'review' })).status).toBe(400);
    expect((await call('/api/hall/applications/not-a-serial', { cookie: clerk })).status).toBe(400);
    expect((await advance('GD20990101000001', { to: 'review' })).status).toBe(404);
    expect((await advance(a.serial, { to: 'returned' })).body).toMatchObject({ error: 'reasonRequired' });
    expect((await advance(a.serial, { to: 'review' }, clerk, 'https://evil.example')).status).toBe(403);
    expect((await advance(a.serial, { to: 'review' }, manager)).status).toBe(403);
    expect((await advance(a.serial, { to: 'review' }, technician)).status).toBe(403);
    expect((await call(`/api/hall/applications/${a.serial}`, { cookie: manager })).status).toBe(200);
    expect((await call(`/api/hall/applications/${a.serial}`, { cookie: technician })).status).toBe(403);
    expect((await bridge.hall.store!.getApplication(a.serial))!.status).toBe('accepted');
    const rejected = await advance(a.serial, { to: 'rejected', note: '不符合投靠条件' });
    expect(rejected.status).toBe(200);
    expect((await bridge.hall.store!.listNotices({ serial: a.serial }))[0].text).toBe('您申请的《户口迁移（投靠）》不予受理：不符合投靠条件');
    const audit = await bridge.hall.store!.queryAccessAudit({ limit: 200, offset: 0 });
    expect(audit.entries.map((e) => `${e.actor} ${e.function} ${e.result}`)).toEqual(expect.arrayContaining([
      'clerk applications.lookup success', 'clerk applications.advance success', 'clerk applications.advance refused']));
  });

  it('another hall\'s application in the same database is not found here and not moved', async () => {
    const other = openSqliteHallStore(join(dir, 'data', 'hall.sqlite'), { hallId: 'GZ-TH-02' });
    let serial: string;
    try {
      await loadCatalogueFiles(other, [CATALOGUE]);
      // Serials count per hall: past this hall's few, so the serial names the other hall's application only.
      const there = new ApplicationService(other, bridge.hall.clock);
      for (let i = 0; i < 9; i++) await there.submit(zhang, 'D35-02');
      serial = (await there.submit(zhang, 'D35-02')).serial;
    } finally {
      await other.close();
    }
    expect((await call(`/api/hall/applications/${serial}`, { cookie: clerk })).status).toBe(404);
    expect((await advance(serial, { to: 'review' })).status).toBe(404);
    const back = openSqliteHallStore(join(dir, 'data', 'hall.sqlite'), { hallId: 'GZ-TH-02' });
    try {
      expect((await back.getApplication(serial))!.status).toBe('accepted');
      expect(await back.listNotices()).toEqual([]);
    } finally {
      await back.close();
    }
  });
});
