/**
 * Packaging (README "Installing a kiosk PC", "Installing a hall server"): `npm run build` compiles the bridge and
 * the protocol to JavaScript, deploy/install.sh lays the program, units, udev rules and config out in a clean
 * folder (DESTDIR, no root effects), and the installed bridge runs with plain node (no tsx, no dev dependencies
 * reachable) on the demo's devices simulated on PTYs: health, kiosk page, devices online, readiness probe. The
 * units pass `systemd-analyze verify` against that folder as root.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_DIST, PROTOCOL_DIST, UI_DIST, compileServer } from '../../scripts/build.ts';
import { ensureUiBuilt } from '../../scripts/launcher/uiBuild.ts';
import { deployedNodeFlags, spawnBridge, startDemoSimulators, REPO_ROOT, type DemoSimulators } from './bridge-process-rig.ts';

const INSTALL = join(REPO_ROOT, 'deploy/install.sh');
const HEALTH = join(REPO_ROOT, 'deploy/onedoor-health');
const PREFIX = '/opt/onedoor';
const UNITS = ['onedoor-bridge.service', 'onedoor-bridge-watchdog.service', 'onedoor-bridge-watchdog.timer', 'onedoor-kiosk-screen.service'];
const DEV_ONLY = ['tsx', 'typescript', 'vitest', 'vite', 'esbuild', 'playwright-core', 'fast-check', '@types/express'];

/** The environment of a plain `node` run: no loader or option inherited from the test runner. */
function plainEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

function install(destdir: string, ...args: string[]) {
  return spawnSync('bash', [INSTALL, ...args], { env: { ...plainEnv(), DESTDIR: destdir }, encoding: 'utf8', timeout: 120_000 });
}

function listJs(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js') && !f.split('/').includes('node_modules'))
    .map((f) => join(dir, f));
}

let work: string;
let dest: string;
let sims: DemoSimulators;
let installOutput: ReturnType<typeof install>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'od-packaging-'));
  dest = join(work, 'root');
  // What `npm run build` does: the compiled server (always fresh here, so no earlier build can make this pass)
  // and the UI (built when older than its sources, as the launcher does).
  compileServer();
  await ensureUiBuilt(UI_DIST);
  sims = await startDemoSimulators();
  installOutput = install(dest, '--role', 'kiosk', '--config', sims.configFile, '--no-apt');
}, 600_000);

afterAll(async () => {
  await sims?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('npm run build', () => {
  it('compiles protocol and bridge to JavaScript whose relative imports name .js files', () => {
    expect(existsSync(join(BRIDGE_DIST, 'main.js'))).toBe(true);
    expect(existsSync(join(PROTOCOL_DIST, 'index.js'))).toBe(true);
    const tsImport = /(?:from\s*|import\s*\(?\s*)["']\.{1,2}\/[^"']*\.tsx?["']/;
    const code = (f: string) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l));
    const offenders = [...listJs(BRIDGE_DIST), ...listJs(PROTOCOL_DIST)].flatMap((f) => code(f).filter((l) => tsImport.test(l)).map((l) => `${f}: ${l}`));
    expect(offenders).toEqual([]);
    // The check sees imports: the compiled entry point has relative .js ones.
    expect(code(join(BRIDGE_DIST, 'main.js')).filter((l) => /from "\.\/api\/index\.js"/.test(l))).toHaveLength(1);
  });

  it('links the compiled protocol (exports to .js) where only the compiled bridge resolves it', () => {
    const pkg = JSON.parse(readFileSync(join(BRIDGE_DIST, 'node_modules/@onedoor/protocol/package.json'), 'utf8'));
    expect(pkg.exports).toEqual({ '.': './index.js', './node': './node.js' });
    // The workspace package itself still exports its sources (tsx, vitest, Vite and tsc resolve those).
    expect(JSON.parse(readFileSync(join(REPO_ROOT, 'protocol/package.json'), 'utf8')).exports['.']).toBe('./src/index.ts');
  });

  it('lists the run-time packages without dev dependencies', () => {
    const listed = readFileSync(join(BRIDGE_DIST, 'production-modules.txt'), 'utf8').trim().split('\n');
    for (const dep of ['express', 'socket.io', 'socket.io-client', 'better-sqlite3', 'serialport', 'pino', 'zod', 'helmet', 'iconv-lite']) {
      expect(listed).toContain(`node_modules/${dep}`);
    }
    for (const dev of DEV_ONLY) expect(listed).not.toContain(`node_modules/${dev}`);
  });
});

describe('deploy/install.sh into a clean DESTDIR', () => {
  it('succeeds without root effects', () => {
    expect(installOutput.stderr).toBe('');
    expect(installOutput.status).toBe(0);
    expect(installOutput.stdout).toMatch(/staging into .*no packages, users, systemctl or udevadm/);
  });

  it('lays out the program with the run-time packages only', () => {
    const opt = join(dest, PREFIX);
    for (const f of [
      'device-bridge/dist/main.js',
      'device-bridge/bin/device-bridge.js',
      'device-bridge/package.json',
      'protocol/dist/index.js',
      'kiosk-ui/dist/index.html',
      'bin/onedoor-health',
      'deploy/install.sh',
      'deploy/README.md',
      'node_modules/express/package.json',
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/socket.io-client/package.json',
    ]) {
      expect(existsSync(join(opt, f)), f).toBe(true);
    }
    for (const dev of DEV_ONLY) expect(existsSync(join(opt, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(opt, 'device-bridge/src'))).toBe(false);
    expect(existsSync(join(opt, 'simulators'))).toBe(false);
  });

  it('writes units, PAM session, udev rules and config for the prefix', () => {
    for (const u of UNITS) {
      const text = readFileSync(join(dest, 'etc/systemd/system', u), 'utf8');
      expect(text, u).not.toMatch(/@[A-Z]+@/);
    }
    const bridge = readFileSync(join(dest, 'etc/systemd/system/onedoor-bridge.service'), 'utf8');
    expect(bridge).toMatch(new RegExp(`^ExecStart=${process.execPath} .*${PREFIX}/device-bridge/dist/main\\.js --config `, 'm'));
    // A kiosk PC's V8 options (deploy/node-flags), the ones the start-RSS bench measures.
    expect(bridge).toContain(`ExecStart=${process.execPath} ${deployedNodeFlags('kiosk').join(' ')} ${PREFIX}/device-bridge/dist/main.js`);
    expect(deployedNodeFlags('kiosk')).toContain('--optimize-for-size');
    expect(bridge).toContain(`ExecStartPost=${PREFIX}/bin/onedoor-health wait `);
    expect(existsSync(join(dest, 'etc/pam.d/onedoor-kiosk-screen'))).toBe(true);
    expect(readFileSync(join(dest, 'etc/udev/rules.d/99-onedoor.rules'), 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'deploy/99-onedoor.rules'), 'utf8'));
    expect(readFileSync(join(dest, 'etc/onedoor/site.json'), 'utf8')).toBe(readFileSync(sims.configFile, 'utf8'));
    expect(existsSync(join(dest, 'etc/onedoor/onedoor.env'))).toBe(true);
  });

  it('keeps a technician-edited udev rules file on a re-install, and writes a hall server without the kiosk screen', () => {
    const again = join(work, 'again');
    const rules = join(again, 'etc/udev/rules.d/99-onedoor.rules');
    mkdirSync(dirname(rules), { recursive: true });
    writeFileSync(rules, '# edited on site\n');
    const r = install(again, '--role', 'hall', '--prefix', '/srv/onedoor', '--no-apt');
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(rules, 'utf8')).toBe('# edited on site\n');
    expect(existsSync(`${rules}.dist`)).toBe(true);
    expect(existsSync(join(again, 'etc/systemd/system/onedoor-kiosk-screen.service'))).toBe(false);
    // A hall server runs on V8's defaults (deploy/node-flags: the kiosk's options made its storms 3-4 times as long).
    expect(deployedNodeFlags('hall')).toEqual([]);
    expect(readFileSync(join(again, 'etc/systemd/system/onedoor-bridge.service'), 'utf8'))
      .toContain(`ExecStart=${process.execPath} /srv/onedoor/device-bridge/dist/main.js --config `);
    expect(existsSync(join(again, 'srv/onedoor/device-bridge/dist/main.js'))).toBe(true);
  });

  it('installs again from the staged tree itself (a release copied to another PC), without the checkout', () => {
    const staged = join(dest, PREFIX, 'deploy/install.sh');
    const other = join(work, 'other');
    const r = spawnSync('bash', [staged, '--role', 'hall', '--no-apt'], { env: { ...plainEnv(), DESTDIR: other }, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    for (const f of ['device-bridge/dist/main.js', 'node_modules/better-sqlite3/package.json', 'kiosk-ui/dist/index.html', 'bin/onedoor-health']) {
      expect(existsSync(join(other, PREFIX, f)), f).toBe(true);
    }
    expect(existsSync(join(other, 'etc/systemd/system/onedoor-bridge.service'))).toBe(true);
  });

  it('refuses a bad role, a relative prefix and an unknown option, naming them', () => {
    const none = join(work, 'none');
    expect(install(none, '--role', 'tv').stderr).toMatch(/--role must be kiosk or hall, not 'tv'/);
    expect(install(none, '--prefix', 'opt/onedoor').stderr).toMatch(/--prefix must be an absolute path/);
    const r = install(none, '--frobnicate');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unknown option --frobnicate/);
  });

  it('scripts pass bash -n', () => {
    for (const f of [INSTALL, HEALTH]) expect(spawnSync('bash', ['-n', f]).status, f).toBe(0);
  });
});

describe('the installed bridge under plain node', () => {
  it('serves /api/health and the kiosk page, with every demo device online, and stops cleanly', async () => {
    const main = join(dest, PREFIX, 'device-bridge/dist/main.js');
    const bridge = spawnBridge([...deployedNodeFlags(), main, '--config', join(dest, 'etc/onedoor/site.json')], plainEnv());
    try {
      const url = await bridge.started(90_000);
      const health = (await (await fetch(`${url}/api/health`)).json()) as { ok: boolean; devices: Record<string, string> };
      expect(health).toMatchObject({ ok: true, devices: { idreader: 'online', printer: 'online', counterbus: 'online' } });
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toMatch(/<html lang="zh-CN">/);
      // The page's script is the installed build's (kiosk-ui/dist under the prefix), and it is served.
      const script = /<script[^>]+src="([^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeTruthy();
      expect((await fetch(`${url}${script}`)).status).toBe(200);
      // The readiness probe of the unit (ExecStartPost) accepts it; a closed port fails within its limit.
      const probe = spawnSync(join(dest, PREFIX, 'bin/onedoor-health'), ['wait', `${url}/api/health`, '20'], { encoding: 'utf8' });
      expect(probe.status, probe.stderr).toBe(0);
    } finally {
      expect(await bridge.stop()).toBe(0);
    }
    const closed = spawnSync(join(dest, PREFIX, 'bin/onedoor-health'), ['wait', 'http://127.0.0.1:9/api/health', '2'], { encoding: 'utf8' });
    expect(closed.status).toBe(1);
    expect(closed.stderr).toMatch(/did not answer within 2 s/);
  }, 180_000);

  it('the installed bin runs the compiled build (no tsx there): usage and exit 2 without --config', () => {
    const r = spawnSync(process.execPath, [join(dest, PREFIX, 'device-bridge/bin/device-bridge.js')], { env: plainEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toContain('usage: device-bridge --config <file.json>');
    expect(r.status).toBe(2);
  }, 90_000);
});

describe('systemd-analyze verify', () => {
  let root: string;
  /**
   * The staged folder as a root for `--root`: the host's system units (targets the units order against), and
   * stand-ins for the programs ExecStart= names outside the prefix (node, cage: the kiosk PC's packages).
   */
  beforeAll(() => {
    root = dest;
    mkdirSync(join(root, 'usr/lib/systemd'), { recursive: true });
    const cp = spawnSync('cp', ['-a', '/usr/lib/systemd/system', join(root, 'usr/lib/systemd/')], { encoding: 'utf8' });
    expect(cp.status, cp.stderr).toBe(0);
    for (const exe of [process.execPath, '/usr/bin/cage']) {
      const at = join(root, exe);
      mkdirSync(dirname(at), { recursive: true });
      writeFileSync(at, '#!/bin/sh\n', { mode: 0o755 });
    }
  });

  it('passes for every installed unit', () => {
    expect(spawnSync('systemd-analyze', ['--version']).status, 'systemd-analyze is needed (Debian package systemd)').toBe(0);
    const r = spawnSync('systemd-analyze', ['verify', `--root=${root}`, '--man=no', ...UNITS], { encoding: 'utf8' });
    expect(r.stderr.split('\n').filter((l) => l.includes('onedoor'))).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('fails on a broken unit (so a pass above means something)', () => {
    const broken = join(root, 'etc/systemd/system/onedoor-broken.service');
    writeFileSync(broken, '[Service]\nExecStart=/opt/onedoor/bin/not-there\n');
    const r = spawnSync('systemd-analyze', ['verify', `--root=${root}`, '--man=no', 'onedoor-broken.service'], { encoding: 'utf8' });
    rmSync(broken);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/onedoor-broken\.service: Command \/opt\/onedoor\/bin\/not-there is not executable/);
  });
});

describe('deploy/99-onedoor.rules', () => {
  it('names each device under /dev/onedoor-*, group dialout, mode 0660, by USB vendor and product id', () => {
    const rules = readFileSync(join(REPO_ROOT, 'deploy/99-onedoor.rules'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    const names = rules.map((l) => /SYMLINK\+="([^"]+)"/.exec(l)?.[1]);
    expect(names).toEqual(['onedoor-idreader', 'onedoor-printer', 'onedoor-counterbus']);
    for (const l of rules) {
      // udev's syntax: comma-separated KEY op "value" pairs.
      for (const pair of l.split(/,\s*/)) expect(pair, l).toMatch(/^[A-Z]+(\{[a-zA-Z_]+\})?(==|!=|\+=|=|:=)"[^"]*"$/);
      expect(l).toMatch(/SUBSYSTEM=="tty"/);
      expect(l).toMatch(/ATTRS\{idVendor\}=="[0-9a-f]{4}"/);
      expect(l).toMatch(/ATTRS\{idProduct\}=="[0-9a-f]{4}"/);
      expect(l).toMatch(/GROUP="dialout"/);
      expect(l).toMatch(/MODE="0660"/);
    }
  });
});
