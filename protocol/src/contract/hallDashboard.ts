/**
 * Manager dashboard contract (README "For managers: the dashboard"): what the bridge sends on
 * `/hall` and answers at `GET /api/hall/dashboard`. Plain types only (the browser imports them).
 *
 * - `hallDashboard`: the whole view (kiosks, alerts, queue, today, time limits) on every (re)connect and after a
 *   change (devices at once; figures at most about once a second and every few seconds while nothing changes, so
 *   waits keep growing on screen);
 * - `hallAlerts`: the active alert list whenever an alert is raised or cleared (the dashboard's alert box listens to
 *   this alone, so a paper-out shows without waiting for the figures).
 *
 * Privacy (hall-rules.md "Privacy"): applicant numbers appear masked only; no names.
 */
import type { DeviceKind, DeviceState, PaperState } from './status.ts';
import type { CounterTerminalState } from './counterBus.ts';
import type { CounterWindowState } from './hallDisplay.ts';
import type { KioskLinkRefusals } from './kioskLink.ts';

/** The id of the kiosk a bridge is when it is itself the kiosk (one bridge, one kiosk). */
export const LOCAL_KIOSK_ID = 'kiosk-1';

/**
 * Alert rules of the dashboard (paper low/out, device offline longer than 30 s, SAM faults, kiosk heartbeat lost);
 * `hallDatabase`: the hall database is missing or bad, so the hall has stopped issuing numbers;
 * `duplicateKioskLink`: a second connection with a live kiosk's token was refused;
 * `commitmentChecksOverdue`: written commitments (告知承诺) past their post-hoc check's due day.
 */
export const HALL_ALERT_KINDS = ['paperOut', 'paperLow', 'deviceOffline', 'samFault', 'deviceFault', 'terminalOffline', 'heartbeatLost', 'hallDatabase', 'duplicateKioskLink', 'serviceLevel', 'commitmentChecksOverdue'] as const;
export type HallAlertKind = (typeof HALL_ALERT_KINDS)[number];

/** `critical`: the kiosk cannot serve a function now; `warning`: act soon. */
export type HallAlertSeverity = 'critical' | 'warning';

/**
 * A device or terminal offline this long raises `deviceOffline` / `terminalOffline` (README "For
 * managers: the dashboard": "longer than 30 s").
 */
export const DEVICE_OFFLINE_ALERT_MS = 30_000;
/** A kiosk whose last heartbeat is older than this raises `heartbeatLost`. */
export const KIOSK_HEARTBEAT_ALERT_MS = 30_000;
/**
 * A connection with a linked kiosk's token refused while that kiosk's link was alive (a copied token, or a second
 * bridge configured with it) raises `duplicateKioskLink` for this long after the last such attempt.
 */
export const KIOSK_DUPLICATE_LINK_ALERT_MS = 10 * 60_000;

export interface HallAlert {
  /** Stable while the condition lasts: `<kioskId>/<deviceId>[#unit]/<kind>`. */
  id: string;
  kind: HallAlertKind;
  severity: HallAlertSeverity;
  kioskId: string;
  deviceId: string | null;
  /** Counter terminal unit for `terminalOffline`. */
  unit?: number;
  /** Words for the manager, Chinese first, e.g. `缺纸 / paper out: load a new paper roll`. */
  message: string;
  /** Epoch ms when the alert was raised (stays while it is active). */
  raisedAt: number;
}

export interface DashboardDevice {
  id: string;
  kind: DeviceKind;
  state: DeviceState;
  paper?: PaperState;
  detail: string;
  /** Epoch ms the state last changed. */
  since: number;
  lastError: { code: string; message: string; at: number } | null;
  terminals?: Array<{ unit: number; state: CounterTerminalState; since: number }>;
}

export interface DashboardKiosk {
  kioskId: string;
  name: string;
  /** This bridge itself, or a kiosk linked to the hall. */
  local: boolean;
  /** Epoch ms of the last heartbeat (for the local kiosk: the bridge's own clock, it is alive); null: never heard from. */
  lastHeartbeat: number | null;
  /** false once its heartbeat is lost. */
  alive: boolean;
  /** Linked kiosks: whether the link to the hall is up now (absent for this bridge itself). */
  linked?: boolean;
  devices: DashboardDevice[];
  /** Linked kiosks: what the hall refused of this kiosk since it started (rate limits, malformed, duplicate links). */
  refusals?: KioskLinkRefusals;
}

export interface DashboardCategoryFigures {
  letter: string;
  name: string;
  waiting: number;
  /** Tickets of the category issued today. */
  issued: number;
  /** Average call - issue over today's called tickets (ms); null without any. */
  averageWaitMs: number | null;
  longestWaitMs: number | null;
  /** Finish - start over today's finished tickets (ms). */
  averageServiceMs: number | null;
  /** The oldest ticket of the category still waiting: now - issue time, ms. */
  longestWaitingNowMs?: number | null;
}

export interface DashboardWindow {
  window: number;
  state: CounterWindowState;
  ticketNumber: string | null;
  /** Categories it calls; empty = all. */
  categories: string[];
  /** The day's tickets finished at this window (the window of their last call). */
  served?: number;
  /** hall-rules.md "per window busy time": sum of finish - start of those tickets, ms. */
  busyMs?: number;
  /** Epoch ms since when an idle window has been idle (its last change); null when not idle. */
  idleSince?: number | null;
}

/** README "Running the hall floor", service levels: what a limit is set on. */
export type ServiceLevelMeasure = 'longestWait' | 'queueLength' | 'serviceTime' | 'idleWindow';

/** A crossed service-level limit. */
export interface DashboardServiceLevel {
  scope: 'category' | 'window';
  /** Category letter or window number. */
  key: string;
  measure: ServiceLevelMeasure;
  state: 'yellow' | 'red';
  value: number;
  yellow: number;
  red: number;
  unit: 'min' | 'tickets';
  message: string;
}

export interface DashboardQueue {
  waiting: number;
  /** hall-rules.md "Figures for managers": average and longest wait (call time - issue time), ms. */
  averageWaitMs: number | null;
  longestWaitMs: number | null;
  /** The oldest ticket still waiting: now - issue time, ms. */
  longestWaitingNowMs: number | null;
  averageServiceMs: number | null;
  categories: DashboardCategoryFigures[];
  windows: DashboardWindow[];
  /** The day's latest first calls, newest first, with why each ticket was called (README "Running the hall floor"). */
  recentCalls?: DashboardCall[];
  /** Tickets in the hold pool whose time has not run out. */
  holds?: DashboardHold[];
  /** Service-level limits crossed now, red first (README "Running the hall floor"). */
  serviceLevels?: DashboardServiceLevel[];
}

export interface DashboardCall {
  ticketNumber: string;
  window: number;
  at: number;
  /** The calling rule that chose it, e.g. "预约号：上次预约后已叫2个 (1:2) / appointment: ...". */
  reason: string | null;
}

export interface DashboardHold {
  ticketId: number;
  ticketNumber: string;
  window: number;
  heldAt: number;
  untilAt: number;
}

export interface DashboardBadReview {
  ticketNumber: string;
  window: number;
  rating: number;
  openedDay: string;
  deadlineDay: string;
}

export interface DashboardToday {
  day: string;
  tickets: number;
  served: number;
  noShows: number;
  /** Count per rating 1..5 (index 0 = rating 1 非常满意; names in COUNTER_RATINGS, hall-rules.md "Ratings"). */
  ratings: [number, number, number, number, number];
  openBadReviews: DashboardBadReview[];
  appointmentsBooked: number;
  appointmentsCheckedIn: number;
  /**
   * Per-person limit refusals of the day by limit kind (README "Running the hall floor", abuse limits), counted in
   * the store by every instance: `ticketsPerDay`, `ticketsPerCategoryPerDay`, `openAppointments`,
   * `openAppointmentsPerService`. Kinds never refused are absent.
   */
  limitRefusals?: Array<{ kind: string; count: number }>;
}

/** The words of each per-person limit kind (dashboard panel and day CSV; README "Running the hall floor", abuse limits). */
export const LIMIT_KIND_WORDS: Readonly<Record<string, string>> = {
  ticketsPerDay: '每人每日取号 / tickets per day',
  ticketsPerCategoryPerDay: '每人每类每日取号 / tickets per category per day',
  openAppointments: '每人未使用预约 / open appointments',
  openAppointmentsPerService: '每人每事项未使用预约 / open appointments per service',
};

/** The hall's intake now (README "Running the hall floor", day boundaries); what GET /api/intake-state answers. */
export interface DashboardIntake {
  mode: 'open' | 'paused' | 'closed';
  /** The words kiosks and the phone page show; null while open. */
  message: string | null;
  /** Staff user, or `schedule` (the closing time); null while open. */
  by: string | null;
  since: number | null;
  /** Closing time of the hall day (`HH:MM`), if configured. */
  closingAt: string | null;
}

export interface DashboardTimeLimitItem {
  serial: string;
  serviceName: string;
  /** Masked: first 4 + last 4. */
  maskedNumber: string;
  statusName: string;
  state: 'yellow' | 'red';
  dueDay: string;
  remainingWorkingDays: number;
  stepOverLimit: boolean;
}

export interface DashboardTimeLimits {
  yellow: number;
  red: number;
  items: DashboardTimeLimitItem[];
}

export interface HallDashboard {
  kiosks: DashboardKiosk[];
  alerts: HallAlert[];
  /** null while the hall database is unavailable (`storeProblem` says why). */
  queue: DashboardQueue | null;
  today: DashboardToday | null;
  timeLimits: DashboardTimeLimits | null;
  /** Intake paused or closed (absent on a bridge without the hall database). */
  intake?: DashboardIntake | null;
  storeProblem: string | null;
  /**
   * Why calls made on another instance may not reach this instance's screens (README "Many instances": the message
   * bus, Redis, cannot be reached); null or absent while they do, or on a hall served by one instance.
   */
  messageBus?: string | null;
  serverTime: number;
}

export interface HallAlertsEvent {
  alerts: HallAlert[];
  serverTime: number;
}
