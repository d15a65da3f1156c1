// A kiosk linked to one instance, a /hall dashboard on another (README "Many instances", kiosk reports): the
// dashboard shows the kiosk linked with its devices and raises and clears its alerts as the holding instance's
// does — not "heartbeat lost" because the link is elsewhere; a paper-out reported there reaches it; the link
// dropping there shows here; an instance started later learns the kiosks linked before it. Real PostgreSQL and
// Redis (instanceRig.ts).
import { io as connect, type Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { KIOSK_LINK_NAMESPACE, type DeviceStatus, type HallAlert, type HallAlertsEvent, type HallDashboard } from '@onedoor/protocol';
import type { BridgeHandle } from '../../src/main.ts';
import { untilWith } from '../../../test/support/until.ts';
import { KIOSK_TOKEN, rigPerTest } from './instanceRig.ts';

const HALL_TOKEN = 'kiosk-reports-hall-token-0123456789';
const until = untilWith({ limitMs: 15_000, stepMs: 20 });

const printer = (paper: 'full' | 'out'): DeviceStatus => ({
  id: 'printer', kind: 'printer', state: 'online', paper, detail: '', counters: {}, lastError: null, since: Date.now(),
});

describe('linked kiosks seen from every instance', () => {
  const { open, sockets } = rigPerTest();

  /** The /hall dashboard's alert list of an instance, as its screen last received it. */
  function alertsOn(b: BridgeHandle): { last: () => HallAlert[] | null } {
    const s = connect(`${b.url}/hall`, { transports: ['websocket'], reconnection: false, auth: { token: HALL_TOKEN } });
    sockets.push(s);
    let last: HallAlert[] | null = null;
    // The whole view (alerts included) on connect, then each change of the list.
    s.on('hallDashboard', (d: HallDashboard) => (last = d.alerts));
    s.on('hallAlerts', (e: HallAlertsEvent) => (last = e.alerts));
    return { last: () => last };
  }
  const kinds = (alerts: HallAlert[] | null) => (alerts ?? []).filter((a) => a.kioskId === 'kiosk-1').map((a) => a.kind).sort();

  it('a kiosk linked to instance 2: instance 1 shows it linked, its paper out and back, its link dropped', async () => {
    const rig = await open();
    const one = await rig.start({ tokens: { hall: HALL_TOKEN } });
    const two = await rig.start();
    const dashboard = alertsOn(one);
    // Before any link: never heard from, on both.
    await until('the dashboard lists the kiosk as lost', () => kinds(dashboard.last()).includes('heartbeatLost'));

    const link = connect(`${two.url}${KIOSK_LINK_NAMESPACE}`, { auth: { token: KIOSK_TOKEN }, transports: ['websocket'], reconnection: false });
    sockets.push(link);
    await new Promise<void>((resolve, reject) => {
      link.once('connect', resolve);
      link.once('connect_error', reject);
    });
    await link.emitWithAck('kioskHello', { devices: [printer('full')], startedAt: Date.now() });
    await until('instance 1 sees the kiosk linked', () => one.kioskLink!.registry.get('kiosk-1')?.connected === true);
    expect(one.kioskLink!.registry.get('kiosk-1')!.devices.map((d) => [d.id, d.paper])).toEqual([['printer', 'full']]);
    await until('no alert of the kiosk on instance 1', () => kinds(dashboard.last()).length === 0);

    link.emit('kioskDeviceStatus', printer('out'));
    await until('paper out on instance 1', () => kinds(dashboard.last()).includes('paperOut'));
    link.emit('kioskDeviceStatus', printer('full'));
    await until('cleared on instance 1', () => kinds(dashboard.last()).length === 0);

    // A heartbeat there moves the last heartbeat here.
    const before = one.kioskLink!.registry.get('kiosk-1')!.lastHeartbeat!;
    await new Promise((r) => setTimeout(r, 20));
    link.emit('kioskHeartbeat', { at: Date.now() });
    await until('the heartbeat reaches instance 1', () => one.kioskLink!.registry.get('kiosk-1')!.lastHeartbeat! > before);

    // An instance started now learns the kiosk linked before it.
    const three = await rig.start();
    await until('instance 3 sees the kiosk linked', () => three.kioskLink!.registry.get('kiosk-1')?.connected === true);
    expect(three.kioskLink!.registry.get('kiosk-1')!.devices.map((d) => [d.id, d.paper])).toEqual([['printer', 'full']]);

    link.disconnect();
    await until('instance 1 sees the link dropped', () => one.kioskLink!.registry.get('kiosk-1')?.connected === false);
    await until('instance 3 too', () => three.kioskLink!.registry.get('kiosk-1')?.connected === false);
  });

  it('a kiosk moving from instance 2 to instance 1: the old link\'s late news does not undo the new one', async () => {
    const rig = await open();
    const one = await rig.start();
    const two = await rig.start();
    const linkTo = async (b: BridgeHandle) => {
      for (let i = 0; ; i++) {
        const s = connect(`${b.url}${KIOSK_LINK_NAMESPACE}`, { auth: { token: KIOSK_TOKEN }, transports: ['websocket'], reconnection: false });
        sockets.push(s);
        const ok = await new Promise<boolean>((resolve) => {
          s.once('connect', () => resolve(true));
          s.once('connect_error', () => resolve(false));
        });
        if (ok) {
          await s.emitWithAck('kioskHello', { devices: [printer('full')], startedAt: Date.now() });
          return s;
        }
        if (i > 200) throw new Error('never linked');
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const first = await linkTo(two);
    await until('instance 1 sees it on instance 2', () => one.kioskLink!.registry.get('kiosk-1')?.connected === true);
    first.disconnect();
    const second = await linkTo(one);
    expect(second.connected).toBe(true);
    await until('instance 2 sees it on instance 1', () => two.kioskLink!.registry.get('kiosk-1')?.connected === true);
    // Whatever order the news came in, both end with the kiosk linked (to instance 1).
    await new Promise((r) => setTimeout(r, 300));
    expect(one.kioskLink!.registry.get('kiosk-1')!.connected).toBe(true);
    expect(two.kioskLink!.registry.get('kiosk-1')!.connected).toBe(true);
  });
});
