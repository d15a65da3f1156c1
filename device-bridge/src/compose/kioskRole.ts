/**
 * The kiosk role of the composition root: the kiosk's own screen(s) on `/kiosk` (api/kioskScreen.ts: loopback or
 * listed peer plus the secret written into the kiosk page) and the commands a citizen's session sends there.
 */
import { LOCAL_KIOSK_ID } from '@onedoor/protocol';
import type { Logger } from 'pino';
import type { SocketApi } from '../api/index.ts';
import type { KioskHall } from '../api/kioskHall.ts';
import { KioskScreens } from '../api/kioskScreen.ts';
import { attachKioskApi } from '../api/kioskSocket.ts';
import type { BridgeConfig } from '../config/index.ts';
import type { DeviceSet } from '../devices/deviceSet.ts';
import type { AccessAuditLog } from '../hall/accessAudit.ts';

export function createKioskScreens(config: BridgeConfig): KioskScreens {
  return new KioskScreens({ ...config.kioskScreen, allowedOrigins: config.allowedOrigins });
}

export interface KioskRoleOptions {
  config: BridgeConfig;
  socket: SocketApi;
  devices: DeviceSet;
  hall: KioskHall;
  screens: KioskScreens;
  log: Logger;
  audit: AccessAuditLog | null;
  publicUrl: () => string | null;
  /** A hall serving linked kiosks audits its own devices as 'hall' (the dashboard's id for them). */
  servesKiosks: boolean;
}

/** The `/kiosk` commands; attach after the device events are forwarded (cardRead before the session it starts). */
export function attachKioskRole(o: KioskRoleOptions): { detach(): void } {
  const { config } = o;
  return attachKioskApi({
    kiosk: o.socket.namespaces.kiosk,
    devices: o.devices,
    hall: o.hall,
    log: o.log,
    defaultCommandTimeoutMs: config.options.defaultCommandTimeoutMs,
    completionCacheSize: config.options.completionCacheSize,
    publicUrl: o.publicUrl,
    hallName: config.site.hallName,
    // Audited under the id the dashboard shows for this bridge's own devices.
    ...(o.audit ? { audit: { log: o.audit, kioskId: o.servesKiosks ? 'hall' : LOCAL_KIOSK_ID } } : {}),
    screens: o.screens,
  });
}
