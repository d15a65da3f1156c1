/**
 * The kiosk role of the composition root: the kiosk's own screen(s) on `/kiosk` (api/kioskScreen.ts: loopback or
 * listed peer plus the secret written into the kiosk page) and the commands a citizen's session sends there.
 */
import { LOCAL_KIOSK_ID, type KioskPrintOutcome } from '@onedoor/protocol';
import type { Logger } from 'pino';
import type { SocketApi } from '../api/index.ts';
import type { KioskHall } from '../api/kioskHall.ts';
import { KioskScreens } from '../api/kioskScreen.ts';
import { attachKioskApi, type KioskApi, type KioskApiOptions } from '../api/kioskSocket.ts';
import { NO_PUBLIC_URL_MESSAGE } from '../api/kioskCommands.ts';
import { kioskPrinter, kioskRecipeOptions, printForKiosk, ticketPrintJob } from '../api/kioskPrint.ts';
import type { PhoneChannel } from '../api/phoneChannel.ts';
import { phoneTicketHandoffOf } from '../api/phoneHandoff.ts';
import { copyVerifierOf } from '../api/certificateVerifyAnswer.ts';
import { checkInAndPrint, checkInWithCodeAtHall, type CodeCheckInAtHall } from '../api/scannedAppointments.ts';
import { ScannedCodeHandler, type ScannedCodeDeps } from '../api/scannedCodes.ts';
import { toCardReadEvent } from '../devices/idReader/events.ts';
import { onScannedCodes } from '../devices/qrScanner/index.ts';
import { hallIdentityIssuer, identityIssuerOf } from '../hall/identityCode.ts';
import { tokenHashOf } from '../hall/phoneSessions.ts';
import type { TicketView } from '../hall/queue.ts';
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
  /** The phone channel (hand-off QR, appointment codes) where this bridge holds the hall database. */
  phone: PhoneChannel | null;
}

/** The `/kiosk` commands; attach after the device events are forwarded (cardRead before the session it starts). */
export function attachKioskRole(o: KioskRoleOptions): KioskApi {
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
    ...(o.phone ? { phoneCapabilities: () => o.phone!.capabilities, appointmentCodes: () => o.phone!.appointmentCodes } : {}),
    ...phoneOptions(o),
    // Audited under the id the dashboard shows for this bridge's own devices.
    ...(o.audit ? { audit: { log: o.audit, kioskId: o.servesKiosks ? 'hall' : LOCAL_KIOSK_ID } } : {}),
    screens: o.screens,
  });
}

/**
 * "在手机上继续" and the ticket's phone QR (README "The phone channel"): made with the hall's key where the hall
 * database is, here or (a kiosk linked to a hall) at the hall over the link; the URL is this kiosk's site.publicUrl,
 * which on a linked kiosk is the hall server's address.
 */
function phoneOptions(o: KioskRoleOptions): Pick<KioskApiOptions, 'phoneHandoff' | 'linkedTicketCapability'> {
  if (o.phone) {
    const sessions = o.phone.sessions;
    return { phoneHandoff: (c, token, kioskId) => sessions.handOff(c, tokenHashOf(token), kioskId) };
  }
  const link = o.hall.phoneLink;
  if (!link) return {};
  return { phoneHandoff: (c, token) => link.handOff(c, tokenHashOf(token)), linkedTicketCapability: (t) => link.ticketCapability(t) };
}

/**
 * Scanned codes on the kiosk (docs/mobile-codes.md): an identity code signs in like a card, an appointment code
 * checks in and prints the ticket, a certificate copy's QR shows its verdict, others are refused in words. On a kiosk
 * linked to a hall the hall checks the appointment codes and the copies (its key). Returns the function that stops
 * listening and the outcomes counted so far (for /metrics).
 */
export function attachScannedCodes(o: KioskRoleOptions & { kioskApi: KioskApi }): { stop: () => void; counts: ScannedCodeHandler['counts'] } {
  const { config, hall, phone, log } = o;
  const readerId = config.devices.find((d) => d.kind === 'idreader' && d.enabled)?.id;
  const scannedCodes = new ScannedCodeHandler({
    // The configured issuers, and the hall itself where its key is here (codes the phone page shows, docs/mobile-codes.md).
    issuers: [...config.identityIssuers.map(identityIssuerOf), ...(phone ? [hallIdentityIssuer(hall.keys, config.site.hallName)] : [])],
    clock: hall.clock,
    kioskId: (scannerId) => readerId ?? scannerId,
    toScreen: {
      cardRead: (r) => o.screens.toActive('cardRead', { ...toCardReadEvent(r), via: 'identityCode' }),
      scanResult: (e) => o.screens.toActive('scanResult', e),
    },
    startSession: (r) => o.kioskApi.startSession(r),
    ...scannedCheckIn(o),
    certificates: () => copyVerifierOf(hall),
    log,
  });
  const stop = onScannedCodes(o.devices.list(), (c) => {
    scannedCodes.handle(c).catch((err: unknown) => log.error({ err }, 'scanned code failed'));
  });
  return { stop, counts: scannedCodes.counts };
}

/** Check-in by appointment code where the hall's key is: here (the hall database) or at the hall over the link. */
function scannedCheckIn(o: KioskRoleOptions): Pick<ScannedCodeDeps, 'appointments'> {
  const { config, hall, phone } = o;
  // The ticket of a scanned check-in, as the check-in command prints it: with its phone QR, logged masked.
  const printScannedTicket = async (ticket: TicketView, capability: string | null): Promise<KioskPrintOutcome> => {
    const base = o.publicUrl();
    if (!base || !capability) return { jobId: null, code: 'deviceNotReady', state: null, message: NO_PUBLIC_URL_MESSAGE, pending: false };
    const job = ticketPrintJob(ticket, kioskRecipeOptions(config.site.hallName, base), phoneTicketHandoffOf(base, capability).url);
    const outcome = await printForKiosk(kioskPrinter(o.devices), job, `scan:${ticket.id}:${Date.now()}`, config.options.defaultCommandTimeoutMs);
    await hall.records?.addPrintLog({ at: hall.clock.now(), kind: 'queueTicket', ref: ticket.number, maskedNumber: ticket.maskedNumber ?? '', detail: outcome.code })
      .catch(() => undefined);
    return outcome;
  };
  const via = (run: (code: string) => Promise<CodeCheckInAtHall>): Pick<ScannedCodeDeps, 'appointments'> =>
    ({ appointments: { checkIn: (code) => checkInAndPrint(() => run(code), printScannedTicket) } });
  if (phone) return via((code) => checkInWithCodeAtHall(hall, phone, code));
  const link = hall.phoneLink;
  return link ? via((code) => link.checkInByCode(code)) : {};
}
