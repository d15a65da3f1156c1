/**
 * The devices role of the composition root (architecture.md "main (composition root: config -> wiring)"): the
 * bridge's serial devices, and where their events go. Card and scanner events reach the kiosk's screen and /tech
 * masked (the full holder and code stay in the bridge: devices/idReader/events.ts, qrScanner/events.ts); counter
 * terminal keys go to /hall, where the counter workflow consumes them.
 */
import type { Logger } from 'pino';
import type { SocketApi } from '../api/index.ts';
import type { KioskScreens } from '../api/kioskScreen.ts';
import type { BridgeConfig } from '../config/index.ts';
import '../devices/builtin.ts';
import { forwardCounterBusEvents } from '../devices/counterBus/index.ts';
import { DeviceSet } from '../devices/deviceSet.ts';
import type { DriverContext } from '../devices/driver.ts';
import { forwardCardEvents } from '../devices/idReader/index.ts';
import { forwardScannerEvents } from '../devices/qrScanner/index.ts';
import { driverRegistry, type DriverRegistry } from '../devices/registry.ts';
import type { HallClock } from '../hall/clock.ts';
import { join } from 'node:path';
import { Recorder } from '../recording/recorder.ts';
import { RecordingTransport } from '../recording/recordingTransport.ts';
import { createTransport as defaultCreateTransport } from '../transport/index.ts';

export interface DevicesRoleOptions {
  registry?: DriverRegistry;
  createTransport?: DriverContext['createTransport'];
}

/** The device-traffic recorder (README "Record and replay"): idle until a session is started. */
export function createRecorder(config: BridgeConfig, log: Logger): Recorder {
  const recorder = new Recorder({
    dir: config.recording.dir ?? join(config.dataDir, 'recordings'),
    maxFileBytes: config.recording.maxFileBytes,
    maxSessionBytes: config.recording.maxSessionBytes,
    bridgeName: config.site.hallName,
    log,
  });
  recorder.on('alert', (message) => log.error({ alert: 'recordingStopped' }, message));
  // Ports are known before they open, so a recording started by config catches each port's first open.
  for (const d of config.devices) if (d.enabled) recorder.device({ id: d.id, kind: d.kind, path: d.path });
  return recorder;
}

/** The configured devices (not started: the caller starts them once everything listens). */
export function createDevices(config: BridgeConfig, clock: HallClock, log: Logger, o: DevicesRoleOptions, recorder: Recorder): DeviceSet {
  const createTransport = o.createTransport ?? defaultCreateTransport;
  const devices = new DeviceSet(config.devices, o.registry ?? driverRegistry, {
    log,
    dataDir: config.dataDir,
    backoff: config.options.reconnect,
    // Every port through the recorder's tap (bytes and port events; nothing is written while no session runs).
    createTransport: (path, transportOptions) => {
      const inner = createTransport(path, transportOptions);
      const spec = config.devices.find((d) => d.path === path);
      return spec ? new RecordingTransport(inner, recorder.device({ id: spec.id, kind: spec.kind, path })) : inner;
    },
    commandNote: (deviceId, label) => recorder.note(deviceId, label),
    // The reader's expiry check uses the hall's day, never the PC's (hall/clock.ts).
    hallToday: () => clock.today(),
  });
  devices.on('status', (s) => log.info({ deviceId: s.id, state: s.state, detail: s.detail }, 'device status'));
  return devices;
}

/**
 * Device events to the namespaces. Call before the kiosk API attaches, so a kiosk always gets `cardRead` before the
 * `session` it starts. Returns the function that stops forwarding.
 */
export function forwardDeviceEvents(devices: DeviceSet, socket: SocketApi, screens: KioskScreens,
  signing: (deviceId: string) => boolean = () => false): () => void {
  const { kiosk, tech, hall } = socket.namespaces;
  // Personal even masked, so a card goes to the active screen only, not to every /kiosk socket (api/kioskScreen.ts).
  // A card placed again to sign a commitment is not a citizen arriving: the screen does not get it (the kiosk API
  // hands it to the waiting signature, which answers the screen's own command).
  const stopCards = forwardCardEvents(devices.list(), {
    cardRead: (e) => {
      if (!signing(e.deviceId)) screens.toActive('cardRead', e);
      tech.emit('cardRead', e);
    },
    cardError: (e) => {
      screens.toActive('cardError', e);
      tech.emit('cardError', e);
    },
    cardRemoved: (e) => {
      kiosk.emit('cardRemoved', e);
      tech.emit('cardRemoved', e);
    },
  });
  const stopScans = forwardScannerEvents(devices.list(), {
    codeScanned: (e) => {
      kiosk.emit('codeScanned', e);
      tech.emit('codeScanned', e);
    },
  });
  const stopCounters = forwardCounterBusEvents(devices.list(), {
    counterEvent: (e) => hall.emit('counterEvent', e),
    counterOverflow: (e) => hall.emit('counterOverflow', e),
  });
  return () => {
    stopCards();
    stopScans();
    stopCounters();
  };
}
