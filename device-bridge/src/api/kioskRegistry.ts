/**
 * The hall's registry of linked kiosks (issue 6, "Several kiosks, one hall"): which kiosks the config names, whether
 * each is linked now, its devices' last statuses and its last heartbeat. The manager dashboard reads `list()` and
 * listens to the events; the kiosk link (hallLink/kioskLinkServer.ts) feeds it.
 *
 * Events: `change` (the kiosk's whole entry, after any change of it), `deviceStatus` (one device of one kiosk),
 * `heartbeat` (kiosk id, hall time). Entries hold device statuses only: no citizen data ever reaches the registry.
 */
import { EventEmitter } from 'node:events';
import type { DeviceStatus, KioskLinkHello, LinkedKioskInfo } from '@onedoor/protocol';

export interface KioskRegistryEvents {
  change: [kiosk: LinkedKioskInfo];
  deviceStatus: [kioskId: string, status: DeviceStatus];
  heartbeat: [kioskId: string, at: number];
}

export interface KnownKiosk {
  id: string;
  name?: string;
}

export class KioskRegistry extends EventEmitter<KioskRegistryEvents> {
  private readonly kiosks = new Map<string, LinkedKioskInfo & { deviceMap: Map<string, DeviceStatus> }>();

  constructor(known: readonly KnownKiosk[], private readonly now: () => number = Date.now) {
    super();
    for (const k of known) {
      this.kiosks.set(k.id, {
        kioskId: k.id, name: k.name ?? k.id, connected: false, registeredAt: null, lastHeartbeat: null, devices: [],
        deviceMap: new Map(),
      });
    }
  }

  /** Every configured kiosk, in config order (a copy). */
  list(): LinkedKioskInfo[] {
    return [...this.kiosks.keys()].map((id) => this.get(id)!);
  }

  get(kioskId: string): LinkedKioskInfo | undefined {
    const k = this.kiosks.get(kioskId);
    if (!k) return undefined;
    return {
      kioskId: k.kioskId, name: k.name, connected: k.connected, registeredAt: k.registeredAt,
      lastHeartbeat: k.lastHeartbeat, devices: [...k.deviceMap.values()],
    };
  }

  /** A (re)registration: the hello's snapshot replaces every device status known before. */
  registered(kioskId: string, hello: KioskLinkHello): void {
    const k = this.entry(kioskId);
    const at = this.now();
    k.connected = true;
    k.registeredAt = at;
    k.lastHeartbeat = at;
    if (hello.name) k.name = hello.name;
    k.deviceMap = new Map(hello.devices.map((d) => [d.id, d]));
    this.emit('change', this.get(kioskId)!);
  }

  deviceStatus(kioskId: string, status: DeviceStatus): void {
    const k = this.entry(kioskId);
    k.deviceMap.set(status.id, status);
    this.emit('deviceStatus', kioskId, status);
    this.emit('change', this.get(kioskId)!);
  }

  heartbeat(kioskId: string): void {
    const k = this.entry(kioskId);
    k.lastHeartbeat = this.now();
    this.emit('heartbeat', kioskId, k.lastHeartbeat);
  }

  /** The link dropped: the kiosk stays listed with its last statuses (the dashboard's heartbeat alert takes over). */
  disconnected(kioskId: string): void {
    const k = this.entry(kioskId);
    if (!k.connected) return;
    k.connected = false;
    this.emit('change', this.get(kioskId)!);
  }

  private entry(kioskId: string) {
    const k = this.kiosks.get(kioskId);
    if (!k) throw new Error(`kiosk registry: unknown kiosk "${kioskId}" (not in the hall config's kiosks)`);
    return k;
  }
}
