/**
 * The citizen kiosk on `/kiosk` (issue 5, "One authentication" and the flows): wires card reads to sessions, the
 * `kioskCommand` handler, `session` / `sessionEnded` events and print job updates.
 *
 * - A valid card read at reader X starts a session for kiosk X (the reader's device id); any earlier session there
 *   ends (new card). The full holder goes from the reader driver straight into the SessionManager (hall/session.ts);
 *   `/kiosk` only ever gets the masked `session` view. A refused card starts nothing: the `cardRead` the kiosk
 *   already got carries the verdict and the reason words.
 * - A card error at reader X (card to be placed again, unsupported...) also ends X's session: someone else is at
 *   the reader.
 * - Inactivity ends sessions on the bridge too (a sweeper every second), so personal data leaves memory on time even
 *   when the kiosk UI is gone. Every end is told as `sessionEnded`.
 * - One kiosk UI per bridge is the deployment (the bridge runs beside its kiosk): events go to every `/kiosk` socket.
 */
import type { CardErrorEvent, KioskClientToServerEvents, KioskServerToClientEvents, PrintJobUpdate } from '@onedoor/protocol';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import type { DeviceSet } from '../devices/deviceSet.ts';
import type { IdCardReadout } from '../devices/idReader/index.ts';
import { CompletionCache } from './completions.ts';
import { auditKioskCommands, auditSessionStart, type KioskAuditOptions } from './kioskAudit.ts';
import { kioskCommandRunner, sessionEventOf } from './kioskCommands.ts';
import type { KioskHall } from './kioskHall.ts';
import { DEFAULT_HALL_NAME, kioskPrinter } from './kioskPrint.ts';

export interface KioskApiOptions {
  kiosk: Namespace<KioskClientToServerEvents, KioskServerToClientEvents>;
  devices: DeviceSet;
  hall: KioskHall;
  log: Logger;
  defaultCommandTimeoutMs: number;
  completionCacheSize: number;
  /** The bridge's own URL, for QR codes (known after listen). */
  publicUrl: () => string;
  hallName?: string;
  /** Access audit into this bridge's hall database (absent on a kiosk linked to a hall: the hall audits there). */
  audit?: KioskAuditOptions;
}

export interface KioskApi {
  /** Kiosk command completions by requestId (idempotency), for tests. */
  cache: CompletionCache;
  detach(): void;
}

export function attachKioskApi(opts: KioskApiOptions): KioskApi {
  const { kiosk, hall, log } = opts;
  const klog = log.child({ nsp: 'kiosk' });
  const cache = new CompletionCache(opts.completionCacheSize);
  const runCommand = kioskCommandRunner({
    hall,
    printer: () => kioskPrinter(opts.devices),
    hallName: opts.hallName ?? DEFAULT_HALL_NAME,
    publicUrl: opts.publicUrl,
    defaultTimeoutMs: opts.defaultCommandTimeoutMs,
    onSession: (e) => kiosk.emit('session', e),
  });
  const run = opts.audit ? auditKioskCommands(runCommand, hall.sessions, opts.audit) : runCommand;
  const offs: Array<() => void> = [];
  /** kioskId -> its live session's token, to end it on a card error. */
  const tokenAt = new Map<string, string>();

  offs.push(hall.onSessionEnd((e) => {
    if (tokenAt.get(e.kioskId) === e.token) tokenAt.delete(e.kioskId);
    klog.info({ kioskId: e.kioskId, reason: e.reason }, 'session ended');
    kiosk.emit('sessionEnded', { token: e.token, kioskId: e.kioskId, reason: e.reason, at: hall.clock.now() });
  }));
  offs.push(hall.sessions.startSweeper(1000));

  for (const d of opts.devices.list()) {
    const onRead = (r: IdCardReadout) => {
      const started = hall.sessions.start(r.deviceId, r.holder);
      if (opts.audit) void auditSessionStart(opts.audit, r.deviceId, started);
      if (!started.ok) {
        klog.info({ kioskId: r.deviceId, reason: started.reason, number: started.maskedNumber }, 'card refused');
        return;
      }
      tokenAt.set(r.deviceId, started.session.token);
      klog.info({ kioskId: r.deviceId, number: started.session.maskedNumber }, 'session started');
      kiosk.emit('session', sessionEventOf(started.session));
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
  if (printer) offs.push(printer.onJobUpdate((u: PrintJobUpdate) => kiosk.emit('printJob', u)));

  const onConnection = (socket: Socket) => {
    // As in socket.ts: the last function argument is the ack, so even a call without a payload gets its answer.
    (socket as unknown as { on(e: string, l: (...args: unknown[]) => void): void }).on('kioskCommand', (...args: unknown[]) => {
      const ack = args.length > 0 && typeof args[args.length - 1] === 'function' ? (args.pop() as (c: unknown) => void) : null;
      if (!ack) return;
      const payload = args[0] as { requestId?: unknown; command?: unknown } | undefined;
      const requestId = typeof payload?.requestId === 'string' ? payload.requestId : '';
      const answer = requestId ? cache.getOrRun(requestId, () => run(payload)) : run(payload);
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
  offs.push(() => kiosk.off('connection', onConnection));

  return {
    cache,
    detach: () => {
      for (const off of offs.splice(0)) off();
    },
  };
}
