/**
 * The manager dashboard, live (README "For managers: the dashboard"): kiosks and their devices,
 * alerts, queue, today's figures and the time-limit board, sent on `/hall` (contract:
 * protocol/src/contract/hallDashboard.ts).
 *
 * - Kiosks come from `DashboardKioskSource`s: this bridge itself (`localKioskSource`, kiosk-1, heartbeat = now) and
 *   any source added later (the hall's registry of linked kiosks: `addKioskSource`).
 * - Alerts (hall/alerts.ts) are evaluated on every device status change, for the kiosk that changed (a paper-out
 *   status raises its alert in the same turn; linked kiosks' changes are gathered per event-loop turn), and every
 *   `tickMs` for the kiosks whose clock-driven rules fell due (offline > 30 s, heartbeat lost: AlertBoard.dueKiosks);
 *   `hallAlerts` goes out only when the set changes, and a long list at most a few times a second (sendAlerts).
 * - Figures are read from the store at most every `figuresMinGapMs` after a change (a counter event applied) and
 *   every `figuresEveryMs` while someone watches (waits grow, kiosks issue tickets), never while nobody does.
 * - Every (re)connecting /hall socket gets the whole `hallDashboard` (the namespace's auth is in socket.ts: staff
 *   session or the hall token).
 */
import type {
  DashboardQueue, DashboardWindow, DeviceStatus, HallAlert, HallClientToServerEvents, HallDashboard, HallServerToClientEvents, LinkedKioskInfo,
} from '@onedoor/protocol';
import { LOCAL_KIOSK_ID } from '@onedoor/protocol';
import type { Logger } from 'pino';
import type { Namespace } from 'socket.io';
import type { AccessAuditLog } from '../hall/accessAudit.ts';
import { AlertBoard, commitmentCheckAlerts, type AlertChanges, dashboardKiosk, hallDatabaseAlerts, type AlertRuleOptions, type KioskReport } from '../hall/alerts.ts';
import { ApplicationService } from '../hall/applications.ts';
import type { CounterWorkflow } from '../hall/counterWorkflow.ts';
import { dashboardCsv } from '../hall/dashboardCsv.ts';
import { queueFigures, timeLimitFigures, todayFigures } from '../hall/dashboardFigures.ts';
import { evaluateServiceLevels, serviceLevelAlerts, serviceLevelRows } from '../hall/serviceLevels.ts';
import type { HallDay } from '../store/hallStore.ts';
import type { KioskHall } from './kioskHall.ts';
import type { KioskRegistry } from './kioskRegistry.ts';

/**
 * Where kiosk reports come from; `subscribe` calls back on any change (status, heartbeat, kiosk added/gone). A source
 * that can say which kiosks changed passes their ids and answers `report(id)`: the dashboard then re-evaluates those
 * kiosks only (a hall of thousands of linked kiosks would otherwise re-evaluate all of them on every heartbeat).
 */
export interface DashboardKioskSource {
  list(): KioskReport[];
  /** One kiosk's report now (undefined: no longer listed). */
  report?(kioskId: string): KioskReport | undefined;
  subscribe(onChange: (changed?: ReadonlySet<string>) => void): () => void;
}

/** This bridge as a kiosk: its devices; its heartbeat is the clock (it is the one answering). */
/** What localKioskSource needs of a DeviceSet. */
export interface DeviceStatusFeed {
  statuses(): DeviceStatus[];
  on(event: 'status', listener: (s: DeviceStatus) => void): unknown;
  off(event: 'status', listener: (s: DeviceStatus) => void): unknown;
}

export function localKioskSource(devices: DeviceStatusFeed, now: () => number, kioskId = LOCAL_KIOSK_ID, name = '本机自助机 / this kiosk'): DashboardKioskSource {
  return {
    list: () => [{ kioskId, name, local: true, lastHeartbeat: now(), devices: devices.statuses() }],
    subscribe: (onChange) => {
      const l = (_s: DeviceStatus) => onChange();
      devices.on('status', l);
      return () => devices.off('status', l);
    },
  };
}

/** The hall's linked kiosks (P's KioskRegistry, hallLink/kioskLinkServer.ts): statuses and heartbeats as they stream in. */
export function registryKioskSource(registry: Pick<KioskRegistry, 'list' | 'get' | 'on' | 'off'>): DashboardKioskSource {
  const report = (k: LinkedKioskInfo): KioskReport => ({
    kioskId: k.kioskId, name: k.name, local: false, lastHeartbeat: k.lastHeartbeat, devices: k.devices, linked: k.connected,
    refusals: k.refusals, lastDuplicateLinkAt: k.lastDuplicateLinkAt,
  });
  return {
    list: () => registry.list().map(report),
    report: (kioskId) => {
      const k = registry.get(kioskId);
      return k && report(k);
    },
    subscribe: (onChange) => {
      // Coalesced to one call per event-loop turn, naming the kiosks that changed (README "Many instances", ticketing
      // cost): the dashboard re-evaluates those only, so a heartbeat or a hello costs one kiosk's rules, not the
      // hall's, and a storm of kiosks reconnecting at once does not cost the square of the kiosk count.
      let pending: NodeJS.Immediate | null = null;
      let changed = new Set<string>();
      const l = (k: LinkedKioskInfo | string) => {
        changed.add(typeof k === 'string' ? k : k.kioskId);
        pending ??= setImmediate(() => {
          pending = null;
          const these = changed;
          changed = new Set();
          onChange(these);
        });
      };
      registry.on('change', l);
      registry.on('heartbeat', l);
      return () => {
        if (pending) clearImmediate(pending);
        registry.off('change', l);
        registry.off('heartbeat', l);
      };
    },
  };
}

/** Several evaluations' changes as one (one `hallAlerts` send). */
function merge(...all: AlertChanges[]): AlertChanges {
  const raised = all.flatMap((c) => c.raised);
  const cleared = all.flatMap((c) => c.cleared);
  return { changed: raised.length > 0 || cleared.length > 0, raised, cleared };
}

/** How many alert entries `hallAlerts` may carry per second before a change waits for the next send (see sendAlerts). */
const ALERT_ENTRIES_PER_S = 20_000;

type Figures = Pick<HallDashboard, 'queue' | 'today' | 'timeLimits' | 'storeProblem' | 'intake'>;

export interface HallDashboardOptions {
  hallNamespace: Namespace<HallClientToServerEvents, HallServerToClientEvents>;
  kiosks: DashboardKioskSource[];
  /** The hall database (null: unavailable, figures say so) and clock. On a kiosk linked to a hall, store is null. */
  hall: Pick<KioskHall, 'store' | 'clock' | 'storeProblem' | 'intake' | 'boundaries'>;
  workflow: Pick<CounterWorkflow, 'board' | 'config' | 'events'>;
  log: Logger;
  /** Clock for the alert rules (tests). Default: the hall clock. */
  now?: () => number;
  rules?: AlertRuleOptions;
  /** Alert rules re-evaluated this often. Default 1 s. */
  tickMs?: number;
  /** Figures re-read this often while someone watches. Default 5 s. */
  figuresEveryMs?: number;
  figuresMinGapMs?: number;
  /** Why calls of other instances may not reach this one (instancesRole's message bus); absent: one instance. */
  messageBus?: () => string | null;
  /** Access audit: each /hall connection receives the time-limit board (masked applicants' numbers). */
  audit?: AccessAuditLog | null;
}

export interface HallDashboardService {
  /** The whole view now (figures read fresh). */
  snapshot(): Promise<HallDashboard>;
  alerts(): HallAlert[];
  /** A day's figures as CSV (UTF-8 with BOM). */
  csv(day: HallDay): Promise<string>;
  /** Re-evaluate the alert rules now (the timer does it every tickMs). */
  tick(): void;
  addKioskSource(source: DashboardKioskSource): () => void;
  detach(): void;
}

export function attachHallDashboard(o: HallDashboardOptions): HallDashboardService {
  const now = o.now ?? (() => o.hall.clock.now());
  const log = o.log.child({ component: 'hallDashboard' });
  const board = new AlertBoard(now, o.rules);
  const sources = new Set<DashboardKioskSource>();
  const unsubscribe = new Map<DashboardKioskSource, () => void>();
  let figures: Figures | null = null;
  /** Overdue post-hoc checks, re-read with the figures (the alert rules run synchronously on every tick). */
  let overdueChecks = 0;
  // Its own service over the store: the kiosk-facing one may be a remote hall's (P's hallLink), this one reads here.
  const applications = o.hall.store ? new ApplicationService(o.hall.store, o.hall.clock) : null;
  let detached = false;

  const reports = (): KioskReport[] => [...sources].flatMap((s) => s.list());
  const kioskViews = () => reports().map((k) => dashboardKiosk(k, now(), o.rules));

  const windows = async (): Promise<DashboardWindow[]> => {
    const b = await o.workflow.board();
    return b.windows.map((w) => ({ ...w, categories: o.workflow.config.windows.find((c) => c.window === w.window)?.categories ?? [] }));
  };

  const levels = o.workflow.config.serviceLevels;
  const withServiceLevels = async (q: DashboardQueue): Promise<DashboardQueue> => ({ ...q, serviceLevels: evaluateServiceLevels(q, levels, now()) });

  const readFigures = async (day: HallDay): Promise<Figures> => {
    const store = o.hall.store;
    if (!store) return { queue: null, today: null, timeLimits: null, storeProblem: o.hall.storeProblem ?? 'hall database unavailable' };
    try {
      overdueChecks = (await o.hall.intake?.overdueChecks()) ?? 0;
      evaluateHall();
      return {
        queue: await withServiceLevels(await queueFigures(store, day, now(), await windows())),
        today: await todayFigures(store, day),
        timeLimits: await timeLimitFigures(store, (a) => applications!.view(a)),
        intake: (await o.hall.boundaries?.current()) ?? null,
        storeProblem: null,
      };
    } catch (err) {
      log.warn({ err }, 'dashboard figures unavailable');
      return { queue: null, today: null, timeLimits: null, storeProblem: `hall database: ${(err as Error).message}` };
    }
  };

  const compose = (f: Figures): HallDashboard => ({
    kiosks: kioskViews(), alerts: board.list(), ...f, messageBus: o.messageBus?.() ?? null, serverTime: now(),
  });
  const watched = () => o.hallNamespace.sockets.size > 0;

  // The message bus's state is asked on every tick: a change is pushed to the watching dashboards (their banner).
  let busProblem: string | null = null;
  const watchMessageBus = () => {
    const problem = o.messageBus?.() ?? null;
    if (problem === busProblem) return;
    busProblem = problem;
    if (problem === null) log.info('message bus back: the dashboard banner is cleared');
    else log.warn({ problem }, 'message bus unavailable: the dashboard shows it');
    emitView();
  };
  // `hallAlerts` carries the whole list, so its cost is the list's length: a change goes out at once while at most
  // ALERT_ENTRIES_PER_S entries went out in the last second; past that (thousands of kiosks' heartbeat alerts
  // clearing one by one as they link) the newest list goes out once the budget allows, so the list is sent a few
  // times a second instead of once per kiosk.
  // To this instance's dashboards only, and only while one watches (a newcomer gets the list in its first view):
  // every instance keeps every kiosk's reports (instances/kioskReportSync.ts) and so the same list, and a list sent
  // through the adapter was encoded for Redis and decoded and re-encoded by every other instance, watched or not
  // (at 10,000 kiosks, a quarter of a second of each instance's event loop per send), to reach dashboards that
  // already had their own instance's.
  let alertBudget = ALERT_ENTRIES_PER_S;
  let alertBudgetAt = Date.now();
  let alertsTimer: ReturnType<typeof setTimeout> | null = null;
  const sendAlerts = () => {
    // A send due already carries the newest list; with no dashboard here, a newcomer's first view will.
    if (alertsTimer || detached || !watched()) return;
    const t = Date.now();
    alertBudget = Math.min(ALERT_ENTRIES_PER_S, alertBudget + ((t - alertBudgetAt) * ALERT_ENTRIES_PER_S) / 1000);
    alertBudgetAt = t;
    const cost = Math.min(ALERT_ENTRIES_PER_S, Math.max(1, board.size));
    if (cost <= alertBudget) {
      alertBudget -= cost;
      o.hallNamespace.local.emit('hallAlerts', { alerts: board.list(), serverTime: now() });
      return;
    }
    alertsTimer = setTimeout(() => {
      alertsTimer = null;
      sendAlerts();
    }, Math.ceil(((cost - alertBudget) * 1000) / ALERT_ENTRIES_PER_S));
  };
  const announce = (r: AlertChanges) => {
    if (!r.changed) return false;
    for (const a of r.raised) {
      if (a.kind === 'hallDatabase') log.error({ alert: a.id }, 'alert raised');
      else log.info({ alert: a.id }, 'alert raised');
    }
    for (const a of r.cleared) log.info({ alert: a.id }, 'alert cleared');
    sendAlerts();
    return true;
  };
  // Alerts. Which source lists each kiosk (a kiosk due on the clock is asked of its own source), and each source's.
  const owner = new Map<string, DashboardKioskSource>();
  const listedBy = new Map<DashboardKioskSource, Set<string>>();
  const own = (id: string, source: DashboardKioskSource) => {
    owner.set(id, source);
    let ids = listedBy.get(source);
    if (!ids) listedBy.set(source, (ids = new Set()));
    ids.add(id);
  };
  const disown = (id: string, source: DashboardKioskSource) => {
    if (owner.get(id) === source) owner.delete(id);
    listedBy.get(source)?.delete(id);
  };
  // The hall's own alerts: after every figures read, and on every tick.
  const evaluateHall = () => {
    if (detached) return;
    announce(board.updateHall([...hallDatabaseAlerts(o.hall.storeProblem), ...serviceLevelAlerts(figures?.queue?.serviceLevels),
      ...commitmentCheckAlerts(overdueChecks)]));
  };
  // Every kiosk of one source: when it is added, and on a change of one that cannot say which kiosks changed.
  const evaluateSource = (source: DashboardKioskSource, listed: KioskReport[] = source.list()) => {
    const ids = new Set(listed.map((k) => k.kioskId));
    const gone = [...(listedBy.get(source) ?? [])].filter((id) => !ids.has(id));
    for (const id of gone) disown(id, source);
    for (const id of ids) own(id, source);
    return merge(board.updateKiosks(listed), board.removeKiosks(gone));
  };
  // The kiosks a source named as changed, only them (a kiosk no longer listed loses its alerts).
  const evaluateKiosks = (source: DashboardKioskSource, changed: Iterable<string>) => {
    const changedReports: KioskReport[] = [];
    const gone: string[] = [];
    for (const id of changed) {
      const r = source.report!(id);
      if (r) {
        own(id, source);
        changedReports.push(r);
      } else if (owner.get(id) === source) {
        disown(id, source);
        gone.push(id);
      }
    }
    return merge(board.updateKiosks(changedReports), board.removeKiosks(gone));
  };
  // The clock tick: the hall's alerts, the sources that cannot name their kiosks (this bridge itself: one kiosk), and
  // of the others only the kiosks whose rules the clock may have changed by now (AlertBoard.dueKiosks), so a tick
  // costs what fell due, not the hall's size.
  const evaluateClock = () => {
    if (detached) return;
    evaluateHall();
    const changes: AlertChanges[] = [];
    for (const s of sources) if (!s.report) changes.push(evaluateSource(s));
    const due = new Map<DashboardKioskSource, string[]>();
    for (const id of board.dueKiosks()) {
      const s = owner.get(id);
      if (!s?.report) continue;
      const ids = due.get(s);
      if (ids) ids.push(id);
      else due.set(s, [id]);
    }
    for (const [s, ids] of due) changes.push(evaluateKiosks(s, ids));
    announce(merge(...changes));
  };
  // The device part of the view: throttled to one emit per 300 ms (readers go busy/online on each read).
  let viewTimer: ReturnType<typeof setTimeout> | null = null;
  const emitView = () => {
    if (viewTimer || detached || !watched() || !figures) return;
    viewTimer = setTimeout(() => {
      viewTimer = null;
      if (!detached && figures) o.hallNamespace.emit('hallDashboard', compose(figures));
    }, 300);
  };
  const onKioskChange = (source: DashboardKioskSource, changed?: ReadonlySet<string>) => {
    if (detached) return;
    announce(source.report && changed ? evaluateKiosks(source, changed) : evaluateSource(source));
    emitView();
  };

  // Figures: after changes (at most every figuresMinGapMs) and periodically while watched.
  let refreshing: Promise<void> | null = null;
  let again = false;
  let lastRead = 0;
  const refresh = (): Promise<void> => {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      const wait = lastRead + (o.figuresMinGapMs ?? 1000) - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // Stopped meanwhile: the store may be closed already.
      if (detached) return;
      lastRead = Date.now();
      figures = await readFigures(o.hall.clock.dayOf(now()));
      evaluateHall(); // service-level alerts follow the figures
      if (!detached && watched()) o.hallNamespace.emit('hallDashboard', compose(figures));
    })().finally(() => {
      refreshing = null;
      if (again && !detached) {
        again = false;
        void refresh();
      }
    });
    return refreshing;
  };

  const addKioskSource = (s: DashboardKioskSource) => {
    sources.add(s);
    unsubscribe.set(s, s.subscribe((changed) => onKioskChange(s, changed)));
    onKioskChange(s);
    return () => {
      unsubscribe.get(s)?.();
      unsubscribe.delete(s);
      sources.delete(s);
      if (detached) return;
      // Its kiosks are no longer reported: their alerts go.
      announce(evaluateSource(s, []));
      emitView();
    };
  };
  for (const s of o.kiosks) addKioskSource(s);

  const onApplied = () => void refresh();
  o.workflow.events.on('applied', onApplied);
  const onConnection = (socket: { emit: (e: 'hallDashboard', d: HallDashboard) => void; data?: unknown }) => {
    if (detached) return;
    // Once per connection (the pushes that follow go to the same viewer); a machine with the hall token is named so.
    const staff = (socket.data as { staff?: { user: string; role: string } } | undefined)?.staff;
    void o.audit?.record({
      actor: { kind: 'staff', id: staff?.user ?? 'hall-token', role: staff?.role ?? null }, function: 'dashboard.view', result: 'success', detail: 'socket',
    });
    // A fresh read for the newcomer (the cached figures may be minutes old when nobody watched).
    void readFigures(o.hall.clock.dayOf(now())).then((f) => {
      figures = f;
      if (!detached) socket.emit('hallDashboard', compose(f));
    });
  };
  o.hallNamespace.on('connection', onConnection);

  const tickTimer = setInterval(() => {
    evaluateClock();
    watchMessageBus();
  }, o.tickMs ?? 1000);
  tickTimer.unref();
  const figuresTimer = setInterval(() => {
    if (watched()) void refresh();
  }, o.figuresEveryMs ?? 5000);
  figuresTimer.unref();

  return {
    snapshot: async () => compose(await readFigures(o.hall.clock.dayOf(now()))),
    alerts: () => board.list(),
    csv: async (day) => {
      const f = await readFigures(day);
      if (!f.queue || !f.today || !f.timeLimits) throw new Error(f.storeProblem ?? 'hall database unavailable');
      return dashboardCsv({ day, queue: f.queue, today: f.today, timeLimits: f.timeLimits, serviceLevelRows: serviceLevelRows(f.queue, levels),
        visitSteps: (await o.hall.store?.listVisitStepsOfDay(day)) ?? [] });
    },
    tick: () => evaluateClock(),
    addKioskSource,
    detach: () => {
      detached = true;
      clearInterval(tickTimer);
      clearInterval(figuresTimer);
      if (viewTimer) clearTimeout(viewTimer);
      if (alertsTimer) clearTimeout(alertsTimer);
      o.workflow.events.off('applied', onApplied);
      o.hallNamespace.off('connection', onConnection);
      for (const off of unsubscribe.values()) off();
      unsubscribe.clear();
      sources.clear();
    },
  };
}
