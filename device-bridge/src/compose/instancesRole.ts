/**
 * The instances role of the composition root (README "Many instances"), when the config has `instances`:
 * - the Redis adapter, so calls and boards reach screens connected to any instance (instances/redisMessageBus.ts);
 * - with a PostgreSQL store, the counter bus lease: this instance opens the hall's counter bus only while it holds
 *   the lease (instances/counterBusLease.ts); every other device is this instance's own and starts as usual.
 * Without `instances` the bridge is the one instance of its hall: no adapter, and it drives its counter bus.
 */
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { BridgeConfig } from '../config/index.ts';
import type { DeviceSet } from '../devices/deviceSet.ts';
import { CounterBusLease } from '../instances/counterBusLease.ts';
import type { KioskLinkClaims } from '../instances/kioskLinkClaims.ts';
import { attachRedisMessageBus, type MessageBus } from '../instances/redisMessageBus.ts';
import { shareKioskReports, type KioskReportSync } from '../instances/kioskReportSync.ts';
import type { KioskRegistry } from '../api/kioskRegistry.ts';
import { randomUUID } from 'node:crypto';
import { parseHallStoreSetting } from '../store/hallStoreSetting.ts';

export interface InstancesRole {
  /** For `attachSocketApi({ adapter })`: set before any namespace exists. */
  adapter?: (io: Server) => void;
  /** Health: null while calls reach the other instances (undefined: a single instance, nothing to report). */
  messageBus?: () => string | null;
  lease: CounterBusLease | null;
  /** Kiosk links claimed across the instances (one link per kiosk in the cluster); absent: one instance. */
  kioskLinkClaims?: (leaseMs: number) => KioskLinkClaims;
  /** Shares the linked kiosks' reports with the other instances (instances/kioskReportSync.ts); absent: one instance. */
  shareKioskReports?: (io: Server, registry: KioskRegistry) => void;
  /** Starts the devices: all of them, or all but the counter buses, which follow the lease. */
  startDevices(devices: DeviceSet): Promise<void>;
  close(): Promise<void>;
}

export function createInstancesRole(config: BridgeConfig, log: Logger): InstancesRole {
  const settings = config.instances;
  if (!settings || config.hall) return { lease: null, startDevices: (d) => d.start(), close: async () => undefined };
  let bus: MessageBus | null = null;
  let reports: KioskReportSync | null = null;
  const store = parseHallStoreSetting(config.store);
  const lease = store.kind === 'postgres'
    ? new CounterBusLease({ url: store.url, name: `${store.schema}/${config.site.hallId ?? ''}`, checkMs: settings.leaseCheckMs, log })
    : null;
  if (!lease) log.warn('instances: the hall store is SQLite, which one instance owns; the counter bus is driven here without a lease');
  const counterBuses = config.devices.filter((d) => d.kind === 'counterbus' && d.enabled).map((d) => d.id);
  return {
    adapter: (io) => {
      bus = attachRedisMessageBus(io, { redisUrl: settings.redisUrl, keyPrefix: settings.keyPrefix }, log);
    },
    messageBus: () => bus?.problem() ?? null,
    // Asked after attachSocketApi, so the bus exists by then.
    kioskLinkClaims: (leaseMs) => bus!.kioskLinkClaims(leaseMs),
    shareKioskReports: (io, registry) => {
      const b = bus!;
      reports = shareKioskReports(io, registry, randomUUID(), log, (f) => b.onConnected(f));
    },
    lease,
    startDevices: async (devices) => {
      if (!lease) return devices.start();
      await devices.start((d) => !counterBuses.includes(d.id));
      lease.on('acquired', () => void Promise.all(counterBuses.map((id) => devices.startOne(id))));
      lease.on('lost', () => void Promise.all(counterBuses.map((id) => devices.stopOne(id))));
      lease.start();
    },
    close: async () => {
      reports?.stop();
      await lease?.close();
      await bus?.close();
    },
  };
}
