/**
 * The rig for the scanner integration tests and the scan-latency bench: a `QrScannerSim` behind a real link (PTY via
 * socat, or raw TCP), the whole bridge (`startBridge`, with the built-in scanner driver) opening that link, and
 * socket.io clients on `/tech` (with the tech token) and `/kiosk` recording `codeScanned`. Everything lives in a temp
 * dir of its own and `close()` leaves no socat, socket or file behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import type {
  CodeScannedEvent, Completion, DeviceFrameEntry, DeviceStatus, KioskClientToServerEvents, KioskServerToClientEvents,
  TechClientToServerEvents, TechServerToClientEvents,
} from '@onedoor/protocol';
import { startBridge, silentLogger, type BridgeHandle, type DeviceDriver } from '../../device-bridge/src/index.ts';
import type { ScannedCode } from '../../device-bridge/src/devices/qrScanner/index.ts';
import { QrScannerSim, type QrScannerSimOptions } from '../../simulators/src/qrscanner/index.ts';
import { startSimulator, type LinkKind, type RunningSimulator } from '../../simulators/src/index.ts';
import { untilWith } from '../support/until.ts';

export const SCANNER_ID = 'scanner';
const TECH_TOKEN = 'qrscanner-rig-tech-token-0123456789';
/** The bridge's `/metrics` token (`Authorization: Bearer …`). */
export const METRICS_TOKEN = 'qrscanner-rig-metrics-token-0123456789';

export interface ScannerRigOptions {
  link: LinkKind;
  baud?: number;
  sim?: QrScannerSimOptions;
  /** Driver options (`suffix`, `watchdogMs`, ...). */
  options?: Record<string, unknown>;
  log?: Logger;
  /** Sim setup before the bridge opens the port. */
  beforeBridge?: (sim: QrScannerSim) => void | Promise<void>;
}

export interface ScannerRig {
  sim: QrScannerSim;
  running: RunningSimulator<QrScannerSim>;
  bridge: BridgeHandle;
  driver: DeviceDriver;
  tech: Socket<TechServerToClientEvents, TechClientToServerEvents>;
  kiosk: Socket<KioskServerToClientEvents, KioskClientToServerEvents>;
  /** `codeScanned` as `/tech` and `/kiosk` received it, in order. */
  techCodes: CodeScannedEvent[];
  kioskCodes: CodeScannedEvent[];
  /** `codeRead` inside the bridge (the whole code), in order. */
  codes: ScannedCode[];
  frames: DeviceFrameEntry[];
  state(): DeviceStatus['state'];
  counters(): Record<string, number>;
  /** `deviceCommand` on `/tech`, resolved with its one completion. */
  command(action: string, args?: Record<string, unknown>, timeout?: number): Promise<Completion>;
  close(): Promise<void>;
}

let seq = 0;

export const until = untilWith({ limitMs: 20_000, stepMs: 10 });

export async function startScannerRig(opts: ScannerRigOptions): Promise<ScannerRig> {
  const dir = mkdtempSync(join(tmpdir(), `od-qrscanner-${opts.link}-`));
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    while (cleanups.length) await cleanups.pop()!();
  };
  const baud = opts.baud ?? 9600;
  try {
    const sim = new QrScannerSim({ id: `qrscanner-${process.pid}-${++seq}`, powerUpMs: 0, ...opts.sim });
    await opts.beforeBridge?.(sim);
    const running = await startSimulator(sim, { link: opts.link, baud, dir, port: 0 });
    cleanups.push(() => running.close());
    const path = opts.link === 'pty' ? running.path! : `tcp://127.0.0.1:${running.port}`;
    const bridge = await startBridge(
      {
        http: { host: '127.0.0.1', port: 0 },
        dataDir: join(dir, 'data'),
        tokens: { tech: TECH_TOKEN, metrics: METRICS_TOKEN },
        devices: [{ id: SCANNER_ID, kind: 'qrscanner', path, baud, options: opts.options ?? {} }],
        options: { logLevel: 'silent', reconnect: { minDelayMs: 50, maxDelayMs: 500 } },
      },
      { log: opts.log ?? silentLogger() },
    );
    cleanups.push(() => bridge.close());
    const driver = bridge.devices.get(SCANNER_ID)!;
    const codes: ScannedCode[] = [];
    driver.on('codeRead', (c) => codes.push(c));
    const tech: ScannerRig['tech'] = connect(`${bridge.url}/tech`, { transports: ['websocket'], auth: { token: TECH_TOKEN }, reconnectionDelay: 50 });
    const kiosk: ScannerRig['kiosk'] = connect(`${bridge.url}/kiosk`, {
      transports: ['websocket'], reconnectionDelay: 50,
      // The kiosk's own screen: the per-boot screen secret the kiosk page carries (api/kioskScreen.ts).
      auth: { screenSecret: bridge.kioskScreenSecret, screenId: `scanner-rig-${process.pid}` },
    });
    cleanups.push(() => void tech.disconnect(), () => void kiosk.disconnect());
    const techCodes: CodeScannedEvent[] = [];
    const kioskCodes: CodeScannedEvent[] = [];
    const frames: DeviceFrameEntry[] = [];
    tech.on('codeScanned', (e) => techCodes.push(e));
    kiosk.on('codeScanned', (e) => kioskCodes.push(e));
    tech.on('deviceFrames', (e) => {
      if (e.deviceId === SCANNER_ID) frames.push(...e.entries);
    });
    for (const s of [tech, kiosk] as Socket[]) {
      await new Promise<void>((resolve, reject) => {
        if (s.connected) return resolve();
        s.once('connect', () => resolve());
        s.once('connect_error', (e) => reject(e));
      });
    }
    return {
      sim,
      running,
      bridge,
      driver,
      tech,
      kiosk,
      techCodes,
      kioskCodes,
      codes,
      frames,
      state: () => driver.status().state,
      counters: () => driver.status().counters,
      command: (action, args = {}, timeout = 10_000) =>
        new Promise((resolve) => tech.emit('deviceCommand', { requestId: `rq-${++seq}`, deviceId: SCANNER_ID, action, args, timeout }, resolve)),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Present `code` on the simulated engine and wait for its `codeScanned` on `/tech`. */
export async function presentAndRead(r: ScannerRig, code: string): Promise<CodeScannedEvent> {
  const n = r.techCodes.length;
  await r.sim.present(code);
  await until(() => r.techCodes.length > n, `codeScanned for ${code.slice(0, 8)}…`);
  return r.techCodes[n];
}
