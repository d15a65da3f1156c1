/**
 * socket.io 4 namespaces with the typed maps from `@onedoor/protocol` (issue 4, "Status model and interface"):
 *
 * - every namespace: a full `snapshot` on every (re)connect, then `deviceStatus` on each change;
 *   commands `getSnapshot` and `deviceCommand`, each answered through its ack with exactly one `Completion`,
 *   idempotent by requestId (per namespace), validated with zod (`invalidRequest` + message when bad);
 * - `/kiosk`: only from allowed origins (see origins.ts), and only the kiosk's own screen (kioskScreen.ts);
 * - `/hall`, `/tech`: reserved; besides the origin check they need a staff session (the login cookie, see
 *   techSocket.ts; managers may look at /tech but not act) or `auth.token` equal to the configured token, and refuse
 *   everyone else.
 *
 * Later issues add events to the contract maps and handlers here (or through `SocketApi.namespaces`).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import {
  BRIDGE_NAMESPACES,
  type BridgeSnapshot,
  type Completion,
  type DeviceClientToServerEvents,
  type DeviceServerToClientEvents,
  type HallClientToServerEvents,
  type HallServerToClientEvents,
  type KioskClientToServerEvents,
  type KioskServerToClientEvents,
  type TechClientToServerEvents,
  type TechServerToClientEvents,
} from '@onedoor/protocol';
import type { Logger } from 'pino';
import { Server, type Namespace, type Socket } from 'socket.io';
import type { StaffAuth } from '../auth/staffAuth.ts';
import type { DeviceSet } from '../devices/deviceSet.ts';
import { CompletionCache, completeWithin } from './completions.ts';
import type { KioskScreens } from './kioskScreen.ts';
import { checkOrigin } from './origins.ts';
import { attachTechExtras, staffCommandRefusal, staffForHandshake } from './techSocket.ts';
import { commandEnvelopeSchema, describeInvalid, deviceCommandSchema, salvageRequestId } from './validation.ts';

export interface SocketApiOptions {
  devices: DeviceSet;
  log: Logger;
  allowedOrigins: readonly string[];
  tokens: { hall?: string; tech?: string };
  defaultCommandTimeoutMs: number;
  completionCacheSize: number;
  /** Staff logins: a live session admits its holder to /hall and /tech (issue 6, "Access"). */
  staff?: StaffAuth;
  /** `/kiosk` is the kiosk's own screen: loopback (or listed) peer plus the screen secret (kioskScreen.ts). */
  kioskScreen: KioskScreens;
}

export interface SocketApi {
  io: Server;
  namespaces: {
    kiosk: Namespace<KioskClientToServerEvents, KioskServerToClientEvents>;
    hall: Namespace<HallClientToServerEvents, HallServerToClientEvents>;
    tech: Namespace<TechClientToServerEvents, TechServerToClientEvents>;
  };
  /** Per namespace, for tests and the technician console. */
  caches: Record<'kiosk' | 'hall' | 'tech', CompletionCache>;
  close(): Promise<void>;
}

type AnyNamespace = Namespace<DeviceClientToServerEvents, DeviceServerToClientEvents>;
type AnySocket = Socket<DeviceClientToServerEvents, DeviceServerToClientEvents>;

function tokenMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function attachSocketApi(httpServer: HttpServer, opts: SocketApiOptions): SocketApi {
  const io = new Server(httpServer, {
    serveClient: false,
    // CORS headers for allowed origins (a UI dev server on another port); refusal itself is the middleware's job.
    cors: { origin: (origin, cb) => cb(null, origin !== undefined && checkOrigin({ origin }, opts.allowedOrigins) === null) },
  });
  // The root namespace is unused: refuse it so nothing connects without the checks below.
  io.of('/').use((_socket, next) => next(new Error('connect to /kiosk, /hall or /tech')));

  const snapshot = (): BridgeSnapshot => ({ devices: opts.devices.statuses(), serverTime: Date.now() });
  const caches = {
    kiosk: new CompletionCache(opts.completionCacheSize),
    hall: new CompletionCache(opts.completionCacheSize),
    tech: new CompletionCache(opts.completionCacheSize),
  };

  const setup = (name: 'kiosk' | 'hall' | 'tech', token: string | undefined, needsToken: boolean): AnyNamespace => {
    const nsp = io.of(BRIDGE_NAMESPACES[name]) as unknown as AnyNamespace;
    const log = opts.log.child({ nsp: name });
    nsp.use((socket, next) => {
      const refused = checkOrigin(socket.handshake.headers, opts.allowedOrigins);
      if (refused) {
        log.warn({ origin: socket.handshake.headers.origin, address: socket.handshake.address }, `refused: ${refused}`);
        return next(new Error(refused));
      }
      if (needsToken) {
        const staff = opts.staff && name !== 'kiosk' ? staffForHandshake(opts.staff, name, socket.handshake.headers.cookie) : null;
        if (staff) {
          (socket.data as { staff?: unknown }).staff = staff;
          return next();
        }
        const loginHint = opts.staff ? 'log in first' : 'no token configured';
        if (!token) return next(new Error(`namespace /${name} is reserved: ${loginHint}`));
        if (!tokenMatches((socket.handshake.auth as { token?: unknown })?.token, token)) return next(new Error(`namespace /${name}: bad or missing token${opts.staff ? ' (or log in first)' : ''}`));
      }
      next();
    });
    nsp.on('connection', (socket) => {
      socket.emit('snapshot', snapshot());
      registerCommands(socket, caches[name], log, name);
    });
    return nsp;
  };

  const registerCommands = (socket: AnySocket, cache: CompletionCache, log: Logger, name: string) => {
    // A client may emit with the payload missing (then the ack is the only argument): take the last function as
    // the ack so even that gets its invalidRequest answer.
    const handle = (event: string, answer: (payload: unknown) => Promise<Completion>) => {
      (socket as unknown as { on(e: string, l: (...args: unknown[]) => void): void }).on(event, (...args: unknown[]) => {
        const ack = args.length > 0 && typeof args[args.length - 1] === 'function' ? (args.pop() as (c: Completion) => void) : null;
        if (!ack) {
          log.warn({ event }, 'command without acknowledgement callback ignored');
          return;
        }
        answer(args[0]).then(ack, (err: unknown) => {
          // completeWithin never rejects; this is a last guard so a client is never left without an answer.
          log.error({ err }, 'command handler failed');
          ack({ requestId: salvageRequestId(args[0]), code: 'hardwareError', message: 'internal error' });
        });
      });
    };

    handle('getSnapshot', async (payload) => {
      const p = commandEnvelopeSchema.safeParse(payload);
      if (!p.success) return { requestId: salvageRequestId(payload), code: 'invalidRequest', message: describeInvalid(p.error) };
      return { requestId: p.data.requestId, code: 'success', result: snapshot() };
    });

    handle('deviceCommand', async (payload) => {
      const p = deviceCommandSchema.safeParse(payload);
      if (!p.success) return { requestId: salvageRequestId(payload), code: 'invalidRequest', message: describeInvalid(p.error) };
      const cmd = p.data;
      const refused = staffCommandRefusal(opts.staff, socket as unknown as Socket, name);
      if (refused) return { requestId: cmd.requestId, code: 'invalidRequest', message: refused };
      const timeoutMs = cmd.timeout ?? opts.defaultCommandTimeoutMs;
      return cache.getOrRun(cmd.requestId, async () => {
        log.info({ requestId: cmd.requestId, deviceId: cmd.deviceId, action: cmd.action }, 'device command');
        const c = await completeWithin(cmd.requestId, timeoutMs, (signal) =>
          opts.devices.execute(cmd.deviceId, cmd.action, cmd.args ?? {}, { signal, timeoutMs, requestId: cmd.requestId }),
        );
        log.info({ requestId: cmd.requestId, code: c.code }, 'device command completed');
        return c;
      });
    });
  };

  const kiosk = setup('kiosk', undefined, false);
  opts.kioskScreen.guard(kiosk as never, opts.log.child({ nsp: 'kiosk' }));
  const hall = setup('hall', opts.tokens.hall, true);
  const tech = setup('tech', opts.tokens.tech, true);

  const onStatus = (s: Parameters<DeviceServerToClientEvents['deviceStatus']>[0]) => {
    for (const nsp of [kiosk, hall, tech]) nsp.emit('deviceStatus', s);
  };
  opts.devices.on('status', onStatus);
  const detachTech = attachTechExtras({
    tech: tech as unknown as Namespace,
    staffNamespaces: [hall, tech] as unknown as Namespace[],
    devices: opts.devices,
    auth: opts.staff,
  });

  return {
    io,
    namespaces: { kiosk, hall, tech } as unknown as SocketApi['namespaces'],
    caches,
    close: async () => {
      opts.devices.off('status', onStatus);
      detachTech();
      io.disconnectSockets(true);
      // io.close() also closes the HTTP server; the caller owns that, so only the engine is shut here.
      await new Promise<void>((resolve) => {
        io.engine.close();
        resolve();
      });
    },
  };
}
