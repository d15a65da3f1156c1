/**
 * One hall and several kiosks for the multi-kiosk tests (README "Several kiosks, one hall"): a hall
 * bridge that owns the database (seeded like the kiosk tests) and serves `/kiosklink`, and per
 * kiosk its own reader and printer (and, when asked, QR scanner) simulators on real PTYs (socat, own dir) and a kiosk bridge
 * linked to the hall by its token, with a `/kiosk` socket.io client as the kiosk UI. `close()`
 * leaves no socat, socket or file behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import type {
  KioskClientToServerEvents,
  KioskCommandMap,
  KioskCommandName,
  KioskCompletion,
  KioskServerToClientEvents,
  KioskSessionEvent,
  ScanResultEvent,
} from '@onedoor/protocol';
import { startBridge, silentLogger, type BridgeHandle, type StartBridgeOptions } from '../../device-bridge/src/index.ts';
import type { KioskHallOptions } from '../../device-bridge/src/api/kioskHall.ts';
import type { BridgeConfigInput } from '../../device-bridge/src/config/schema.ts';
import { IdReaderSim } from '../../simulators/src/idreader/index.ts';
import { PrinterSim } from '../../simulators/src/printer/index.ts';
import { QrScannerSim } from '../../simulators/src/qrscanner/index.ts';
import { startSimulator } from '../../simulators/src/index.ts';
import { seedKioskHall, until } from '../../device-bridge/test/kiosk/kioskRig.ts';

export { until };

export interface LinkedKiosk {
  id: string;
  bridge: BridgeHandle;
  reader: IdReaderSim;
  printer: PrinterSim;
  ui: Socket<KioskServerToClientEvents, KioskClientToServerEvents>;
  sessions: KioskSessionEvent[];
  /** With `{ scanner: true }`: this kiosk's QR scanner, and the `scanResult`s its screen got, in order. */
  scanner: QrScannerSim | null;
  scanResults: ScanResultEvent[];
  /** Place a library card on this kiosk's reader and wait for the session it starts. */
  startSession(card: string): Promise<KioskSessionEvent>;
  /** `opts.requestId`: the command's requestId (a resend reuses one); default a fresh one. */
  command<N extends KioskCommandName>(token: string, command: N, args?: KioskCommandMap[N]['args'], opts?: { requestId?: string })
    : Promise<KioskCompletion<KioskCommandMap[N]['result']>>;
}

export interface MultiKioskRig {
  dir: string;
  hall: BridgeHandle;
  kiosks: LinkedKiosk[];
  /** Stop the hall bridge (its database stays in the data dir). */
  stopHall(): Promise<void>;
  /** Start the hall again on the same port and data dir. */
  restartHall(): Promise<BridgeHandle>;
  close(): Promise<void>;
}

const tokenOf = (i: number) => `multikiosk-test-token-${i}-${process.pid}`;
let seq = 0;

/** What a test adds: staff users (config `users`) and more seed data after the kiosk tests' own at the hall; a QR scanner per kiosk. */
export interface MultiKioskHallExtras {
  users?: BridgeConfigInput['users'];
  seed?: NonNullable<KioskHallOptions['demo']>;
  scanner?: boolean;
}

export async function startMultiKioskRig(n: number, hallLink: StartBridgeOptions['hallLink'] = {}, extras: MultiKioskHallExtras = {})
  : Promise<MultiKioskRig> {
  const dir = mkdtempSync(join(tmpdir(), 'od-multikiosk-'));
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    while (cleanups.length) {
      const step = cleanups.pop()!;
      await Promise.resolve().then(step).catch(() => undefined);
    }
  };
  const hallData = join(dir, 'hall-data');
  const kioskIds = Array.from({ length: n }, (_, i) => `kiosk-${i + 1}`);
  const startHall = (port: number) => startBridge(
    {
      http: { host: '127.0.0.1', port },
      dataDir: hallData,
      // The dashboard names come from the hall's config (a kiosk's hello cannot rename it).
      kiosks: kioskIds.map((id, i) => ({ id, token: tokenOf(i + 1), name: `自助机 ${i + 1}` })),
      ...(extras.users ? { users: extras.users } : {}),
      options: { logLevel: 'silent' },
    },
    { log: silentLogger(), hall: { demo: async (store, clock) => {
      await seedKioskHall(hallData)(store, clock);
      await extras.seed?.(store, clock);
    } } },
  );
  try {
    const rig: MultiKioskRig = {
      dir,
      hall: await startHall(0),
      kiosks: [],
      async stopHall() {
        await rig.hall.close();
      },
      async restartHall() {
        rig.hall = await startHall(rig.hall.port);
        return rig.hall;
      },
      close,
    };
    cleanups.push(() => rig.hall.close());
    for (const [i, id] of kioskIds.entries()) {
      const simDir = join(dir, `sims-${id}`);
      const reader = new IdReaderSim({ id: `mk-reader-${process.pid}-${++seq}`, timing: 'fast' });
      const runningReader = await startSimulator(reader, { link: 'pty', baud: 115200, dir: simDir });
      cleanups.push(() => runningReader.close());
      const printer = new PrinterSim({ nearEndMm: 0 });
      const runningPrinter = await startSimulator(printer, { link: 'pty', baud: 115200, dir: simDir });
      cleanups.push(() => runningPrinter.close());
      const scanner = extras.scanner ? new QrScannerSim({ id: `mk-scanner-${process.pid}-${++seq}`, powerUpMs: 0, repeatGuardMs: 0 }) : null;
      const runningScanner = scanner ? await startSimulator(scanner, { link: 'pty', baud: 9600, dir: simDir }) : null;
      if (runningScanner) cleanups.push(() => runningScanner.close());
      const bridge = await startBridge(
        {
          http: { host: '127.0.0.1', port: 0 },
          dataDir: join(dir, `data-${id}`),
          hall: { url: rig.hall.url, kioskToken: tokenOf(i + 1), name: `自助机 ${i + 1}` },
          devices: [
            { id: 'reader', kind: 'idreader', path: runningReader.path!, baud: 115200 },
            { id: 'printer', kind: 'printer', path: runningPrinter.path!, baud: 115200, options: { pollIntervalMs: 500 } },
            ...(runningScanner ? [{ id: 'scanner', kind: 'qrscanner' as const, path: runningScanner.path!, baud: 9600 }] : []),
          ],
          options: { logLevel: 'silent', reconnect: { minDelayMs: 50, maxDelayMs: 500 } },
        },
        // QR codes open the hall's pages (site.publicUrl of a kiosk PC: the hall server's URL).
        { log: silentLogger(), hallLink: { reconnectDelayMs: 200, reconnectDelayMaxMs: 1000, ...hallLink }, publicUrl: rig.hall.url },
      );
      cleanups.push(() => bridge.close());
      const ui: LinkedKiosk['ui'] = connect(`${bridge.url}/kiosk`, { transports: ['websocket'], auth: { screenSecret: bridge.kioskScreenSecret } });
      cleanups.push(() => void ui.disconnect());
      const kiosk: LinkedKiosk = {
        id, bridge, reader, printer, ui, sessions: [], scanner, scanResults: [],
        async startSession(card) {
          const before = kiosk.sessions.length;
          reader.placeCard(card);
          const s = await until(`session for ${card} at ${id}`, () => kiosk.sessions[before], 60_000);
          reader.removeCard();
          return s;
        },
        command: (token, command, args, opts) =>
          ui.timeout(120_000).emitWithAck('kioskCommand', {
            requestId: opts?.requestId ?? `mk-${id}-${++seq}`, timeout: 60_000, token, command, args: args ?? {},
          }) as never,
      };
      ui.on('session', (e) => kiosk.sessions.push(e));
      ui.on('scanResult', (e) => kiosk.scanResults.push(e));
      await new Promise<void>((resolve, reject) => {
        ui.once('connect', () => resolve());
        ui.once('connect_error', reject);
      });
      rig.kiosks.push(kiosk);
    }
    for (const k of rig.kiosks) {
      await until(`${k.id}: reader and printer online`, () =>
        k.bridge.devices.statuses().every((s) => s.state === 'online'), 60_000);
    }
    return rig;
  } catch (err) {
    await close();
    throw err;
  }
}
