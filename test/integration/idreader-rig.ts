/**
 * The rig for the reader integration tests and the card-latency bench: an `IdReaderSim` behind a real link (PTY via
 * socat, or raw TCP), the whole bridge (`startBridge`, with the built-in reader driver) opening that link, and a
 * socket.io `/kiosk` client recording what a kiosk UI would receive. Everything lives in a temp dir of its own and
 * `close()` leaves no socat, socket or file behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import type {
  CardErrorEvent,
  CardReadEvent,
  Completion,
  DeviceStatus,
  KioskClientToServerEvents,
  KioskServerToClientEvents,
} from '@onedoor/protocol';
import { startBridge, silentLogger, type BridgeHandle, type DeviceDriver, type StartBridgeOptions } from '../../device-bridge/src/index.ts';
import { IdReaderSim, type IdReaderSimOptions } from '../../simulators/src/idreader/index.ts';
import { startSimulator, type LinkKind, type RunningSimulator } from '../../simulators/src/index.ts';
import { untilWith } from '../support/until.ts';

export const READER_ID = 'reader';

export interface ReaderRigOptions {
  link: LinkKind;
  baud: number;
  timing?: IdReaderSimOptions['timing'];
  /** Driver options (`pollMs`, `read`, ...). */
  options?: Record<string, unknown>;
  /** The bridge's logger (default: silent); a test passes one writing to memory to check what gets logged. */
  log?: Logger;
  /** Sim setup before the bridge opens the port (e.g. a failed SAM). */
  beforeBridge?: (sim: IdReaderSim) => void | Promise<void>;
  /** The bridge's hall services (e.g. a hall clock set to a given instant). */
  hall?: StartBridgeOptions['hall'];
}

export interface ReaderRig {
  sim: IdReaderSim;
  running: RunningSimulator<IdReaderSim>;
  bridge: BridgeHandle;
  driver: DeviceDriver;
  kiosk: Socket<KioskServerToClientEvents, KioskClientToServerEvents>;
  /** Everything `/kiosk` received, in order. */
  reads: CardReadEvent[];
  errors: CardErrorEvent[];
  statuses: DeviceStatus[];
  /** The reader's state now. */
  state(): DeviceStatus['state'];
  counters(): Record<string, number>;
  /**
   * `deviceCommand` on `/tech` with the tech token (SAM commands are technician actions: roles table,
   * device-bridge/src/auth/accessTable.ts), resolved with its one completion.
   */
  command(action: string, args?: Record<string, unknown>, timeout?: number): Promise<Completion>;
  close(): Promise<void>;
}

let seq = 0;
/** The rig bridge's machine token for /tech. */
export const RIG_TECH_TOKEN = 'rig-tech-token-0123456789';

export const until = untilWith({ limitMs: 20_000, stepMs: 20 });

export async function startReaderRig(opts: ReaderRigOptions): Promise<ReaderRig> {
  const dir = mkdtempSync(join(tmpdir(), `od-idreader-${opts.link}-`));
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    while (cleanups.length) await cleanups.pop()!();
  };
  try {
    const sim = new IdReaderSim({ id: `idreader-${process.pid}-${++seq}`, timing: opts.timing ?? 'typical' });
    await opts.beforeBridge?.(sim);
    const running = await startSimulator(sim, { link: opts.link, baud: opts.baud, dir, port: 0 });
    cleanups.push(() => running.close());
    const path = opts.link === 'pty' ? running.path! : `tcp://127.0.0.1:${running.port}`;
    const bridge = await startBridge(
      {
        http: { host: '127.0.0.1', port: 0 },
        dataDir: join(dir, 'data'),
        devices: [{ id: READER_ID, kind: 'idreader', path, baud: opts.baud, options: opts.options ?? {} }],
        tokens: { tech: RIG_TECH_TOKEN },
        options: { logLevel: 'silent', reconnect: { minDelayMs: 50, maxDelayMs: 500 } },
      },
      { log: opts.log ?? silentLogger(), hall: opts.hall },
    );
    cleanups.push(() => bridge.close());
    const kiosk: ReaderRig['kiosk'] = connect(`${bridge.url}/kiosk`, {
      transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200,
      // The kiosk's own screen: the secret, and one screen id across reconnects (api/kioskScreen.ts).
      auth: { screenSecret: bridge.kioskScreenSecret, screenId: `reader-rig-${process.pid}` },
    });
    cleanups.push(() => void kiosk.disconnect());
    const reads: CardReadEvent[] = [];
    const errors: CardErrorEvent[] = [];
    const statuses: DeviceStatus[] = [];
    kiosk.on('cardRead', (e) => reads.push(e));
    kiosk.on('cardError', (e) => errors.push(e));
    kiosk.on('deviceStatus', (s) => statuses.push(s));
    await new Promise<void>((resolve, reject) => {
      kiosk.once('connect', () => resolve());
      kiosk.once('connect_error', (e) => reject(e));
    });
    const driver = bridge.devices.get(READER_ID)!;
    let tech: Socket | null = null;
    const techSocket = () => {
      if (!tech) {
        const t = connect(`${bridge.url}/tech`, { transports: ['websocket'], auth: { token: RIG_TECH_TOKEN } });
        cleanups.push(() => void t.disconnect());
        tech = t;
      }
      return tech;
    };
    return {
      sim,
      running,
      bridge,
      driver,
      kiosk,
      reads,
      errors,
      statuses,
      state: () => driver.status().state,
      counters: () => driver.status().counters,
      command: (action, args = {}, timeout = 10_000) =>
        new Promise((resolve) => techSocket().emit('deviceCommand', { requestId: `rq-${++seq}`, deviceId: READER_ID, action, args, timeout }, resolve)),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Place `key` on the simulated reader and wait for its `cardRead` on `/kiosk`. */
export async function placeAndRead(r: ReaderRig, key: string): Promise<CardReadEvent> {
  const n = r.reads.length;
  r.sim.placeCard(key);
  await until(() => r.reads.length > n, `cardRead for ${key}`);
  return r.reads[n];
}
