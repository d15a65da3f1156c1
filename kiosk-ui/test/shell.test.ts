import { describe, expect, it } from 'vitest';
import { ROUTE_MODULES, ROUTE_NAMES, routeForPath } from '../src/app/routeModules.ts';
import { kioskConfigFromSearch } from '../src/kiosk/kioskConfig.ts';
import { DEFAULT_INACTIVITY } from '../src/kiosk/inactivity.ts';
import { applyDeviceStatus } from '../src/net/deviceList.ts';
import type { DeviceStatus } from '@onedoor/protocol';

describe('routes', () => {
  it('maps the bridge SPA paths to routes and everything else to not found', () => {
    expect(routeForPath('/')).toBe('kiosk');
    expect(routeForPath('/index.html')).toBe('kiosk');
    expect(routeForPath('/display')).toBe('display');
    expect(routeForPath('/hall/queues')).toBe('hall');
    expect(routeForPath('/tech')).toBe('tech');
    expect(routeForPath('/verify/')).toBe('verify');
    expect(routeForPath('/kiosk')).toBeNull();
    expect(routeForPath('/admin')).toBeNull();
  });

  it('has one lazily loaded module per route', () => {
    expect(Object.keys(ROUTE_MODULES).sort()).toEqual([...ROUTE_NAMES].sort());
    expect(new Set(Object.values(ROUTE_MODULES)).size).toBe(ROUTE_NAMES.length);
  });
});

describe('kiosk config from the URL', () => {
  it('defaults to the hall rules', () => {
    expect(kioskConfigFromSearch('')).toEqual({
      config: { inactivity: DEFAULT_INACTIVITY, lang: 'zh', elderly: false, voice: true },
      problems: [],
    });
  });

  it('reads short timeouts for tests and the other switches', () => {
    const { config, problems } = kioskConfigFromSearch('?idleMs=3000&warnMs=1500&lang=en&elderly=1&voice=0');
    expect(problems).toEqual([]);
    expect(config).toEqual({
      inactivity: { timeoutMs: 3000, warnBeforeMs: 1500, maxExtensions: DEFAULT_INACTIVITY.maxExtensions },
      lang: 'en',
      elderly: true,
      voice: false,
    });
  });

  it('falls back to the defaults on bad values and says why', () => {
    const { config, problems } = kioskConfigFromSearch('?idleMs=abc&maxExtensions=3&lang=fr');
    expect(config.inactivity).toEqual(DEFAULT_INACTIVITY);
    expect(config.lang).toBe('zh');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/timeoutMs/);
    expect(problems[1]).toMatch(/lang/);
  });
});

describe('device list', () => {
  const status = (id: string, state: DeviceStatus['state']): DeviceStatus => ({
    id,
    kind: 'printer',
    state,
    detail: '',
    counters: {},
    lastError: null,
    since: 0,
  });

  it('replaces a device by id and appends unknown ones without mutating the input', () => {
    const before = [status('p1', 'online'), status('p2', 'online')];
    const after = applyDeviceStatus(before, status('p2', 'offline'));
    expect(after.map((d) => d.state)).toEqual(['online', 'offline']);
    expect(before[1].state).toBe('online');
    expect(applyDeviceStatus(null, status('p3', 'busy')).map((d) => d.id)).toEqual(['p3']);
  });
});
