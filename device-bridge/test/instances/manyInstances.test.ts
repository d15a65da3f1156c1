// Several hall-server instances on one PostgreSQL schema and one Redis (README "Many instances"), real servers: a
// call made on one instance reaches a /display connected to another; exactly one instance drives the counter bus
// and another takes over when the owner's database session dies or the owner stops; a kiosk's request re-sent to
// another instance after a reconnect is answered once, from the request record in the database.
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import {
  DISPLAY_NAMESPACE, KIOSK_LINK_NAMESPACE, type HallCallEvent, type KioskLinkAnswer, type KioskLinkCitizen, type KioskLinkRequest,
} from '@onedoor/protocol';
import { citizenFromHolder } from '../../src/hall/citizen.ts';
import type { BridgeHandle } from '../../src/main.ts';
import { libraryHolder } from '../hall/fixture.ts';
import { TEST_PG_URL } from '../store/backends.ts';
import { untilWith } from '../../../test/support/until.ts';
import { BUS, busDetail, KIOSK_TOKEN, rigPerTest } from './instanceRig.ts';

const until = untilWith({ limitMs: 15_000, stepMs: 20 });
const sockets: Socket[] = [];

function display(b: BridgeHandle): Socket {
  const s = connect(`${b.url}${DISPLAY_NAMESPACE}`, { transports: ['websocket'], reconnection: false });
  sockets.push(s);
  return s;
}

async function kioskLink(b: BridgeHandle): Promise<Socket> {
  const s = connect(`${b.url}${KIOSK_LINK_NAMESPACE}`, { auth: { token: KIOSK_TOKEN }, transports: ['websocket'], reconnection: false });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('connect_error', reject);
  });
  await s.emitWithAck('kioskHello', { devices: [], startedAt: Date.now() });
  return s;
}

/** A link once the kiosk's previous one (on another instance) has let its claim go. */
async function linkWhenFree(b: BridgeHandle): Promise<Socket> {
  for (let i = 0; ; i++) {
    try {
      return await kioskLink(b);
    } catch (err) {
      if (i > 100 || !/already linked/.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Ends a database session as a crash or a network cut would (the shared server itself keeps running). */
async function terminateBackend(pid: number): Promise<boolean> {
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  try {
    return (await c.query('SELECT pg_terminate_backend($1) AS done', [pid])).rows[0].done as boolean;
  } finally {
    await c.end();
  }
}

describe('many instances on one PostgreSQL and one Redis', () => {
  const { open } = rigPerTest(sockets);

  it('a call made on instance 1 reaches a /display connected to instance 2', async () => {
    const rig = await open();
    const [one, two] = [await rig.start(), await rig.start()];
    await one.hall.queue!.takeTicket(null, 'A');
    const screen = display(two);
    const calls: HallCallEvent[] = [];
    screen.on('call', (c: HallCallEvent) => calls.push(c));
    await new Promise((resolve) => screen.once('board', resolve));
    // The adapter subscribes asynchronously after start; wait until Redis counts both instances' subscriptions.
    await until('both instances subscribed', async () => (await one.socket.io.of(DISPLAY_NAMESPACE).adapter.serverCount()) >= 2);
    one.counters.workflow.receive({ deviceId: BUS, unit: 1, key: 'callNext', arg: 0, at: Date.now() });
    await until('call on the other instance\'s display', () => calls.length > 0);
    expect(calls[0]).toMatchObject({ ticketNumber: 'A001', window: 1, recall: 0 });
    expect(calls).toHaveLength(1);
  });

  it('exactly one instance drives the counter bus; another takes over when the owner\'s session dies or it stops', async () => {
    const rig = await open();
    const [one, two] = [await rig.start(), await rig.start()];
    const owners = () => [one, two].filter((b) => b.counterBusLease!.state === 'owner');
    await until('one owner', () => owners().length === 1);
    const [owner] = owners();
    const other = owner === one ? two : one;
    await until('the owner opens its bus', () => !busDetail(owner).includes('not started'));
    expect(busDetail(other)).toBe('starting: not started');

    // The owner's database session dies: it stops driving the bus, the other instance takes the lease and opens it.
    expect(await terminateBackend(owner.counterBusLease!.sessionPid!)).toBe(true);
    await until('the other owns the bus', () => other.counterBusLease!.state === 'owner');
    expect(owner.counterBusLease!.state).toBe('lost');
    await until('the old owner stopped its bus', () => busDetail(owner) === 'offline: stopped');
    await until('the new owner opens its bus', () => !busDetail(other).includes('not started'));

    // A third instance stands by; the owner stops; the third takes over.
    const three = await rig.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(three.counterBusLease!.state).toBe('waiting');
    expect(busDetail(three)).toBe('starting: not started');
    await other.close();
    await until('the third owns the bus', () => three.counterBusLease!.state === 'owner');
  });

  it('one link per kiosk in the cluster: a second one on another instance is refused; closing the first frees it at once', async () => {
    const rig = await open();
    const [one, two] = [await rig.start(), await rig.start()];
    const first = await kioskLink(one);
    const refused = await kioskLink(two).then(() => null, (e: Error) => e);
    expect(refused?.message).toMatch(/kiosk already linked: .*on another instance/);
    // Counted on instance 2's dashboard entry of the kiosk (the duplicateKioskLink alert's count).
    expect(two.kioskLink!.registry.get('kiosk-1')!.refusals.duplicateLinks).toBe(1);
    first.disconnect();
    // Released, not expired: the lease (liveLinkMs 15 s + 5 s) is longer than this wait's limit.
    const moved = await linkWhenFree(two);
    expect(moved.connected).toBe(true);
    expect(await kioskLink(one).then(() => null, (e: Error) => e.message)).toMatch(/already linked/);
  });

  it('a link gone silent on one instance is taken over on another after its lease; the silent one is ended when heard again', async () => {
    const rig = await open();
    const [one, two] = [await rig.start({ liveLinkMs: 1000 }), await rig.start({ liveLinkMs: 1000 })];
    const stale = await kioskLink(one);
    expect(await kioskLink(two).then(() => null, (e: Error) => e.message)).toMatch(/on another instance/);
    // Nothing heard on the first link: its claim lapses (1 s + a third) and the kiosk's next connection takes it.
    const taken = await linkWhenFree(two);
    expect(taken.connected).toBe(true);
    const ended = new Promise<string>((resolve) => stale.once('disconnect', resolve));
    stale.emit('kioskHeartbeat', { at: Date.now() });
    expect(await ended).toBe('io server disconnect');
    await until('instance 1 no longer holds the link', () => !one.kioskLink!.holdsLink('kiosk-1'));
    // Its dashboard still shows the kiosk linked: to instance 2 (instances/kioskReportSync.ts), not dropped.
    await until('instance 1 shows the kiosk linked elsewhere', () => one.kioskLink!.registry.get('kiosk-1')?.connected === true);
    await new Promise((r) => setTimeout(r, 200));
    expect(one.kioskLink!.registry.get('kiosk-1')?.connected).toBe(true);
  });

  it('a ticket request re-sent to another instance after a reconnect is answered once, from the database', async () => {
    const rig = await open();
    const [one, two] = [await rig.start(), await rig.start()];
    const citizen = citizenFromHolder(libraryHolder('zhang-sanfeng')) as KioskLinkCitizen;
    const req: KioskLinkRequest = { requestId: 'take-1', op: 'queue.take', citizen, args: ['A'] };
    const first = await (await kioskLink(one)).emitWithAck('hallRequest', req) as KioskLinkAnswer;
    expect(first).toMatchObject({ ok: true });
    sockets.splice(0).forEach((s) => s.disconnect());
    // The link's cluster-wide claim is released by instance 1 when it sees the link close (a Redis round trip later).
    const again = await (await linkWhenFree(two)).emitWithAck('hallRequest', req) as KioskLinkAnswer;
    expect(again).toMatchObject({ ok: true, replayed: true });
    expect(again.ok && again.result).toEqual(first.ok && first.result);
    const tickets = await two.hall.store!.listTickets(two.hall.clock.today());
    expect(tickets).toHaveLength(1);
    expect(await two.hall.store!.countKioskRequests('kiosk-1')).toBe(1);
  });
});
