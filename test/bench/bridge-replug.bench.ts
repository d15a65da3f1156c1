/**
 * Replug-to-online time of a serial device (README "Benchmarks": a device that is unplugged and
 * plugged back is online again within 2 s of reappearing). A socat PTY pair is killed (unplug),
 * left down for a varying time (so the reconnect backoff is at different points of its 100 ms -> 1
 * s schedule), then restarted with the fake device on its end; the figure is the time from the port
 * reappearing to the driver reporting `online` again (reopen, input flush, start-up exchange).
 * Reported against the 2 s budget as a ratio. Uses the default backoff of the bridge.
 */
import type { DeviceState } from '@onedoor/protocol';
import { silentLogger } from '../../device-bridge/src/log.ts';
import { FakeLineDevice } from '../../device-bridge/test/helpers/fakeLineDevice.ts';
import { PingDriver, pingDeviceResponder } from '../../device-bridge/test/helpers/pingDriver.ts';
import { startPtyPair, until } from '../../device-bridge/test/helpers/pty.ts';

const BUDGET_MS = 2000;
const DOWN_MS = [50, 150, 300, 700, 1200, 2500, 4000, 6000];

export default async function (): Promise<void> {
  const pty = await startPtyPair('od-bench-replug-');
  let device = new FakeLineDevice(pingDeviceResponder({}));
  await device.attach(pty.b);
  const driver = new PingDriver(
    { id: 'bench', kind: 'printer', path: pty.a, baud: 115200, options: { watchdogMs: 1000, pollTimeoutMs: 1000 } },
    { log: silentLogger(), dataDir: '/nonexistent' },
  );
  let state: DeviceState = 'starting';
  driver.on('status', (s) => (state = s.state));
  await driver.start();
  await until(() => state === 'online', 'first online', 10_000);

  const rows: Array<{ downMs: number; replugToOnlineMs: number }> = [];
  try {
    for (const downMs of DOWN_MS) {
      await device.detach();
      await pty.kill();
      await until(() => state === 'offline', 'offline', 10_000);
      await new Promise((r) => setTimeout(r, downMs));
      await pty.restart();
      const back = performance.now();
      device = new FakeLineDevice(pingDeviceResponder({}));
      await device.attach(pty.b);
      await until(() => state === 'online', 'online again', 20_000);
      rows.push({ downMs, replugToOnlineMs: Math.round(performance.now() - back) });
    }
  } finally {
    await driver.stop();
    await device.detach();
    await pty.dispose();
  }
  const times = rows.map((r) => r.replugToOnlineMs).sort((a, b) => a - b);
  console.table(rows.map((r) => ({ ...r, 'ratio to 2 s budget': +(r.replugToOnlineMs / BUDGET_MS).toFixed(2) })));
  console.table([
    {
      cycles: rows.length,
      'median ms': times[Math.floor(times.length / 2)],
      'max ms': times[times.length - 1],
      'max / budget': +(times[times.length - 1] / BUDGET_MS).toFixed(2),
    },
  ]);
}
