/**
 * One rehearsal run (docs/rehearsal.md): a bridge on a fresh temp data dir with the counter bus simulator (one
 * terminal per window) and a hall clock running `speed` times as fast from the scenario's opening; simulated kiosks
 * linked to it (`/kiosklink`, the path a linked kiosk's `queue.take` takes) take the planned tickets on time; one clerk
 * per open window presses the terminal's keys on the simulator (callNext, start, finish, and the citizen's rating) as
 * a real clerk would, serving each ticket for its planned time. The dashboard (/hall) and the display (/display) run
 * against it as on the day. At the end the day's tickets in the store make the hourly table.
 *
 * Like the demo launcher this is a top-level tool: the only place besides it importing both simulators and bridge.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idNumberCheckChar, KIOSK_LINK_NAMESPACE, type KioskLinkAnswer, type KioskLinkRequest } from '@onedoor/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { DEMO_USERS, silentLogger, startBridge, type BridgeHandle } from '@onedoor/device-bridge';
import { SimulatorHub } from '@onedoor/simulators';
import type { CounterWorkflow } from '../../device-bridge/src/hall/counterWorkflow.ts';
import type { TicketRecord } from '../../device-bridge/src/store/hallStore.ts';
import { serviceLevelsSchema, type ServiceLevels } from '../../device-bridge/src/hall/serviceLevels.ts';
import { bridgePathOf } from '../launcher/launch.ts';
import { planArrivals, type PlannedArrival } from './arrivals.ts';
import { hourlyTable, type HourlyTable } from './hourlyTable.ts';
import { rehearsalClock, type RehearsalClock } from './rehearsalClock.ts';
import { minutesOf, windowsOf, type RehearsalWindow, type Scenario } from './scenario.ts';

export interface RehearsalOptions {
  scenario: Scenario;
  speed: number;
  /** Bridge HTTP port (0 = any free port). */
  port?: number;
  /** The built UI to serve (the dashboard and display); absent: none (tables only). */
  uiDir?: string;
  /** Simulated kiosks taking tickets (default 3). */
  kiosks?: number;
  /** Told once the bridge runs (URL, logins), before the clock starts. */
  onReady?: (r: RehearsalReady) => void | Promise<void>;
  /** Progress lines (hall time, tickets, waiting). */
  print?: (line: string) => void;
  /** Keep the temp data dir (its path is printed). */
  keepData?: boolean;
}

export interface RehearsalReady {
  url: string;
  bridge: BridgeHandle;
  clock: RehearsalClock;
  dataDir: string;
}

export interface RehearsalResult {
  scenario: Scenario;
  day: string;
  tickets: TicketRecord[];
  table: HourlyTable;
  /** Planned arrivals the hall refused (e.g. a category full); normally none. */
  refused: string[];
  /** Key presses made again because the first never reached the workflow (a loaded machine). */
  represses: number;
  url: string;
  dataDir: string;
}

const HALL_MINUTE = 60_000;
/** A press that has not applied by then means the bus or the workflow is stuck (a loaded machine is much faster). */
const PRESS_LIMIT_MS = 120_000;
/** A press normally applies within a poll cycle (well under a second). */
const REPRESS_MS = 3000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A distinct valid citizen per ticket (born 1980 onwards: no green channel, hall-rules.md), so every take is new. */
function citizenOf(k: number): NonNullable<KioskLinkRequest['citizen']> {
  const birth = new Date(Date.UTC(1980, 0, 1) + Math.floor(k / 900) * 86_400_000).toISOString().slice(0, 10);
  const body = `440106${birth.replaceAll('-', '')}${100 + (k % 900)}`;
  const name = `演练${[...String(k)].map((d) => '零一二三四五六七八九'[Number(d)]).join('')}`;
  return { number: body + idNumberCheckChar(body), name, birthDate: birth, validUntil: '长期' };
}

export const DEFAULT_SERVICE_LEVELS: ServiceLevels = serviceLevelsSchema.parse({ categories: { default: { longestWaitMinutes: { yellow: 15, red: 30 } } } });

export async function runRehearsal(o: RehearsalOptions): Promise<RehearsalResult> {
  const { scenario: s, speed } = o;
  const print = o.print ?? (() => undefined);
  const windows = windowsOf(s);
  const plan = planArrivals(s);
  const levels = s.serviceLevels ?? DEFAULT_SERVICE_LEVELS;
  const work = mkdtempSync(join(tmpdir(), 'od-rehearsal-'));
  const stops: Array<() => Promise<void> | void> = [() => {
    if (!o.keepData) rmSync(work, { recursive: true, force: true });
  }];
  const stopAll = async () => {
    while (stops.length) await Promise.resolve(stops.pop()!()).catch(() => undefined);
  };
  try {
    const hub = new SimulatorHub({ dir: join(work, 'pty'), portBase: 0 });
    stops.push(() => hub.close());
    await hub.start([{ kind: 'counterbus', baud: 9600, options: { terminals: windows.length } }]);
    const bus = hub.list()[0];
    const kioskCount = o.kiosks ?? 3;
    const kiosks = Array.from({ length: kioskCount }, (_, i) => ({ id: `kiosk-${i + 1}`, token: randomBytes(16).toString('hex'), name: `演练自助机 ${i + 1}` }));
    // The day: the scenario's, else today on the wall clock's hall day; the clock stands at the opening until go().
    const probe = rehearsalClock(0, 1);
    const day = s.day ?? probe.clock.dayOf(Date.now());
    const clock = rehearsalClock(probe.clock.at(day, s.opening), speed);
    const dataDir = join(work, 'data');
    const bridge = await startBridge({
      http: { host: '127.0.0.1', port: o.port ?? 0 },
      dataDir,
      ...(o.uiDir !== undefined && { uiDir: o.uiDir }),
      users: [...DEMO_USERS],
      tokens: { hall: randomBytes(16).toString('hex'), tech: randomBytes(16).toString('hex') },
      // A wider reply margin than a site's: the rehearsal shares its machine with a browser and a fast clock.
      devices: [{ id: bus.id, kind: 'counterbus', path: bridgePathOf(bus), baud: bus.link.baud, options: { units: windows.map((w) => w.window), replyMarginMs: 400 } }],
      kiosks,
      // A rehearsal's kiosks take a morning's tickets in minutes of wall time.
      kioskLink: { ticketsPerMinute: 10_000, ticketBurst: 1000 },
      site: { hallName: '演练大厅 rehearsal' },
      options: { logLevel: 'silent' },
    }, {
      log: silentLogger(),
      publicUrl: 'own',
      // Session timing is wall-clock for people: scaled with the clock so a session at this bridge lasts as on the day.
      hall: { clock: clock.clock, session: { inactivityMs: 60_000 * speed, warningMs: 20_000 * speed } },
      counterWorkflow: { windows: windows.map((w) => ({ window: w.window, deviceId: bus.id, unit: w.window, categories: w.categories })), serviceLevels: levels },
    });
    stops.push(() => bridge.close());
    const store = bridge.hall.store;
    if (!store) throw new Error(`the rehearsal's hall store did not open: ${bridge.hall.storeProblem ?? 'unknown'}`);
    for (const c of s.categories) await store.upsertQueueCategory({ letter: c.letter, name: c.name, defaultServiceMinutes: Math.max(1, Math.round(c.serviceMinutes.mean)) });

    const links = await Promise.all(kiosks.map((k) => linkKiosk(bridge.url, k.token, speed)));
    stops.push(() => {
      for (const l of links) l.close();
    });
    const workflow = bridge.counters.workflow;
    const clerks = new Clerks(hub, workflow.events, windows, () => JSON.stringify({
      bus: bridge.devices.get(bus.id)?.status().detail, pending: workflow.pending(),
    }));
    workflow.events.on('deferred', (d) => print(`window ${d.window}: a key press waits (${d.reason})`));
    await untilTrue('every counter terminal online', () => windows.every((w) => bridge.devices.get(bus.id)?.status().state === 'online'), 30_000);
    // Windows that open later start paused, as a closed window is on the day.
    for (const w of windows) if (w.from > minutesOf(s.opening)) await clerks.press(w.window, 'pause');
    await o.onReady?.({ url: bridge.url, bridge, clock, dataDir });

    const refused: string[] = [];
    const serviceByNumber = new Map<string, PlannedArrival>();
    clock.go();
    const progress = setInterval(() => {
      void store.listTickets(day).then((all) => {
        const waiting = all.filter((t) => t.status === 'waiting').length;
        print(`${clock.clock.timeOf()}  tickets ${all.length}/${plan.length}  waiting ${waiting}  served ${all.filter((t) => t.status === 'done').length}`);
      }).catch(() => undefined);
    }, Math.max(1000, (15 * HALL_MINUTE) / speed));
    stops.push(() => clearInterval(progress));

    let issuedAll = false;
    const kiosksDone = (async () => {
      for (const [i, a] of plan.entries()) {
        const wait = clock.realDelayUntil(clock.startMs + a.atMs);
        if (wait > 0) await sleep(wait);
        const answer = await links[i % links.length].take(`r${i}`, citizenOf(i), a.category);
        if (answer.ok) serviceByNumber.set((answer.result as { ticket?: { number: string }; number?: string }).number ?? '', a);
        else refused.push(`${a.category} at +${Math.round(a.atMs / HALL_MINUTE)} min: ${JSON.stringify(answer.failure)}`);
      }
      issuedAll = true;
    })();
    const open = minutesOf(s.opening);
    const nowMinute = () => open + clock.elapsedMs() / HALL_MINUTE;
    const finished = async () => issuedAll && (await store.listTickets(day)).every((t) => t.status !== 'waiting');
    await Promise.all([kiosksDone, ...windows.map((w) => clerks.serve(w, {
      nowMinute, finished, serviceOf: (n) => serviceByNumber.get(n), hallMinuteMs: HALL_MINUTE / speed,
    }))]);
    const tickets = await store.listTickets(day);
    const result = { scenario: s, day, tickets, table: hourlyTable(tickets, clock.clock, levels), refused, represses: clerks.represses, url: bridge.url, dataDir };
    if (o.keepData) print(`data kept in ${dataDir}`);
    return result;
  } finally {
    await stopAll();
  }
}

async function untilTrue(what: string, test: () => boolean, limitMs: number): Promise<void> {
  const end = Date.now() + limitMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`rehearsal: timed out waiting for ${what}`);
    await sleep(50);
  }
}

interface KioskLink {
  take(requestId: string, citizen: NonNullable<KioskLinkRequest['citizen']>, category: string): Promise<KioskLinkAnswer>;
  close(): void;
}

/**
 * A simulated linked kiosk: hello, a heartbeat every 5 s of hall time as a real kiosk sends it (README "Several
 * kiosks, one hall"; the dashboard judges heartbeats on the hall clock), and `queue.take`.
 */
async function linkKiosk(url: string, token: string, speed: number): Promise<KioskLink> {
  const socket: Socket = connect(`${url}${KIOSK_LINK_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  await socket.emitWithAck('kioskHello', { devices: [], startedAt: Date.now() });
  const beat = setInterval(() => socket.emit('kioskHeartbeat', { at: Date.now() }), Math.max(20, Math.min(5000, 5000 / speed)));
  return {
    take: (requestId, citizen, category) =>
      socket.timeout(30_000).emitWithAck('hallRequest', { requestId, op: 'queue.take', citizen, args: [category] } satisfies KioskLinkRequest) as Promise<KioskLinkAnswer>,
    close: () => {
      clearInterval(beat);
      socket.disconnect();
    },
  };
}

interface ServeContext {
  nowMinute(): number;
  finished(): Promise<boolean>;
  serviceOf(ticketNumber: string): PlannedArrival | undefined;
  /** Real ms of one hall minute. */
  hallMinuteMs: number;
}

/** The clerks: key presses on the counter bus simulator, each awaited until the workflow has applied it. */
class Clerks {
  constructor(
    private readonly hub: SimulatorHub,
    private readonly events: CounterWorkflow['events'],
    private readonly windows: RehearsalWindow[],
    /** What the bus and the workflow say, for the message of a press that never applies. */
    private readonly diagnose: () => string,
  ) {}

  /** Presses made again because the first never reached the workflow (reported with the result). */
  represses = 0;

  /**
   * Press a key (or rate) at a window's terminal; resolves with the workflow's outcome of that press. A press not
   * applied within REPRESS_MS is pressed again, as a clerk would: on a loaded machine an acknowledgement can time
   * out, and a repeated key word is then taken for the unacknowledged one and skipped (counter-bus.md, events are
   * acknowledged by count). A second press that does arrive is refused harmlessly (busy, no ticket, already started).
   */
  async press(window: number, key: string, rating?: number): Promise<string> {
    const ev = this.events;
    const wanted = rating === undefined ? key : 'rating';
    const act = () => this.stored(() => (rating === undefined
      ? this.hub.act('counterbus', 'press', { unit: window, key })
      : this.hub.act('counterbus', 'rate', { unit: window, rating })));
    let on: (a: { window: number; key: string; outcome: string }) => void = () => undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let again: ReturnType<typeof setInterval> | undefined;
    const applied = new Promise<string>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`rehearsal: window ${window} ${wanted} was not applied within ${PRESS_LIMIT_MS / 1000} s (${this.diagnose()})`)), PRESS_LIMIT_MS);
      on = (a) => {
        if (a.window === window && a.key === wanted) resolve(a.outcome);
      };
      ev.on('applied', on);
    });
    try {
      await act();
      again = setInterval(() => {
        this.represses++;
        // A rating pad that went dark took the rating: nothing to press again (the applied event is on its way).
        void act().catch(() => undefined);
      }, REPRESS_MS);
      return await applied;
    } finally {
      clearTimeout(timer);
      clearInterval(again);
      ev.off('applied', on);
    }
  }

  /**
   * Until the terminal stored the press: the rating pad lights only once the finish has reached the terminal
   * (`ratingPadOff` before), and a full key FIFO takes presses again after the next poll.
   */
  private async stored(act: () => Promise<unknown>): Promise<void> {
    for (let i = 0; ; i++) {
      const r = (await act()) as { stored?: boolean; reason?: string };
      if (r.stored !== false) return;
      if (i >= 100) throw new Error(`rehearsal: the terminal did not take the press (${r.reason ?? '?'})`);
      await sleep(30);
    }
  }

  /** One window's clerk: open at its time, call, serve for the planned time, finish, let the citizen rate. */
  async serve(w: RehearsalWindow, c: ServeContext): Promise<void> {
    let paused = this.windows.length > 0 && w.from > c.nowMinute();
    while (c.nowMinute() < w.from) await sleep(c.hallMinuteMs / 2);
    if (paused) {
      await this.press(w.window, 'resume');
      paused = false;
    }
    for (;;) {
      if (w.until !== null && c.nowMinute() >= w.until) {
        await this.press(w.window, 'pause');
        return;
      }
      const outcome = await this.press(w.window, 'callNext');
      const called = /^called (\S+)/.exec(outcome);
      if (!called) {
        if (await c.finished()) return;
        await sleep(c.hallMinuteMs / 2);
        continue;
      }
      const planned = c.serviceOf(called[1]);
      // The service time runs from the press, not from when the bus delivered it (a poll later).
      await Promise.all([this.press(w.window, 'start'), sleep((planned?.serviceMs ?? 5 * HALL_MINUTE) / HALL_MINUTE * c.hallMinuteMs)]);
      await this.press(w.window, 'finish');
      if (planned?.rating) await this.press(w.window, 'rate', planned.rating);
    }
  }
}
