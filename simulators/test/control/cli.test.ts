import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { actionUsage } from '../../src/cli/help.ts';
import { createDevice, LINK_ACTIONS, SIM_KINDS } from '../../src/hub.ts';
import { until } from '../link/echo-device.ts';

const root = join(import.meta.dirname, '../../..');
const bin = join(root, 'simulators/bin/onedoor-sim.js');
const dir = mkdtempSync(join(tmpdir(), 'onedoor-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
}

/** A running `onedoor-sim start`, driven through stdin, its stdout collected. */
class Cli {
  out = '';
  exitCode: number | null = null;
  readonly proc: ChildProcessWithoutNullStreams;
  constructor(args: string[]) {
    this.proc = spawn(process.execPath, [bin, ...args], { cwd: root });
    this.proc.stdout.on('data', (d: Buffer) => (this.out += d.toString()));
    this.proc.stderr.on('data', (d: Buffer) => (this.out += d.toString()));
    this.proc.on('exit', (code) => (this.exitCode = code ?? -1));
  }
  async waitFor(re: RegExp): Promise<RegExpMatchArray> {
    await until(() => re.test(this.out) || this.exitCode !== null, `output ${re}`);
    const m = this.out.match(re);
    if (!m) throw new Error(`CLI exited (${this.exitCode}) without ${re}; output:\n${this.out}`);
    return m;
  }
  /** Type a line and wait for the output it causes (matched after what was there before). */
  async type(line: string, re: RegExp): Promise<string> {
    const from = this.out.length;
    this.proc.stdin.write(line + '\n');
    await until(() => re.test(this.out.slice(from)) || this.exitCode !== null, `reply to ${line}`);
    const got = this.out.slice(from);
    if (!re.test(got)) throw new Error(`no ${re} after "${line}"; output:\n${got}`);
    return got;
  }
}

const clis: Cli[] = [];
afterEach(async () => {
  for (const c of clis.splice(0)) {
    if (c.exitCode === null) {
      c.proc.kill('SIGTERM');
      await until(() => c.exitCode !== null, 'CLI exit');
    }
  }
});

/** socat processes serving PTYs in our temp dir (they must all be gone once the CLI has quit). */
function socatsIn(d: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout;
  return ps.split('\n').filter((l) => l.includes('socat') && l.includes(d));
}

describe('onedoor-sim CLI', () => {
  it('--help explains every command, option and every device action (listed from actions())', { timeout: 120_000 }, async () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    for (const cmd of ['start', 'act', 'status', 'scenario', 'help']) expect(r.stdout).toMatch(new RegExp(`onedoor-sim ${cmd}\\b`));
    for (const opt of ['--tcp', '--baud', '--dir', '--control-port', '--scenario', '--control', '--port-base', '--no-prompt']) {
      expect(r.stdout).toContain(opt);
    }
    for (const word of ['quit', 'status [device]', 'scenario <file.json>', 'place card <holder>', 'paper out', 'press 3 callNext', 'rate 3 1']) {
      expect(r.stdout).toContain(word);
    }
    for (const kind of SIM_KINDS) {
      const device = await createDevice(kind, {});
      for (const a of device.actions()) expect(r.stdout).toContain(actionUsage(a));
      device.close();
    }
    for (const a of LINK_ACTIONS) expect(r.stdout).toContain(actionUsage(a));
    expect(run(['help']).stdout).toBe(r.stdout);
  });

  it('rejects unknown commands and options with a pointer to --help', { timeout: 120_000 }, () => {
    const a = run(['fly']);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/unknown command "fly"; see onedoor-sim --help/);
    const b = run(['start', '--colour']);
    expect(b.stderr).toMatch(/unknown option --colour/);
    const c = run(['status', '--control', 'http://127.0.0.1:1']);
    expect(c.stderr).toMatch(/no onedoor-sim control API at http:\/\/127\.0\.0\.1:1/);
  });

  it('start: prints the ports, takes prompt commands, serves one-shot subcommands, quits cleanly', { timeout: 180_000 }, async () => {
    const d = mkdtempSync(join(dir, 'run-'));
    const cli = new Cli(['start', 'all', '--dir', d, '--control-port', '0']);
    clis.push(cli);
    const [, url] = await cli.waitFor(/control API: (http:\/\/\S+)/);
    await cli.waitFor(/onedoor-sim> /);
    for (const id of ['idreader', 'printer', 'counterbus']) {
      expect(cli.out).toContain(join(d, id));
      expect(existsSync(join(d, id))).toBe(true);
    }
    expect(cli.out).toContain(`picocom -b 9600 ${join(d, 'counterbus')}`);

    await cli.type('status', /counterbus\s+counterbus\s+\S+counterbus\s+9600/);
    await cli.type('paper out', /printer\.paper ok/);
    await cli.type('press 3 callNext', /counterbus\.press ok/);
    await cli.type('idreader vanish', /idreader\.vanish ok/);
    expect(existsSync(join(d, 'idreader'))).toBe(false);
    await cli.type('idreader restore', /idreader\.restore ok/);
    expect(existsSync(join(d, 'idreader'))).toBe(true);
    await cli.type('launch rockets', /error: no simulator has an action "launch rockets"/);
    await cli.type('vanish', /error: "vanish" exists on idreader, printer, counterbus, qrscanner: put the device first/);
    await cli.type('help', /every simulator/);

    // One-shot subcommands against the running instance.
    const status = run(['status', 'printer', '--control', url]);
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id: 'printer', kind: 'printer', link: { kind: 'pty' } });
    const act = run(['act', 'printer', 'paper', 'ok', '--control', url]);
    expect(act.stdout).toMatch(/printer\.paper ok/);
    const bad = run(['act', 'printer', 'paper', 'soggy', '--control', url]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/printer\.paper: /);
    const sc = join(d, 'sc.json');
    writeFileSync(sc, JSON.stringify({ name: 'one-shot', steps: [{ do: 'counterbus.rate', args: { unit: 3, rating: 1 } }, { wait: 5 }] }));
    const scenario = run(['scenario', sc, '--control', url]);
    expect(scenario.stdout).toMatch(/scenario one-shot: /);

    await cli.type('quit', /$/);
    await until(() => cli.exitCode !== null, 'exit after quit');
    expect(cli.exitCode).toBe(0);
    for (const id of ['idreader', 'printer', 'counterbus']) expect(existsSync(join(d, id))).toBe(false);
    expect(socatsIn(d)).toEqual([]);
  });

  it('start one simulator on TCP and run a scenario at start-up', { timeout: 120_000 }, async () => {
    const sc = join(dir, 'startup.json');
    writeFileSync(sc, JSON.stringify({ name: 'startup', steps: [{ say: 'hello technician' }, { do: 'printer.cover', args: { state: 'open' } }] }));
    const cli = new Cli(['start', 'printer', '--tcp', '--port-base', '0', '--control-port', '0', '--scenario', sc]);
    clis.push(cli);
    await cli.waitFor(/scenario startup: done/);
    expect(cli.out).toMatch(/printer\s+127\.0\.0\.1:\d+\s+\(tcp, 115200 baud\)/);
    expect(cli.out).toMatch(/socat -x - TCP:127\.0\.0\.1:\d+/);
    expect(cli.out).not.toMatch(/idreader|counterbus\s/);
    cli.proc.stdin.end(); // end of input = quit
    await until(() => cli.exitCode !== null, 'exit at end of input');
    expect(cli.exitCode).toBe(0);
  });
});
