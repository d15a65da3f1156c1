/**
 * The manager dashboard of a hall serving linked kiosks (README "For managers: the dashboard",
 * kiosks: each kiosk and its devices): one hall bridge and two kiosk bridges with their own reader
 * and printer simulators on PTYs (multikiosk-rig.ts). The hall's dashboard lists its own devices
 * (as `hall`, not colliding with the kiosk ids) and both kiosks with their devices; a kiosk's
 * printer running out of paper raises that kiosk's paper alert on the hall, its refill clears it; a
 * kiosk whose bridge stops is shown as not linked while its last statuses stay. (Heartbeat lost
 * after 30 s is unit-tested with an injectable clock: device-bridge/test/dashboard/alerts.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMultiKioskRig, until, type MultiKioskRig } from './multikiosk-rig.ts';

const WAIT_MS = 60_000;
let rig: MultiKioskRig;

beforeAll(async () => {
  rig = await startMultiKioskRig(2);
}, 240_000);

afterAll(async () => {
  await rig?.close();
}, 120_000);

describe('dashboard of a hall with linked kiosks', () => {
  it('lists the hall and each kiosk with its devices; a kiosk\'s paper out is that kiosk\'s alert, cleared on refill', async () => {
    // Statuses stream in after the hello: wait until the hall knows every kiosk device online.
    await until('both kiosks registered, devices online', () => rig.hall.kioskLink!.registry.list().every((k) =>
      k.connected && k.devices.length === 2 && k.devices.every((d) => d.state === 'online')), WAIT_MS);
    const snap = await rig.hall.dashboard.snapshot();
    expect(snap.kiosks.map((k) => [k.kioskId, k.local, k.alive, k.linked])).toEqual([
      ['hall', true, true, undefined], ['kiosk-1', false, true, true], ['kiosk-2', false, true, true]]);
    expect(snap.kiosks[2].devices.map((d) => [d.id, d.state])).toEqual([['reader', 'online'], ['printer', 'online']]);
    expect(snap.alerts).toEqual([]);

    await rig.kiosks[1].printer.act('paper', { state: 'out' });
    const alert = await until('kiosk-2 paper alert on the hall', () => rig.hall.dashboard.alerts().find((a) => a.kind === 'paperOut'), WAIT_MS);
    expect(alert).toMatchObject({ id: 'kiosk-2/printer/paperOut', kioskId: 'kiosk-2', deviceId: 'printer', severity: 'critical' });
    expect(rig.hall.dashboard.alerts()).toHaveLength(1);

    await rig.kiosks[1].printer.act('paper', { state: 'ok' });
    await until('alert cleared', () => rig.hall.dashboard.alerts().length === 0, WAIT_MS);
  }, 200_000);

  it('a kiosk whose bridge stops is shown as not linked, with its last device statuses', async () => {
    await rig.kiosks[0].bridge.close();
    await until('kiosk-1 link down on the hall', () => rig.hall.kioskLink!.registry.get('kiosk-1')?.connected === false, WAIT_MS);
    const k1 = (await rig.hall.dashboard.snapshot()).kiosks.find((k) => k.kioskId === 'kiosk-1')!;
    expect(k1.linked).toBe(false);
    expect(k1.devices.map((d) => d.id)).toEqual(['reader', 'printer']);
  }, 200_000);
});
