/**
 * Composition root (architecture.md: "main (composition root: config -> wiring)") and the CLI:
 *
 *   tsx device-bridge/src/main.ts --config bridge.json
 *
 * Exit codes: 0 after SIGINT/SIGTERM, 2 for a bad command line or a bad config (message names the field),
 * 1 when the bridge cannot start (port in use, ...).
 */
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { attachSocketApi, type SocketApi } from './api/index.ts';
import type { HallCounter } from './api/hallCounter.ts';
import type { KioskHall, KioskHallOptions } from './api/kioskHall.ts';
import type { KioskScreens } from './api/kioskScreen.ts';
import type { HallLinkClient } from './hallLink/hallLinkClient.ts';
import type { KioskLinkServer } from './hallLink/kioskLinkServer.ts';
import type { HallDashboardService } from './api/hallDashboard.ts';
import { staffAuthFromConfig } from './auth/staffAuth.ts';
import { ConfigError, loadConfigFile, parseConfig, type BridgeConfig, type BridgeConfigInput } from './config/index.ts';
import type { DeviceSet } from './devices/deviceSet.ts';
import type { DriverContext } from './devices/driver.ts';
import type { DriverRegistry } from './devices/registry.ts';
import { HallClock } from './hall/clock.ts';
import type { CounterWorkflowConfigInput } from './hall/counterConfig.ts';
import { createLogger } from './log.ts';
import { EventLoopMonitor } from './api/health.ts';
import { createBridgeMetrics } from './api/metrics.ts';
import { securePrivateDir } from './store/fileModes.ts';
import { holdBridgeLock } from './store/bridgeLock.ts';
import type { HallBackupSchedule } from './store/hallBackup.ts';
import { siteUtcOffsetMinutes } from './config/site.ts';
import { createDevices, createRecorder, forwardDeviceEvents } from './compose/devicesRole.ts';
import { attachHallScreens, openHallData } from './compose/hallRole.ts';
import { createHttpServer, listen } from './compose/httpRole.ts';
import { createInstancesRole } from './compose/instancesRole.ts';
import { attachKioskRole, attachScannedCodes, createKioskScreens } from './compose/kioskRole.ts';
import { PhoneChannel } from './api/phoneChannel.ts';
import type { Recorder } from './recording/recorder.ts';
import { findReplayProgram, ReplayJobs } from './recording/replayJob.ts';
import { scheduleRecordingWindow } from './recording/recordingWindow.ts';
import { createHallLink, createKioskLinkServer, type HallLinkTuning } from './compose/linkRole.ts';
import type { CounterBusLease } from './instances/counterBusLease.ts';

export interface StartBridgeOptions {
  /** Drivers to use; default the global `driverRegistry` (filled by the built-in driver modules). */
  registry?: DriverRegistry;
  /** Default: a pino logger at `config.options.logLevel` on stdout. */
  log?: Logger;
  /** Substitute transport factory (default: serial or tcp:// by path). */
  createTransport?: DriverContext['createTransport'];
  /**
   * Hall services of the citizen kiosk (hall-rules.md): session timing, demo data for an empty
   * database, clock.
   */
  hall?: KioskHallOptions;
  /**
   * Demo and tests on one machine, when the config has no `site.publicUrl`: the base of printed QR codes, taken as
   * given (loopback allowed), or `'own'` for this bridge's own URL (known after listen). A site sets
   * `site.publicUrl` instead (README "Installing").
   */
  publicUrl?: string | 'own';
  /**
   * Service windows of the counter workflow; default: every counter terminal is a window serving
   * all.
   */
  counterWorkflow?: CounterWorkflowConfigInput;
  /** A kiosk linked to a hall (config `hall`): heartbeat, in-flight grace, reconnect delays (tests, tuning). */
  hallLink?: HallLinkTuning;
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
  /** The counter workflow: window terminals drive the queue; calls go to /hall and /display. */
  counters: HallCounter;
  /** On a kiosk linked to a hall (config `hall`): the link (up/down, outbox). Otherwise null. */
  hallLink: HallLinkClient | null;
  /** On a hall serving kiosks (config `kiosks`): `/kiosklink` and its `registry` of kiosks. Otherwise null. */
  kioskLink: KioskLinkServer | null;
  /**
   * What the kiosk's own screen presents to open `/kiosk` (api/kioskScreen.ts): written into the kiosk page for it;
   * tests and tools that stand in for the screen pass it as `auth: { screenSecret }`.
   */
  kioskScreenSecret: string;
  /** The kiosk's screen(s): which one is active (gets card events and new sessions). */
  kioskScreens: KioskScreens;
  /**
   * The manager dashboard (README "For managers: the dashboard"): kiosks, alerts, figures; what
   * /hall and /api/hall/* serve.
   */
  dashboard: HallDashboardService;
  /** Scheduled online backups of the SQLite hall database (config `backup`, README "Backups"). */
  backups: HallBackupSchedule;
  /** With config `instances` and a PostgreSQL store: the counter bus lease (README "Many instances"). Otherwise null. */
  counterBusLease: CounterBusLease | null;
  /** Device-traffic recordings (config `recording`, README "Record and replay"). */
  recorder: Recorder;
  /** The phone channel (ticket capabilities, `/api/m/*`) where this bridge holds the hall database; else null. */
  phone: PhoneChannel | null;
  log: Logger;
  /** Stop devices, disconnect clients, close the HTTP server. Idempotent. */
  close(): Promise<void>;
}

/** Start everything the config describes. Accepts a raw config object (validated here) or a parsed one. */
export async function startBridge(input: BridgeConfigInput | BridgeConfig, options: StartBridgeOptions = {}): Promise<BridgeHandle> {
  const config = parseConfig(input);
  const log = options.log ?? createLogger({ level: config.options.logLevel });
  // Owner-only data dir (README "Security", data at rest); an existing looser one is tightened.
  securePrivateDir(config.dataDir);
  // This bridge's mark in the data dir: `npm run restore` refuses to replace the database under it (store/bridgeLock.ts).
  const releaseLock = holdBridgeLock(config.dataDir);
  try {
    return await composeBridge(config, options, log, releaseLock);
  } catch (err) {
    releaseLock();
    throw err;
  }
}

async function composeBridge(config: BridgeConfig, options: StartBridgeOptions, log: Logger, releaseLock: () => void): Promise<BridgeHandle> {
  // One hall clock for every date decision, in the hall's time zone (config `site.timeZone`), never the PC's.
  const clock = options.hall?.clock ?? new HallClock(Date.now, siteUtcOffsetMinutes(config.site));
  const recorder = createRecorder(config, log);
  // Replays from /tech run in a child process against simulators, never the live devices (README "Record and replay").
  const replays = new ReplayJobs({ program: findReplayProgram(), devices: config.devices });
  const devices = createDevices(config, clock, log, options, recorder);
  const hallLink = createHallLink(config, devices, log, options.hallLink);
  const hallOptions = { personLimits: config.personLimits, intakeHours: config.intakeHours, closing: config.closing, visits: config.visits, results: config.results, ...options.hall, clock };
  const data = await openHallData({ config, log, hallLink, hallOptions, counterWorkflow: options.counterWorkflow });
  const { hall, audit } = data;
  const instances = createInstancesRole(config, log);
  const staff = staffAuthFromConfig(config);
  const eventLoop = new EventLoopMonitor();
  // Base of printed and shown QR codes (config site.publicUrl; the demo's own URL is set after listen).
  let publicUrl: string | null = config.site.publicUrl ?? null;
  let screensOfHall: ReturnType<typeof attachHallScreens> | undefined;
  let kioskLink: KioskLinkServer | null = null;
  // Prometheus `/metrics` for the metrics token (README "Monitoring").
  let scannedCodes: ReturnType<typeof attachScannedCodes> | null = null;
  const metrics = createBridgeMetrics({
    devices, log, store: () => (hallLink ? null : hall.store), today: () => hall.clock.today(), kiosks: () => kioskLink?.registry ?? null,
    scanOutcomes: () => scannedCodes?.counts ?? null,
  });
  const kioskScreens = createKioskScreens(config);
  // The phone channel (README "The phone channel"): where this bridge holds the hall database, a phone holding a
  // ticket capability reads that ticket and hears its calls. A linked kiosk has none: its phones ask the hall.
  const phone = hallLink ? null : new PhoneChannel(hall, config.site.hallId, log, { audit });
  const server = createHttpServer({
    config, devices, hall, hallLink, audit, staff, metrics, eventLoop, screens: kioskScreens, startedAt: Date.now(), log,
    publicUrl: () => publicUrl, dashboard: () => screensOfHall?.dashboard, messageBus: instances.messageBus,
    phone, recorder, replays, workflow: () => screensOfHall?.counters.workflow ?? null,
  });
  const socket = attachSocketApi(server, {
    devices, log, allowedOrigins: config.allowedOrigins, tokens: config.tokens, staff, kioskScreen: kioskScreens,
    defaultCommandTimeoutMs: config.options.defaultCommandTimeoutMs, completionCacheSize: config.options.completionCacheSize,
    adapter: instances.adapter,
  });
  // The kiosk API is attached below (after, so a screen gets cardRead before the session it starts); asked lazily.
  let kioskApiOf: { awaitingCard(deviceId: string): boolean } | null = null;
  const stopDeviceEvents = forwardDeviceEvents(devices, socket, kioskScreens, (id) => kioskApiOf?.awaitingCard(id) ?? false);
  kioskLink = createKioskLinkServer({ io: socket.io, config, hall, log, audit, phone, claims: instances.kioskLinkClaims });
  if (kioskLink) instances.shareKioskReports?.(socket.io, kioskLink.registry);
  const hallScreens = (screensOfHall = attachHallScreens({ config, data, devices, socket, kioskLink, log, messageBus: instances.messageBus }));
  const stopPhoneWake = phone?.watch(hallScreens.counters.workflow);
  const kioskRole = {
    config, socket, devices, hall, screens: kioskScreens, log, audit, publicUrl: () => publicUrl, servesKiosks: kioskLink !== null, phone,
  };
  const kioskApi = attachKioskRole(kioskRole);
  kioskApiOf = kioskApi;
  scannedCodes = attachScannedCodes({ ...kioskRole, kioskApi });

  const { url, port } = await listen(server, config).catch(async (err: unknown) => {
    data.stop();
    await instances.close();
    throw err;
  });
  if (publicUrl === null && options.publicUrl) publicUrl = options.publicUrl === 'own' ? url : options.publicUrl.replace(/\/+$/, '');
  if (publicUrl === null && config.devices.some((d) => d.kind === 'printer' && d.enabled)) {
    log.warn({ field: 'site.publicUrl' }, 'no public URL configured: tickets and certificate copies with a QR code will not be printed; set site.publicUrl');
  }
  if (config.recording.enabled) {
    try {
      recorder.start('config');
    } catch (err) {
      log.error({ alert: 'recordingStopped', err: (err as Error).message }, 'recording could not start; the bridge carries on');
    }
  }
  const recordingWindow = config.recording.window ? scheduleRecordingWindow(recorder, config.recording.window, clock, log) : null;
  await instances.startDevices(devices);
  hallLink?.start();
  log.info({ url, hallId: config.site.hallId, hallName: config.site.hallName, publicUrl, devices: config.devices.length }, 'bridge started');

  let closing: Promise<void> | null = null;
  const close = async () => {
    recordingWindow?.stop();
    data.stop();
    eventLoop.stop();
    metrics.close();
    stopDeviceEvents();
    scannedCodes.stop();
    stopPhoneWake?.();
    phone?.close();
    // Ends every session (the kiosks hear sessionEnded and wipe), then closes the hall database.
    hallScreens.detach();
    hall.sessions.endAll();
    kioskApi.detach();
    hallLink?.close();
    kioskLink?.close();
    await hall.close();
    await socket.close();
    // After the sockets: the lease goes with the devices, the adapter's clients after the last emit.
    await devices.stop();
    recorder.stop();
    replays.close();
    await instances.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // Last: the hall database is closed, a restore may now replace it.
    releaseLock();
    log.info('bridge stopped');
  };
  return {
    url, port, config, devices, socket, hall, hallLink, kioskLink, kioskScreens, log,
    counters: hallScreens.counters,
    kioskScreenSecret: kioskScreens.secret,
    dashboard: hallScreens.dashboard,
    backups: data.backups,
    counterBusLease: instances.lease,
    recorder,
    phone,
    close: () => (closing ??= close()),
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
