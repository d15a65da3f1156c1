/**
 * Composition root (architecture.md: "main (composition root: config -> wiring)") and the CLI:
 *
 *   tsx device-bridge/src/main.ts --config bridge.json
 *
 * Exit codes: 0 after SIGINT/SIGTERM, 2 for a bad command line or a bad config (message names the field),
 * 1 when the bridge cannot start (port in use, ...).
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { attachSocketApi, createHttpApp, type SocketApi } from './api/index.ts';
import { attachDisplaySocket } from './api/displaySocket.ts';
import { attachHallCounter, resolveCounterWorkflowConfig, type HallCounter } from './api/hallCounter.ts';
import { openKioskHall, type KioskHall, type KioskHallOptions } from './api/kioskHall.ts';
import { attachKioskApi } from './api/kioskSocket.ts';
import { HallLinkClient, type HallLinkClientOptions } from './hallLink/hallLinkClient.ts';
import { KioskLinkServer } from './hallLink/kioskLinkServer.ts';
import { linkedKioskHall } from './hallLink/linkedKioskHall.ts';
import { verifyRouter } from './api/verifyRoutes.ts';
import { attachHallDashboard, localKioskSource, registryKioskSource, type HallDashboardService } from './api/hallDashboard.ts';
import { hallDashboardRouter } from './api/hallDashboardRoutes.ts';
import { staffAuthFromConfig } from './auth/staffAuth.ts';
import { ConfigError, loadConfigFile, parseConfig, type BridgeConfig, type BridgeConfigInput } from './config/index.ts';
import './devices/builtin.ts';
import { DeviceSet } from './devices/deviceSet.ts';
import { forwardCardEvents } from './devices/idReader/index.ts';
import { forwardCounterBusEvents } from './devices/counterBus/index.ts';
import type { DriverContext } from './devices/driver.ts';
import { driverRegistry, type DriverRegistry } from './devices/registry.ts';
import type { CounterWorkflowConfigInput } from './hall/counterConfig.ts';
import { createLogger } from './log.ts';

export interface StartBridgeOptions {
  /** Drivers to use; default the global `driverRegistry` (filled by the built-in driver modules). */
  registry?: DriverRegistry;
  /** Default: a pino logger at `config.options.logLevel` on stdout. */
  log?: Logger;
  /** Substitute transport factory (default: serial or tcp:// by path). */
  createTransport?: DriverContext['createTransport'];
  /** Hall services of the citizen kiosk (issue 5): session timing, demo data for an empty database, clock. */
  hall?: KioskHallOptions;
  /** Printed on tickets and slips; default 广东省政务服务中心. */
  hallName?: string;
  /** Service windows of the counter workflow (issue 6); default: every counter terminal is a window serving all. */
  counterWorkflow?: CounterWorkflowConfigInput;
  /** A kiosk linked to a hall (config `hall`): heartbeat, in-flight grace, reconnect delays (tests, tuning). */
  hallLink?: Pick<HallLinkClientOptions, 'heartbeatMs' | 'inFlightGraceMs' | 'reconnectDelayMs' | 'reconnectDelayMaxMs'>;
}

export interface BridgeHandle {
  /** `http://host:port` the bridge listens on (with the real port when the config said 0). */
  url: string;
  port: number;
  config: BridgeConfig;
  devices: DeviceSet;
  socket: SocketApi;
  /** The kiosk's hall services and sessions (store null when the database is unavailable). */
  hall: KioskHall;
  /** The counter workflow (issue 6): window terminals drive the queue; calls go to /hall and /display. */
  counters: HallCounter;
  /** On a kiosk linked to a hall (config `hall`): the link (up/down, outbox). Otherwise null. */
  hallLink: HallLinkClient | null;
  /** On a hall serving kiosks (config `kiosks`): `/kiosklink` and its `registry` of kiosks. Otherwise null. */
  kioskLink: KioskLinkServer | null;
  /** The manager dashboard (issue 6): kiosks, alerts, figures; what /hall and /api/hall/* serve. */
  dashboard: HallDashboardService;
  log: Logger;
  /** Stop devices, disconnect clients, close the HTTP server. Idempotent. */
  close(): Promise<void>;
}

/** Start everything the config describes. Accepts a raw config object (validated here) or a parsed one. */
export async function startBridge(input: BridgeConfigInput | BridgeConfig, options: StartBridgeOptions = {}): Promise<BridgeHandle> {
  const config = parseConfig(input);
  const counterWorkflow = resolveCounterWorkflowConfig(config, options.counterWorkflow);
  const log = options.log ?? createLogger({ level: config.options.logLevel });
  mkdirSync(config.dataDir, { recursive: true });

  const devices = new DeviceSet(config.devices, options.registry ?? driverRegistry, {
    log,
    dataDir: config.dataDir,
    backoff: config.options.reconnect,
    createTransport: options.createTransport,
  });
  devices.on('status', (s) => log.info({ deviceId: s.id, state: s.state, detail: s.detail }, 'device status'));

  const startedAt = Date.now();
  let dashboard: HallDashboardService | undefined;
  // The hall database in the data dir; when it cannot open, the kiosk still runs with hall functions paused.
  // A kiosk linked to a hall (issue 6, "Several kiosks, one hall") asks the hall, which owns the database.
  const hallLink = config.hall
    ? new HallLinkClient({ url: config.hall.url, token: config.hall.kioskToken, name: config.hall.name, devices, log, ...options.hallLink })
    : null;
  const hall = hallLink
    ? linkedKioskHall(hallLink, config.dataDir, log, options.hall)
    : await openKioskHall(config.dataDir, log, options.hall);
  // Staff logins for /tech and /hall (issue 6, "Access").
  const staff = staffAuthFromConfig(config);
  const app = createHttpApp({
    devices,
    uiDir: config.uiDir ?? '',
    startedAt,
    tokens: config.tokens,
    log,
    routers: [
      verifyRouter(() => hall.certificates),
      // Manager dashboard REST (issue 6): behind a staff session; the live service is made below, after the socket.
      hallDashboardRouter({ auth: staff, dashboard: () => dashboard, today: () => hall.clock.today() }),
    ],
    staff: {
      auth: staff,
      allowedOrigins: config.allowedOrigins,
      secureCookie: config.auth.secureCookie,
      defaultCommandTimeoutMs: config.options.defaultCommandTimeoutMs,
      simulatorControlUrl: config.simulatorControlUrl,
    },
  });
  const server: HttpServer = createServer(app);
  const socket = attachSocketApi(server, {
    devices,
    log,
    allowedOrigins: config.allowedOrigins,
    tokens: config.tokens,
    defaultCommandTimeoutMs: config.options.defaultCommandTimeoutMs,
    completionCacheSize: config.options.completionCacheSize,
    staff,
  });

  // Reader card events -> /kiosk and /tech, masked (the full holder stays in the bridge: devices/idReader/events.ts).
  const { kiosk, tech } = socket.namespaces;
  const stopCardEvents = forwardCardEvents(devices.list(), {
    cardRead: (e) => {
      kiosk.emit('cardRead', e);
      tech.emit('cardRead', e);
    },
    cardError: (e) => {
      kiosk.emit('cardError', e);
      tech.emit('cardError', e);
    },
  });

  // Counter terminal key presses and ratings -> /hall (the counter workflow of issue 6 consumes them there).
  const { hall: hallNs } = socket.namespaces;
  const stopCounterEvents = forwardCounterBusEvents(devices.list(), {
    counterEvent: (e) => hallNs.emit('counterEvent', e),
    counterOverflow: (e) => hallNs.emit('counterOverflow', e),
  });

  // Counter workflow: terminal keys -> queue; calls and window states -> /hall and the read-only /display.
  const counters = attachHallCounter({ config, devices, hall, hallNamespace: hallNs, log, workflow: counterWorkflow });
  const display = attachDisplaySocket(socket.io, counters.workflow, log);

  // A hall serving kiosks: their links, registry and requests (the hall functions run here, over this database).
  const kioskLink = config.kiosks.length > 0 ? new KioskLinkServer({ io: socket.io, kiosks: config.kiosks, hall, log }) : null;

  // Manager dashboard on /hall (issue 6): this bridge's devices (as kiosk-1, or as the hall's own devices when it
  // serves linked kiosks, whose ids may be kiosk-1...) and the linked kiosks; alerts live.
  const own = kioskLink ? localKioskSource(devices, () => hall.clock.now(), 'hall', '大厅设备 / hall devices') : localKioskSource(devices, () => hall.clock.now());
  dashboard = attachHallDashboard({
    hallNamespace: hallNs,
    kiosks: [own, ...(kioskLink ? [registryKioskSource(kioskLink.registry)] : [])],
    hall,
    workflow: counters.workflow,
    log,
  });

  // After the card forwarding above, so a kiosk always gets `cardRead` before the `session` it starts.
  let publicUrl = '';
  const kioskApi = attachKioskApi({
    kiosk,
    devices,
    hall,
    log,
    defaultCommandTimeoutMs: config.options.defaultCommandTimeoutMs,
    completionCacheSize: config.options.completionCacheSize,
    publicUrl: () => publicUrl,
    hallName: options.hallName,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
  publicUrl = url;
  await devices.start();
  hallLink?.start();
  log.info({ url, devices: config.devices.length }, 'bridge started');

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    config,
    devices,
    socket,
    hall,
    counters,
    hallLink,
    kioskLink,
    dashboard,
    log,
    close: () =>
      (closing ??= (async () => {
        stopCardEvents();
        stopCounterEvents();
        display.detach();
        counters.detach();
        // Ends every session (the kiosks hear sessionEnded and wipe), then closes the hall database.
        hall.sessions.endAll();
        kioskApi.detach();
        hallLink?.close();
        kioskLink?.close();
        dashboard?.detach();
        await hall.close();
        await socket.close();
        await devices.stop();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        log.info('bridge stopped');
      })()),
  };
}

const USAGE = 'usage: device-bridge --config <file.json>';

/** CLI entry: parse argv, load the config (exit 2 when bad), start, stop on SIGINT/SIGTERM. */
export async function runCli(argv: string[]): Promise<void> {
  const i = argv.indexOf('--config');
  const file = i >= 0 ? argv[i + 1] : undefined;
  if (!file || file.startsWith('--')) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  let config: BridgeConfig;
  try {
    config = loadConfigFile(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`device-bridge: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let bridge: BridgeHandle;
  try {
    bridge = await startBridge(config);
  } catch (err) {
    process.stderr.write(`device-bridge: cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(`device-bridge listening on ${bridge.url}\n`);
  const stop = () => {
    void bridge.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void runCli(process.argv.slice(2));
}
