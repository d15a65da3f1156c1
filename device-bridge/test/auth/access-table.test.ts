// The roles table itself (auth/accessTable.ts): well-formed rows, the derived staff views, the device keys, and the
// checker's answers. Both transports are checked against it in test/integration/access-matrix.test.ts.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONNECT_RULES, DEVICE_ACTION_RULES, REST_RULES, ROLES, SOCKET_EVENT_RULES, SOCKET_NAMESPACES,
  checkAccess, checkDeviceAction, checkRest, deviceActionKey, restRuleFor, staffMayAct, staffMayView,
} from '../../src/auth/accessTable.ts';

describe('roles table', () => {
  it('names only known roles, every route once, every namespace', () => {
    const all = [
      ...REST_RULES.map((r) => r.roles),
      ...Object.values(CONNECT_RULES),
      ...Object.values(SOCKET_EVENT_RULES).flatMap((rows) => Object.values(rows).map((r) => r.roles)),
      ...Object.values(DEVICE_ACTION_RULES).flatMap((rows) => Object.values(rows)),
    ];
    for (const roles of all) for (const r of roles) expect(ROLES).toContain(r);
    const keys = REST_RULES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.keys(SOCKET_EVENT_RULES).sort()).toEqual([...SOCKET_NAMESPACES].sort());
  });

  it('technician device actions only on /tech; /kiosk only the standard ticket; /hall none', () => {
    expect(Object.keys(DEVICE_ACTION_RULES['/kiosk'])).toEqual(['printer.print:ticket']);
    expect(DEVICE_ACTION_RULES['/hall']).toEqual({});
    for (const key of ['printer.print:raw', 'printer.printTestPage', 'idreader.samReset', 'counterbus.display']) {
      expect(checkDeviceAction('/tech', key, { roles: ['technician'] }).ok, key).toBe(true);
      expect(checkDeviceAction('/tech', key, { roles: ['manager'], user: 'm' }).ok, key).toBe(false);
      expect(checkDeviceAction('/hall', key, { roles: ['manager'], user: 'm' }), key).toMatchObject({ ok: false, status: 403, message: expect.stringContaining('use /tech') });
      expect(checkDeviceAction('/kiosk', key, { roles: ['kioskScreen'] }).ok, key).toBe(false);
    }
  });

  it('tells a raw print from a ticket print', () => {
    expect(deviceActionKey('printer', 'print', { ticket: { number: 'A1' } })).toBe('printer.print:ticket');
    expect(deviceActionKey('printer', 'print', { dataBase64: 'G0A=' })).toBe('printer.print:raw');
    expect(deviceActionKey('printer', 'print', { ticket: {}, recipe: [] })).toBe('printer.print:raw');
    expect(deviceActionKey('idreader', 'samReset', undefined)).toBe('idreader.samReset');
  });

  it('staff views come from the table (managers look at /tech, technicians act there; nobody acts on /hall)', () => {
    expect([staffMayView('tech', 'manager'), staffMayAct('tech', 'manager')]).toEqual([true, false]);
    expect([staffMayView('tech', 'technician'), staffMayAct('tech', 'technician')]).toEqual([true, true]);
    expect([staffMayView('hall', 'manager'), staffMayAct('hall', 'manager')]).toEqual([true, false]);
  });

  it('REST: 401 without a credential, 403 with the wrong one, null (refused) outside the table', () => {
    expect(checkRest('GET', '/api/health', { roles: ['anyone'] })).toEqual({ ok: true });
    expect(checkRest('GET', '/api/serial-ports', { roles: ['anyone'] })).toMatchObject({ ok: false, status: 401 });
    expect(checkRest('GET', '/api/serial-ports', { roles: ['manager'], user: 'm' })).toMatchObject({ ok: false, status: 403 });
    expect(checkRest('POST', '/api/tech/devices/p/actions/x', { roles: ['manager'], user: 'm' })).toMatchObject({ status: 403, message: expect.stringMatching(/may look at \/tech but not act/) });
    expect(checkRest('DELETE', '/api/health', { roles: ['technician'] })).toBeNull();
    expect(checkRest('GET', '/api/tech/devices/a/b/c', { roles: ['technician'] })).toBeNull();
    expect(restRuleFor('HEAD', '/display')?.path).toBe('/*');
    expect(checkAccess('x', null, { roles: ['technician'] })).toMatchObject({ ok: false, status: 403 });
  });

  it('the cost of these checks is measured by a bench (test/bench/validation.bench.ts, run by test/bench/run.ts)', () => {
    expect(existsSync(new URL('../../../test/bench/validation.bench.ts', import.meta.url))).toBe(true);
  });
});
