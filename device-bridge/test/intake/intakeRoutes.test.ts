/**
 * The counter's pre-review and the managers' post-hoc checks over real HTTP (README "Applying at the kiosk
 * (接件受理)"): a clerk lists waiting applications oldest first and accepts (the progress shows 受理 with its time
 * limit), returns or rejects with a reason; the roles table refuses others; bodies are zod-checked; a decided
 * application or another hall's is refused; every call is in the access audit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS } from '../../src/auth/demoUsers.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import type { BridgeHandle } from '../../src/index.ts';
import { libraryHolder } from '../hall/fixture.ts';
import { staffHttp } from '../helpers/staffHttp.ts';
import { startCatalogueHall } from '../helpers/catalogueHall.ts';

const dir = mkdtempSync(join(tmpdir(), 'od-intake-api-'));
let bridge: BridgeHandle;
let clerk: string;
let manager: string;
const zhang = citizenFromHolder(libraryHolder('zhang-sanfeng'));
const FORM = { relation: '夫妻投靠', moveFrom: '广州市越秀区北京路1号', address: '广州市天河区体育西路100号', phone: '13800138000' };

const { call, login } = staffHttp(() => bridge.url);

const submit = (requestId: string) => bridge.hall.intake!.submit({ sessionKey: 's', citizen: zhang, kioskId: 'kiosk-1', requestId,
  serviceId: 'D35-02', form: FORM, bringBy: 'ticket' });

beforeAll(async () => {
  bridge = await startCatalogueHall(dir);
  clerk = await login('clerk', DEMO_PASSWORDS.clerk);
  manager = await login('manager', DEMO_PASSWORDS.manager);
}, 60_000);
afterAll(async () => {
  await bridge?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('/api/hall/intake', () => {
  it('a clerk lists waiting applications oldest first and accepts one: the progress shows 受理 with its time limit', async () => {
    const a = await submit('r1');
    const b = await submit('r2');
    expect((await call('/api/hall/intake/pending')).status).toBe(401);
    const list = await call('/api/hall/intake/pending', { cookie: clerk });
    expect(list.status).toBe(200);
    expect(list.body.applications.map((x: { serial: string }) => x.serial)).toEqual([a.serial, b.serial]);
    expect(list.body.applications[0]).toMatchObject({ maskedNumber: '4401**********1231', stateName: '待预审', hallId: 'GZ-TH-01' });
    const accepted = await call(`/api/hall/intake/${a.serial}/decision`, { cookie: clerk, body: { decision: 'accept' } });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ serial: a.serial, state: 'accepted', stateName: '受理' });
    const progress = await bridge.hall.applications!.get(zhang, a.serial);
    expect(progress).toMatchObject({ statusName: '受理', timeLimitDays: 20 });
    expect(progress.timeLimit.remainingWorkingDays).toBe(20);
  });

  it('refuses a decided application (409), a bad body or serial (400), another origin and roles other than the clerk\'s', async () => {
    const a = await submit('r3');
    expect((await call(`/api/hall/intake/${a.serial}/decision`, { cookie: clerk, body: { decision: 'return', reason: '请补充迁出证明' } })).status).toBe(200);
    const again = await call(`/api/hall/intake/${a.serial}/decision`, { cookie: clerk, body: { decision: 'accept' } });
    expect(again).toMatchObject({ status: 409, body: { error: 'alreadyDecided' } });
    expect((await call(`/api/hall/intake/${a.serial}/decision`, { cookie: clerk, body: { decision: 'reject' } })).status).toBe(400);
    expect((await call(`/api/hall/intake/${a.serial}/decision`, { cookie: clerk, body: { decision: 'accept', extra: 1 } })).status).toBe(400);
    expect((await call('/api/hall/intake/not-a-serial/decision', { cookie: clerk, body: { decision: 'accept' } })).status).toBe(400);
    expect((await call('/api/hall/intake/GD20990101000001/decision', { cookie: clerk, body: { decision: 'accept' } })).status).toBe(404);
    const b = await submit('r4');
    expect((await call(`/api/hall/intake/${b.serial}/decision`, { cookie: clerk, body: { decision: 'accept' }, origin: 'https://evil.example' })).status).toBe(403);
    expect((await call(`/api/hall/intake/${b.serial}/decision`, { cookie: manager, body: { decision: 'accept' } })).status).toBe(403);
    expect((await bridge.hall.store!.getIntake(b.serial))!.state).toBe('pending');
  });

  it('managers see the post-hoc checks and record one; a clerk may not; the calls are audited', async () => {
    await bridge.hall.intake!.sign('s5', zhang, 'D35-02', '共同居住承诺', zhang.number, 'kiosk-1');
    await bridge.hall.intake!.submit({ sessionKey: 's5', citizen: zhang, kioskId: 'kiosk-1', requestId: 'r5', serviceId: 'D35-02', form: FORM, bringBy: 'ticket' });
    expect((await call('/api/hall/intake/checks', { cookie: clerk })).status).toBe(403);
    const checks = await call('/api/hall/intake/checks?open=1', { cookie: manager });
    expect(checks.status).toBe(200);
    expect(checks.body).toMatchObject({ overdue: 0, checks: [{ material: '共同居住承诺', state: 'open', maskedNumber: '4401**********1231' }] });
    const id = checks.body.checks[0].id;
    expect((await call(`/api/hall/intake/checks/${id}`, { cookie: manager, body: { found: 'maybe' } })).status).toBe(400);
    const done = await call(`/api/hall/intake/checks/${id}`, { cookie: manager, body: { found: 'confirmed' } });
    expect(done).toMatchObject({ status: 200, body: { state: 'confirmed', checkedBy: 'manager' } });
    const audit = await bridge.hall.store!.queryAccessAudit({ limit: 100, offset: 0 });
    const fns = audit.entries.map((e) => `${e.actor} ${e.function} ${e.result}`);
    expect(fns).toEqual(expect.arrayContaining(['clerk intake.pending success', 'clerk intake.decide success', 'manager intake.checks success',
      'manager intake.check success']));
  });
});
