// Config schema (in-process): defaults, per-kind baud, relative paths, field-named errors.
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_ALLOWED_ORIGINS, fieldPath, parseConfig } from '../src/config/index.ts';

const problemsOf = (input: unknown): string[] => {
  try {
    parseConfig(input, '/etc/onedoor');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('bridge config', () => {
  it('fills defaults, the baud of each kind from its spec, and resolves paths against the config folder', () => {
    const c = parseConfig(
      {
        dataDir: 'state',
        devices: [
          { id: 'reader', kind: 'idreader', path: '/dev/ttyUSB0' },
          { id: 'bus', kind: 'counterbus', path: 'tcp://10.0.0.9:4001' },
          { id: 'printer', kind: 'printer', path: '/dev/serial/by-id/usb-x', baud: 38400, options: { paperWidth: 80 } },
        ],
      },
      '/etc/onedoor',
    );
    expect(c.http).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(c.dataDir).toBe('/etc/onedoor/state');
    expect(c.allowedOrigins).toEqual(DEFAULT_ALLOWED_ORIGINS);
    expect(c.devices.map((d) => [d.id, d.baud, d.enabled])).toEqual([
      ['reader', 115200, true],
      ['bus', 9600, true],
      ['printer', 38400, true],
    ]);
    expect(c.devices[2].options).toEqual({ paperWidth: 80 });
    expect(c.options).toMatchObject({ defaultCommandTimeoutMs: 10000, reconnect: { minDelayMs: 100, maxDelayMs: 1000 } });
    // A parsed config parses to itself (startBridge accepts either).
    expect(parseConfig(c, '/elsewhere')).toEqual(c);
  });

  it('names every bad field', () => {
    expect(
      problemsOf({
        http: { port: 70000 },
        allowedOrigins: ['evil'],
        devices: [
          { id: 'a', kind: 'scanner', path: '/dev/x' },
          { id: 'b', kind: 'printer', path: 'ttyS0' },
          { id: 'b', kind: 'printer', path: '/dev/y', colour: 'red' },
        ],
        tokens: { tech: 'short' },
      }),
    ).toEqual([
      'http.port: Too big: expected number to be <=65535',
      'allowedOrigins[0]: must be an origin like http://host:port (port may be *)',
      'tokens.tech: Too small: expected string to have >=16 characters',
      'devices[0].kind: Invalid option: expected one of "idreader"|"printer"|"counterbus"|"qrscanner"|"docprinter"',
      'devices[1].path: must be a device path (/dev/ttyUSB0, /dev/serial/by-id/..., a PTY path), tcp://host:port or (document printer) ipp://host:631/ipp/print',
      'devices[2].colour: unknown field',
    ]);
    expect(problemsOf({ devices: [{ id: 'x', kind: 'printer', path: '/a' }, { id: 'x', kind: 'printer', path: '/b' }] })).toEqual([
      'devices[1].id: duplicate device id "x" (also devices[0])',
    ]);
    expect(problemsOf([])).toEqual(['(config): Invalid input: expected object, received array']);
    expect(fieldPath(['devices', 3, 'options', 'x'])).toBe('devices[3].options.x');
  });

  it('a QR scanner: 9600 baud by default (qr-scanner.md), its options checked at load naming the field', () => {
    const c = parseConfig({ devices: [{ id: 'scanner', kind: 'qrscanner', path: '/dev/ttyUSB2', options: { suffix: 'crlf' } }] }, '/etc/onedoor');
    expect(c.devices[0]).toMatchObject({ kind: 'qrscanner', baud: 9600, options: { suffix: 'crlf' } });
    expect(problemsOf({
      devices: [{ id: 'scanner', kind: 'qrscanner', path: '/dev/ttyUSB2', options: { suffix: 'tab', registers: { mode: 70000 }, colour: 1 } }],
    })).toEqual([
      'devices[0].options.suffix: Invalid option: expected one of "none"|"cr"|"crlf"',
      'devices[0].options.registers.mode: Too big: expected number to be <=65535',
      'devices[0].options.colour: unknown field',
    ]);
  });

  it('takes the hall store: sqlite by default, or a PostgreSQL URL with an optional schema; names a bad one', () => {
    expect(parseConfig({}, '/etc/onedoor').store).toBe('sqlite');
    const url = 'postgres://onedoor:secret@db.district.local:5432/halls?schema=hall_panyu';
    expect(parseConfig({ store: url }, '/etc/onedoor').store).toBe(url);
    expect(parseConfig({ store: 'postgresql://127.0.0.1/test' }, '/etc/onedoor').store).toBe('postgresql://127.0.0.1/test');
    expect(problemsOf({ store: 'mysql://db/halls' })).toEqual([
      'store: must be "sqlite" or a PostgreSQL URL like postgres://user@host:5432/database?schema=hall',
    ]);
    expect(problemsOf({ store: 'postgres://db/halls?schema=Hall-1' })).toEqual([
      'store: schema "Hall-1" must be a lower-case identifier (letters, digits, _)',
    ]);
    expect(problemsOf({ store: 'postgres:///halls' })).toEqual(['store: must name the PostgreSQL host (postgres://user@host:5432/database)']);
    expect(problemsOf({ store: 'postgres://db/halls', hall: { url: 'http://10.0.0.5:8080', kioskToken: 'k'.repeat(16) } })).toEqual([
      'store: a kiosk linked to a hall (hall.url) keeps no hall data: set either hall or store',
    ]);
  });
});
