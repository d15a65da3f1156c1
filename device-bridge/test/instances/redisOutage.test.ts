// Redis going away under two instances (README "Many instances", faults), with the real Redis behind a TCP relay
// this test owns (the shared server keeps running): while it is cut, a call still reaches a /display on the same
// instance, health says degraded and names the message bus (not 503: the instance serves everything of its own),
// nothing crashes; when the relay listens again calls reach the other instance's display once more.
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPLAY_NAMESPACE, type HallCallEvent, type HallDashboard } from '@onedoor/protocol';
import type { HealthReport } from '../../src/api/health.ts';
import type { BridgeHandle } from '../../src/main.ts';
import { TcpRelay } from '../../../test/support/tcpRelay.ts';
import { untilWith } from '../../../test/support/until.ts';
import { BUS, openInstanceRig, REDIS_URL, type InstanceRig } from './instanceRig.ts';

const HALL_TOKEN = 'redis-outage-hall-token-0123456789';

/** The /hall dashboard of an instance as its screen sees it: every view pushed to it. */
function dashboardOn(b: BridgeHandle, sockets: Socket[]): HallDashboard[] {
  const s = connect(`${b.url}/hall`, { transports: ['websocket'], reconnection: false, auth: { token: HALL_TOKEN } });
  sockets.push(s);
  const views: HallDashboard[] = [];
  s.on('hallDashboard', (d: HallDashboard) => views.push(d));
  return views;
}

const until = untilWith({ limitMs: 15_000, stepMs: 20 });

async function health(b: BridgeHandle): Promise<{ status: number; body: HealthReport }> {
  const r = await fetch(`${b.url}/api/health`);
  return { status: r.status, body: (await r.json()) as HealthReport };
}

function callsOn(b: BridgeHandle, sockets: Socket[]): { calls: HallCallEvent[]; ready: Promise<unknown> } {
  const s = connect(`${b.url}${DISPLAY_NAMESPACE}`, { transports: ['websocket'], reconnection: false });
  sockets.push(s);
  const calls: HallCallEvent[] = [];
  s.on('call', (c: HallCallEvent) => calls.push(c));
  return { calls, ready: new Promise((resolve) => s.once('board', resolve)) };
}

describe('Redis out of reach under two instances', () => {
  let rig: InstanceRig;
  const redis = new URL(REDIS_URL);
  const relay = new TcpRelay(redis.hostname, Number(redis.port || 6379));
  const sockets: Socket[] = [];
  let one: BridgeHandle;
  let two: BridgeHandle;

  beforeAll(async () => {
    rig = await openInstanceRig();
    await relay.listen();
    const redisUrl = `redis://127.0.0.1:${relay.port}`;
    one = await rig.start({ redisUrl });
    two = await rig.start({ redisUrl, tokens: { hall: HALL_TOKEN } });
    for (let i = 0; i < 3; i++) await one.hall.queue!.takeTicket(null, 'A');
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await rig.close();
    await relay.cut().catch(() => undefined);
  });

  it('while cut: calls reach the same instance\'s display, health is degraded naming the bus; back: the other\'s too', async () => {
    const here = callsOn(one, sockets);
    const there = callsOn(two, sockets);
    await Promise.all([here.ready, there.ready]);
    await until('both instances subscribed', async () => (await one.socket.io.of(DISPLAY_NAMESPACE).adapter.serverCount()) >= 2);
    expect((await health(one)).body.messageBus).toEqual({ ok: true, problem: null });
    const dashboard = dashboardOn(two, sockets);
    await until('the dashboard\'s first view', () => dashboard.length > 0);
    expect(dashboard.at(-1)!.messageBus).toBeNull();

    await relay.cut();
    await until('health degraded', async () => (await health(one)).body.status === 'degraded');
    const h = await health(one);
    expect(h.status).toBe(200);
    expect(h.body.messageBus).toMatchObject({ ok: false, problem: expect.stringContaining('calls reach screens on this instance only') });
    expect(h.body.problems.join(' ')).toContain('message bus');
    // The other instance's dashboard is told (pushed, not only on its next figures) and its snapshot carries it.
    await until('the dashboard shows the bus down', () => typeof dashboard.at(-1)?.messageBus === 'string');
    expect(dashboard.at(-1)!.messageBus).toContain('calls reach screens on this instance only');
    expect((await two.dashboard.snapshot()).messageBus).toContain('unreachable');

    one.counters.workflow.receive({ deviceId: BUS, unit: 1, key: 'callNext', arg: 0, at: Date.now() });
    await until('call on the same instance\'s display', () => here.calls.length === 1);
    expect(here.calls[0]).toMatchObject({ ticketNumber: 'A001' });
    // The instance is still up and serving its own hall functions.
    expect((await one.hall.queue!.takeTicket(null, 'B')).number).toBe('B001');

    await relay.listen();
    await until('health ok again', async () => (await health(one)).body.messageBus?.ok === true && (await health(two)).body.messageBus?.ok === true);
    await until('the dashboard banner cleared', () => dashboard.at(-1)?.messageBus === null);
    expect((await two.dashboard.snapshot()).messageBus).toBeNull();
    await until('resubscribed', async () => (await one.socket.io.of(DISPLAY_NAMESPACE).adapter.serverCount()) >= 2);
    const before = there.calls.length;
    one.counters.workflow.receive({ deviceId: BUS, unit: 1, key: 'finish', arg: 0, at: Date.now() });
    one.counters.workflow.receive({ deviceId: BUS, unit: 1, key: 'callNext', arg: 0, at: Date.now() + 1 });
    await until('call on the other instance\'s display again', () => there.calls.some((c) => c.ticketNumber === 'A002'));
    expect(before).toBe(0);
  });
});
