/**
 * `npm start` as a user runs it (scripts/start.ts in its own process; README, top): the simulators
 * on PTYs (socat) or TCP, the bridge wired to them, the printed URLs, the devices coming online
 * through the real drivers, and a clean stop on SIGTERM that leaves no socat behind. Also
 * `--config` (the bridge alone, no simulators) and the exit code 2 for a bad config or flag.
 *
 * The UI build is not part of these runs (--no-build); the full-stack e2e test builds it through the launcher.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceStatus } from '@onedoor/protocol';
import { IPPEVEPRINTER_ENV, IPPEVEPRINTER_MISSING, ippEvePrinterAvailable } from '@onedoor/simulators';
import {
  bridgeUrl,
  getJson,
  leftovers,
  postJson,
  REPO_ROOT,
  socatChildren,
  spawnLauncher,
  until,
  waitAllOnline,
  type LauncherRun,
} from './start-rig.ts';

interface SimsBody {
  sims: { id: string; kind: string; link: { kind: string; path?: string; port?: number; up: boolean } }[];
}

const KINDS = ['counterbus', 'idreader', 'printer', 'qrscanner'];
/** The bridge's devices: the simulators' plus the A4 printer (ippeveprinter, outside the hub) when it is installed. */
const BRIDGE_KINDS = ippEvePrinterAvailable() ? [...KINDS, 'docprinter'].sort() : KINDS;

const allOnline = (run: LauncherRun) => waitAllOnline<DeviceStatus>(run);

describe('npm start with simulated devices on PTYs', () => {
  let run: LauncherRun;
  beforeAll(async () => {
    run = await spawnLauncher(['--no-build']);
  }, 300_000);
  afterAll(async () => {
    await run?.cleanup();
  });

  it('prints the URL of every UI route, the simulator control API and the PTY paths', () => {
    const kiosk = run.printed.get('kiosk');
    expect(kiosk).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    for (const route of ['display', 'hall', 'tech', 'verify']) expect(run.printed.get(route)).toBe(`${kiosk}${route}`);
    expect(run.printed.get('simulators')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const kind of KINDS) expect(run.printed.get(kind)).toBe(join(run.simDir, kind));
    expect(run.printed.get('data')).toBe(join(run.dir, 'data'));
  });

  it('the bridge has the four devices online, and the control API lists the four simulators on PTYs', async () => {
    const devices = await allOnline(run);
    expect(devices.map((d) => d.kind).sort()).toEqual(BRIDGE_KINDS);
    const { sims } = await getJson<SimsBody>(`${run.printed.get('simulators')}/api/sims`);
    expect(sims.map((s) => s.kind).sort()).toEqual(KINDS);
    for (const s of sims) {
      expect(s.link.kind).toBe('pty');
      expect(s.link.path).toBe(join(run.simDir, s.kind));
      expect(s.link.up).toBe(true);
    }
    // One socat per PTY, all of this run (and the A4 printer's ippeveprinter, whose spool dir is named after it).
    expect(leftovers(run).length).toBe(BRIDGE_KINDS.length);
    expect(socatChildren(run.proc.pid!).length).toBe(KINDS.length);
  }, 120_000);

  it('a simulator action reaches the bridge: paper out on the printer sim shows in /api/devices, and back', async () => {
    await allOnline(run);
    const bridge = bridgeUrl(run);
    const control = run.printed.get('simulators')!;
    const printer = async () => (await getJson<DeviceStatus[]>(`${bridge}/api/devices`)).find((d) => d.kind === 'printer')!;
    await postJson(`${control}/api/sims/printer/actions/paper`, { state: 'out' });
    await until(async () => (await printer()).paper === 'out', 'the bridge to see the printer out of paper');
    expect((await printer()).state).not.toBe('online');
    await postJson(`${control}/api/sims/printer/actions/paper`, { state: 'ok' });
    await until(async () => {
      const p = await printer();
      return p.state === 'online' && p.paper === 'full';
    }, 'the printer back online with paper');
  }, 200_000);

  it('the printed demo technician login works, and the console reaches the simulators through the bridge', async () => {
    await allOnline(run);
    const bridge = bridgeUrl(run);
    const logins = run.stdout().split('\n').find((l) => l.trim().startsWith('logins'));
    const m = logins?.match(/technician (\S+) \/ (\S+)/);
    expect(m, 'a logins line naming the demo technician').toBeTruthy();
    const anonymous = await fetch(`${bridge}/api/tech/sims`);
    expect(anonymous.status).toBe(401);
    const login = await fetch(`${bridge}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: bridge },
      body: JSON.stringify({ name: m![1], password: m![2] }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const r = await fetch(`${bridge}/api/tech/sims`, { headers: { cookie } });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { attached: boolean; sims: { kind: string }[] };
    expect(body.attached).toBe(true);
    expect(body.sims.map((x) => x.kind).sort()).toEqual(KINDS);
  }, 120_000);

  it('SIGTERM stops everything: exit 0, no socat of this run left, the PTY paths gone', async () => {
    expect(leftovers(run).length).toBe(BRIDGE_KINDS.length);
    const { code } = await run.stop('SIGTERM');
    expect(code).toBe(0);
    expect(leftovers(run)).toEqual([]);
    for (const kind of KINDS) expect(existsSync(join(run.simDir, kind))).toBe(false);
    expect(run.stdout()).toContain('stopping');
    const bridge = run.printed.get('kiosk')!;
    await expect(fetch(bridge)).rejects.toThrow();
  }, 120_000);
});

describe('npm start -- --tcp', () => {
  let run: LauncherRun;
  beforeAll(async () => {
    run = await spawnLauncher(['--no-build', '--tcp', '--port-base', '0']);
  }, 300_000);
  afterAll(async () => {
    await run?.cleanup();
  });

  it('puts the simulators on TCP ports, the bridge reaches all four there, and SIGINT stops it with no socat', async () => {
    for (const kind of KINDS) expect(run.printed.get(kind)).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    await allOnline(run);
    const { sims } = await getJson<SimsBody>(`${run.printed.get('simulators')}/api/sims`);
    for (const s of sims) {
      expect(s.link.kind).toBe('tcp');
      expect(run.printed.get(s.kind)).toBe(`tcp://127.0.0.1:${s.link.port}`);
    }
    expect(socatChildren(run.proc.pid!)).toEqual([]);
    const { code } = await run.stop('SIGINT');
    expect(code).toBe(0);
  }, 200_000);
});

describe('npm start without ippeveprinter', () => {
  let run: LauncherRun;
  beforeAll(async () => {
    // A path that does not exist stands for a machine without cups-ipp-utils (nothing is uninstalled).
    run = await spawnLauncher(['--no-build'], { env: { [IPPEVEPRINTER_ENV]: join(tmpdir(), 'od-no-such-dir', 'ippeveprinter') } });
  }, 300_000);
  afterAll(async () => {
    await run?.cleanup();
  });

  it('says how to get the A4 printer simulator and runs the demo with the slip copy only (no docprinter)', async () => {
    expect(run.stdout()).toContain(`note: no A4 printer: ${IPPEVEPRINTER_MISSING}`);
    expect(run.stdout()).toContain('apt-get install cups-ipp-utils');
    const devices = await waitAllOnline<DeviceStatus>(run, KINDS.length);
    expect(devices.map((d) => d.kind).sort()).toEqual(KINDS);
    expect(run.stdout()).not.toContain('A4 printer simulator:');
  }, 200_000);
});

describe('npm start -- --config (real hardware, no simulators)', () => {
  let dir: string;
  let run: LauncherRun | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'od-start-config-'));
  });
  afterAll(async () => {
    await run?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the bridge alone with the config: its devices, no simulator, no socat', async () => {
    const file = join(dir, 'site.json');
    // A printer on a serial device this machine does not have: the bridge must still start, with it not online.
    // A site with a printer names the public URL of its QR codes (README "Installing", site config).
    writeFileSync(file, JSON.stringify({ site: { publicUrl: 'http://192.168.10.5:8080' }, devices: [{ id: 'ticketPrinter', kind: 'printer', path: '/dev/ttyONEDOOR-ABSENT' }] }));
    run = await spawnLauncher(['--no-build', '--config', file], { isolation: 'bridge' });
    expect(run.stdout()).toContain('devices from the config file');
    expect(run.printed.has('simulators')).toBe(false);
    expect(run.printed.get('ticketPrinter')).toBe('/dev/ttyONEDOOR-ABSENT');
    expect(run.printed.get('data')).toBe(join(run.dir, 'data'));
    const bridge = bridgeUrl(run);
    const devices = await getJson<DeviceStatus[]>(`${bridge}/api/devices`);
    expect(devices.map((d) => [d.id, d.kind])).toEqual([['ticketPrinter', 'printer']]);
    expect(devices[0].state).not.toBe('online');
    expect(socatChildren(run.proc.pid!)).toEqual([]);
    expect((await run.stop()).code).toBe(0);
  }, 200_000);

  it('a bad config exits with code 2 and names the field', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ devices: [{ id: 'p', kind: 'printer', path: '/dev/ttyUSB0', baud: 12345 }] }));
    const r = await spawnLauncher(['--config', file], { isolation: 'bridge', waitReady: false });
    try {
      expect((await r.exited).code).toBe(2);
      expect(r.stderr()).toMatch(/devices\[0\]\.baud: must be one of/);
      expect(r.stdout()).not.toContain('OneDoor is running');
    } finally {
      await r.cleanup();
    }
  }, 120_000);

  it('the device-bridge CLI shim (device-bridge/bin) runs the bridge CLI: a bad config exits with code 2 naming the field', async () => {
    const file = join(dir, 'bad-for-shim.json');
    writeFileSync(file, JSON.stringify({ http: { port: 'eighty' } }));
    const shim = spawn(process.execPath, [join(REPO_ROOT, 'device-bridge/bin/device-bridge.js'), '--config', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    shim.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    const code = await new Promise<number | null>((res) => shim.once('exit', (c) => res(c)));
    expect(code).toBe(2);
    expect(err).toMatch(/http\.port: /);
  }, 120_000);

  it('a bad flag exits with code 2 and names it; simulator flags are refused with --config', async () => {
    const r1 = await spawnLauncher(['--port', 'eighty'], { isolation: 'none', waitReady: false });
    expect((await r1.exited).code).toBe(2);
    expect(r1.stderr()).toContain('--port must be a TCP port number 0-65535, got "eighty"');
    await r1.cleanup();
    const r2 = await spawnLauncher(['--tcp', '--config', join(dir, 'site.json')], { isolation: 'none', waitReady: false });
    expect((await r2.exited).code).toBe(2);
    expect(r2.stderr()).toContain('--tcp is for the simulators');
    await r2.cleanup();
  }, 120_000);
});
