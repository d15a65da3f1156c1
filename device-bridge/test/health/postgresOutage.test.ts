/**
 * A hall on PostgreSQL whose server goes out of reach while it runs (README "Running a district", faults), with a
 * real bridge and the real local server behind a TCP relay this test owns (the shared server itself is never
 * stopped: other suites use it at the same time). Cutting the relay is the server going away: the hall notices on
 * its own, pauses its hall functions (暂停服务, at once rather than after a connect timeout), says so at error level and
 * answers /api/health 503 naming PostgreSQL; it is a pause, not the permanent stop of a lost SQLite file: when the
 * relay listens again the hall resumes with no restart, health is 200, and ticket numbering goes on where it was.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kioskFailure } from '../../src/api/kioskCommands.ts';
import type { HealthReport } from '../../src/api/health.ts';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import { createLogger, startBridge, type BridgeHandle } from '../../src/index.ts';
import { libraryHolder, seedBasics } from '../hall/fixture.ts';
import { until } from '../kiosk/kioskRig.ts';
import { TcpRelay } from '../../../test/support/tcpRelay.ts';
import { postgresBackend, TEST_PG_URL, type StoreTarget } from '../store/backends.ts';

async function health(url: string): Promise<{ status: number; body: HealthReport }> {
  const r = await fetch(`${url}/api/health`);
  return { status: r.status, body: (await r.json()) as HealthReport };
}

describe('PostgreSQL out of reach under a running hall', () => {
  let target: StoreTarget;
  let bridge: BridgeHandle;
  const pgUrl = new URL(TEST_PG_URL);
  const relay = new TcpRelay(pgUrl.hostname, Number(pgUrl.port || 5432));
  const lines: Array<Record<string, unknown>> = [];
  const citizen = citizenFromHolder(libraryHolder('zhang-sanfeng'));

  beforeAll(async () => {
    target = await postgresBackend.create();
    await relay.listen();
    const url = new URL(target.setting);
    url.port = String(relay.port);
    const destination = new Writable({
      write(chunk, _enc, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    bridge = await startBridge({ http: { host: '127.0.0.1', port: 0 }, dataDir: join(target.dir, 'data'), store: url.toString() },
      { log: createLogger({ destination, level: 'info' }), hall: { demo: (s) => seedBasics(s), databaseCheckMs: 100 } });
  }, 60_000);

  afterAll(async () => {
    await bridge?.close();
    await relay.cut().catch(() => undefined);
    await target?.destroy();
  });

  it('pauses the hall functions (503, 暂停服务) while the server is away and resumes on its own when it returns', async () => {
    const up = await health(bridge.url);
    expect(up.status).toBe(200);
    expect(up.body.database).toEqual({ ok: true, problem: null, store: 'postgresql' });
    const first = await bridge.hall.queue!.takeTicket(citizen, 'A');

    await relay.cut();
    // Noticed without a request (the interval check), logged at error level.
    await until('outage logged', () => lines.find((l) => l.level === 50 && String(l.msg).includes('hall database unreachable')));
    const down = await health(bridge.url);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ ok: false, status: 'unavailable', database: { ok: false, store: 'postgresql' } });
    expect(down.body.database!.problem).toMatch(/^hall database unavailable \(PostgreSQL 127\.0\.0\.1:\d+\/test schema t_/);
    expect(bridge.hall.storeProblem).toContain('hall database unavailable');
    // Refused at once with the kiosk's 暂停服务, not after a connect timeout.
    const started = Date.now();
    const err = await bridge.hall.queue!.takeTicket(citizen, 'B').then(() => null, (e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(kioskFailure(err)).toMatchObject({ code: 'deviceNotReady', refusal: { code: 'servicePaused' } });
    bridge.dashboard.tick();
    expect(bridge.dashboard.alerts().map((a) => a.kind)).toContain('hallDatabase');

    await relay.listen();
    await until('resumed logged', () => lines.find((l) => String(l.msg).includes('hall database reachable again')));
    const back = await health(bridge.url);
    expect(back.status).toBe(200);
    expect(back.body.database).toEqual({ ok: true, problem: null, store: 'postgresql' });
    expect(bridge.hall.storeProblem).toBeNull();
    // Nothing lost, nothing issued twice: the next number follows the first.
    const second = await bridge.hall.queue!.takeTicket(citizen, 'B');
    expect(first.number).toBe('A001');
    expect(second.number).toBe('B001');
    expect((await bridge.hall.store!.listTickets(bridge.hall.clock.today())).map((t) => t.number).sort()).toEqual(['A001', 'B001']);
  }, 60_000);

  it('connections lost while the server stays reachable: no pause, the next requests work on new connections', async () => {
    const pauses = () => lines.filter((l) => String(l.msg).includes('hall database unreachable')).length;
    const before = pauses();
    relay.drop();
    // The call on a lost connection fails (written nothing); the check it asks for finds the server there, so the
    // next call is not refused but served on a new connection.
    const lost = await bridge.hall.queue!.takeTicket(citizen, 'C').then(() => null, (e: unknown) => e as Error);
    if (lost) {
      expect(lost.message).toMatch(/hall database unavailable/);
      await bridge.hall.queue!.takeTicket(citizen, 'C');
    }
    const after = await bridge.hall.store!.listTickets(bridge.hall.clock.today());
    expect(after.map((t) => t.number)).toContain('C001');
    await new Promise((r) => setTimeout(r, 300));
    expect(pauses()).toBe(before);
    expect(bridge.hall.storeProblem).toBeNull();
    expect((await health(bridge.url)).status).toBe(200);
  }, 60_000);
});
