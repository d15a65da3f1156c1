/**
 * The hall's kiosk registry (api/kioskRegistry.ts) and the config fields of several kiosks, one hall: pure logic.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceStatus, LinkedKioskInfo } from '@onedoor/protocol';
import { KioskRegistry } from '../../src/api/kioskRegistry.ts';
import { ConfigError, parseConfig } from '../../src/config/index.ts';

const status = (id: string, state: DeviceStatus['state']): DeviceStatus => ({
  id, kind: 'idreader', state, detail: '', counters: {}, lastError: null, since: 1,
});

const noRefusals = { tickets: 0, lookups: 0, invalid: 0, duplicateLinks: 0 };

describe('kiosk registry', () => {
  it('lists configured kiosks before they link, then their snapshot, changes, heartbeats and the drop', () => {
    let now = 1000;
    const r = new KioskRegistry([{ id: 'a' }, { id: 'b', name: '二号机' }], () => now);
    expect(r.list()).toEqual([
      { kioskId: 'a', name: 'a', connected: false, registeredAt: null, lastHeartbeat: null, devices: [], refusals: noRefusals, lastDuplicateLinkAt: null },
      { kioskId: 'b', name: '二号机', connected: false, registeredAt: null, lastHeartbeat: null, devices: [], refusals: noRefusals, lastDuplicateLinkAt: null },
    ]);
    const changes: LinkedKioskInfo[] = [];
    const beats: Array<[string, number]> = [];
    r.on('change', (k) => changes.push(k));
    r.on('heartbeat', (id, at) => beats.push([id, at]));

    // The hello's name is not the kiosk's name on the dashboard: the hall's config names it (here: its id).
    r.registered('a', { name: '一号机', devices: [status('reader', 'online'), status('printer', 'offline')], startedAt: 1 });
    expect(r.get('a')).toMatchObject({ connected: true, name: 'a', registeredAt: 1000, lastHeartbeat: 1000 });
    now = 2000;
    r.deviceStatus('a', status('printer', 'online'));
    expect(r.get('a')!.devices.map((d) => d.state)).toEqual(['online', 'online']);
    now = 3000;
    r.heartbeat('a');
    expect(beats).toEqual([['a', 3000]]);
    r.disconnected('a');
    r.disconnected('a');
    expect(r.get('a')).toMatchObject({ connected: false, lastHeartbeat: 3000 });
    expect(changes.map((c) => c.connected)).toEqual([true, true, false]);
    // A re-registration's snapshot replaces what was known.
    r.registered('a', { devices: [status('reader', 'offline')], startedAt: 2 });
    expect(r.get('a')!.devices).toEqual([status('reader', 'offline')]);
    expect(() => r.heartbeat('zzz')).toThrow(/unknown kiosk "zzz"/);
    r.registered('b', { name: '改名了', devices: [], startedAt: 1 });
    expect(r.get('b')!.name).toBe('二号机');
  });

  it('counts refusals per kiosk and when a duplicate link was last refused', () => {
    let now = 5000;
    const r = new KioskRegistry([{ id: 'a' }, { id: 'b' }], () => now);
    r.refused('a', 'tickets');
    r.refused('a', 'tickets');
    r.refused('a', 'lookups');
    r.refused('a', 'invalid');
    now = 6000;
    r.refused('a', 'duplicateLinks');
    expect(r.get('a')).toMatchObject({ refusals: { tickets: 2, lookups: 1, invalid: 1, duplicateLinks: 1 }, lastDuplicateLinkAt: 6000 });
    expect(r.get('b')).toMatchObject({ refusals: noRefusals, lastDuplicateLinkAt: null });
  });
});

describe('config: several kiosks, one hall', () => {
  const token = 'a-kiosk-token-of-16+';
  it('accepts a kiosk linked to a hall, and a hall with its kiosks', () => {
    expect(parseConfig({ hall: { url: 'http://10.0.0.5:8080', kioskToken: token } }).hall).toEqual({ url: 'http://10.0.0.5:8080', kioskToken: token });
    expect(parseConfig({ kiosks: [{ id: 'k1', token }] }).kiosks).toEqual([{ id: 'k1', token }]);
    expect(parseConfig({}).kiosks).toEqual([]);
  });

  it('names what is wrong', () => {
    const bad = (input: unknown) => {
      try {
        parseConfig(input);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ hall: { url: 'ftp://x', kioskToken: token } })).toMatch(/hall\.url/);
    expect(bad({ hall: { url: 'http://x:1', kioskToken: 'short' } })).toMatch(/hall\.kioskToken/);
    expect(bad({ kiosks: [{ id: 'k1', token }, { id: 'k1', token: `${token}x` }] })).toMatch(/duplicate kiosk id "k1"/);
    expect(bad({ kiosks: [{ id: 'k1', token }, { id: 'k2', token }] })).toMatch(/same token as kiosks\[0\]/);
    expect(bad({ hall: { url: 'http://x:1', kioskToken: token }, kiosks: [{ id: 'k1', token }] })).toMatch(/either hall or kiosks/);
    expect(bad({ kioskLink: { ticketsPerMinute: 0 } })).toMatch(/kioskLink\.ticketsPerMinute/);
    expect(bad({ kioskLink: { lookupBurst: 0.5 } })).toMatch(/kioskLink\.lookupBurst/);
    expect(bad({ kioskLink: { liveLinkMs: 10 } })).toMatch(/kioskLink\.liveLinkMs/);
    expect(bad({ kioskLink: { ticketsPerHour: 5 } })).toMatch(/kioskLink/);
  });

  it('kiosk link limits: sane defaults, each overridable', () => {
    expect(parseConfig({}).kioskLink).toEqual({ ticketsPerMinute: 30, ticketBurst: 10, lookupsPerMinute: 120, lookupBurst: 30, liveLinkMs: 15_000 });
    expect(parseConfig({ kioskLink: { ticketsPerMinute: 6 } }).kioskLink).toMatchObject({ ticketsPerMinute: 6, ticketBurst: 10 });
  });
});
