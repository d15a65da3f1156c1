/**
 * The hall's registry of linked kiosks (README "Several kiosks, one hall"): which kiosks the config
 * names, whether each is linked now, its devices' last statuses and its last heartbeat. The manager
 * dashboard reads `list()` and listens to the events; the kiosk link (hallLink/kioskLinkServer.ts)
 * feeds it.
 *
 * Events: `change` (the kiosk's whole entry, after any change of it), `deviceStatus` (one device of one kiosk),
 * `heartbeat` (kiosk id, hall time). Entries hold device statuses only: no citizen data ever reaches the registry.
 *
 * A kiosk's name is the hall config's (`kiosks: [{ id, token, name }]`, else its id), never what the kiosk says of
 * itself. Each entry also counts what the hall refused of that kiosk (rate limits, malformed messages, duplicate
 * links), so the manager dashboard shows a kiosk that misbehaves.
 */
import { EventEmitter } from 'node:events';
import type { DeviceStatus, KioskLinkHello, KioskLinkRefusals, LinkedKioskInfo } from '@onedoor/protocol';

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
        refusals: { tickets: 0, lookups: 0, invalid: 0, duplicateLinks: 0 }, lastDuplicateLinkAt: null, deviceMap: new Map(),
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
      lastHeartbeat: k.lastHeartbeat, devices: [...k.deviceMap.values()], refusals: { ...k.refusals },
      lastDuplicateLinkAt: k.lastDuplicateLinkAt,
    };
  }

  /** A (re)registration: the hello's snapshot replaces every device status known before. */
  registered(kioskId: string, hello: KioskLinkHello): void {
    const k = this.entry(kioskId);
    const at = this.now();
    k.connected = true;
    k.registeredAt = at;
    k.lastHeartbeat = at;
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

  /** One more refusal of this kiosk's requests or messages. */
  refused(kioskId: string, kind: keyof KioskLinkRefusals): void {
    const k = this.entry(kioskId);
    k.refusals[kind]++;
    if (kind === 'duplicateLinks') k.lastDuplicateLinkAt = this.now();
    this.emit('change', this.get(kioskId)!);
  }

  /**
   * What another instance of the hall reports of a kiosk linked there (instances/kioskReportSync.ts): its link state,
   * registration, heartbeat and devices, so this instance's dashboard shows it as the holding instance's does.
   * `devices` absent: unchanged. The refusal counts stay this instance's own.
   */
  reportedElsewhere(kioskId: string, r: { connected: boolean; registeredAt: number | null; lastHeartbeat: number | null;
    devices?: readonly DeviceStatus[] }): void {
    const k = this.entry(kioskId);
    k.connected = r.connected;
    k.registeredAt = r.registeredAt;
    // A kiosk linked there now was heard of now, by this hall's clock (the instances' clocks may differ by seconds).
    const heard = r.connected ? this.now() : r.lastHeartbeat;
    if (heard !== null && (k.lastHeartbeat === null || heard > k.lastHeartbeat)) k.lastHeartbeat = heard;
    if (r.devices) k.deviceMap = new Map(r.devices.map((d) => [d.id, d]));
    this.emit('change', this.get(kioskId)!);
  }

  /** A heartbeat another instance heard (kioskReportSync.ts), taken as heard now by this hall's clock. */
  heartbeatElsewhere(kioskId: string): void {
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
