/**
 * `GET /api/health`, truthful (README "Security", health): what the bridge can serve now, for the hall's
 * monitoring and the technician. It answers 503 when the bridge cannot do its job:
 *
 * - a bridge owning the hall database (a hall, or a lone kiosk): the database is missing, corrupt, failing or
 *   closed (every hall function then answers 暂停服务);
 * - a kiosk linked to a hall: the link is down (no hall function can be asked).
 *
 * A device offline or in error is reported (`devices`, `degraded`) but does NOT make it 503: the bridge still serves
 * every function that does not need that device (a kiosk without paper still books and lists; a hall with its
 * counter bus down still issues tickets), and the manager dashboard raises the device's own alert. 503 tells a load
 * balancer or supervisor to act on the whole bridge, which a paper-out does not call for.
 *
 * The event loop's delay (perf_hooks monitorEventLoopDelay) is reported for the last window; a loop that lags
 * seconds behind makes the bridge `degraded`, not unavailable (it still answers, late).
 *
 * No personal data: device ids and states only (no details, no frames), the database's problem in the bridge's own
 * words (file name, SQLite code), never a path, a number or a name. Unauthenticated on purpose (monitoring).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { DeviceState, DeviceStatus } from '@onedoor/protocol';

/** A loop whose p99 delay over the window exceeds this is reported `degraded`. */
export const EVENT_LOOP_DEGRADED_MS = 500;
/** The delay figures cover about this much time (the histogram is reset when a read finds it older). */
export const EVENT_LOOP_WINDOW_MS = 10_000;

export type HealthStatus = 'ok' | 'degraded' | 'unavailable';

export interface HealthReport {
  /** false when the bridge cannot serve (then HTTP 503). */
  ok: boolean;
  status: HealthStatus;
  /** What the bridge is: the hall database's owner (`hall`: a hall or a lone kiosk) or a kiosk linked to a hall. */
  role: 'hall' | 'linkedKiosk';
  /** Why it is not ok or degraded, in words (empty when all is well). */
  problems: string[];
  uptimeSeconds: number;
  /**
   * null on a linked kiosk (the hall owns the database). `store`: which database (README "Running a district"); a
   * PostgreSQL server that cannot be reached is not ok (503) until it answers again, then ok with no restart.
   */
  database: { ok: boolean; problem: string | null; store?: 'sqlite' | 'postgresql' } | null;
  /** null on a bridge that is not linked to a hall. */
  hallLink: { up: boolean; pending: number } | null;
  /**
   * null on a single instance. With other instances (config `cluster`, README "Many instances"): whether calls and
   * board changes reach screens connected to them (Redis); while not, screens on this instance still get them.
   */
  messageBus: { ok: boolean; problem: string | null } | null;
  eventLoop: { meanMs: number; p99Ms: number; maxMs: number; windowMs: number };
  devices: Record<string, DeviceState>;
  /** Devices per state, e.g. { online: 2, offline: 1 }. */
  states: Partial<Record<DeviceState, number>>;
}

export interface HealthSources {
  startedAt: number;
  devices: { statuses(): DeviceStatus[] };
  /** The hall database check (null problem: usable); absent on a linked kiosk. */
  database?: () => Promise<string | null>;
  /** Which database the hall runs on. */
  databaseStore?: 'sqlite' | 'postgresql';
  hallLink?: { readonly up: boolean; readonly pending: number } | null;
  /** Between instances (README "Many instances"): null problem when other instances' screens are reached. */
  messageBus?: () => string | null;
  eventLoop: EventLoopMonitor;
}

/** Device states in which the device cannot do its job now. */
const DEVICE_DOWN: ReadonlySet<DeviceState> = new Set<DeviceState>(['offline', 'hardwareError']);

export class EventLoopMonitor {
  private readonly histogram: IntervalHistogram;
  private since = Date.now();

  constructor(resolutionMs = 20) {
    this.histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    this.histogram.enable();
  }

  /** Delay figures (ms) since the window began; starts a new window when this one is older than EVENT_LOOP_WINDOW_MS. */
  read(): HealthReport['eventLoop'] {
    const h = this.histogram;
    const ms = (ns: number) => (Number.isFinite(ns) ? Math.round(ns / 1e4) / 100 : 0);
    const out = { meanMs: ms(h.mean), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), windowMs: Date.now() - this.since };
    if (out.windowMs >= EVENT_LOOP_WINDOW_MS) {
      h.reset();
      this.since = Date.now();
    }
    return out;
  }

  stop(): void {
    this.histogram.disable();
  }
}

export async function healthReport(s: HealthSources): Promise<HealthReport> {
  const problems: string[] = [];
  let unavailable = false;
  let degraded = false;

  const devices: Record<string, DeviceState> = {};
  const states: Partial<Record<DeviceState, number>> = {};
  for (const d of s.devices.statuses()) {
    devices[d.id] = d.state;
    states[d.state] = (states[d.state] ?? 0) + 1;
    if (DEVICE_DOWN.has(d.state)) {
      degraded = true;
      problems.push(`device ${d.id} ${d.state}`);
    }
  }

  let database: HealthReport['database'] = null;
  if (s.database) {
    let problem: string | null;
    try {
      problem = await s.database();
    } catch (err) {
      problem = `database check failed: ${(err as Error).message}`;
    }
    database = { ok: problem === null, problem, ...(s.databaseStore ? { store: s.databaseStore } : {}) };
    if (problem !== null) {
      unavailable = true;
      problems.unshift(`hall database: ${problem}`);
    }
  }

  let hallLink: HealthReport['hallLink'] = null;
  if (s.hallLink) {
    hallLink = { up: s.hallLink.up, pending: s.hallLink.pending };
    if (!hallLink.up) {
      unavailable = true;
      problems.unshift('hall link down');
    }
  }

  let messageBus: HealthReport['messageBus'] = null;
  if (s.messageBus) {
    const problem = s.messageBus();
    messageBus = { ok: problem === null, problem };
    // Degraded, not unavailable: everything this instance serves still works (api/health.ts: 503 is for the whole
    // bridge); only screens connected to other instances miss calls until the bus is back.
    if (problem !== null) {
      degraded = true;
      problems.push(`message bus: ${problem}`);
    }
  }

  const eventLoop = s.eventLoop.read();
  if (eventLoop.p99Ms > EVENT_LOOP_DEGRADED_MS) {
    degraded = true;
    problems.push(`event loop lagging (p99 ${eventLoop.p99Ms} ms)`);
  }

  const status: HealthStatus = unavailable ? 'unavailable' : degraded ? 'degraded' : 'ok';
  return {
    ok: !unavailable,
    status,
    role: s.hallLink ? 'linkedKiosk' : 'hall',
    problems,
    uptimeSeconds: Math.round((Date.now() - s.startedAt) / 1000),
    database,
    hallLink,
    messageBus,
    eventLoop,
    devices,
    states,
  };
}
