/**
 * The hall role of the composition root: the hall's data (the one place the store is chosen, config `store`), its
 * counter windows, the access audit, retention and backups; then, once the sockets exist, the counter workflow with
 * `/display` and the manager dashboard on `/hall`.
 *
 * On a kiosk linked to a hall the hall owns the database (README "Several kiosks, one hall"): this bridge has no
 * store, no audit of its own and no backups, and its hall functions are asked of the hall over the link.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { attachDisplaySocket } from '../api/displaySocket.ts';
import { attachHallCounter, resolveCatalogueWindows, resolveCounterWorkflowConfig, type HallCounter } from '../api/hallCounter.ts';
import { attachHallDashboard, localKioskSource, registryKioskSource, type HallDashboardService } from '../api/hallDashboard.ts';
import type { SocketApi } from '../api/index.ts';
import { openKioskHall, type KioskHall, type KioskHallOptions } from '../api/kioskHall.ts';
import type { BridgeConfig } from '../config/index.ts';
import type { DeviceSet } from '../devices/deviceSet.ts';
import { AccessAuditLog } from '../hall/accessAudit.ts';
import type { CounterWorkflowConfig, CounterWorkflowConfigInput } from '../hall/counterConfig.ts';
import { printJobFilesOf, scheduleRetention } from '../hall/retention.ts';
import { startNoticeDispatch } from '../hall/notify/dispatchSetup.ts';
import type { HallLinkClient } from '../hallLink/hallLinkClient.ts';
import type { KioskLinkServer } from '../hallLink/kioskLinkServer.ts';
import { linkedKioskHall } from '../hallLink/linkedKioskHall.ts';
import { scheduleHallBackups, type HallBackupSchedule } from '../store/hallBackup.ts';
import { describeHallStoreSetting, parseHallStoreSetting } from '../store/hallStoreSetting.ts';
import { hallStoreOpener, type HallStoreOpener } from '../store/openHallStore.ts';

export interface HallData {
  hall: KioskHall;
  /** The counter windows: start options, else config, else the loaded catalogue, else every terminal. */
  counterWorkflow: CounterWorkflowConfig;
  audit: AccessAuditLog | null;
  backups: HallBackupSchedule;
  stop(): void;
}

/** The one place the hall's store is chosen (config `store`: "sqlite" or a PostgreSQL URL). */
export function hallStore(config: BridgeConfig, log: Logger): HallStoreOpener {
  const setting = parseHallStoreSetting(config.store);
  log.info({ store: describeHallStoreSetting(setting, config.dataDir) }, 'hall store');
  return hallStoreOpener(setting, config.dataDir, config.site.hallId);
}

/**
 * Opens the hall's data: a store that cannot open pauses the hall functions (api/kioskHall.ts) instead of stopping
 * the bridge. Throws (with the hall closed) only when the catalogue's windows do not fit the config.
 */
export async function openHallData(o: {
  config: BridgeConfig; log: Logger; hallLink: HallLinkClient | null; hallOptions: KioskHallOptions;
  counterWorkflow?: CounterWorkflowConfigInput;
}): Promise<HallData> {
  const { config, log, hallLink } = o;
  const hall = hallLink
    ? linkedKioskHall(hallLink, config.dataDir, log, o.hallOptions)
    : await openKioskHall(config.dataDir, log, { ...o.hallOptions, hallId: config.site.hallId, store: o.hallOptions.store ?? hallStore(config, log) });
  let counterWorkflow = resolveCounterWorkflowConfig(config, o.counterWorkflow);
  // Windows from the loaded catalogue unless the start options or the config set them (README "Loading the catalogue").
  if (!hallLink && hall.store && !o.counterWorkflow?.windows && !config.counterWorkflow?.windows) {
    const fromCatalogue = await hall.store.listHallWindows().catch(() => []);
    try {
      if (fromCatalogue.length > 0) counterWorkflow = resolveCatalogueWindows(config, o.counterWorkflow, fromCatalogue);
    } catch (err) {
      await hall.close();
      throw err;
    }
  }
  // Access audit (等保 2.0 level 3) in the hall database; a linked kiosk has none: the hall audits its requests.
  const audit = hall.store ? new AccessAuditLog(hall.store, hall.clock, log) : null;
  // Retention (hall/retentionPolicy.ts): now and daily; a linked kiosk has no hall database, only its print jobs.
  const retention = scheduleRetention({
    policy: config.retention, clock: hall.clock, store: hallLink ? null : hall.store,
    printJobFiles: printJobFilesOf(config.dataDir, config.devices), log,
  });
  // Online backups of the SQLite hall database; a PostgreSQL hall is dumped with pg_dump instead (README "Backups").
  const backups = scheduleHallBackups({
    policy: { ...config.backup, dir: config.backup.dir ?? join(config.dataDir, 'backups') }, store: () => (hallLink ? null : hall.store), log,
  });
  // Result notices through the configured gateway (README "Result notices (结果反馈)"); the hall that owns the database sends.
  const notices = startNoticeDispatch({ config: config.notifications, dataDir: config.dataDir, store: hallLink ? null : hall.store, clock: hall.clock, log });
  if (!hallLink && config.backup.everyHours > 0 && parseHallStoreSetting(config.store).kind === 'postgres') {
    log.info('backup: the hall database is on PostgreSQL: back it up with pg_dump (README "Backups"); no SQLite backups are scheduled');
  }
  return {
    hall, counterWorkflow, audit, backups,
    stop: () => {
      retention.stop();
      backups.stop();
      void notices?.stop();
    },
  };
}

export interface HallScreens {
  counters: HallCounter;
  dashboard: HallDashboardService;
  detach(): void;
}

/**
 * Counter workflow (terminal keys -> queue; calls and window states -> /hall and the read-only /display) and the
 * manager dashboard on /hall: this bridge's devices (as kiosk-1, or as the hall's own devices when it serves linked
 * kiosks, whose ids may be kiosk-1...) and the linked kiosks; alerts live.
 */
export function attachHallScreens(o: {
  config: BridgeConfig; data: HallData; devices: DeviceSet; socket: SocketApi; kioskLink: KioskLinkServer | null; log: Logger;
  /** The instances' message bus state (instancesRole.ts), shown on the dashboard; absent with one instance. */
  messageBus?: () => string | null;
}): HallScreens {
  const { hall, audit } = o.data;
  const hallNamespace = o.socket.namespaces.hall;
  const counters = attachHallCounter({ config: o.config, devices: o.devices, hall, hallNamespace, log: o.log, workflow: o.data.counterWorkflow });
  const display = attachDisplaySocket(o.socket.io, counters.workflow, o.log);
  const now = () => hall.clock.now();
  const own = o.kioskLink ? localKioskSource(o.devices, now, 'hall', '大厅设备 / hall devices') : localKioskSource(o.devices, now);
  const dashboard = attachHallDashboard({
    hallNamespace,
    kiosks: [own, ...(o.kioskLink ? [registryKioskSource(o.kioskLink.registry)] : [])],
    hall,
    workflow: counters.workflow,
    log: o.log,
    audit,
    messageBus: o.messageBus,
  });
  return {
    counters,
    dashboard,
    detach: () => {
      display.detach();
      counters.detach();
      dashboard.detach();
    },
  };
}
