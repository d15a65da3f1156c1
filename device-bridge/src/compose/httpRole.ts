/**
 * The HTTP side of the composition root: the express app with every router (health, metrics, verify, site,
 * catalogue, dashboard REST, access audit, staff logins) on one server, and listening on it.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { accessAuditRouter, auditRefusals } from '../api/accessAuditRoutes.ts';
import { catalogueNamesRouter } from '../api/catalogueNames.ts';
import { catalogueRouter } from '../api/catalogueRoutes.ts';
import type { HallDashboardService } from '../api/hallDashboard.ts';
import { hallDashboardRouter } from '../api/hallDashboardRoutes.ts';
import type { EventLoopMonitor, HealthSources } from '../api/health.ts';
import { createHttpApp } from '../api/index.ts';
import type { KioskHall } from '../api/kioskHall.ts';
import type { KioskScreens } from '../api/kioskScreen.ts';
import type { BridgeMetrics } from '../api/metrics.ts';
import { siteRouter } from '../api/siteRoutes.ts';
import { verifyRouter } from '../api/verifyRoutes.ts';
import { copyVerifierOf } from '../api/certificateVerifyAnswer.ts';
import type { StaffAuth } from '../auth/staffAuth.ts';
import type { BridgeConfig } from '../config/index.ts';
import { DEMO_ENGLISH_NAMES } from '../demo/catalogueEnglish.ts';
import type { DeviceSet } from '../devices/deviceSet.ts';
import type { AccessAuditLog } from '../hall/accessAudit.ts';
import type { HallLinkClient } from '../hallLink/hallLinkClient.ts';
import { parseHallStoreSetting } from '../store/hallStoreSetting.ts';
import { DEFAULT_HALL_ID } from '../store/hallScope.ts';
import type { PhoneChannel } from '../api/phoneChannel.ts';
import { districtRouter } from '../api/districtRoutes.ts';
import { hallFloorRouter } from '../api/hallFloorRoutes.ts';
import { intakeStateRouter } from '../api/intakeStateRoutes.ts';
import { intakeRouter } from '../api/intakeRoutes.ts';
import { applicationRouter } from '../api/applicationRoutes.ts';
import { ApplicationService } from '../hall/applications.ts';
import { resultRouter } from '../api/resultRoutes.ts';
import { ResultCollectionService } from '../hall/resultCollection.ts';
import type { CounterWorkflow } from '../hall/counterWorkflow.ts';
import type { Recorder } from '../recording/recorder.ts';
import { recordingRouter } from '../recording/recordingRoutes.ts';
import type { ReplayJobs } from '../recording/replayJob.ts';

export interface HttpRoleOptions {
  config: BridgeConfig;
  devices: DeviceSet;
  hall: KioskHall;
  hallLink: HallLinkClient | null;
  audit: AccessAuditLog | null;
  staff: StaffAuth;
  metrics: BridgeMetrics;
  eventLoop: EventLoopMonitor;
  screens: KioskScreens;
  startedAt: number;
  log: Logger;
  /** Known after listen in the demo (its own URL), hence a getter. */
  publicUrl: () => string | null;
  /** Made after the sockets, hence a getter. */
  dashboard: () => HallDashboardService | undefined;
  /** Other instances' message bus (README "Many instances"), when configured. */
  messageBus?: HealthSources['messageBus'];
  /** The phone channel's routes (`/api/m/*`) where this bridge holds the hall database. */
  phone: PhoneChannel | null;
  recorder: Recorder;
  /** Replays of recordings from /tech (child processes). */
  replays: ReplayJobs;
  /** The counter workflow (made after the sockets, hence a getter): the hall floor's manager actions. */
  workflow: () => CounterWorkflow | null;
}

export function createHttpServer(o: HttpRoleOptions): HttpServer {
  const { config, hall, hallLink } = o;
  const ownsDatabase = !hallLink;
  const app = createHttpApp({
    devices: o.devices,
    uiDir: config.uiDir ?? '',
    trustProxy: config.site.trustProxy,
    startedAt: o.startedAt,
    health: {
      eventLoop: o.eventLoop,
      hallLink,
      database: ownsDatabase ? () => hall.checkDatabase?.() ?? Promise.resolve(hall.storeProblem) : undefined,
      databaseStore: ownsDatabase ? hall.storeKind ?? (parseHallStoreSetting(config.store).kind === 'postgres' ? 'postgresql' : 'sqlite') : undefined,
      ...(o.messageBus ? { messageBus: o.messageBus } : {}),
    },
    tokens: config.tokens,
    onAccessRefused: auditRefusals(() => o.audit),
    log: o.log,
    routers: [
      o.metrics.router,
      verifyRouter(() => copyVerifierOf(hall)),
      ...(o.phone ? [o.phone.router] : []),
      siteRouter(config.site, o.publicUrl, config.visits.maxSteps),
      catalogueNamesRouter(DEMO_ENGLISH_NAMES),
      // Manager dashboard REST, behind a staff session.
      hallDashboardRouter({ auth: o.staff, dashboard: o.dashboard, today: () => hall.clock.today(), audit: () => o.audit }),
      // The district manager's read-only view of every hall of the database (README "Running a district").
      districtRouter({ store: () => (ownsDatabase ? hall.store : null), today: () => hall.clock.today(), now: () => hall.clock.now(),
        ownAlerts: () => o.dashboard()?.alerts().length ?? null }),
      accessAuditRouter({ audit: () => o.audit }),
      recordingRouter({ recorder: o.recorder, replays: o.replays, allowedOrigins: config.allowedOrigins }),
      // The manager's catalogue edits (categories, windows, slot capacities, holidays), checked as the command does.
      catalogueRouter({ allowedOrigins: config.allowedOrigins, store: () => (ownsDatabase ? hall.store : null), log: o.log }),
      // The hall floor's manager actions (hold pool).
      hallFloorRouter({ allowedOrigins: config.allowedOrigins, workflow: () => (ownsDatabase ? o.workflow() : null) }),
      // Intake paused / closed for the day (README "Running the hall floor", day boundaries).
      intakeStateRouter({ allowedOrigins: config.allowedOrigins, boundaries: () => (ownsDatabase ? hall.boundaries : null),
        state: () => hall.intakeState, audit: () => o.audit }),
      // The counter's pre-review of kiosk applications and the managers' post-hoc checks (README "Applying at the kiosk").
      intakeRouter({ allowedOrigins: config.allowedOrigins, intake: () => (ownsDatabase ? hall.intake ?? null : null),
        hallId: config.site.hallId ?? DEFAULT_HALL_ID, audit: () => o.audit }),
      // The clerk moves applications on; an end queues the citizen's result notice (README "Result notices").
      applicationRouter({ allowedOrigins: config.allowedOrigins, hallId: config.site.hallId ?? DEFAULT_HALL_ID, audit: () => o.audit,
        applications: () => (ownsDatabase && hall.store ? new ApplicationService(hall.store, hall.clock) : null) }),
      // Collecting results: the clerk's pickup record, the managers' parcels and uncollected list (README "Collecting results").
      resultRouter({ allowedOrigins: config.allowedOrigins,
        results: () => (ownsDatabase && hall.results instanceof ResultCollectionService ? hall.results : null), audit: () => o.audit }),
    ],
    staff: {
      auth: o.staff,
      allowedOrigins: config.allowedOrigins,
      secureCookie: config.auth.secureCookie,
      defaultCommandTimeoutMs: config.options.defaultCommandTimeoutMs,
      simulatorControlUrl: config.simulatorControlUrl,
    },
    kioskScreen: o.screens,
  });
  return createServer(app);
}

/** Listens as the config says; resolves with the URL clients use (loopback for a wildcard address). */
export async function listen(server: HttpServer, config: BridgeConfig): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  return { url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`, port };
}
