/**
 * The whole kiosk stack for tests: the reader and printer simulators on real PTYs (socat), `startBridge` with both
 * devices and the hall database in a temp data dir (seeded through the `hall.demo` hook with the hall fixture's
 * basics plus data for library holders), and a socket.io `/kiosk` client that records what a kiosk UI receives: it
 * stands in for the kiosk's own screen (the screen secret, api/kioskScreen.ts). With `screen: false` (a real page is
 * the screen, e2e) the rig opens no socket and records what the bridge sends to whichever screen is connected.
 * `close()` leaves no socat, socket or file behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import type {
  CardReadEvent,
  DeviceKind,
  KioskClientToServerEvents,
  KioskCommandMap,
  KioskCommandName,
  KioskCompletion,
  KioskServerToClientEvents,
  KioskSessionEndedEvent,
  KioskSessionEvent,
  PrintJobUpdate,
} from '@onedoor/protocol';
import { startBridge, silentLogger, type BridgeConfigInput, type BridgeHandle } from '../../src/index.ts';
import type { KioskHallOptions } from '../../src/api/kioskHall.ts';
import type { StaffUser } from '../../src/auth/staffAuth.ts';
import { CertificateService } from '../../src/hall/certificates.ts';
import { ApplicationService } from '../../src/hall/applications.ts';
import type { HallClock } from '../../src/hall/clock.ts';
import type { CounterWorkflowConfigInput } from '../../src/hall/counterConfig.ts';
import { loadOrCreateHallKeys } from '../../src/hall/signing.ts';
import type { HallStore } from '../../src/store/hallStore.ts';
import { PostgresHallStore } from '../../src/store/hallPostgres.ts';
import type { StoreBackend, StoreTarget } from '../store/backends.ts';
import { IdReaderSim } from '../../../simulators/src/idreader/index.ts';
import { PrinterSim } from '../../../simulators/src/printer/index.ts';
import { startSimulator, type RunningSimulator } from '../../../simulators/src/index.ts';
import { SERVICE_A, libraryHolder, seedBasics } from '../hall/fixture.ts';
import { untilWith } from '../../../test/support/until.ts';

export { SERVICE_A, SERVICE_B } from '../hall/fixture.ts';
export const READER_ID = 'reader';
export const PRINTER_ID = 'printer';
/** The library holder the seed gives a certificate, an application and an appointment today. */
export const SEEDED_CARD = 'zhang-sanfeng';

/** Poll every 20 ms up to a generous limit (the machine is shared and loaded). */
export const until = untilWith({ limitMs: 30_000, stepMs: 20 });

/**
 * Test data for library holders: the fixture's categories and services, a certificate and an application for
 * zhang-sanfeng, and an appointment of his for SERVICE_A today at the current hall time (inside its check-in window).
 */
export function seedKioskHall(dataDir: string): NonNullable<KioskHallOptions['demo']> {
  return async (store: HallStore, clock: HallClock) => {
    await seedBasics(store);
    const holder = libraryHolder(SEEDED_CARD) as { idNumber: string; name: string };
    const certs = new CertificateService(store, loadOrCreateHallKeys(dataDir), clock);
    await certs.issue({
      typeName: '结婚证', typeCode: '11100000000013338W009', issuerName: '广州市天河区民政局', issuerCode: '11330105002500287C',
      holderNumber: holder.idNumber, holderName: holder.name, issuedOn: '2020-05-20', expiresOn: null,
    });
    await new ApplicationService(store, clock).submit({ number: holder.idNumber, name: holder.name, birthDate: '1990-03-07' }, SERVICE_A);
    const today = clock.today();
    const start = clock.timeOf();
    await store.ensureSlots([{ serviceId: SERVICE_A, day: today, start, minutes: 30, capacity: 5 }]);
    const slot = (await store.listSlots(SERVICE_A, today)).find((s) => s.start === start)!;
    await store.insertAppointment({ slotId: slot.id, holderNumber: holder.idNumber, createdAt: clock.now() });
  };
}

export interface KioskRig {
  dir: string;
  bridge: BridgeHandle;
  reader: IdReaderSim;
  printer: PrinterSim;
  /** The rig's screen socket (with `screen: false`, a socket that was never connected). */
  kiosk: Socket<KioskServerToClientEvents, KioskClientToServerEvents>;
  /** Another `/kiosk` client with the screen secret (`auth` merged over it), connected. */
  connectScreen(auth?: Record<string, unknown>): Promise<Socket<KioskServerToClientEvents, KioskClientToServerEvents>>;
  reads: CardReadEvent[];
  sessions: KioskSessionEvent[];
  ended: KioskSessionEndedEvent[];
  jobs: PrintJobUpdate[];
  /** Place a library card and wait for the session it starts. */
  startSession(key?: string): Promise<KioskSessionEvent>;
  /** A kioskCommand with its one completion. */
  command<N extends KioskCommandName>(token: string, command: N, args?: KioskCommandMap[N]['args'], opts?: { requestId?: string; timeout?: number })
    : Promise<KioskCompletion<KioskCommandMap[N]['result']>>;
  close(): Promise<void>;
}

let seq = 0;

/**
 * `seed: false` leaves the hall database empty; `hall.demo` replaces the test seed (e.g. the demo generator);
 * `backend` puts the hall data on that store through the config's `store` field (default SQLite in the data dir);
 * `target` puts it on that existing PostgreSQL target instead (several rigs on one database), which the rig leaves.
 * `users` are staff logins (e.g. DEMO_USERS) for tests that also use the staff routes; `log` replaces the silent logger.
 */
export async function startKioskRig(opts: { hall?: KioskHallOptions; seed?: boolean; uiDir?: string; backend?: StoreBackend;
  target?: StoreTarget;
  users?: readonly StaffUser[]; log?: Logger; screen?: boolean;
  /** Config `site` (hall name, public URL, time zone). */
  site?: BridgeConfigInput['site'];
  /** QR base when `site.publicUrl` is absent: default this bridge's own URL; null: none (QR prints refused). */
  publicUrl?: string | null;
  /** Issuers of mobile identity codes the bridge accepts (config `identityIssuers`). */
  identityIssuers?: BridgeConfigInput['identityIssuers'];
  /** Config `notifications` (the result notices' gateway). */
  notifications?: BridgeConfigInput['notifications'];
  /** More devices for the bridge's config (e.g. an A4 docprinter at an ippeveprinter's URI). */
  devices?: Array<{ id: string; kind: DeviceKind; path: string; options?: Record<string, unknown> }>;
  /** Service windows of the counter workflow (start option `counterWorkflow`), e.g. one category per window. */
  counterWorkflow?: CounterWorkflowConfigInput; } = {}): Promise<KioskRig> {
  const dir = mkdtempSync(join(tmpdir(), 'od-kiosk-'));
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    while (cleanups.length) await cleanups.pop()!();
  };
  try {
    const own = !opts.target && opts.backend?.name === 'postgres' ? await opts.backend.create() : undefined;
    if (own) cleanups.push(() => own.destroy());
    const target = opts.target ?? own;
    const reader = new IdReaderSim({ id: `kiosk-reader-${process.pid}-${++seq}`, timing: 'fast' });
    const runningReader: RunningSimulator<IdReaderSim> = await startSimulator(reader, { link: 'pty', baud: 115200, dir });
    cleanups.push(() => runningReader.close());
    const printer = new PrinterSim({ nearEndMm: 0 });
    const runningPrinter = await startSimulator(printer, { link: 'pty', baud: 115200, dir });
    cleanups.push(() => runningPrinter.close());
    const dataDir = join(dir, 'data');
    const bridge = await startBridge(
      {
        http: { host: '127.0.0.1', port: 0 },
        dataDir,
        ...(target ? { store: target.setting } : {}),
        ...(opts.uiDir ? { uiDir: opts.uiDir } : {}),
        ...(opts.users ? { users: [...opts.users] } : {}),
        ...(opts.site ? { site: opts.site } : {}),
        ...(opts.identityIssuers ? { identityIssuers: opts.identityIssuers } : {}),
        ...(opts.notifications ? { notifications: opts.notifications } : {}),
        devices: [
          { id: READER_ID, kind: 'idreader', path: runningReader.path!, baud: 115200 },
          { id: PRINTER_ID, kind: 'printer', path: runningPrinter.path!, baud: 115200, options: { pollIntervalMs: 500 } },
          ...(opts.devices ?? []),
        ],
        options: { logLevel: 'silent', reconnect: { minDelayMs: 50, maxDelayMs: 500 } },
      },
      // One machine: QR codes open this bridge's own pages (a site sets site.publicUrl).
      { log: opts.log ?? silentLogger(), hall: { ...(opts.seed === false ? {} : { demo: seedKioskHall(dataDir) }), ...opts.hall },
        ...(opts.publicUrl === null ? {} : { publicUrl: opts.publicUrl ?? 'own' }),
        ...(opts.counterWorkflow ? { counterWorkflow: opts.counterWorkflow } : {}) },
    );
    cleanups.push(() => bridge.close());
    if (target && !(bridge.hall.store instanceof PostgresHallStore)) {
      throw new Error(`the bridge did not open the PostgreSQL hall store: ${bridge.hall.storeProblem ?? 'another store'}`);
    }
    const screen = opts.screen !== false;
    const kiosk: KioskRig['kiosk'] = connect(`${bridge.url}/kiosk`, {
      transports: ['websocket'], autoConnect: screen,
      auth: { screenSecret: bridge.kioskScreenSecret, screenId: `kiosk-rig-${process.pid}-${seq}` },
    });
    cleanups.push(() => void kiosk.disconnect());
    const others: Array<KioskRig['kiosk']> = [];
    cleanups.push(() => others.forEach((s) => s.disconnect()));
    const rig: KioskRig = {
      dir, bridge, reader, printer, kiosk, reads: [], sessions: [], ended: [], jobs: [],
      async connectScreen(auth = {}) {
        const s: KioskRig['kiosk'] = connect(`${bridge.url}/kiosk`, {
          transports: ['websocket'], forceNew: true, auth: { screenSecret: bridge.kioskScreenSecret, ...auth },
        });
        others.push(s);
        await new Promise<void>((resolve, reject) => {
          s.once('connect', () => resolve());
          s.once('connect_error', reject);
        });
        return s;
      },
      async startSession(key = SEEDED_CARD) {
        const n = rig.sessions.length;
        reader.placeCard(key);
        const s = await until(`session for ${key}`, () => rig.sessions[n]);
        reader.removeCard();
        return s;
      },
      command: (token, command, args, o = {}) =>
        kiosk.timeout(120_000).emitWithAck('kioskCommand', {
          requestId: o.requestId ?? `kq-${++seq}`, timeout: o.timeout ?? 60_000, token, command, args: args ?? {},
        }) as never,
      close,
    };
    const record = { cardRead: rig.reads, session: rig.sessions, sessionEnded: rig.ended, printJob: rig.jobs } as Record<string, unknown[]>;
    if (screen) {
      for (const [event, list] of Object.entries(record)) kiosk.on(event as 'session', (e: unknown) => void list.push(e));
    await new Promise<void>((resolve, reject) => {
      kiosk.once('connect', () => resolve());
      kiosk.once('connect_error', reject);
    });
    } else {
      // What the bridge sends each screen (a page in Chromium), read on the server side of its socket.
      bridge.socket.namespaces.kiosk.on('connection', (s) => {
        s.onAnyOutgoing((event: string, payload: unknown) => void record[event]?.push(payload));
      });
    }
    await until('reader and printer online', () =>
      bridge.devices.get(READER_ID)?.status().state === 'online' && bridge.devices.get(PRINTER_ID)?.status().state === 'online', 60_000);
    return rig;
  } catch (err) {
    await close();
    throw err;
  }
}
