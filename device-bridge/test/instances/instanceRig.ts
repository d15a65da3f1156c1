/**
 * Hall-server instances for the multi-instance tests (README "Many instances"): bridges in this process on one
 * PostgreSQL schema of the real local server and the real Redis 127.0.0.1:6379, each rig with a key prefix of its
 * own so parallel test files never hear each other. Each instance has the hall's counter bus configured on a TCP
 * port nobody listens on: the lease decides who opens it, and an opened bus shows `offline` (cannot open) while an
 * unopened one stays `starting` / `not started`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Socket } from 'socket.io-client';
import { afterEach } from 'vitest';
import type { BridgeConfigInput } from '../../src/config/index.ts';
import { startBridge, type BridgeHandle } from '../../src/main.ts';
import { postgresBackend, type StoreTarget } from '../store/backends.ts';
import { seedBasics } from '../hall/fixture.ts';

export const REDIS_URL = process.env.ONEDOOR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const KIOSK_TOKEN = 'kiosk-token-for-instances-test';
export const BUS = 'counters';

export async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** What one instance of the rig sets differently: its Redis (a relay), its tokens (a dashboard's). */
export interface InstanceOverrides {
  redisUrl?: string;
  tokens?: BridgeConfigInput['tokens'];
  /** How long a silent kiosk link still counts as alive (one link per kiosk across the instances). */
  liveLinkMs?: number;
}

export interface InstanceRig {
  target: StoreTarget;
  keyPrefix: string;
  instances: BridgeHandle[];
  start(over?: InstanceOverrides): Promise<BridgeHandle>;
  /** The config an instance of this rig runs with (for one started in its own process). */
  config(dataDir: string, over?: InstanceOverrides): BridgeConfigInput;
  tempDir(): string;
  close(): Promise<void>;
}

export async function openInstanceRig(): Promise<InstanceRig> {
  const target = await postgresBackend.create();
  const seedStore = await target.open();
  await seedBasics(seedStore);
  await seedStore.close();
  const busPort = await closedPort();
  const keyPrefix = `od-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const dirs: string[] = [];
  const rig: InstanceRig = {
    target,
    keyPrefix,
    instances: [],
    config: (dataDir, over = {}) => ({
      http: { port: 0 },
      dataDir,
      store: target.setting,
      instances: { redisUrl: over.redisUrl ?? REDIS_URL, keyPrefix, leaseCheckMs: 100 },
      devices: [{ id: BUS, kind: 'counterbus', path: `tcp://127.0.0.1:${busPort}`, options: { units: [1] } }],
      counterWorkflow: { windows: [{ window: 1, deviceId: BUS, unit: 1, categories: [] }] },
      kiosks: [{ id: 'kiosk-1', token: KIOSK_TOKEN }],
      // Bursts in these tests come from one kiosk token.
      kioskLink: { ticketsPerMinute: 10_000, ticketBurst: 1000, ...(over.liveLinkMs !== undefined && { liveLinkMs: over.liveLinkMs }) },
      options: { reconnect: { minDelayMs: 50, maxDelayMs: 200 } },
      ...(over.tokens && { tokens: over.tokens }),
    }),
    async start(over = {}) {
      const dir = rig.tempDir();
      const bridge = await startBridge(rig.config(dir, over), { log: pino({ level: 'silent' }) });
      rig.instances.push(bridge);
      return bridge;
    },
    tempDir() {
      const dir = mkdtempSync(join(tmpdir(), 'od-instance-'));
      dirs.push(dir);
      return dir;
    },
    async close() {
      for (const b of rig.instances.splice(0)) await b.close();
      await target.destroy();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
  return rig;
}

/** The counter bus driver's state on an instance: `not started` while another instance holds the lease. */
export function busDetail(b: BridgeHandle): string {
  const s = b.devices.get(BUS)!.status();
  return `${s.state}: ${s.detail}`;
}

/**
 * For a describe block whose tests each open a rig: `open()` opens it, `sockets` collects the client sockets a test
 * makes; after each test the sockets are disconnected and the rig closed.
 */
export function rigPerTest(sockets: Socket[] = []): { open(): Promise<InstanceRig>; sockets: Socket[] } {
  let rig: InstanceRig | undefined;
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    await rig?.close();
    rig = undefined;
  });
  return { sockets, open: async () => (rig = await openInstanceRig()) };
}
