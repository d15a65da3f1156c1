/** `npm start` flags (scripts/launcher/options.ts): pure parsing, so a unit test without processes. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, DEFAULT_SIM_CONTROL_PORT, parseStartArgs, StartUsageError } from '../../scripts/launcher/options.ts';

describe('parseStartArgs', () => {
  it('defaults: demo mode, control API on 7310, UI built, warn logs, no port given (the bridge default)', () => {
    const o = parseStartArgs([], '/somewhere');
    expect(o).toEqual({ tcp: false, controlPort: DEFAULT_SIM_CONTROL_PORT, build: true, logLevel: 'warn', help: false });
    expect(DEFAULT_DATA_DIR).toMatch(/\/\.data$/);
  });

  it('reads every flag, in both --flag value and --flag=value forms, resolving paths against the cwd', () => {
    const o = parseStartArgs(
      ['--port', '0', '--data-dir=d', '--tcp', '--control-port', '7400', '--sim-dir', '/tmp/x', '--port-base=0', '--ui-dir', 'ui', '--no-build', '--log-level', 'info'],
      '/work/here',
    );
    expect(o).toEqual({
      port: 0,
      dataDir: '/work/here/d',
      tcp: true,
      controlPort: 7400,
      simDir: '/tmp/x',
      portBase: 0,
      uiDir: '/work/here/ui',
      build: false,
      logLevel: 'info',
      help: false,
    });
    expect(parseStartArgs(['--config', 'site.json', '--port', '9000'], '/etc/onedoor')).toMatchObject({
      configFile: '/etc/onedoor/site.json',
      port: 9000,
    });
    expect(parseStartArgs(['--help']).help).toBe(true);
  });

  it('reads --store: sqlite or a PostgreSQL URL (with --config too, overriding the file)', () => {
    expect(parseStartArgs(['--store', 'sqlite']).store).toBe('sqlite');
    const url = 'postgresql://onedoor:secret@10.0.0.7:5433/district?schema=hall_panyu';
    expect(parseStartArgs([`--store=${url}`]).store).toBe(url);
    expect(parseStartArgs(['--config', 'a.json', '--store', url], '/etc')).toMatchObject({ configFile: '/etc/a.json', store: url });
  });

  it.each([
    [['--port', '70000'], '--port must be a TCP port number 0-65535, got "70000"'],
    [['--port', '-1'], '--port must be a TCP port number 0-65535, got "-1"'],
    [['--port', '--tcp'], '--port needs a value'],
    [['--port'], '--port needs a value'],
    [['--control-port', '8x'], '--control-port must be a TCP port number 0-65535, got "8x"'],
    [['--port-base', '65534'], '--port-base must leave room for three ports (at most 65533), got 65534'],
    [['--log-level', 'loud'], '--log-level must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [['--tcp=yes'], '--tcp takes no value'],
    [['--port', '1', '--port', '2'], '--port is given twice'],
    [['--frobnicate'], 'unknown option "--frobnicate"'],
    [['--store', 'mysql://h/db'], '--store must be "sqlite" or a PostgreSQL URL like postgres://user@host:5432/database?schema=hall, got "mysql://h/db"'],
    [['--store', 'postgres://u:pw@h/db?schema=Bad-Name'], '--store schema "Bad-Name" must be a lower-case identifier (letters, digits, _), got "postgres://***@h/db?schema=Bad-Name"'],
    [['--config', 'a.json', '--sim-dir', '/tmp/s'], '--sim-dir is for the simulators; with --config no simulators are started'],
    [['--port-base', '0', '--config', 'a.json'], '--port-base is for the simulators; with --config no simulators are started'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseStartArgs(argv)).toThrow(StartUsageError);
    expect(() => parseStartArgs(argv)).toThrow(message);
  });
});
