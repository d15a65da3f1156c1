/**
 * Composition root (architecture.md: "main (composition root: config -> wiring)") and the CLI:
 *
 *   tsx device-bridge/src/main.ts --config bridge.json
 *
 * Exit codes: 0 after SIGINT/SIGTERM, 2 for a bad command line or a bad config (message names the field),
 * 1 when the bridge cannot start (port in use, ...).
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { LOCAL_KIOSK_ID } from '@onedoor/protocol';
import { attachSocketApi, createHttpApp, type SocketApi } from './api/index.ts';
import { attachDisplaySocket } from './api/displaySocket.ts';
import { attachHallCounter, resolveCatalogueWindows, resolveCounterWorkflowConfig, type HallCounter } from './api/hallCounter.ts';
import { openKioskHall, type KioskHall, type KioskHallOptions } from './api/kioskHall.ts';
import { attachKioskApi } from './api/kioskSocket.ts';
import { KioskScreens } from './api/kioskScreen.ts';
import { HallLinkClient, type HallLinkClientOptions } from './hallLink/hallLinkClient.ts';
import { KioskLinkServer } from './hallLink/kioskLinkServer.ts';
import { linkedKioskHall } from './hallLink/linkedKioskHall.ts';
import { catalogueNamesRouter } from './api/catalogueNames.ts';
import { DEMO_ENGLISH_NAMES } from './demo/catalogueEnglish.ts';
import { verifyRouter } from './api/verifyRoutes.ts';
import { siteRouter } from './api/siteRoutes.ts';
import { PhoneChannel } from './api/phoneChannel.ts';
import { catalogueRouter } from './api/catalogueRoutes.ts';
import { attachHallDashboard, localKioskSource, registryKioskSource, type HallDashboardService } from './api/hallDashboard.ts';
import { hallDashboardRouter } from './api/hallDashboardRoutes.ts';
import { districtRouter } from './api/districtRoutes.ts';
import { hallFloorRouter } from './api/hallFloorRoutes.ts';
import { intakeRouter } from './api/intakeRoutes.ts';
import { DEFAULT_HALL_ID } from './store/hallScope.ts';
import { accessAuditRouter, auditRefusals } from './api/accessAuditRoutes.ts';
import { AccessAuditLog } from './hall/accessAudit.ts';
import { staffAuthFromConfig } from './auth/staffAuth.ts';
import { ConfigError, loadConfigFile, parseConfig, type BridgeConfig, type BridgeConfigInput } from './config/index.ts';
import './devices/builtin.ts';
import { DeviceSet } from './devices/deviceSet.ts';
import { forwardCardEvents } from './devices/idReader/index.ts';
import { forwardCounterBusEvents } from './devices/counterBus/index.ts';
import { forwardScannerEvents, onScannedCodes } from './devices/qrScanner/index.ts';
import { toCardReadEvent } from './devices/idReader/events.ts';
import { ScannedCodeHandler } from './api/scannedCodes.ts';
import { checkInByCode } from './api/scannedAppointments.ts';
import { kioskPrinter, kioskRecipeOptions, printForKiosk, ticketPrintJob } from './api/kioskPrint.ts';
import { NO_PUBLIC_URL_MESSAGE } from './api/kioskCommands.ts';
import { phoneHandoffOf } from './api/phoneHandoff.ts';
import type { TicketView } from './hall/queue.ts';
import type { KioskPrintOutcome } from '@onedoor/protocol';
import { identityIssuerOf } from './hall/identityCode.ts';
import type { DriverContext } from './devices/driver.ts';
import { driverRegistry, type DriverRegistry } from './devices/registry.ts';
import { HallClock } from './hall/clock.ts';
import type { CounterWorkflowConfigInput } from './hall/counterConfig.ts';
import type { CounterWorkflow } from './hall/counterWorkflow.ts';
import { createLogger } from './log.ts';
import { EventLoopMonitor } from './api/health.ts';
import { createBridgeMetrics } from './api/metrics.ts';
import { printJobFilesOf, scheduleRetention } from './hall/retention.ts';
import { securePrivateDir } from './store/fileModes.ts';
import { holdBridgeLock } from './store/bridgeLock.ts';
import { scheduleHallBackups, type HallBackupSchedule } from './store/hallBackup.ts';
import { siteUtcOffsetMinutes } from './config/site.ts';
import { describeHallStoreSetting, parseHallStoreSetting } from './store/hallStoreSetting.ts';
import { hallStoreOpener, type HallStoreOpener } from './store/openHallStore.ts';
import { createTransport as defaultCreateTransport } from './transport/index.ts';
import { Recorder } from './recording/recorder.ts';
import { RecordingTransport } from './recording/recordingTransport.ts';
import { recordingRouter } from './recording/recordingRoutes.ts';
import { scheduleRecordingWindow } from './recording/recordingWindow.ts';

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
  let counterWorkflow = resolveCounterWorkflowConfig(config, options.counterWorkflow);
  const log = options.log ?? createLogger({ level: config.options.logLevel });
  // Owner-only data dir (README "Security", data at rest); an existing looser one is tightened.
  securePrivateDir(config.dataDir);
  // This bridge's mark in the data dir: `npm run restore` refuses to replace the database under it (store/bridgeLock.ts).
  const releaseLock = holdBridgeLock(config.dataDir);

  // One hall clock for every date decision (the reader's expiry check as well as sessions, tickets, appointments):
  // the hall's time zone (config `site.timeZone`, default China Standard Time), never the PC's, so a PC set to UTC
  // is not a day behind before 08:00. A test may hand in its own clock.
  const hallClock = options.hall?.clock ?? new HallClock(Date.now, siteUtcOffsetMinutes(config.site));
  const hallOptions: KioskHallOptions = { personLimits: config.personLimits, intakeHours: config.intakeHours, ...options.hall, clock: hallClock };
  // The recorder taps every device port at the transport (README "Record and replay"); idle unless a session runs.
  const recorder = new Recorder({
    dir: config.recording.dir ?? join(config.dataDir, 'recordings'),
    maxFileBytes: config.recording.maxFileBytes,
    maxSessionBytes: config.recording.maxSessionBytes,
    bridgeName: config.site.hallName,
    log,
  });
  recorder.on('alert', (message) => log.error({ alert: 'recordingStopped' }, message));
  const createTransport = options.createTransport ?? defaultCreateTransport;
  const devices = new DeviceSet(config.devices, options.registry ?? driverRegistry, {
    log,
    dataDir: config.dataDir,
    backoff: config.options.reconnect,
    createTransport: (path, transportOptions) => {
      const inner = createTransport(path, transportOptions);
      const spec = config.devices.find((d) => d.path === path);
      return spec ? new RecordingTransport(inner, recorder.device({ id: spec.id, kind: spec.kind, path })) : inner;
    },
    commandNote: (deviceId, label) => recorder.note(deviceId, label),
    hallToday: () => hallClock.today(),
  });
  devices.on('status', (s) => log.info({ deviceId: s.id, state: s.state, detail: s.detail }, 'device status'));

  const startedAt = Date.now();
  // Base of printed and shown QR codes (config site.publicUrl; the demo's own URL is set after listen).
  let publicUrl: string | null = config.site.publicUrl ?? null;
  let dashboard: HallDashboardService | undefined;
  let floorWorkflow: CounterWorkflow | null = null;
  // The hall database in the data dir; when it cannot open, the kiosk still runs with hall
  // functions paused. A kiosk linked to a hall (README "Several kiosks, one hall") asks the hall,
  // which owns the database.
  const hallLink = config.hall
    ? new HallLinkClient({ url: config.hall.url, token: config.hall.kioskToken, name: config.hall.name, devices, log, ...options.hallLink })
    : null;
  const hall = hallLink
    ? linkedKioskHall(hallLink, config.dataDir, log, hallOptions)
    : await openKioskHall(config.dataDir, log, { ...hallOptions, hallId: config.site.hallId, store: options.hall?.store ?? hallStore(config, log) });
  // Windows from the loaded catalogue unless the start options or the config set them (README "Loading the catalogue").
  if (!hallLink && hall.store && !options.counterWorkflow?.windows && !config.counterWorkflow?.windows) {
    const fromCatalogue = await hall.store.listHallWindows().catch(() => []);
    try {
      if (fromCatalogue.length > 0) counterWorkflow = resolveCatalogueWindows(config, options.counterWorkflow, fromCatalogue);
    } catch (err) {
      await hall.close();
      releaseLock();
      throw err;
    }
  }
  // Access audit (等保 2.0 level 3) in the hall database; a linked kiosk has none: the hall audits its requests.
  const audit = hall.store ? new AccessAuditLog(hall.store, hall.clock, log) : null;
  // Staff logins for /tech and /hall (README "For technicians: the console", access).
  const staff = staffAuthFromConfig(config);
  // Retention (hall/retentionPolicy.ts): now and daily; a linked kiosk has no hall database, only its print jobs.
  const retention = scheduleRetention({
    policy: config.retention, clock: hall.clock, store: hallLink ? null : hall.store,
    printJobFiles: printJobFilesOf(config.dataDir, config.devices), log,
  });
  const eventLoop = new EventLoopMonitor();
  // Online backups of the SQLite hall database; a PostgreSQL hall is dumped with pg_dump instead (README "Backups").
  const backups = scheduleHallBackups({
    policy: { ...config.backup, dir: config.backup.dir ?? join(config.dataDir, 'backups') }, store: () => (hallLink ? null : hall.store), log,
  });
  if (!hallLink && config.backup.everyHours > 0 && parseHallStoreSetting(config.store).kind === 'postgres') {
    log.info('backup: the hall database is on PostgreSQL: back it up with pg_dump (README "Backups"); no SQLite backups are scheduled');
  }
  // Prometheus `/metrics` for the metrics token (README "Monitoring"); the kiosk registry exists once the link server does.
  const metrics = createBridgeMetrics({
    devices, log, store: () => (hallLink ? null : hall.store), today: () => hall.clock.today(), kiosks: () => kioskLink?.registry ?? null,
  });
  // The phone channel (README "The phone channel"): where this bridge holds the hall database, a phone holding a
  // ticket capability reads that ticket and hears its calls. A linked kiosk has none: its phones ask the hall.
  const phone = hallLink ? null : new PhoneChannel(hall, config.site.hallId, log);
  // `/kiosk` is the kiosk's own screen: loopback (or listed) peer plus the secret written into its page.
  const kioskScreens = new KioskScreens({ ...config.kioskScreen, allowedOrigins: config.allowedOrigins });
  const app = createHttpApp({
    devices,
    uiDir: config.uiDir ?? '',
    startedAt,
    health: {
      eventLoop, hallLink, database: hallLink ? undefined : () => hall.checkDatabase?.() ?? Promise.resolve(hall.storeProblem),
      databaseStore: hallLink ? undefined : hall.storeKind ?? (parseHallStoreSetting(config.store).kind === 'postgres' ? 'postgresql' : 'sqlite'),
    },
    tokens: config.tokens,
    onAccessRefused: auditRefusals(() => audit),
    log,
    routers: [
      metrics.router,
      verifyRouter(() => hall.certificates),
      ...(phone ? [phone.router] : []),
      siteRouter(config.site, () => publicUrl),
      catalogueNamesRouter(DEMO_ENGLISH_NAMES),
      // Manager dashboard REST: behind a staff session; the live service is made below, after the
      // socket.
      hallDashboardRouter({ auth: staff, dashboard: () => dashboard, today: () => hall.clock.today(), audit: () => audit }),
      // The district manager's read-only view of every hall of the database (README "Running a district").
      districtRouter({ store: () => (hallLink ? null : hall.store), today: () => hall.clock.today(), now: () => hall.clock.now(),
        ownAlerts: () => dashboard?.alerts().length ?? null }),
      accessAuditRouter({ audit: () => audit }),
      recordingRouter({ recorder, allowedOrigins: config.allowedOrigins }),
      // The manager's catalogue edits (categories, windows, slot capacities, holidays), checked as the command does.
      catalogueRouter({ allowedOrigins: config.allowedOrigins, store: () => (hallLink ? null : hall.store), log }),
      // The hall floor's manager actions (hold pool); the workflow is made below, after the socket.
      hallFloorRouter({ allowedOrigins: config.allowedOrigins, workflow: () => floorWorkflow }),
      // The counter's pre-review of kiosk applications and the managers' post-hoc checks (README "Applying at the kiosk").
      intakeRouter({ allowedOrigins: config.allowedOrigins, intake: () => (hallLink ? null : hall.intake ?? null), hallId: config.site.hallId ?? DEFAULT_HALL_ID, audit: () => audit }),
    ],
    staff: {
      auth: staff,
      allowedOrigins: config.allowedOrigins,
      secureCookie: config.auth.secureCookie,
      defaultCommandTimeoutMs: config.options.defaultCommandTimeoutMs,
      simulatorControlUrl: config.simulatorControlUrl,
    },
    kioskScreen: kioskScreens,
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
    kioskScreen: kioskScreens,
  });

  // Reader card events -> the kiosk's active screen and /tech, masked (the full holder stays in the bridge:
  // devices/idReader/events.ts). Personal even masked, so not to every /kiosk socket (api/kioskScreen.ts).
  const { kiosk, tech } = socket.namespaces;
  const stopCardEvents = forwardCardEvents(devices.list(), {
    cardRead: (e) => {
      kioskScreens.toActive('cardRead', e);
      tech.emit('cardRead', e);
    },
    cardError: (e) => {
      kioskScreens.toActive('cardError', e);
      tech.emit('cardError', e);
    },
    cardRemoved: (e) => {
      kiosk.emit('cardRemoved', e);
      tech.emit('cardRemoved', e);
    },
  });

  // Scanned codes -> /kiosk and /tech as a preview and length (the whole code stays in the bridge: qrScanner/events.ts).
  const stopScannerEvents = forwardScannerEvents(devices.list(), {
    codeScanned: (e) => {
      kiosk.emit('codeScanned', e);
      tech.emit('codeScanned', e);
    },
  });

  // Counter terminal key presses and ratings -> /hall (the counter workflow consumes them there).
  const { hall: hallNs } = socket.namespaces;
  const stopCounterEvents = forwardCounterBusEvents(devices.list(), {
    counterEvent: (e) => hallNs.emit('counterEvent', e),
    counterOverflow: (e) => hallNs.emit('counterOverflow', e),
  });

  // Counter workflow: terminal keys -> queue; calls and window states -> /hall and the read-only /display.
  const counters = attachHallCounter({ config, devices, hall, hallNamespace: hallNs, log, workflow: counterWorkflow });
  floorWorkflow = hallLink ? null : counters.workflow;
  const display = attachDisplaySocket(socket.io, counters.workflow, log);

  // A hall serving kiosks: their links, registry and requests (the hall functions run here, over this database).
  const stopPhoneWake = phone?.watch(counters.workflow);

  const kioskLink = config.kiosks.length > 0 ? new KioskLinkServer({ io: socket.io, kiosks: config.kiosks, hall, log, audit, policy: config.kioskLink }) : null;

  // Manager dashboard on /hall: this bridge's devices (as kiosk-1, or as the hall's own devices
  // when it serves linked kiosks, whose ids may be kiosk-1...) and the linked kiosks; alerts live.
  const own = kioskLink ? localKioskSource(devices, () => hall.clock.now(), 'hall', '大厅设备 / hall devices') : localKioskSource(devices, () => hall.clock.now());
  dashboard = attachHallDashboard({
    hallNamespace: hallNs,
    kiosks: [own, ...(kioskLink ? [registryKioskSource(kioskLink.registry)] : [])],
    hall,
    workflow: counters.workflow,
    log,
    audit,
  });

  // After the card forwarding above, so a kiosk always gets `cardRead` before the `session` it starts.
  const kioskApi = attachKioskApi({
    kiosk,
    devices,
    hall,
    log,
    defaultCommandTimeoutMs: config.options.defaultCommandTimeoutMs,
    completionCacheSize: config.options.completionCacheSize,
    publicUrl: () => publicUrl,
    hallName: config.site.hallName,
    ...(phone ? { phoneCapabilities: () => phone.capabilities, appointmentCodes: () => phone.appointmentCodes } : {}),
    // Audited under the id the dashboard shows for this bridge's own devices.
    ...(audit ? { audit: { log: audit, kioskId: kioskLink ? 'hall' : LOCAL_KIOSK_ID } } : {}),
    screens: kioskScreens,
  });

  // Scanned codes on the kiosk (docs/mobile-codes.md): an identity code signs in like a card; others are refused in words.
  const readerId = config.devices.find((d) => d.kind === 'idreader' && d.enabled)?.id;
  const scannedCodes = new ScannedCodeHandler({
    issuers: config.identityIssuers.map(identityIssuerOf),
    clock: hall.clock,
    kioskId: (scannerId) => readerId ?? scannerId,
    toScreen: {
      cardRead: (r) => kioskScreens.toActive('cardRead', { ...toCardReadEvent(r), via: 'identityCode' }),
      scanResult: (e) => kioskScreens.toActive('scanResult', e),
    },
    startSession: (r) => kioskApi.startSession(r),
    // Appointment codes where this bridge holds the hall database (their key is the hall's).
    ...(phone ? { appointments: { codes: phone.appointmentCodes, checkIn: (id: number) => checkInByCode(hall, id, (ticket) => printScannedTicket(ticket)) } } : {}),
    log,
  });
  // The ticket of a scanned check-in, as the check-in command prints it: with its phone QR, logged masked.
  const printScannedTicket = async (ticket: TicketView): Promise<KioskPrintOutcome> => {
    const base = publicUrl;
    if (!base || !phone) return { jobId: null, code: 'deviceNotReady', state: null, message: NO_PUBLIC_URL_MESSAGE, pending: false };
    const job = ticketPrintJob(ticket, kioskRecipeOptions(config.site.hallName, base), phoneHandoffOf(base, phone.capabilities, ticket).url);
    const outcome = await printForKiosk(kioskPrinter(devices), job, `scan:${ticket.id}:${Date.now()}`, config.options.defaultCommandTimeoutMs);
    await hall.records?.addPrintLog({ at: hall.clock.now(), kind: 'queueTicket', ref: ticket.number, maskedNumber: ticket.maskedNumber ?? '', detail: outcome.code })
      .catch(() => undefined);
    return outcome;
  };
  const stopScannedCodes = onScannedCodes(devices.list(), (c) => {
    scannedCodes.handle(c).catch((err: unknown) => log.error({ err }, 'scanned code failed'));
  });

  await new Promise<void>((resolve, reject) => {
    const failed = (err: Error) => {
      backups.stop();
      releaseLock();
      reject(err);
    };
    server.once('error', failed);
    server.listen(config.http.port, config.http.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
  if (publicUrl === null && options.publicUrl) publicUrl = options.publicUrl === 'own' ? url : options.publicUrl.replace(/\/+$/, '');
  if (publicUrl === null && config.devices.some((d) => d.kind === 'printer' && d.enabled)) {
    log.warn({ field: 'site.publicUrl' }, 'no public URL configured: tickets and certificate copies with a QR code will not be printed; set site.publicUrl');
  }
  // Ports are known before they open, so a recording started by config catches each port's first open.
  for (const d of config.devices) if (d.enabled) recorder.device({ id: d.id, kind: d.kind, path: d.path });
  if (config.recording.enabled) {
    try {
      recorder.start('config');
    } catch (err) {
      log.error({ alert: 'recordingStopped', err: (err as Error).message }, 'recording could not start; the bridge carries on');
    }
  }
  const recordingWindow = config.recording.window ? scheduleRecordingWindow(recorder, config.recording.window, hallClock, log) : null;
  await devices.start();
  hallLink?.start();
  log.info({ url, hallId: config.site.hallId, hallName: config.site.hallName, publicUrl, devices: config.devices.length }, 'bridge started');

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
    kioskScreenSecret: kioskScreens.secret,
    kioskScreens,
    dashboard,
    backups,
    recorder,
    phone,
    log,
    close: () =>
      (closing ??= (async () => {
        recordingWindow?.stop();
        retention.stop();
        backups.stop();
        eventLoop.stop();
        metrics.close();
        stopCardEvents();
        stopScannerEvents();
        stopScannedCodes();
        stopCounterEvents();
        stopPhoneWake?.();
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
        recorder.stop();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        // Last: the hall database is closed, a restore may now replace it.
        releaseLock();
        log.info('bridge stopped');
      })()),
  };
}

/** The one place the hall's store is chosen (config `store`: "sqlite" or a PostgreSQL URL). */
function hallStore(config: BridgeConfig, log: Logger): HallStoreOpener {
  const setting = parseHallStoreSetting(config.store);
  log.info({ store: describeHallStoreSetting(setting, config.dataDir) }, 'hall store');
  return hallStoreOpener(setting, config.dataDir, config.site.hallId);
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
