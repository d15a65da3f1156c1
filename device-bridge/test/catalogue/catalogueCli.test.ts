/**
 * The catalogue command (README "Loading the catalogue") and what the bridge does with a loaded catalogue: exit
 * codes, problems printed as file:line: field, the dry run, `--config` checks (hall id, counter terminals), and the
 * hall bridge calling at the catalogue's windows.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogueCli } from '../../src/catalogue/cli.ts';
import { startBridge, silentLogger } from '../../src/index.ts';
import { openSqliteHallStore } from '../../src/store/hallSqlite.ts';
import { filledInExample } from '../config/exampleConfigs.ts';
import { postgresBackend } from '../store/backends.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const examples = join(repo, 'config/examples');
const dir = mkdtempSync(join(tmpdir(), 'od-catcli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await catalogueCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

/** The hall example config, filled in, with its data dir in the temp folder. */
async function hallConfig(): Promise<{ file: string; dataDir: string }> {
  const dataDir = join(dir, `hall-data-${++n}`);
  return { file: await filledInExample('hall', dir, { dataDir }), dataDir };
}

/**
 * The hall of the example config (site.hallId): `--config` loads into that hall's rows of the database; `--data-dir`
 * alone into the default hall's.
 */
const EXAMPLE_HALL = 'GZ-TH-01';

async function countServices(dataDir: string, hallId?: string): Promise<number> {
  const s = openSqliteHallStore(join(dataDir, 'hall.sqlite'), { hallId });
  try {
    return (await s.listServiceItems()).length;
  } finally {
    await s.close();
  }
}

describe('npm run catalogue -- load', () => {
  it('refuses a bad command line with the usage (exit 2)', async () => {
    for (const argv of [[], ['import'], ['load', 'x.json'], ['load', '--data-dir', dir], ['load', '--data-dir', dir, '--config', 'c.json', 'x.json'], ['load', '--dry', '--data-dir', dir, 'x.json']]) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toContain('usage: npm run catalogue -- load');
    }
  });

  it('dry run prints the changes and applies nothing; the load applies; a refused load prints file:line: field and exits 2', async () => {
    const dataDir = join(dir, 'plain');
    const dry = await cli('load', '--data-dir', dataDir, '--dry-run', join(examples, 'catalogue/catalogue.json'));
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('dry run: nothing applied');
    expect(dry.out).toContain('services: 56 added, 0 changed, 0 unchanged');
    expect(dry.out).toContain('+ services D01-01 企业投资项目备案');
    expect(await countServices(dataDir)).toBe(0);

    const load = await cli('load', '--data-dir', dataDir, join(examples, 'catalogue/catalogue.json'));
    expect(load.code).toBe(0);
    expect(load.out).toContain('catalogue loaded in one transaction from 1 file');
    expect(await countServices(dataDir)).toBe(56);

    const bad = write('services.csv', 'code,department,name,category,timeLimitDays,slotCapacity\nD01-01,D01,企业投资项目备案,D,3,0\nZZ-01,D99,x,A,3,1\n');
    const refused = await cli('load', '--data-dir', dataDir, bad);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('nothing applied (2 problems)');
    expect(refused.err).toContain(`${bad}:2: slotCapacity: must be 1-1000 citizens per 30-minute slot`);
    expect(refused.err).toContain(`${bad}:3: department: unknown department "D99"`);
    expect(await countServices(dataDir)).toBe(56);
  });

  it('--config: the config\'s data dir; windows must be the config\'s counter terminals; a catalogue for another hall is refused', async () => {
    const { file, dataDir } = await hallConfig();
    const ok = await cli('load', '--config', file, join(examples, 'catalogue/catalogue.json'), join(examples, 'catalogue/windows.csv'));
    expect(ok.code).toBe(0);
    expect(await countServices(dataDir, EXAMPLE_HALL)).toBe(56);

    const wrongUnit = write('windows-9.csv', 'window,deviceId,unit,categories\n5,counters,9,\n6,printer,1,\n');
    const r = await cli('load', '--config', file, wrongUnit);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${wrongUnit}:2: unit: counters does not poll unit 9 (its options.units: 1, 2, 3, 4)`);
    expect(r.err).toContain(`${wrongUnit}:3: deviceId: "printer" is no enabled counterbus device of the config (devices: counters)`);

    const other = write('other-hall.json', '{\n  "hallId": "SZ-FT-02",\n  "holidays": []\n}\n');
    const h = await cli('load', '--config', file, other);
    expect(h.code).toBe(2);
    expect(h.err).toContain(`${other}:2: hallId: this catalogue is for hall "SZ-FT-02", the config's site.hallId is "GZ-TH-01"`);

    const kiosk = await cli('load', '--config', await filledInExample('kiosk', dir), join(examples, 'catalogue/catalogue.json'));
    expect(kiosk.code).toBe(2);
    expect(kiosk.err).toContain('load the catalogue on the hall server');
  });

  it('--config with `store: postgres://...`: loads into that PostgreSQL schema, opened as the bridge opens it; the hall bridge calls at its windows', async () => {
    const pg = await postgresBackend.create();
    try {
      const dataDir = join(dir, `hall-pg-${++n}`);
      const file = await filledInExample('hall', dir, { dataDir, store: pg.setting });
      const dry = await cli('load', '--config', file, '--dry-run', join(examples, 'catalogue/catalogue.json'));
      expect(dry.code, dry.err).toBe(0);
      expect(dry.out).toContain('services: 56 added, 0 changed, 0 unchanged');
      const ok = await cli('load', '--config', file, join(examples, 'catalogue/catalogue.json'), join(examples, 'catalogue/windows.csv'));
      expect(ok.code, ok.err).toBe(0);
      expect(ok.out).toContain('catalogue loaded in one transaction from 2 files');
      // The rows are in PostgreSQL (no hall.sqlite was made in the data dir).
      expect((await pg.sql('SELECT count(*) AS n FROM service_items'))[0].n).toBe('56');
      expect((await pg.sql('SELECT count(*) AS n FROM catalogue_loads'))[0].n).toBe('1');
      expect(existsSync(join(dataDir, 'hall.sqlite'))).toBe(false);
      const again = await cli('load', '--config', file, join(examples, 'catalogue/catalogue.json'));
      expect(again.out).toContain('services: 0 added, 0 changed, 56 unchanged');
      const b = await startBridge({ http: { host: '127.0.0.1', port: 0 }, dataDir, store: pg.setting, site: { hallId: EXAMPLE_HALL }, options: { logLevel: 'silent' },
        devices: [{ id: 'counters', kind: 'counterbus', path: '/dev/od-no-such-port', options: { units: [1, 2, 3, 4] } }] }, { log: silentLogger() });
      try {
        expect(b.counters.workflow.config.windows.map((w) => [w.window, w.categories])).toEqual([[1, ['A']], [2, ['B']], [3, ['E', 'F', 'R']], [4, []]]);
      } finally {
        await b.close();
      }
      // An unreachable server: exit 1, the database named without its password.
      const down = await filledInExample('hall', dir, { dataDir, store: 'postgres://hall:secret-pw@127.0.0.1:1/nowhere?schema=x' });
      const r = await cli('load', '--config', down, join(examples, 'catalogue/catalogue.json'));
      expect(r.code).toBe(1);
      expect(r.err).toContain('cannot open the hall database (PostgreSQL 127.0.0.1:1/nowhere schema x)');
      expect(r.err).not.toContain('secret-pw');
    } finally {
      await pg.destroy();
    }
  });

  it('as a real process: exit 2 and the problem on stderr for a GBK file', { timeout: 120_000 }, async () => {
    const gbk = join(dir, 'holidays-gbk.csv');
    writeFileSync(gbk, Buffer.from([...Buffer.from('day,kind,name\n2026-10-01,holiday,'), 0xb9, 0xfa, 0xc7, 0xec, 0x0a]));
    const r = await new Promise<{ code: number | null; stderr: string }>((res) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'device-bridge/src/catalogue/cli.ts'), 'load', '--data-dir', join(dir, 'proc'), gbk],
        { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c) => (stderr += c));
      child.on('exit', (code) => res({ code, stderr }));
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${gbk}:2: (encoding): the file is not UTF-8: it looks like GBK`);
  });
});

describe('the hall bridge and the catalogue\'s windows', () => {
  const counters = { id: 'counters', kind: 'counterbus' as const, path: '/dev/od-no-such-port', options: { units: [1, 2, 3, 4] } };
  // The bridge of the hall the catalogue was loaded for (a bridge of another hall sees none of it).
  const site = { hallId: EXAMPLE_HALL };

  it('calls at the catalogue\'s windows when the config sets none', async () => {
    const { file, dataDir } = await hallConfig();
    expect((await cli('load', '--config', file, join(examples, 'catalogue/catalogue.json'), join(examples, 'catalogue/windows.csv'))).code).toBe(0);
    const b = await startBridge({ http: { host: '127.0.0.1', port: 0 }, dataDir, site, devices: [counters], options: { logLevel: 'silent' } }, { log: silentLogger() });
    try {
      expect(b.counters.workflow.config.windows).toEqual([
        { window: 1, deviceId: 'counters', unit: 1, categories: ['A'] },
        { window: 2, deviceId: 'counters', unit: 2, categories: ['B'] },
        { window: 3, deviceId: 'counters', unit: 3, categories: ['E', 'F', 'R'] },
        { window: 4, deviceId: 'counters', unit: 4, categories: [] },
      ]);
    } finally {
      await b.close();
    }
    // The config's own windows win.
    const own = await startBridge({ http: { host: '127.0.0.1', port: 0 }, dataDir, site, devices: [counters], options: { logLevel: 'silent' },
      counterWorkflow: { windows: [{ window: 9, deviceId: 'counters', unit: 1, categories: [] }] } }, { log: silentLogger() });
    try {
      expect(own.counters.workflow.config.windows.map((w) => w.window)).toEqual([9]);
    } finally {
      await own.close();
    }
  });

  it('refuses to start when the catalogue\'s windows name a terminal the config does not poll, saying where to fix it', async () => {
    const { file, dataDir } = await hallConfig();
    expect((await cli('load', '--config', file, join(examples, 'catalogue/catalogue.json'), join(examples, 'catalogue/windows.csv'))).code).toBe(0);
    await expect(startBridge({ http: { host: '127.0.0.1', port: 0 }, dataDir, site, devices: [{ ...counters, options: { units: [1, 2] } }], options: { logLevel: 'silent' } },
      { log: silentLogger() })).rejects.toThrow(/the catalogue's windows do not fit this config .*counters does not poll unit 3/);
  });
});
