/**
 * The printer through the whole bridge: `startBridge` with a printer in its config (the driver registered by
 * builtin.ts), a socket.io `/kiosk` client sending `deviceCommand` `print`, the printer simulator on a PTY.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { Completion, KioskClientToServerEvents, KioskServerToClientEvents } from '@onedoor/protocol';
import { afterAll, expect, it } from 'vitest';
import { startBridge, type BridgeHandle } from '../../device-bridge/src/main.ts';
import { startPrinterSim, until } from '../../device-bridge/test/printer/rig.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

it('a /kiosk deviceCommand print completes with success once the ticket is confirmed, and a repeat prints nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'od-printer-bridge-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const sim = await startPrinterSim(dir);
  cleanups.push(() => sim.close());
  const bridge: BridgeHandle = await startBridge({
    http: { host: '127.0.0.1', port: 0 },
    dataDir: join(dir, 'data'),
    devices: [{ id: 'printer', kind: 'printer', path: sim.path!, options: { pollIntervalMs: 500 } }],
    options: { logLevel: 'silent' },
  });
  cleanups.push(() => bridge.close());
  await until('printer online', () => bridge.devices.get('printer')?.status().state === 'online');

  const kiosk: Socket<KioskServerToClientEvents, KioskClientToServerEvents> = io(`${bridge.url}/kiosk`, { transports: ['websocket'], auth: { screenSecret: bridge.kioskScreenSecret } });
  cleanups.push(() => void kiosk.disconnect());
  await new Promise<void>((resolve, reject) => {
    kiosk.once('connect', () => resolve());
    kiosk.once('connect_error', reject);
  });
  const command = { requestId: 'kiosk-print-1', timeout: 30_000, deviceId: 'printer', action: 'print', args: { ticket: { number: 'Q042' }, requestId: 'kiosk-print-1' } };
  const first = (await kiosk.timeout(40_000).emitWithAck('deviceCommand', command)) as Completion;
  expect(first).toMatchObject({ requestId: 'kiosk-print-1', code: 'success', result: { state: 'confirmed', reprints: 0 } });
  const again = (await kiosk.timeout(40_000).emitWithAck('deviceCommand', command)) as Completion;
  expect(again).toEqual(first);
  expect(sim.device.tickets).toHaveLength(1);
  expect(sim.device.tickets[0].text).toContain('[4x4]Q042');
  const status = bridge.devices.get('printer')!.status();
  expect(status).toMatchObject({ kind: 'printer', state: 'online', paper: 'full' });
  expect(status.counters.jobsConfirmed).toBe(1);
});
