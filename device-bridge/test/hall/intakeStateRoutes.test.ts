/**
 * Pausing and closing intake over real HTTP (README "Running the hall floor"): the public state for kiosks and the
 * phone page, a manager's pause (with the words), resume and close, the body checked at the boundary, the access
 * audit, and what a technician, an anonymous caller or another origin may not do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS, DEMO_USERS } from '../../src/auth/demoUsers.ts';
import { startBridge, silentLogger, type BridgeHandle } from '../../src/index.ts';
import { staffHttp } from '../helpers/staffHttp.ts';

const dir = mkdtempSync(join(tmpdir(), 'od-intake-state-'));
let bridge: BridgeHandle;
let manager: string;
let tech: string;

const { call, login } = staffHttp(() => bridge.url);

beforeAll(async () => {
  bridge = await startBridge({ http: { host: '127.0.0.1', port: 0 }, dataDir: join(dir, 'data'), users: [...DEMO_USERS], options: { logLevel: 'silent' } },
    { log: silentLogger() });
  manager = await login('manager', DEMO_PASSWORDS.manager);
  tech = await login('tech', DEMO_PASSWORDS.tech);
}, 60_000);
afterAll(async () => {
  await bridge?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('intake state routes', () => {
  it('a manager pauses with words, resumes and closes for the day; anyone reads the state', async () => {
    expect((await call('/api/intake-state')).body).toMatchObject({ mode: 'open', message: null, closingAt: null });
    const paused = await call('/api/hall/intake', { cookie: manager, body: { action: 'pause', message: '系统维护，暂停取号，请到咨询台' } });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ mode: 'paused', message: '系统维护，暂停取号，请到咨询台', by: 'manager' });
    expect((await call('/api/intake-state')).body).toMatchObject({ mode: 'paused', message: '系统维护，暂停取号，请到咨询台' });
    expect((await call('/api/hall/intake', { cookie: manager, body: { action: 'resume' } })).body.mode).toBe('open');
    expect((await call('/api/hall/intake', { cookie: manager, body: { action: 'close' } })).body).toMatchObject({ mode: 'closed', message: '今日已停止办理，请明日再来' });
    const audit = await bridge.hall.store!.queryAccessAudit({ day: bridge.hall.clock.today(), function: 'hall.intake', limit: 50, offset: 0 });
    expect(audit.entries.map((e) => e.detail)).toEqual(expect.arrayContaining(['pause', 'resume', 'close']));
    await call('/api/hall/intake', { cookie: manager, body: { action: 'resume' } });
  });

  it('refuses a bad body with the field, and anyone but a manager from an allowed origin', async () => {
    const bad = await call('/api/hall/intake', { cookie: manager, body: { action: 'stop', extra: 1 } });
    expect(bad.status).toBe(422);
    expect(bad.body.problems.map((p: { field: string }) => p.field)).toContain('action');
    expect((await call('/api/hall/intake', { cookie: manager, body: { action: 'pause', message: 'x'.repeat(121) } })).status).toBe(422);
    expect((await call('/api/hall/intake', { body: { action: 'pause' } })).status).toBe(401);
    expect((await call('/api/hall/intake', { cookie: tech, body: { action: 'pause' } })).status).toBe(403);
    expect((await call('/api/hall/intake', { cookie: manager, origin: 'http://evil.example', body: { action: 'pause' } })).status).toBe(403);
    expect((await call('/api/intake-state')).body.mode).toBe('open');
  });
});
