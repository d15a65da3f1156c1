/**
 * Truthful health with a real bridge and a real SQLite file (README "Security", health): the hall notices its
 * database vanished while running (file watch), stops issuing numbers (暂停服务), says so at error level, raises the
 * dashboard alert and answers /api/health 503; a restart on that data dir does not start a new empty database (which
 * would issue the same numbers again that day); a corrupt database at start is 503 with the reason; a linked kiosk
 * whose link is down is 503; an offline device is reported but not 503.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, silentLogger, startBridge, type BridgeHandle } from '../../src/index.ts';
import { HALL_DB_FILE, HALL_DB_MARKER_FILE } from '../../src/api/kioskHall.ts';
import type { HealthReport } from '../../src/api/health.ts';
import { seedBasics } from '../hall/fixture.ts';
import { startKioskRig, until, type KioskRig } from '../kiosk/kioskRig.ts';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, log: createLogger({ destination, level: 'info' }) };
}

async function health(url: string): Promise<{ status: number; body: HealthReport }> {
  const r = await fetch(`${url}/api/health`);
  return { status: r.status, body: (await r.json()) as HealthReport };
}

describe('hall database deleted under a running hall', () => {
  let rig: KioskRig;
  const { lines, log } = capture();

  beforeAll(async () => {
    rig = await startKioskRig({ log, hall: { databaseCheckMs: 100 } });
  }, 120_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('healthy: 200 with the database, the devices and the event loop', async () => {
    const h = await health(rig.bridge.url);
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ ok: true, status: 'ok', role: 'hall', database: { ok: true, problem: null }, hallLink: null,
      devices: { reader: 'online', printer: 'online' } });
    expect(h.body.eventLoop.p99Ms).toBeGreaterThanOrEqual(0);
  });

  it('stops issuing numbers, logs at error level, alerts and answers 503; a restart does not issue the numbers again', async () => {
    const session = await rig.startSession();
    const first = await rig.command(session.token, 'queue.take', { category: 'A' });
    expect(first.code).toBe('success');
    const issued = first.result!.ticket.number;

    const dataDir = join(rig.dir, 'data');
    unlinkSync(join(dataDir, HALL_DB_FILE));

    // The file watch notices on its own (no request needed), and says so at error level (pino level 50).
    const logged = await until('error logged', () => lines.find((l) => l.level === 50 && String(l.msg).includes('hall database failed')));
    expect(String(logged.problem)).toContain('vanished');

    const refused = await rig.command(session.token, 'queue.take', { category: 'C' });
    expect(refused).toMatchObject({ code: 'deviceNotReady', refusal: { code: 'servicePaused' } });
    expect(refused.refusal!.zh).toContain('暂停服务');

    const h = await health(rig.bridge.url);
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({ ok: false, status: 'unavailable', database: { ok: false } });
    expect(h.body.database!.problem).toContain('hall.sqlite vanished');
    expect(h.body.problems[0]).toContain('hall database');
    // No personal data in the health page (not even masked: device states and the database's problem only).
    expect(JSON.stringify(h.body)).not.toMatch(/\d{6,}|\*{4,}/);

    rig.bridge.dashboard.tick();
    expect(rig.bridge.dashboard.alerts()).toMatchObject([{ id: 'hall/hallDatabase', kind: 'hallDatabase', severity: 'critical' }]);

    // A restart on this data dir (the database still missing) must not start a fresh one that would issue A001 again.
    const again = await startBridge({ http: { host: '127.0.0.1', port: 0 }, dataDir, options: { logLevel: 'silent' } }, { log: silentLogger() });
    try {
      expect(again.hall.queue).toBeNull();
      expect(existsSync(join(dataDir, HALL_DB_FILE))).toBe(false);
      const h2 = await health(again.url);
      expect(h2.status).toBe(503);
      expect(h2.body.database!.problem).toContain(`${HALL_DB_FILE} is missing`);
      expect(h2.body.database!.problem).toContain(HALL_DB_MARKER_FILE);
    } finally {
      await again.close();
    }
    expect(issued).toMatch(/^A\d{3}$/);
  }, 120_000);
});

describe('health at start', () => {
  let dir: string;
  const bridges: BridgeHandle[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'od-health-'));
  });
  afterAll(async () => {
    for (const b of bridges) await b.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = async (name: string, extra: Record<string, unknown> = {}, demo?: boolean) => {
    const b = await startBridge({ http: { host: '127.0.0.1', port: 0 }, dataDir: join(dir, name), options: { logLevel: 'silent' }, ...extra },
      { log: silentLogger(), ...(demo ? { hall: { demo: async (s) => seedBasics(s) } } : {}) });
    bridges.push(b);
    return b;
  };

  it('a corrupt database at start: 503 with the reason, and the dashboard alert', async () => {
    const dataDir = join(dir, 'corrupt');
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, HALL_DB_FILE), Buffer.alloc(8192, 0x5a));
    const b = await start('corrupt');
    const h = await health(b.url);
    expect(h.status).toBe(503);
    expect(h.body.ok).toBe(false);
    expect(h.body.database!.problem).toMatch(/not a database/);
    b.dashboard.tick();
    expect(b.dashboard.alerts().map((a) => a.kind)).toEqual(['hallDatabase']);
  });

  it('healthy database, a device offline: 200, degraded, the device reported (a device does not stop the bridge)', async () => {
    const b = await start('offline-device', { devices: [{ id: 'printer', kind: 'printer', path: '/dev/od-no-such-port' }] }, true);
    await until('printer offline', () => b.devices.get('printer')?.status().state === 'offline');
    const h = await health(b.url);
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ ok: true, status: 'degraded', database: { ok: true }, devices: { printer: 'offline' } });
    expect(h.body.problems).toContain('device printer offline');
  });

  it('healthy: 200; the database closed under the hall: 503 saying so', async () => {
    const b = await start('closed', {}, true);
    expect((await health(b.url)).status).toBe(200);
    await b.hall.store!.close();
    const h = await health(b.url);
    expect(h.status).toBe(503);
    expect(h.body.database!.problem).toContain('closed');
  });

  it('a kiosk linked to a hall whose link is down: 503 "hall link down", no database of its own', async () => {
    const b = await start('linked', { hall: { url: 'http://127.0.0.1:9', kioskToken: 'k'.repeat(24) } });
    const h = await health(b.url);
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({ ok: false, role: 'linkedKiosk', database: null, hallLink: { up: false } });
    expect(h.body.problems).toContain('hall link down');
  });
});
