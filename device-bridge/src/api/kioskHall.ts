/**
 * The hall services the citizen kiosk uses, composed over one HallStore. The composition root
 * (main.ts) chooses the store from config (SQLite in the data dir, or PostgreSQL) and hands it, or
 * its opener, to `openKioskHall`; when it cannot be opened the kiosk still runs and every hall
 * command answers `deviceNotReady` "暂停服务" (README "The hall data on PostgreSQL").
 */
import type { Logger } from 'pino';
import type { CertificateVerifyAnswer } from '@onedoor/protocol';
import type { Citizen } from '../hall/citizen.ts';
import { AppointmentService, type AppointmentRules } from '../hall/appointments.ts';
import type { IntakeHours } from '../hall/intakeHours.ts';
import type { PersonLimits } from '../hall/personLimits.ts';
import { DayBoundaries, type ClosingConfig } from '../hall/dayBoundaries.ts';
import type { VisitsConfig } from '../hall/visits.ts';
import { ApplicationService } from '../hall/applications.ts';
import { CertificateService } from '../hall/certificates.ts';
import { HallClock } from '../hall/clock.ts';
import { GuidanceService } from '../hall/guidance.ts';
import { IntakeService } from '../hall/intake.ts';
import { ResultNotices } from '../hall/notify/resultNotices.ts';
import { QueueService } from '../hall/queue.ts';
import type { CodeCheckInAtHall } from './scannedAppointments.ts';
import type { ResultsConfig } from '../hall/resultConfig.ts';
import { ResultCollectionService } from '../hall/resultCollection.ts';
import { SessionManager, type SessionEndReason, type SessionOptions } from '../hall/session.ts';
import { loadOrCreateHallKeys, type HallSigningKeys } from '../hall/signing.ts';
import { fileIdentity, sqliteFileProblem, watchHallDatabase } from '../store/hallDbWatch.ts';
import { batchWritesPerTurn } from '../store/turnBatchedWrites.ts';
import { securePrivateDir } from '../store/fileModes.ts';
import type { HallStore } from '../store/hallStore.ts';
import { guardHallStore, HallStoreGuard } from '../store/hallStoreGuard.ts';
import { watchHallServer } from '../store/hallServerWatch.ts';
import { openedHallStore, type HallStoreKind, type HallStoreOpener } from '../store/openHallStore.ts';

export { HALL_DB_FILE, HALL_DB_MARKER_FILE } from '../store/hallStoreSetting.ts';

export interface KioskHallOptions {
  clock?: HallClock;
  /** Session timing (hall-rules.md: 60 s inactivity, countdown 20 s before, >= 10 extensions). */
  session?: Pick<SessionOptions, 'inactivityMs' | 'warningMs' | 'maxExtensions'>;
  appointmentRules?: Partial<AppointmentRules>;
  /** Per-person ticket limits (config `personLimits`). */
  personLimits?: PersonLimits;
  /** Hours of walk-in ticket issuing (config `intakeHours`). */
  intakeHours?: IntakeHours;
  /** Closing time and what happens to the waiting tickets (config `closing`). */
  closing?: ClosingConfig;
  /** Several services on one ticket (config `visits`). */
  visits?: VisitsConfig;
  /** Result collection settings (config `results`). */
  results?: Partial<ResultsConfig>;
  /**
   * Fills an EMPTY store (no queue categories yet) with demo data, e.g. the demo generator whose citizens match
   * the simulator's card library. Not called on a store that already holds data.
   */
  demo?: (store: HallStore, clock: HallClock) => Promise<void>;
  /** The store, or its opener (a failure to open pauses the hall functions); default: what config `store` names. */
  store?: HallStore | HallStoreOpener;
  /** The hall's id (config site.hallId), stored with each kiosk application. */
  hallId?: string;
  /** How often the running database is checked (hallDbWatch.ts, hallServerWatch.ts); default 5 s. */
  databaseCheckMs?: number;
  /** A database server away at start: delays of the attempts to reach it (store/reachWhenBack.ts; default 1 s to 15 s). */
  databaseRetry?: { firstMs?: number; maxMs?: number };
}

/*
 * The hall functions the kiosk's commands call (README "Several kiosks, one hall"): on a hall
 * bridge (or a lone kiosk) the services over the local database; on a kiosk linked to a hall, the
 * same methods asked of the hall over the link (hallLink/linkedKioskHall.ts). Each is the part of
 * its service the kiosk uses, so both can serve it.
 */
export type KioskQueueFunctions = Pick<QueueService, 'takeTicket'>;
export type KioskAppointmentFunctions = Pick<AppointmentService, 'upcoming' | 'checkIn' | 'bookableDays' | 'slots' | 'book' | 'cancel'>;
export type KioskCertificateFunctions = Pick<CertificateService, 'list' | 'printCopy' | 'verifyCertificatePayload'>
  & Partial<Pick<CertificateService, 'verifyDetails'>> & {
  /** On a kiosk linked to a hall: the whole `/verify` answer, made at the hall (api/certificateVerifyAnswer.ts). */
  verifyCopy?: (payload: string) => Promise<CertificateVerifyAnswer>;
};
export type KioskApplicationFunctions = Pick<ApplicationService, 'listOf' | 'get'>;
export type KioskResultFunctions = Pick<ResultCollectionService, 'offers' | 'collect' | 'pickupCategory'>;
export type KioskGuidanceFunctions = Pick<GuidanceService, 'departments' | 'servicesOf' | 'finder'>;
/**
 * Applying at the kiosk (README "Applying at the kiosk (接件受理)"): the part of IntakeService the kiosk commands use; on
 * a linked kiosk the same methods asked of the hall (hallLink/linkedIntake.ts). `sessionKey` is the kiosk session's
 * token, which never leaves the kiosk bridge.
 */
export type KioskIntakeFunctions = Pick<IntakeService, 'items' | 'start' | 'sign' | 'submit' | 'listOf'>;
/** Result notices shown at the card read (README "Result notices (结果反馈)"). */
export type KioskNoticeFunctions = Pick<ResultNotices, 'unreadOf' | 'acknowledge'>;
/** The two records the kiosk reads or writes itself: the queue categories and the print log (masked). */
export type KioskRecordFunctions = Pick<HallStore, 'listQueueCategories' | 'addPrintLog'>;

export interface KioskHall {
  /** null when the database could not be opened, or on a kiosk linked to a hall: hall commands answer "暂停服务". */
  store: HallStore | null;
  clock: HallClock;
  keys: HallSigningKeys;
  sessions: SessionManager;
  /** The local store, or the hall over the link; null: "暂停服务". */
  records: KioskRecordFunctions | null;
  queue: KioskQueueFunctions | null;
  appointments: KioskAppointmentFunctions | null;
  certificates: KioskCertificateFunctions | null;
  applications: KioskApplicationFunctions | null;
  guidance: KioskGuidanceFunctions | null;
  /** The citizen's result notices (local database, or the hall over the link); absent or null: none shown. */
  notices?: KioskNoticeFunctions | null;
  /**
   * The full notices API over this bridge's own database (the phone channel's `listFor` / `markRead`); absent or
   * null on a linked kiosk or without a database.
   */
  resultNotices?: ResultNotices | null;
  /**
   * 接件受理 (README "Applying at the kiosk (接件受理)") over the hall's own database (also the clerk's and managers'
   * pages); absent or null on a kiosk linked to a hall (it applies through `applying`) or without a database.
   */
  intake?: IntakeService | null;
  /**
   * What the kiosk commands apply with: `intake` on the hall's own database, or the hall over the kiosk link; absent or
   * null: "暂停服务".
   */
  applying?: KioskIntakeFunctions | null;
  /** Intake pause / close and the closing run over the hall's own database (dayBoundaries.ts); absent or null otherwise. */
  boundaries?: DayBoundaries | null;
  /** The intake state in force (the hall's own, or asked of the hall over the kiosk link); absent or null: unknown. */
  intakeState?: Pick<DayBoundaries, 'current'> | null;
  /**
   * On a kiosk linked to a hall: the phone channel's pieces the hall's key makes (README "The phone channel"), asked
   * over the link. Absent where the bridge holds the hall database (api/phoneChannel.ts makes them here).
   */
  phoneLink?: LinkedPhoneFunctions;
  /**
   * Collecting results (README "Collecting results (领取结果)"): the service over the hall's own database, or the
   * hall over the link; absent or null without a database: "暂停服务".
   */
  results?: KioskResultFunctions | null;
  /**
   * Why the store is unavailable (for the log and the health page); null when it is open. On the hall's own
   * database it becomes non-null as soon as the database is found gone or bad while running (for good), or while a
   * PostgreSQL server cannot be reached (until it answers again).
   */
  readonly storeProblem: string | null;
  /** Which database the hall's data is on (health); null when none could be opened, or on a linked kiosk. */
  readonly storeKind?: HallStoreKind | null;
  /**
   * Checks the hall database now (file and a read, or the server's answer) and returns the problem, or null when it
   * is usable. Absent on a
   * kiosk linked to a hall (no database here).
   */
  checkDatabase?(): Promise<string | null>;
  /** Told when any session ends (logout, new card, inactivity, shutdown); returns unsubscribe. */
  onSessionEnd(listener: (ended: SessionEnd) => void): () => void;
  close(): Promise<void>;
}

export interface LinkedPhoneFunctions {
  /** The capability of a ticket the hall issued (its id and day). */
  ticketCapability(ticket: { id: number; day: string }): Promise<string>;
  /** A one-time hand-off of the kiosk session's citizen (`origin`: the session token's hash, hall/phoneSessions.ts). */
  handOff(citizen: Citizen, origin: string): Promise<{ token: string; expiresAt: number }>;
  /**
   * Check-in by a scanned appointment code (api/scannedAppointments.ts): the hall checks the code with its key and
   * checks the appointment in; answers the ticket and its phone capability (the kiosk prints). Rejects with the rule's
   * refusal (HallRuleError).
   */
  checkInByCode(code: string): Promise<CodeCheckInAtHall>;
}

export interface SessionEnd {
  token: string;
  kioskId: string;
  reason: SessionEndReason;
}

/** How often past appointments are swept into no-shows (also once at start-up). */
export const NO_SHOW_SWEEP_MS = 60 * 60_000;
/** How often the closing time is looked at (README "Running the hall floor": the run is claimed once per hall day). */
export const CLOSING_CHECK_MS = 30_000;

export async function openKioskHall(dataDir: string, log: Logger,
  opts: KioskHallOptions & { store: HallStore | HallStoreOpener }): Promise<KioskHall> {
  const clock = opts.clock ?? new HallClock();
  // Data at rest (README "Security"): the data dir readable by the bridge's user only (the key file: signing.ts).
  securePrivateDir(dataDir);
  const keys = loadOrCreateHallKeys(dataDir);
  const guard = new HallStoreGuard();
  let closing = false;
  const fillDemo = async (s: HallStore) => {
    if (opts.demo && (await s.listQueueCategories()).length === 0) {
      await opts.demo(s, clock);
      log.info('hall: empty database filled with demo data');
    }
  };
  let store: HallStore | null = null;
  let storeProblem: string | null = null;
  let raw: HallStore | null = null;
  let storeKind: HallStoreKind | null = null;
  let watch: { check(): Promise<string | null>; stop(): void } | null = null;
  let pending: Promise<HallStore> | undefined;
  const retry = {
    ...opts.databaseRetry,
    onRetry: (err: Error, nextInMs: number) => log.warn({ problem: err.message, nextInMs }, 'hall database still unreachable: trying again'),
  };
  try {
    const opened = openedHallStore(typeof opts.store === 'function' ? await opts.store({ stamp: () => clock.stamp(), retry }) : opts.store);
    raw = opened.store;
    storeKind = opened.kind;
    const how = opened.supervision;
    if (how.kind === 'sqliteFile') {
      const identity = fileIdentity(how.file);
      store = guardHallStore(raw, guard, { beforeWrite: () => sqliteFileProblem(how.file, identity) });
      watch = watchHallDatabase({ file: how.file, opened: identity, store: raw, guard, intervalMs: opts.databaseCheckMs });
    } else if (how.kind === 'server') {
      const server = watchHallServer({ store: raw, guard, intervalMs: opts.databaseCheckMs });
      store = guardHallStore(raw, guard, { onOutageError: () => void server.check() });
      watch = server;
      pending = how.pending;
    } else {
      store = guardHallStore(raw, guard);
    }
    // On SQLite a ticket's request record and audit entry share one commit per turn with the other tickets'
    // (turnBatchedWrites.ts: on PostgreSQL that measured no cheaper).
    if (storeKind === 'sqlite') store = batchWritesPerTurn(store);
    if (pending) {
      // Away at start: paused now with the connection error as the reason, reached later (below).
      log.error({ problem: await watch!.check() }, 'hall database unavailable: hall functions paused (暂停服务) until it answers');
    } else await fillDemo(store);
  } catch (err) {
    storeProblem = (err as Error).message;
    log.error({ err }, 'hall database unavailable: hall functions paused (暂停服务)');
    watch?.stop();
    watch = null;
    await raw?.close().catch(() => undefined);
    store = null;
  }
  // Found gone or bad while running: every store call is refused from now on (hallStoreGuard.ts), so no ticket
  // number is issued into a file that will not be there after a restart.
  guard.on('failed', (problem) => {
    watch?.stop();
    log.error({ problem }, 'hall database failed while running: ticket issuing stopped, hall functions paused (暂停服务); restore the database and restart the bridge');
  });
  // A database server out of reach: paused, not failed; the server watch resumes the hall when it answers again.
  guard.on('paused', (problem) => {
    log.error({ problem }, 'hall database unreachable: hall functions paused (暂停服务) until it answers again');
  });
  guard.on('resumed', () => log.info('hall database reachable again: hall functions resumed'));
  // Reached after being away at start: migrated by the open; the watch's check resumes the hall functions now.
  pending?.then(async () => {
    log.info('hall database reached: schema migrated, hall functions resume');
    if ((await watch?.check()) === null) await fillDemo(store!).catch((err: unknown) => log.warn({ err }, 'hall: demo data not filled'));
  }, (err: Error) => {
    if (closing) return;
    guard.fail(err.message);
  });
  // Sessions are memory only and end with their personal data (hall/session.ts); `onEnd` is set by the API layer.
  const endListeners = new Set<(ended: SessionEnd) => void>();
  const sessions = new SessionManager({ clock, ...opts.session, onEnd: (e) => endListeners.forEach((l) => l(e)) });
  // Day boundaries (README "Running the hall floor"): the manager's pause / close and the closing time.
  const boundaries = store ? new DayBoundaries(store, clock, opts.closing, opts.intakeHours?.opens) : null;
  const queue = store ? new QueueService(store, clock, opts.personLimits, opts.intakeHours, boundaries ?? undefined, opts.visits) : null;
  const appointments = store && queue
    ? new AppointmentService(store, queue, clock, opts.appointmentRules, { limits: opts.personLimits, boundaries: boundaries ?? undefined })
    : null;
  const intake = store && queue && appointments ? new IntakeService(store, queue, appointments, clock) : null;
  const resultNotices = store ? new ResultNotices(store, clock) : null;
  // A commitment signed in a session and not submitted is forgotten with the session (nothing recorded).
  if (intake) endListeners.add((e) => intake.forgetSession(e.token));
  const certificates = store ? new CertificateService(store, keys, clock) : null;
  const results = store && queue && certificates ? new ResultCollectionService(store, queue, certificates, clock, opts.results) : null;
  // hall-rules.md "Three no-shows in 30 days": an appointment still booked when its day is over becomes a no-show.
  // Run at start-up and then hourly, so a bridge that runs for days keeps the lockout rule in force.
  const sweepNoShows = async () => {
    try {
      const n = (await appointments?.markNoShows()) ?? 0;
      if (n > 0) log.info({ count: n }, 'hall: past appointments marked no-show');
    } catch (err) {
      log.warn({ err }, 'hall: could not mark no-shows (will retry)');
    }
  };
  await sweepNoShows();
  const noShowTimer = setInterval(() => void sweepNoShows(), NO_SHOW_SWEEP_MS);
  noShowTimer.unref();
  // The day's closing run (dayBoundaries.ts): every instance looks, the store lets one act once per hall day.
  const runClosing = async () => {
    try {
      const n = await boundaries?.runClosingIfDue();
      if (n !== null && n !== undefined) log.info({ tickets: n, waiting: opts.closing?.waiting }, 'hall: closing time, waiting tickets handled');
    } catch (err) {
      log.warn({ err }, 'hall: closing run failed (will retry)');
    }
  };
  const closingTimer = opts.closing ? setInterval(() => void runClosing(), CLOSING_CHECK_MS) : null;
  closingTimer?.unref();
  return {
    store,
    clock,
    keys,
    sessions,
    records: store,
    queue,
    appointments,
    certificates,
    applications: store ? new ApplicationService(store, clock) : null,
    guidance: store ? new GuidanceService(store, clock) : null,
    notices: resultNotices,
    resultNotices,
    intake,
    applying: intake,
    boundaries,
    intakeState: boundaries,
    results,
    get storeProblem() {
      return storeProblem ?? guard.problem ?? guard.outage;
    },
    storeKind,
    checkDatabase: async () => {
      if (storeProblem !== null) return storeProblem;
      if (watch) return watch.check();
      if (guard.problem !== null || !store) return guard.problem;
      try {
        await store.checkReadable();
        return null;
      } catch (err) {
        return guard.problem ?? `database cannot be read: ${(err as Error).message}`;
      }
    },
    onSessionEnd(l) {
      endListeners.add(l);
      return () => endListeners.delete(l);
    },
    close: async () => {
      closing = true;
      watch?.stop();
      clearInterval(noShowTimer);
      if (closingTimer) clearInterval(closingTimer);
      sessions.endAll();
      await store?.close();
    },
  };
}

