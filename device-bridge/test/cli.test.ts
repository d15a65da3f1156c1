// The CLI as a real process: bad configs exit with code 2 naming the field; a good one serves until SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const main = resolve(here, '../src/main.ts');
const repo = resolve(here, '../..');
const dir = mkdtempSync(join(tmpdir(), 'od-cli-'));
// Each run starts a fresh Node + tsx (seconds on a loaded 2-core machine); this is a generous limit, not a claim.
const SPAWN_LIMIT = { timeout: 120_000 };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], onStdout?: (text: string, kill: () => void) => void): Promise<Run> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
      onStdout?.(stdout, () => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

function configFile(name: string, content: unknown): string {
  const f = join(dir, name);
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}

describe('device-bridge CLI', () => {
  it('exits 2 and names the field when the config is invalid', SPAWN_LIMIT, async () => {
    const f = configFile('bad.json', { http: { port: 8080 }, devices: [{ id: 'reader', kind: 'idreader', path: '/dev/ttyUSB0', baud: 12345 }] });
    const r = await run(['--config', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('devices[0].baud');
    expect(r.stderr).toMatch(/must be one of/);
  });

  it('exits 2 for an unknown field, a file that is not JSON, a missing file and a missing --config', SPAWN_LIMIT, async () => {
    const [unknown, notJson, missing, noArg] = await Promise.all([
      run(['--config', configFile('unknown.json', { htpp: {} })]),
      run(['--config', configFile('broken.json', '{"devices": [')]),
      run(['--config', join(dir, 'nope.json')]),
      run([]),
    ]);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('htpp: unknown field')]);
    expect([notJson.code, notJson.stderr]).toEqual([2, expect.stringContaining('not valid JSON')]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('cannot read config file')]);
    expect([noArg.code, noArg.stderr]).toEqual([2, expect.stringContaining('usage: device-bridge --config')]);
  });

  it('starts with a good config, answers /api/health, and exits 0 on SIGTERM', SPAWN_LIMIT, async () => {
    const f = configFile('good.json', {
      http: { host: '127.0.0.1', port: 0 },
      dataDir: 'data',
      options: { logLevel: 'silent' },
      devices: [{ id: 'reader', kind: 'idreader', path: '/dev/null', enabled: false }],
    });
    let health: unknown = null;
    let asked = false;
    const r = await run(['--config', f], (out, kill) => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m || asked) return;
      asked = true;
      fetch(`${m[1]}/api/health`)
        .then((x) => x.json())
        .then((body) => (health = body))
        .finally(kill);
    });
    expect(r.code).toBe(0);
    expect(health).toMatchObject({ ok: true, devices: { reader: 'noDevice' } });
  });

  it('exits 2 naming the site field: printer without site.publicUrl, a loopback one, an unknown site field, a wrong type', SPAWN_LIMIT, async () => {
    const printer = { id: 'printer', kind: 'printer', path: '/dev/ttyUSB0' };
    const [noUrl, loopback, unknown, wrongType] = await Promise.all([
      run(['--config', configFile('no-url.json', { devices: [printer] })]),
      run(['--config', configFile('loopback.json', { devices: [printer], site: { publicUrl: 'http://127.0.0.1:8080' } })]),
      run(['--config', configFile('site-unknown.json', { site: { hallNmae: '天河区政务服务中心' } })]),
      run(['--config', configFile('site-type.json', { site: { hallName: 42 } })]),
    ]);
    expect([noUrl.code, noUrl.stderr]).toEqual([2, expect.stringContaining('site.publicUrl: required: this bridge prints QR codes (printer "printer")')]);
    expect([loopback.code, loopback.stderr]).toEqual([2, expect.stringContaining('site.publicUrl: must be an address a citizen\'s phone can open')]);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('site.hallNmae: unknown field')]);
    expect([wrongType.code, wrongType.stderr]).toEqual([2, expect.stringContaining('site.hallName:')]);
  });
});
