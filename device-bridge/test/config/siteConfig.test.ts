/**
 * Site config (README "Installing"): the generated reference cannot drift from the schema, the example files load,
 * and the `site` section refuses what would print QR codes no phone opens or keep the wrong clock.
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig } from '../../src/config/index.ts';
import { fixedOffsetOf, isUnreachableHost, siteUtcOffsetMinutes } from '../../src/config/site.ts';
import { CONFIG_FIELDS, renderConfigReference, undocumentedFields } from '../../src/config/reference.ts';
import { startBridge, silentLogger } from '../../src/index.ts';
import type { DriverContext } from '../../src/devices/driver.ts';
import { DriverRegistry, NoDeviceDriver } from '../../src/devices/registry.ts';
import { EXAMPLE_FILES, filledInExample } from './exampleConfigs.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const EXAMPLES = EXAMPLE_FILES;
const dir = mkdtempSync(join(tmpdir(), 'od-site-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const problemsOf = (input: unknown): string[] => {
  try {
    parseConfig(input);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('config reference (docs/config-reference.md)', () => {
  it('is what `npm run config:docs` generates from the schema now (run it after changing the schema)', () => {
    expect(readFileSync(join(repo, 'docs/config-reference.md'), 'utf8')).toBe(renderConfigReference());
  });

  it('describes every field, device options included', () => {
    expect(undocumentedFields()).toEqual([]);
    const paths = CONFIG_FIELDS().map((f) => f.path);
    for (const p of ['site.hallId', 'site.hallName', 'site.publicUrl', 'site.timeZone', 'devices[].options', 'retention.ticketsDeletedAfterDays']) {
      expect(paths).toContain(p);
    }
    const text = renderConfigReference();
    expect(text).toContain('| `options.read` | "base" \\| "fingerprint" | `"base"`');
    expect(text).toMatch(/\| `auth.sessionIdleMs` \| integer \| `1800000` \| ms \|/);
  });
});

describe('example site configs (config/examples)', () => {
  it('parse (strict schema), and load as files once their placeholders are filled in', async () => {
    for (const f of [EXAMPLES.hall, EXAMPLES.kiosk]) expect(() => parseConfig(JSON.parse(readFileSync(f, 'utf8')))).not.toThrow();
    const hall = loadConfigFile(await filledInExample('hall', dir));
    const kiosk = loadConfigFile(await filledInExample('kiosk', dir, { hall: { ...JSON.parse(readFileSync(EXAMPLES.kiosk, 'utf8')).hall, kioskToken: hall.kiosks[0].token } }));
    expect(hall.site).toEqual({ hallId: 'GZ-TH-01', hallName: '天河区政务服务中心', publicUrl: 'http://192.168.10.5:8080', trustProxy: false, timeZone: 'Asia/Shanghai' });
    expect(kiosk.site).toEqual(hall.site);
    expect(hall.kiosks.length).toBeGreaterThan(0);
    expect(hall.hall).toBeUndefined();
    // The kiosk is linked to the hall of the hall example with one of its tokens (the same placeholder in both files).
    expect(JSON.parse(readFileSync(EXAMPLES.kiosk, 'utf8')).hall.kioskToken).toBe(JSON.parse(readFileSync(EXAMPLES.hall, 'utf8')).kiosks[0].token);
    expect(kiosk.hall).toMatchObject({ url: 'http://192.168.10.5:8080', kioskToken: hall.kiosks[0].token });
    expect(kiosk.devices.map((d) => d.kind).sort()).toEqual(['idreader', 'printer']);
  });

  it('as they are, are refused as files: every placeholder secret and the published password hash named (exit 2)', () => {
    const problemsOfFile = (f: string) => {
      try {
        loadConfigFile(f);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    expect(problemsOfFile(EXAMPLES.hall)).toEqual([
      'tokens.hall: still the example\'s placeholder; make a secret with: openssl rand -hex 24',
      'tokens.tech: still the example\'s placeholder; make a secret with: openssl rand -hex 24',
      'tokens.metrics: still the example\'s placeholder; make a secret with: openssl rand -hex 24',
      'kiosks[0].token: still the example\'s placeholder; make a secret with: openssl rand -hex 24',
      'kiosks[1].token: still the example\'s placeholder; make a secret with: openssl rand -hex 24',
      'users[0].passwordHash: the example\'s hash of a published password; make one with: npx tsx device-bridge/src/auth/hash-password.ts',
      'users[1].passwordHash: the example\'s hash of a published password; make one with: npx tsx device-bridge/src/auth/hash-password.ts',
    ]);
    expect(problemsOfFile(EXAMPLES.kiosk)).toEqual([
      'tokens.tech: still the example\'s placeholder; make a secret with: openssl rand -hex 24',
      'hall.kioskToken: still the example\'s placeholder; make a secret with: openssl rand -hex 24',
      'users[0].passwordHash: the example\'s hash of a published password; make one with: npx tsx device-bridge/src/auth/hash-password.ts',
    ]);
  });

  it('between them show every top-level section (except the demo-only ones)', () => {
    const shown = new Set([EXAMPLES.hall, EXAMPLES.kiosk].flatMap((f) => Object.keys(JSON.parse(readFileSync(f, 'utf8')) as object)));
    const all = CONFIG_FIELDS().map((f) => f.path).filter((p) => !/[.[]/.test(p));
    // uiDir: the checkout's build is the default; simulatorControlUrl: demo and tests only; instances: only with a
    // PostgreSQL store, which these one-hall examples do not use (README "Running a district" shows it).
    expect(all.filter((k) => !shown.has(k))).toEqual(['instances', 'uiDir', 'simulatorControlUrl']);
  });
});

describe('config `site`', () => {
  it('trustProxy: off by default; a hop count or proxy addresses and CIDR networks; anything else refused with the field named', () => {
    expect(parseConfig({ site: { trustProxy: 1 } }).site.trustProxy).toBe(1);
    expect(parseConfig({ site: { trustProxy: ['10.0.0.5', '10.1.0.0/16', 'fd00::/8'] } }).site.trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', 'fd00::/8']);
    for (const bad of [true, 0, 11, [], ['10.0.0.0/33'], ['proxy.local'], ['10.0.0.1/8/1'], 'loopback']) {
      expect(() => parseConfig({ site: { trustProxy: bad } }), JSON.stringify(bad)).toThrow(/site\.trustProxy/);
    }
  });

  it('defaults: hall name of the escpos.md example, China Standard Time, no public URL', () => {
    expect(parseConfig({}).site).toEqual({ hallId: 'hall', hallName: '广东省政务服务中心', trustProxy: false, timeZone: 'Asia/Shanghai' });
    expect(siteUtcOffsetMinutes({ timeZone: 'Asia/Shanghai' })).toBe(480);
  });

  it('refuses a public URL no phone can open, naming site.publicUrl', () => {
    for (const u of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://0.0.0.0:8080', 'http://[::1]:8080', 'http://[::]:8080', 'http://127.8.0.1']) {
      expect(problemsOf({ site: { publicUrl: u } }), u).toEqual([expect.stringMatching(/^site\.publicUrl: must be an address a citizen's phone can open/)]);
    }
    expect(problemsOf({ site: { publicUrl: 'ftp://hall' } })).toEqual([expect.stringMatching(/^site\.publicUrl: must be an http\(s\) URL/)]);
    expect(problemsOf({ site: { publicUrl: 'http://hall.example/q?x=1' } })).toEqual([expect.stringMatching(/^site\.publicUrl:/)]);
    expect(parseConfig({ site: { publicUrl: 'https://zwfw.example.gov.cn/hall/' } }).site.publicUrl).toBe('https://zwfw.example.gov.cn/hall');
    expect(isUnreachableHost('192.168.1.5')).toBe(false);
  });

  it('refuses an unknown zone and a zone with daylight saving; accepts fixed ones', () => {
    expect(problemsOf({ site: { timeZone: 'Mars/Olympus' } })).toEqual([expect.stringMatching(/^site\.timeZone: "Mars\/Olympus" is no IANA time zone/)]);
    expect(problemsOf({ site: { timeZone: 'Europe/Berlin' } })).toEqual([expect.stringMatching(/^site\.timeZone: .*daylight saving/)]);
    expect(fixedOffsetOf('Asia/Tokyo')).toEqual({ minutes: 540 });
    expect(fixedOffsetOf('UTC')).toEqual({ minutes: 0 });
  });

  it('names an unknown field, a wrong type and a hall name too long for the ticket', () => {
    expect(problemsOf({ site: { hallname: 'x' } })).toEqual(['site.hallname: unknown field']);
    expect(problemsOf({ site: { hallName: 42 } })).toEqual([expect.stringMatching(/^site\.hallName: /)]);
    expect(problemsOf({ site: { hallName: '广'.repeat(25) } })).toEqual([expect.stringMatching(/^site\.hallName: must be at most 24/)]);
    expect(problemsOf({ site: { hallId: 'has space' } })).toEqual([expect.stringMatching(/^site\.hallId: /)]);
  });

  it('a config FILE with a printer needs site.publicUrl (the CLI exits 2 naming it); without a printer it does not', () => {
    const printer = { id: 'printer', kind: 'printer', path: '/dev/ttyUSB0' };
    const f = join(dir, 'kiosk.json');
    writeFileSync(f, JSON.stringify({ devices: [printer] }));
    expect(() => loadConfigFile(f)).toThrow(ConfigError);
    expect(() => loadConfigFile(f)).toThrow(/site\.publicUrl: required: this bridge prints QR codes \(printer "printer"\)/);
    writeFileSync(f, JSON.stringify({ devices: [{ ...printer, enabled: false }] }));
    expect(loadConfigFile(f).site.publicUrl).toBeUndefined();
    writeFileSync(f, JSON.stringify({ devices: [printer], site: { publicUrl: 'http://10.0.0.5:8080' } }));
    expect(loadConfigFile(f).site.publicUrl).toBe('http://10.0.0.5:8080');
  });

  it('sets the hall clock: a bridge in Asia/Tokyo numbers its days by UTC+9', async () => {
    const b = await startBridge({ http: { host: '127.0.0.1', port: 0 }, dataDir: join(dir, 'tokyo'), site: { timeZone: 'Asia/Tokyo' }, options: { logLevel: 'silent' } },
      { log: silentLogger() });
    try {
      expect(b.hall.clock.utcOffsetMinutes).toBe(540);
      expect(b.hall.clock.dayOf(Date.UTC(2026, 0, 1, 15, 30))).toBe('2026-01-02');
    } finally {
      await b.close();
    }
  });

  it('hands the same zone to the drivers: the reader\'s "today" (expiry check) is the site\'s day, not China\'s', async () => {
    // A zone whose day differs from China's right now: UTC-12 is a day behind until 20:00 China time, UTC+14 a day
    // ahead from 18:00 (POSIX sign: Etc/GMT+12 is UTC-12).
    const now = Date.now();
    const chinaHour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', hourCycle: 'h23' }).format(now));
    const timeZone = chinaHour < 19 ? 'Etc/GMT+12' : 'Etc/GMT-14';
    const dayIn = (tz: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(Date.now());
    expect(dayIn(timeZone)).not.toBe(dayIn('Asia/Shanghai'));
    const contexts: DriverContext[] = [];
    const registry = new DriverRegistry();
    registry.register('idreader', (spec, ctx) => {
      contexts.push(ctx);
      return new NoDeviceDriver(spec, 'test double');
    });
    const b = await startBridge({ http: { host: '127.0.0.1', port: 0 }, dataDir: join(dir, 'zone-drivers'), site: { timeZone },
      devices: [{ id: 'reader', kind: 'idreader', path: '/dev/od-no-such-port' }], options: { logLevel: 'silent' } }, { log: silentLogger(), registry });
    try {
      expect(contexts).toHaveLength(1);
      expect(contexts[0].hallToday!()).toBe(dayIn(timeZone));
      expect(contexts[0].hallToday!()).toBe(b.hall.clock.today());
    } finally {
      await b.close();
    }
  });
});
