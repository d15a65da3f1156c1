import { describe, expect, it } from 'vitest';
import type { DeviceStatus } from '@onedoor/protocol';
import { NOTICE_TEXT, citizenDeviceView } from '../src/kiosk/deviceNotices.ts';

function device(kind: DeviceStatus['kind'], state: DeviceStatus['state'], extra: Partial<DeviceStatus> = {}): DeviceStatus {
  return {
    id: `${kind}-${state}-${extra.paper ?? ''}`,
    kind,
    state,
    detail: 'technical detail for staff: SAM 0x31 self-test',
    counters: {},
    lastError: null,
    since: 0,
    ...extra,
  };
}

const healthy = [device('idreader', 'online'), device('printer', 'online', { paper: 'full' }), device('counterbus', 'online')];
const ids = (devices: DeviceStatus[] | null, connection: 'connected' | 'connecting' | 'disconnected' = 'connected') =>
  citizenDeviceView(devices, connection).notices.map((n) => n.id);

describe('device status -> citizen notices (device trouble handled for the citizen)', () => {
  it('says nothing when everything works', () => {
    const view = citizenDeviceView(healthy, 'connected');
    expect(view).toEqual({ readerUsable: true, printerUsable: true, hallServicesAvailable: true, notices: [] });
  });

  it.each(['offline', 'hardwareError', 'noDevice'] as const)('reader %s -> ask to call staff', (state) => {
    const view = citizenDeviceView([device('idreader', state), healthy[1]], 'connected');
    expect(view.readerUsable).toBe(false);
    expect(view.notices).toEqual([
      { id: 'reader-unavailable', source: 'reader', level: 'stop', text: NOTICE_TEXT.readerUnavailable },
    ]);
    expect(view.notices[0].text.zh).toBe('读卡器暂时无法使用，请联系工作人员');
  });

  it('a snapshot without any reader is treated as a reader fault', () => {
    expect(ids([healthy[1]])).toEqual(['reader-unavailable']);
  });

  it('reader asking for the card again stays usable and says what to do', () => {
    const view = citizenDeviceView([device('idreader', 'userError'), healthy[1]], 'connected');
    expect(view.readerUsable).toBe(true);
    expect(view.notices[0].text.zh).toBe('请取走身份证后重新放置');
  });

  it('printer out of paper -> the slip will be on screen (paper out wins over any state)', () => {
    for (const state of ['online', 'userError', 'busy'] as const) {
      const view = citizenDeviceView([healthy[0], device('printer', state, { paper: 'out' })], 'connected');
      expect(view.printerUsable).toBe(false);
      expect(view.notices.map((n) => n.text.zh)).toEqual(['打印机缺纸，凭条将显示在屏幕上']);
    }
  });

  it('printer low on paper still prints and bothers no citizen', () => {
    expect(ids([healthy[0], device('printer', 'online', { paper: 'low' })])).toEqual([]);
  });

  it('printer cover open / offline -> slip on screen', () => {
    expect(ids([healthy[0], device('printer', 'userError', { paper: 'full' })])).toEqual(['printer-paused']);
    expect(ids([healthy[0], device('printer', 'offline')])).toEqual(['printer-unavailable']);
  });

  it('with two readers the kiosk is as good as the better one', () => {
    expect(ids([device('idreader', 'offline'), device('idreader', 'online'), healthy[1]])).toEqual([]);
  });

  it('never shows technical detail to citizens', () => {
    const texts = citizenDeviceView([device('idreader', 'hardwareError'), device('printer', 'offline')], 'connected')
      .notices.flatMap((n) => [n.text.zh, n.text.en]);
    expect(texts.join(' ')).not.toMatch(/SAM|0x31|detail/);
  });

  it('link down -> hall functions paused, last device states kept', () => {
    const view = citizenDeviceView(healthy, 'disconnected');
    expect(view.hallServicesAvailable).toBe(false);
    expect(view.readerUsable).toBe(true);
    expect(view.notices.map((n) => n.id)).toEqual(['link-down']);
    expect(view.notices[0].text.zh).toContain('暂停服务');
  });

  it('before the first snapshot nothing is claimed usable and no device notice is invented', () => {
    expect(citizenDeviceView(null, 'connecting')).toEqual({
      readerUsable: false,
      printerUsable: false,
      hallServicesAvailable: false,
      notices: [],
    });
  });
});
