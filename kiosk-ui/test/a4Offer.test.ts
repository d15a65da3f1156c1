// The certificate screen offers the A4 copy first only where an A4 document printer is configured.
import { describe, expect, it } from 'vitest';
import type { DeviceStatus } from '@onedoor/protocol';
import { citizenDeviceView } from '../src/kiosk/deviceNotices.ts';

const device = (kind: DeviceStatus['kind'], state: DeviceStatus['state']): DeviceStatus =>
  ({ id: kind, kind, state, detail: '', counters: {}, lastError: null, since: 0 });

describe('A4 offer', () => {
  it('a configured docprinter (any state but noDevice, so paper out still offers A4 and the job waits) -> a4Configured', () => {
    for (const state of ['online', 'userError', 'offline'] as const) {
      expect(citizenDeviceView([device('printer', 'online'), device('docprinter', state)], 'connected').a4Configured).toBe(true);
    }
  });
  it('no docprinter, or one not driven -> the slip only', () => {
    expect(citizenDeviceView([device('printer', 'online')], 'connected').a4Configured).toBeUndefined();
    expect(citizenDeviceView([device('printer', 'online'), device('docprinter', 'noDevice')], 'connected').a4Configured).toBeUndefined();
  });
});
