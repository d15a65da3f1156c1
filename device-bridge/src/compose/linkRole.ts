/**
 * The link role of the composition root (README "Several kiosks, one hall"): a kiosk linked to a hall asks the hall
 * for every hall function over its link (config `hall`); a hall serving kiosks (config `kiosks`) takes their links
 * on `/kiosklink` and runs their requests over its own database.
 */
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { KioskHall } from '../api/kioskHall.ts';
import type { PhoneChannel } from '../api/phoneChannel.ts';
import type { BridgeConfig } from '../config/index.ts';
import type { DeviceSet } from '../devices/deviceSet.ts';
import type { AccessAuditLog } from '../hall/accessAudit.ts';
import { HallLinkClient, type HallLinkClientOptions } from '../hallLink/hallLinkClient.ts';
import { KioskLinkServer } from '../hallLink/kioskLinkServer.ts';
import type { KioskLinkClaims } from '../instances/kioskLinkClaims.ts';

export type HallLinkTuning = Pick<HallLinkClientOptions, 'heartbeatMs' | 'inFlightGraceMs' | 'reconnectDelayMs' | 'reconnectDelayMaxMs'>;

/** This kiosk's link to its hall, or null on a bridge that owns the hall database itself. Not started yet. */
export function createHallLink(config: BridgeConfig, devices: DeviceSet, log: Logger, tuning: HallLinkTuning | undefined): HallLinkClient | null {
  if (!config.hall) return null;
  return new HallLinkClient({ url: config.hall.url, token: config.hall.kioskToken, name: config.hall.name, devices, log, ...tuning });
}

/** The hall's side of the kiosk links, or null when the config lists no kiosks. */
export function createKioskLinkServer(o: {
  io: Server; config: BridgeConfig; hall: KioskHall; log: Logger; audit: AccessAuditLog | null; phone: PhoneChannel | null;
  claims?: (leaseMs: number) => KioskLinkClaims;
}): KioskLinkServer | null {
  if (o.config.kiosks.length === 0) return null;
  return new KioskLinkServer({ io: o.io, kiosks: o.config.kiosks, hall: o.hall, log: o.log, audit: o.audit, policy: o.config.kioskLink,
    phone: o.phone, claims: o.claims });
}
