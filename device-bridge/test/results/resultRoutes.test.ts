/**
 * The hall's side of collecting results over real HTTP (README "Collecting results (领取结果)"): a clerk records a
 * pickup with the window (time and window stored), a manager sees parcels to send and uncollected results and marks a
 * parcel posted; the roles table refuses the others; bodies and serials are zod-checked; a refusal says why; every
 * call is in the access audit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS } from '../../src/auth/demoUsers.ts';
import { ApplicationService } from '../../src/hall/applications.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import type { BridgeHandle } from '../../src/index.ts';
import { libraryHolder } from '../hall/fixture.ts';
import { staffHttp } from '../helpers/staffHttp.ts';
import { startCatalogueHall } from '../helpers/catalogueHall.ts';

const dir = mkdtempSync(join(tmpdir(), 'od-results-api-'));
let bridge: BridgeHandle;
let clerk: string;
let manager: string;
const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));

const { call, login } = staffHttp(() => bridge.url);

/** A finished application of the social security card item (counter or post). */
async function finished(): Promise<string> {
  const apps = new ApplicationService(bridge.hall.store!, bridge.hall.clock);
  const a = await apps.submit(zhang, 'D37-01');
  for (const to of ['review', 'decided', 'done'] as const) await apps.advance(a.serial, to, to === 'decided' ? '准予补换' : null);
  return a.serial;
}

beforeAll(async () => {
  bridge = await startCatalogueHall(dir);
  clerk = await login('clerk', DEMO_PASSWORDS.clerk);
  manager = await login('manager', DEMO_PASSWORDS.manager);
}, 60_000);
afterAll(async () => {
  await bridge?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('/api/hall/results', () => {
  it('a clerk records a pickup at a window (time and window), once; bad input is a 400, a refusal a 409; a manager may not', async () => {
    const serial = await finished();
    expect((await call(`/api/hall/results/${serial}/collected`, { body: { window: 3 } })).status).toBe(401);
    expect((await call(`/api/hall/results/${serial}/collected`, { cookie: manager, body: { window: 3 } })).status).toBe(403);
    expect((await call(`/api/hall/results/${serial}/collected`, { cookie: clerk, body: { window: 0 } })).status).toBe(400);
    expect((await call(`/api/hall/results/${serial}/collected`, { cookie: clerk, body: { window: 3, extra: 1 } })).status).toBe(400);
    expect((await call('/api/hall/results/not-a-serial/collected', { cookie: clerk, body: { window: 3 } })).status).toBe(400);
    expect((await call('/api/hall/results/GD20991231000001/collected', { cookie: clerk, body: { window: 3 } })).status).toBe(404);
    const ok = await call(`/api/hall/results/${serial}/collected`, { cookie: clerk, body: { window: 3 } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ serial, mode: 'counter', state: 'collected', window: 3, finishedAtText: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/) });
    expect(await bridge.hall.store!.getResultCollection(serial)).toMatchObject({ window: 3, finishedBy: 'clerk', state: 'collected' });
    const again = await call(`/api/hall/results/${serial}/collected`, { cookie: clerk, body: { window: 4 } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'resultNotPending' });
  });

  it('a manager sees the parcel to send with its address and marks it posted; a clerk may not see the board; the calls are audited', async () => {
    const serial = await finished();
    await bridge.hall.results!.collect({ citizen: zhang, serial, mode: 'post', address: '广州市天河区体育西路100号', phone: '13800138000' });
    expect((await call('/api/hall/results', { cookie: clerk })).status).toBe(403);
    const board = await call('/api/hall/results', { cookie: manager });
    expect(board.status).toBe(200);
    expect(board.body.parcels).toEqual([expect.objectContaining({ serial, address: '广州市天河区体育西路100号', phone: '13800138000',
      maskedNumber: '4401**********1231', recipient: zhang.name })]);
    expect(board.body.afterDays).toBe(10);
    expect((await call(`/api/hall/results/${serial}/posted`, { cookie: clerk, body: {} })).status).toBe(403);
    const posted = await call(`/api/hall/results/${serial}/posted`, { cookie: manager, body: {} });
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ serial, mode: 'post', state: 'posted' });
    expect((await call('/api/hall/results', { cookie: manager })).body.parcels).toEqual([]);
    expect((await call(`/api/hall/results/${serial}/posted`, { cookie: manager, body: {} })).status).toBe(409);
    const audit = await bridge.hall.store!.queryAccessAudit({ limit: 200, offset: 0 });
    const fns = audit.entries.map((e) => `${e.actor} ${e.function} ${e.result}`);
    expect(fns).toEqual(expect.arrayContaining(['manager results.board success', 'manager results.posted success', 'clerk results.pickup success']));
  });
});
