// BaseDeviceDriver state handling, watchdog and reconnect over a real socat PTY pair; registry and device set.
import type { DeviceState, DeviceStatus } from '@onedoor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceSet } from '../src/devices/deviceSet.ts';
import { DeviceCommandError } from '../src/devices/errors.ts';
import { DriverRegistry, NoDeviceDriver } from '../src/devices/registry.ts';
import { silentLogger } from '../src/log.ts';
import { FakeLineDevice } from './helpers/fakeLineDevice.ts';
import { PingDriver, pingDeviceResponder } from './helpers/pingDriver.ts';
import { startPtyPair, until } from './helpers/pty.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const ctx = { log: silentLogger(), dataDir: '/nonexistent', backoff: { minDelayMs: 20, maxDelayMs: 200 } };

async function setup(mode: { fault?: boolean; mute?: boolean } = {}) {
  const pty = await startPtyPair();
  cleanups.push(() => pty.dispose());
  const device = new FakeLineDevice(pingDeviceResponder(mode));
  await device.attach(pty.b);
  cleanups.push(() => device.detach());
  const driver = new PingDriver({ id: 'p1', kind: 'printer', path: pty.a, baud: 115200, options: {} }, ctx);
  cleanups.push(() => driver.stop());
  const states: DeviceState[] = [];
  const statuses: DeviceStatus[] = [];
  driver.on('status', (s) => {
    statuses.push(s);
    if (states[states.length - 1] !== s.state) states.push(s.state);
  });
  return { pty, device, driver, states, statuses, mode };
}

describe('BaseDeviceDriver over a PTY', () => {
  it('goes starting -> online after its start-up sequence, and runs actions through the actor', async () => {
    const { driver, states } = await setup();
    await driver.start();
    await until(() => driver.status().state === 'online', 'online');
    expect(states).toEqual(['starting', 'online']);
    const ac = new AbortController();
    await expect(driver.execute('echo', { text: 'hi' }, { signal: ac.signal, timeoutMs: 1000 })).resolves.toEqual({ reply: 'ECHOED hi' });
    await expect(driver.execute('nope', {}, { signal: ac.signal, timeoutMs: 1000 })).rejects.toMatchObject({ code: 'invalidRequest' });
    const s = driver.status();
    expect(s).toMatchObject({ id: 'p1', kind: 'printer', state: 'online', lastError: null });
    expect(s.counters.frames).toBeGreaterThanOrEqual(2);
    expect(s.counters).toHaveProperty('reconnects', 0);
  });

  it('goes offline on unplug and back online after replug, counting the reconnect', async () => {
    const { driver, pty, mode, states } = await setup();
    await driver.start();
    await until(() => driver.status().state === 'online', 'online');
    await pty.kill();
    await until(() => driver.status().state === 'offline', 'offline');
    expect(driver.status().lastError?.code).toBe('disconnected');
    await pty.restart();
    const again = new FakeLineDevice(pingDeviceResponder(mode));
    await again.attach(pty.b);
    cleanups.push(() => again.detach());
    await until(() => driver.status().state === 'online', 'online again');
    // The bridge may reopen before the fake device is back on its end; then HELLO goes unanswered and the
    // start-up is retried (offline -> starting again) until it answers.
    expect(states.slice(0, 3)).toEqual(['starting', 'online', 'offline']);
    expect(states[states.length - 1]).toBe('online');
    expect(driver.status().counters.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('the watchdog marks a silent device offline, recycles the link, and it comes back when it answers', async () => {
    const { driver, mode } = await setup();
    await driver.start();
    await until(() => driver.status().state === 'online', 'online');
    mode.mute = true;
    await until(() => driver.status().state === 'offline', 'offline by watchdog');
    expect(driver.status().counters.timeouts).toBeGreaterThanOrEqual(2);
    mode.mute = false;
    await until(() => driver.status().state === 'online', 'online again');
    expect(driver.status().counters.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('a start-up fault is a hardwareError with lastError set', async () => {
    const { driver } = await setup({ fault: true });
    await driver.start();
    await until(() => driver.status().state === 'hardwareError', 'hardwareError');
    expect(driver.status().lastError).toMatchObject({ code: 'hardwareError' });
    expect(driver.status().detail).toMatch(/FAULT/);
  });

  it('emits status only on change', async () => {
    const { driver, statuses } = await setup();
    await driver.start();
    await until(() => driver.status().state === 'online', 'online');
    const n = statuses.length;
    driver.setPaper('low');
    driver.setPaper('low');
    expect(statuses.length).toBe(n + 1);
    expect(statuses[statuses.length - 1].paper).toBe('low');
  });
});

describe('DriverRegistry and DeviceSet', () => {
  it('builds registered kinds, gives noDevice for unknown or disabled ones, and refuses duplicates', async () => {
    const reg = new DriverRegistry();
    reg.register('printer', (spec, c) => new PingDriver(spec, c));
    expect(() => reg.register('printer', (spec, c) => new PingDriver(spec, c))).toThrow(/already registered/);
    expect(reg.kinds()).toEqual(['printer']);
    const set = new DeviceSet(
      [
        { id: 'r1', kind: 'idreader', path: '/dev/null', baud: 115200, options: {}, enabled: true },
        { id: 'p1', kind: 'printer', path: '/nonexistent/tty', baud: 115200, options: {}, enabled: true },
        { id: 'c1', kind: 'counterbus', path: '/dev/null', baud: 9600, options: {}, enabled: false },
      ],
      reg,
      ctx,
    );
    cleanups.push(() => set.stop());
    expect(set.get('r1')).toBeInstanceOf(NoDeviceDriver);
    expect(set.get('p1')).toBeInstanceOf(PingDriver);
    expect(set.statuses().map((s) => [s.id, s.state])).toEqual([
      ['r1', 'noDevice'],
      ['p1', 'starting'],
      ['c1', 'noDevice'],
    ]);
    await set.start();
    await until(() => set.get('p1')!.status().state === 'offline', 'missing port is offline');
    const opts = { signal: new AbortController().signal, timeoutMs: 100 };
    await expect(set.execute('zz', 'echo', {}, opts)).rejects.toMatchObject({ code: 'invalidRequest' });
    await expect(set.execute('r1', 'echo', {}, opts)).rejects.toBeInstanceOf(DeviceCommandError);
    await expect(set.execute('r1', 'echo', {}, opts)).rejects.toMatchObject({ code: 'deviceNotReady' });
    expect(
      () => new DeviceSet([{ id: 'a', kind: 'idreader', path: 'x', baud: 1, options: {}, enabled: false }, { id: 'a', kind: 'printer', path: 'y', baud: 1, options: {}, enabled: false }], reg, ctx),
    ).toThrow(/duplicate device id "a"/);
  });
});
