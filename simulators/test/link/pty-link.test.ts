import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PtyLink, startSimulator, type RunningSimulator } from '../../src/link/index.ts';
import { EchoDevice, pattern, until } from './echo-device.ts';
import { openPtyHost, socatChildren } from './pty-host.ts';

const dir = mkdtempSync(join(tmpdir(), 'onedoor-pty-link-'));
const running: RunningSimulator[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function start(device: EchoDevice, baud: number) {
  const sim = await startSimulator(device, { link: 'pty', baud, dir });
  running.push(sim);
  return sim;
}

describe('PtyLink (socat + serialport)', () => {
  it('makes a symlink <dir>/<id> that a serial host opens; bytes go both ways', async () => {
    const device = new EchoDevice('reader1');
    const sim = await start(device, 115200);
    expect(sim.path).toBe(join(dir, 'reader1'));
    expect(lstatSync(sim.path!).isSymbolicLink()).toBe(true);
    expect((sim.link as PtyLink).ptyDevice).toMatch(/^\/dev\/pts\/\d+$/);
    const host = await openPtyHost(sim.path!);
    await host.write('AA AA AA 96 69');
    await until(() => host.bytes.toString() === 'AA AA AA 96 69', 'echo');
    expect(new TextDecoder().decode(device.receivedBytes())).toBe('AA AA AA 96 69');
    await host.close();
  });

  it('paces both ways at 9600 baud: a big reply arrives in order, in slices', async () => {
    const device = new EchoDevice('slow');
    device.echo = false;
    const sim = await start(device, 9600);
    const host = await openPtyHost(sim.path!, 9600);
    const reply = pattern(1295);
    await device.line!.send(reply);
    expect(sim.link.snapshot().txBytes).toBe(1295);
    await until(() => host.bytes.length === 1295, 'whole reply');
    expect(new Uint8Array(host.bytes)).toEqual(reply);
    expect(host.chunks.length).toBeGreaterThan(5);
    await host.write(pattern(400));
    await until(() => device.received === 400, 'host bytes at the device');
    expect(device.receivedBytes()).toEqual(pattern(400));
    expect(device.chunks.length).toBeGreaterThan(3);
    await host.close();
  });

  it('survives the host closing and reopening the port 30 times without restarting socat', async () => {
    const device = new EchoDevice('reopen');
    const sim = await start(device, 115200);
    const pid = (sim.link as PtyLink).socatPid;
    for (let i = 0; i < 30; i++) {
      const host = await openPtyHost(sim.path!);
      const msg = `ping ${i};`;
      await host.write(msg);
      await until(() => host.bytes.toString() === msg, `echo ${i}`);
      await host.close();
    }
    expect((sim.link as PtyLink).socatPid).toBe(pid);
    expect(sim.link.snapshot().connections).toBe(1);
    expect(device.attachments).toEqual(['line']);
  });

  it('vanish() closes the PTY and removes the path (open fails); restore() brings it back at the same path', async () => {
    const device = new EchoDevice('vanishing');
    const sim = await start(device, 115200);
    const host = await openPtyHost(sim.path!);
    await sim.link.vanish();
    expect(existsSync(sim.path!)).toBe(false);
    expect(sim.link.snapshot().up).toBe(false);
    expect(device.line).toBeNull();
    // The host's descriptor now points at a dead PTY (serialport usually reports a disconnect; its binding may also
    // spin on empty reads without reporting one, so the host closes it itself, as a bridge's watchdog would).
    await host.close();
    await expect(openPtyHost(sim.path!)).rejects.toThrow(/No such file|ENOENT/);
    await sim.link.restore();
    expect(lstatSync(sim.path!).isSymbolicLink()).toBe(true);
    const again = await openPtyHost(sim.path!);
    await again.write('back');
    await until(() => again.bytes.toString() === 'back', 'echo after restore');
    await again.close();
    expect(device.attachments).toEqual(['line', null, 'line']);
  });

  it('restarts socat that died on its own, so the path comes back', async () => {
    const device = new EchoDevice('phoenix');
    const sim = await start(device, 115200);
    const link = sim.link as PtyLink;
    const pid = link.socatPid!;
    process.kill(pid, 'SIGKILL');
    await until(() => link.socatPid !== undefined && link.socatPid !== pid && link.snapshot().up, 'restart');
    const host = await openPtyHost(sim.path!);
    await host.write('alive');
    await until(() => host.bytes.toString() === 'alive', 'echo after restart');
    await host.close();
    expect(link.snapshot().connections).toBe(2);
  });

  it('close() leaves no socat process and no symlink behind', async () => {
    const device = new EchoDevice('tidy');
    const sim = await startSimulator(device, { link: 'pty', baud: 115200, dir });
    expect(socatChildren().length).toBeGreaterThan(0);
    await sim.close();
    expect(device.closed).toBe(true);
    expect(existsSync(join(dir, 'tidy'))).toBe(false);
    expect(socatChildren()).toEqual([]);
  });

  it('replaces a stale symlink but refuses to replace a regular file', async () => {
    const stale = join(dir, 'stale');
    spawnSync('ln', ['-s', '/dev/pts/999999', stale]);
    const sim = await start(new EchoDevice('stale'), 115200);
    expect((sim.link as PtyLink).ptyDevice).not.toBe('/dev/pts/999999');
    writeFileSync(join(dir, 'occupied'), 'not a pty');
    await expect(startSimulator(new EchoDevice('occupied'), { link: 'pty', baud: 9600, dir })).rejects.toThrow(
      /occupied exists and is not a symlink/,
    );
  });

  it('refuses a path that another running simulator serves', async () => {
    const first = await start(new EchoDevice('shared'), 115200);
    await expect(startSimulator(new EchoDevice('shared'), { link: 'pty', baud: 115200, dir })).rejects.toThrow(
      /shared is in use: it points at \/dev\/pts\/\d+, a live PTY/,
    );
    // The first one is untouched.
    const host = await openPtyHost(first.path!);
    await host.write('still mine');
    await until(() => host.bytes.toString() === 'still mine', 'echo from the first simulator');
    await host.close();
  });

  it('rejects a path socat would misread', () => {
    expect(() => new PtyLink(new EchoDevice(), { baud: 9600, path: '/tmp/a,b' })).toThrow(/without spaces, commas/);
  });

  it('without socat on PATH, fails with a message naming the Debian package', () => {
    const script = `
      import { PtyLink } from './simulators/src/link/index.ts';
      import { EventEmitter } from 'node:events';
      try { new PtyLink(Object.assign(new EventEmitter(), { id: 'x' }), { baud: 9600 }); console.log('no error'); }
      catch (e) { console.log(e.message); }
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '../../..'),
      env: { ...process.env, PATH: '/nonexistent-bin' },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/socat was not found on PATH/);
    expect(r.stdout).toMatch(/apt-get install socat/);
  });
});
