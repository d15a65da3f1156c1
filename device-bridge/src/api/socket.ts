/**
 * socket.io 4 namespaces with the typed maps from `@onedoor/protocol` (architecture.md "One command
 * model everywhere"):
 *
 * - every namespace: a full `snapshot` on every (re)connect, then `deviceStatus` on each change;
 *   commands `getSnapshot` and `deviceCommand`, each answered through its ack with exactly one `Completion`,
 *   idempotent by requestId (per namespace), validated with zod (`invalidRequest` + message when bad);
 * - `/kiosk`: only from allowed origins (see origins.ts), and only the kiosk's own screen (kioskScreen.ts);
 * - `/hall`, `/tech`: reserved; besides the origin check they need a staff session (the login cookie, see
 *   techSocket.ts; managers may look at /tech but not act) or `auth.token` equal to the configured token, and refuse
 *   everyone else;
 * - every namespace: what each caller may send is the one roles table's decision (auth/accessTable.ts), enforced with
 *   payload validation and the handler guard by socketBoundary.ts; device actions are checked per namespace
 *   against the table's device rows (technician actions only on /tech).
 *
 * Later issues add events to the contract maps and handlers here (or through `SocketApi.namespaces`).
 */
import type { Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
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
import { checkDeviceAction, deviceActionKey, type ActionArea } from '../auth/accessTable.ts';
import type { StaffAuth } from '../auth/staffAuth.ts';
import type { DeviceSet } from '../devices/deviceSet.ts';
import { CompletionCache, callerKey, completeWithin } from './completions.ts';
import type { KioskScreens } from './kioskScreen.ts';
import { checkOrigin } from './origins.ts';
import { machineRoleOf, socketCaller, type SocketIdentity } from './principal.ts';
import { installSocketBoundary, SOCKET_MAX_MESSAGE_BYTES } from './socketBoundary.ts';
import { socketEventsInSlices } from './socketSlices.ts';
import { upgradesInSlices } from './upgradeSlices.ts';
import { cheapSendsAfterClose } from './closingSends.ts';
import { connectionSlices, TurnSlices } from './turnSlices.ts';
import { attachTechExtras, staffForHandshake } from './techSocket.ts';
import type { CommandEnvelope, DeviceCommand } from '@onedoor/protocol';

export interface SocketApiOptions {
  devices: DeviceSet;
  log: Logger;
  allowedOrigins: readonly string[];
  tokens: { hall?: string; tech?: string };
  defaultCommandTimeoutMs: number;
  completionCacheSize: number;
  /**
   * Staff logins: a live session admits its holder to /hall and /tech (README "For technicians: the
   * console", access).
   */
  staff?: StaffAuth;
  /** `/kiosk` is the kiosk's own screen: loopback (or listed) peer plus the screen secret (kioskScreen.ts). */
  kioskScreen: KioskScreens;
  /**
   * Sets the adapter that carries emits to other instances (instances/redisMessageBus.ts); called before any
   * namespace exists, because a namespace keeps the adapter it was created with.
   */
  adapter?: (io: Server) => void;
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

export function attachSocketApi(httpServer: HttpServer, opts: SocketApiOptions): SocketApi {
  // Engine.io handshakes (the WebSocket upgrade, the new session and its first packet) and closed connections take
  // their turn's slice of the process's connection work (turnSlices.ts connectionSlices).
  const handshakes = new TurnSlices(connectionSlices(), (err) => opts.log.error({ err }, 'socket handshake failed'));
  const socketEvents = new TurnSlices(connectionSlices(), (err) => opts.log.error({ err }, 'socket event failed'));
  const upgrades = new TurnSlices(connectionSlices(), (err) => opts.log.error({ err }, 'socket upgrade failed'));
  // Before engine.io's own listener: every upgraded connection's end and close, and its data when a turn runs long,
  // are taken in slices (socketSlices.ts).
  const sliceEvents = (_req: unknown, socket: Duplex) => socketEventsInSlices(socket, socketEvents);
  httpServer.prependListener('upgrade', sliceEvents);
  // engine.io's own `upgrade` listener takes each request in its slice too (upgradeSlices.ts).
  let io!: Server;
  const detachUpgrades = upgradesInSlices(httpServer, upgrades, () => {
    io = new Server(httpServer, {
      serveClient: false,
      // Every new session's handshake waits for its slice of a turn (TurnSlices); none is refused here.
      allowRequest: (_req, admit) => handshakes.push(() => admit(null, true)),
      // Bounds what one message can make the bridge parse and validate (a larger one closes that connection only).
      maxHttpBufferSize: SOCKET_MAX_MESSAGE_BYTES,
      // CORS headers for allowed origins (a UI dev server on another port); refusal itself is the middleware's job.
      cors: { origin: (origin, cb) => cb(null, origin !== undefined && checkOrigin({ origin }, opts.allowedOrigins) === null) },
    });
  });
  cheapSendsAfterClose(io);
  opts.adapter?.(io);
  // Roles, payload validation and the handler guard on every namespace, before anything else is attached.
  installSocketBoundary(io, { log: opts.log, staff: opts.staff });
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
        const machine = machineRoleOf((socket.handshake.auth as { token?: unknown })?.token, { [name]: token });
        if (!machine) return next(new Error(`namespace /${name}: bad or missing token${opts.staff ? ' (or log in first)' : ''}`));
        (socket.data as SocketIdentity).machine = machine;
      }
      next();
    });
    nsp.on('connection', (socket) => {
      socket.emit('snapshot', snapshot());
      registerCommands(socket, caches[name], log, name);
    });
    return nsp;
  };

  const registerCommands = (socket: AnySocket, cache: CompletionCache, log: Logger, name: 'kiosk' | 'hall' | 'tech') => {
    const area = BRIDGE_NAMESPACES[name] as ActionArea;
    // The boundary (socketBoundary.ts) already checked the caller's roles for the event, the ack and the payload's
    // schema; a listener that throws is answered and logged there too.
    const on = socket as unknown as { on(e: string, l: (payload: never, ack: (c: Completion) => void) => unknown): void };

    on.on('getSnapshot', (p: CommandEnvelope, ack) => ack({ requestId: p.requestId, code: 'success', result: snapshot() }));

    on.on('deviceCommand', async (cmd: DeviceCommand, ack) => {
      const device = opts.devices.get(cmd.deviceId);
      if (!device) {
        ack({ requestId: cmd.requestId, code: 'invalidRequest', message: `no device with id "${cmd.deviceId}"` });
        return;
      }
      // Which device actions this namespace may run, from the one roles table (technician actions: /tech only).
      const caller = socketCaller(area, socket, opts.staff);
      const verdict = 'ended' in caller ? { ok: false as const, message: caller.ended }
        : checkDeviceAction(area, deviceActionKey(device.kind, cmd.action, cmd.args), caller);
      if (!verdict.ok) {
        log.warn({ requestId: cmd.requestId, deviceId: cmd.deviceId, action: cmd.action, reason: verdict.message }, 'device command refused');
        ack({ requestId: cmd.requestId, code: 'invalidRequest', message: verdict.message });
        return;
      }
      const timeoutMs = cmd.timeout ?? opts.defaultCommandTimeoutMs;
      // Cached per caller as well as requestId: a completion is answered again only to whoever asked for it
      // (README "Security": command results are never handed to another caller).
      const who = 'user' in caller && caller.user ? `user:${caller.user}` : `roles:${'roles' in caller ? caller.roles.join(',') : ''}`;
      ack(await cache.getOrRun(callerKey(who, cmd.requestId), async () => {
        log.info({ requestId: cmd.requestId, deviceId: cmd.deviceId, action: cmd.action }, 'device command');
        const c = await completeWithin(cmd.requestId, timeoutMs, (signal) =>
          opts.devices.execute(cmd.deviceId, cmd.action, cmd.args ?? {}, { signal, timeoutMs, requestId: cmd.requestId }),
        );
        log.info({ requestId: cmd.requestId, code: c.code }, 'device command completed');
        return c;
      }));
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
      handshakes.clear();
      upgrades.clear();
      detachUpgrades();
      httpServer.off('upgrade', sliceEvents);
      io.disconnectSockets(true);
      // io.close() also closes the HTTP server; the caller owns that, so only the engine is shut here.
      await new Promise<void>((resolve) => {
        io.engine.close();
        resolve();
      });
    },
  };
}
