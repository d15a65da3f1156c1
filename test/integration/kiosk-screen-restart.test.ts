/**
 * The kiosk screen's secret is new with each boot of the bridge (device-bridge/src/api/kioskScreen.ts), and a kiosk
 * has nobody to press reload: the UI's `/kiosk` link (kiosk-ui/src/net/kioskSocket.ts, run here in Node with
 * socket.io-client) that is refused for a stale secret fetches the kiosk page again and connects with the new one.
 * Two real bridges, one after the other on the same port.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { silentLogger, startBridge, type BridgeHandle } from '@onedoor/device-bridge';
import { connectKiosk, screenSecretOf, type KioskConnection } from '../../kiosk-ui/src/net/kioskSocket.ts';
import { until } from '../../device-bridge/test/kiosk/kioskRig.ts';

const dir = mkdtempSync(join(tmpdir(), 'od-screen-restart-'));
const bridges: BridgeHandle[] = [];
let link: KioskConnection | undefined;
afterAll(async () => {
  link?.close();
  for (const b of bridges) await b.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

const start = async (port: number) => {
  const b = await startBridge(
    { http: { host: '127.0.0.1', port }, dataDir: join(dir, 'data'), uiDir: join(dir, 'ui'), options: { logLevel: 'silent' } },
    { log: silentLogger() },
  );
  bridges.push(b);
  return b;
};

it('a screen refused for the previous boot\'s secret fetches the page\'s new one and connects again', async () => {
  mkdirSync(join(dir, 'ui'));
  writeFileSync(join(dir, 'ui/index.html'), '<!doctype html><html><head><title>OneDoor</title></head><body></body></html>');
  const first = await start(0);
  const page = await (await fetch(`${first.url}/`)).text();
  expect(screenSecretOf(page)).toBe(first.kioskScreenSecret);
  link = connectKiosk({ origin: first.url, screenSecret: screenSecretOf(page) });
  await until('connected to the first bridge', () => link!.connection.value === 'connected');

  await first.close();
  await until('disconnected', () => link!.connection.value === 'disconnected');
  const second = await start(first.port);
  expect(second.kioskScreenSecret).not.toBe(first.kioskScreenSecret);
  await until('connected to the restarted bridge', () => link!.connection.value === 'connected', 30_000);
  expect(second.kioskScreens.connectedCount).toBe(1);
}, 90_000);
