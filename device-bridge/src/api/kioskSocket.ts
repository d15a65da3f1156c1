/**
 * The citizen kiosk on `/kiosk` (hall-rules.md "One authentication" and the flows): wires card
 * reads to sessions, the `kioskCommand` handler, `session` / `sessionEnded` events and print job
 * updates.
 *
 * - A valid card read at reader X starts a session for kiosk X (the reader's device id); any earlier session there
 *   ends (new card). The full holder goes from the reader driver straight into the SessionManager (hall/session.ts);
 *   `/kiosk` only ever gets the masked `session` view. A refused card starts nothing: the `cardRead` the kiosk
 *   already got carries the verdict and the reason words.
 * - A card error at reader X (card to be placed again, unsupported...) also ends X's session: someone else is at
 *   the reader.
 * - Inactivity ends sessions on the bridge too (a sweeper every second), so personal data leaves memory on time even
 *   when the kiosk UI is gone. Every end is told as `sessionEnded`.
 * - Only the kiosk's own screen opens `/kiosk` (kioskScreen.ts). A session belongs to the screen that was the active
 *   screen when its card was placed: its `session` / `sessionEnded` events go to that screen only, and a command with
 *   its token from any other screen is answered as for an unknown token (hall-rules.md "Privacy": a citizen's data
 *   reaches only the screen in front of them). Print job updates go to the active screen.
 * - Command completions are idempotent per screen, session token and requestId (a reconnecting screen re-sending a
 *   command gets the one answer), and a session's completions are forgotten when it ends: a requestId alone never
 *   unlocks a stored personal result.
 */
import { holderNumber, type CardErrorEvent, type KioskClientToServerEvents, type KioskCompletion, type KioskServerToClientEvents, type PrintJobUpdate } from '@onedoor/protocol';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import type { DeviceSet } from '../devices/deviceSet.ts';
import type { IdCardReadout } from '../devices/idReader/index.ts';
import { HallRuleError } from '../hall/errors.ts';
import { CompletionCache, callerKey } from './completions.ts';
import { auditKioskCommands, auditSessionStart, type KioskAuditOptions } from './kioskAudit.ts';
import { kioskCommandRunner, kioskFailure, sessionEventOf, type KioskCommandDeps } from './kioskCommands.ts';
import type { KioskScreens } from './kioskScreen.ts';
import type { KioskHall } from './kioskHall.ts';
import { kioskDocPrinter, kioskPrinter } from './kioskPrint.ts';
import type { TicketCapabilities } from '../hall/ticketCapability.ts';

export interface KioskApiOptions {
  kiosk: Namespace<KioskClientToServerEvents, KioskServerToClientEvents>;
  devices: DeviceSet;
  hall: KioskHall;
  log: Logger;
  defaultCommandTimeoutMs: number;
  completionCacheSize: number;
  /** Base URL of QR codes (config `site.publicUrl`); null: nothing with a QR code is printed. */
  publicUrl: () => string | null;
  /** Printed on tickets and slips (config `site.hallName`). */
  hallName: string;
  /** Ticket capabilities for the phone hand-off (kioskCommands.ts); absent on a kiosk linked to a hall. */
  phoneCapabilities?: () => TicketCapabilities | null;
  /** Appointment codes for appointment slips (kioskCommands.ts); absent on a kiosk linked to a hall. */
  appointmentCodes?: () => TicketCapabilities | null;
  /** The phone hand-off of a signed-in citizen (kioskCommands.ts `phoneHandoff`); absent: not offered. */
  phoneHandoff?: KioskCommandDeps['phoneHandoff'];
  /** A linked kiosk's ticket capabilities, made by the hall (kioskCommands.ts). */
  linkedTicketCapability?: KioskCommandDeps['linkedTicketCapability'];
  /** Access audit into this bridge's hall database (absent on a kiosk linked to a hall: the hall audits there). */
  audit?: KioskAuditOptions;
  /** The kiosk's screen(s): who is active, and emitting to one screen only. */
  screens: KioskScreens;
}

export interface KioskApi {
  /** Kiosk command completions by screen, session token and requestId (idempotency), for tests. */
  cache: CompletionCache;
  /**
   * Starts a session for a holder read another way than by this bridge's reader (a scanned identity code), exactly
   * as a card read does; the caller has sent `cardRead` to the screen first.
   */
  startSession(readout: IdCardReadout): void;
  /**
   * True while a commitment waits for the card to be placed again on this reader (README "Applying at the kiosk"):
   * that read signs, it is not a citizen arriving, so it is not sent to the screen as one.
   */
  awaitingCard(deviceId: string): boolean;
  detach(): void;
}

export function attachKioskApi(opts: KioskApiOptions): KioskApi {
  const { kiosk, hall, log, screens } = opts;
  const klog = log.child({ nsp: 'kiosk' });
  const cache = new CompletionCache(opts.completionCacheSize);
  /** session token -> the screen that owns it (null: no screen was connected when the card was placed). */
  const ownerOf = new Map<string, string | null>();
  const toOwner = <E extends 'session' | 'sessionEnded'>(token: string, event: E, ...args: Parameters<KioskServerToClientEvents[E]>) =>
    screens.toScreen(ownerOf.get(token) ?? null, event, ...args);
  const runCommand = kioskCommandRunner({
    hall,
    printer: () => kioskPrinter(opts.devices),
    docPrinter: () => kioskDocPrinter(opts.devices),
    hallName: opts.hallName,
    publicUrl: opts.publicUrl,
    ...(opts.phoneCapabilities ? { phoneCapabilities: opts.phoneCapabilities } : {}),
    ...(opts.appointmentCodes ? { appointmentCodes: opts.appointmentCodes } : {}),
    ...(opts.phoneHandoff ? { phoneHandoff: opts.phoneHandoff } : {}),
    ...(opts.linkedTicketCapability ? { linkedTicketCapability: opts.linkedTicketCapability } : {}),
    defaultTimeoutMs: opts.defaultCommandTimeoutMs,
    onSession: (e) => toOwner(e.token, 'session', e),
    awaitCard: (kioskId, waitMs) => new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (cardWaiters.get(kioskId)?.resolve === resolve) cardWaiters.delete(kioskId);
        reject(new Error('no card placed'));
      }, waitMs);
      cardWaiters.set(kioskId, { resolve: (n) => { clearTimeout(timer); resolve(n); } });
    }),
  });
  /** kioskId -> a command waiting for the next card there (signing a commitment): that read starts no session. */
  const cardWaiters = new Map<string, { resolve: (number: string) => void }>();
  const run = opts.audit ? auditKioskCommands(runCommand, hall.sessions, opts.audit) : runCommand;
  const offs: Array<() => void> = [];
  /** kioskId -> its live session's token, to end it on a card error. */
  const tokenAt = new Map<string, string>();

  offs.push(hall.onSessionEnd((e) => {
    if (tokenAt.get(e.kioskId) === e.token) tokenAt.delete(e.kioskId);
    klog.info({ kioskId: e.kioskId, reason: e.reason }, 'session ended');
    toOwner(e.token, 'sessionEnded', { token: e.token, kioskId: e.kioskId, reason: e.reason, at: hall.clock.now() });
    ownerOf.delete(e.token);
    // The session's stored results go with it (hall-rules.md "Privacy": least time).
    cache.dropGroup(e.token);
  }));
  offs.push(hall.sessions.startSweeper(1000));

  /** A good read, from the reader or a scanned identity code (api/scannedCodes.ts): one way to start a session. */
  const startSession = (r: IdCardReadout) => {
    const started = hall.sessions.start(r.deviceId, r.holder);
    if (opts.audit) void auditSessionStart(opts.audit, r.deviceId, started);
    if (!started.ok) {
      klog.info({ kioskId: r.deviceId, reason: started.reason, number: started.maskedNumber }, 'card refused');
      return;
    }
    tokenAt.set(r.deviceId, started.session.token);
    ownerOf.set(started.session.token, screens.activeScreen);
    klog.info({ kioskId: r.deviceId, number: started.session.maskedNumber, screens: screens.connectedCount }, 'session started');
    toOwner(started.session.token, 'session', sessionEventOf(started.session));
  };
  for (const d of opts.devices.list()) {
    const onRead = (r: IdCardReadout) => {
      const waiter = cardWaiters.get(r.deviceId);
      if (waiter) {
        // The signing act (README "Applying at the kiosk (接件受理)"): the card confirms, it does not start a session;
        // the intake service compares its number with the session's and records nothing for another card. Only a
        // card signs: a scanned identity code starts sessions (startSession) but never confirms a commitment.
        cardWaiters.delete(r.deviceId);
        waiter.resolve(holderNumber(r.holder) ?? '');
        return;
      }
      startSession(r);
    };
    const onError = (e: CardErrorEvent) => {
      const token = tokenAt.get(e.deviceId);
      if (token) hall.sessions.end(token, 'newCard');
    };
    d.on('cardRead', onRead);
    d.on('cardError', onError);
    offs.push(() => {
      d.off('cardRead', onRead);
      d.off('cardError', onError);
    });
  }

  // Print job updates reach the kiosk (paper out -> interrupted -> reprinting -> confirmed): the screen can say
  // when a held ticket finally printed. Job updates carry no personal data.
  const printer = kioskPrinter(opts.devices);
  if (printer) offs.push(printer.onJobUpdate((u: PrintJobUpdate) => screens.toActive('printJob', u)));
  const docPrinter = kioskDocPrinter(opts.devices);
  if (docPrinter) offs.push(docPrinter.onJobUpdate((u: PrintJobUpdate) => screens.toActive('printJob', u)));

  const onConnection = (socket: Socket) => {
    // As in socket.ts: the last function argument is the ack, so even a call without a payload gets its answer.
    (socket as unknown as { on(e: string, l: (...args: unknown[]) => void): void }).on('kioskCommand', (...args: unknown[]) => {
      const ack = args.length > 0 && typeof args[args.length - 1] === 'function' ? (args.pop() as (c: unknown) => void) : null;
      if (!ack) return;
      const payload = args[0] as { requestId?: unknown; command?: unknown; token?: unknown } | undefined;
      const requestId = typeof payload?.requestId === 'string' ? payload.requestId : '';
      const token = typeof payload?.token === 'string' ? payload.token : '';
      const screen = screens.screenOf(socket);
      let answer: Promise<KioskCompletion>;
      if (token && ownerOf.has(token) && ownerOf.get(token) !== screen) {
        // Another screen's session: answered exactly as an unknown token, so its existence is not told either.
        klog.warn({ requestId, command: payload?.command }, 'kiosk command with the session token of another screen refused');
        answer = Promise.resolve(notYourSession(requestId));
      } else if (requestId && token) {
        answer = cache.getOrRun(callerKey(screen, token, requestId), () => run(payload), token);
      } else {
        answer = run(payload);
      }
      answer.then((c) => {
        klog.info({ requestId: c.requestId, command: payload?.command, code: c.code }, 'kiosk command');
        ack(c);
      }, (err: unknown) => {
        klog.error({ err }, 'kiosk command failed');
        ack({ requestId, code: 'hardwareError', message: 'internal error' });
      });
    });
  };
  kiosk.on('connection', onConnection);
  offs.push(() => ownerOf.clear());
  offs.push(() => kiosk.off('connection', onConnection));

  return {
    cache,
    startSession,
    awaitingCard: (deviceId) => cardWaiters.has(deviceId),
    detach: () => {
      for (const off of offs.splice(0)) off();
    },
  };
}

/** The answer for a token that is not the caller's: the same `noSession` refusal as for a token nobody knows. */
function notYourSession(requestId: string): KioskCompletion {
  const f = kioskFailure(new HallRuleError('noSession', '会话已结束，请重新放置身份证', 'the session has ended; please place your ID card again'));
  return { requestId, code: f.code, message: f.message, ...(f.refusal ? { refusal: f.refusal } : {}) };
}
