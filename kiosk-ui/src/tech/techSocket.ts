/**
 * The console's live link: socket.io namespace `/tech` on the bridge's origin. The browser sends the session cookie
 * with the handshake; without a live session the bridge refuses the connection (`authLost` then tells the route to
 * show the login again). Keeps the device list (snapshot + deviceStatus), each device's frame log (deviceFrames,
 * deduplicated by seq, bounded) and the last card event (masked by the bridge).
 */
import { io, type Socket } from 'socket.io-client';
import { signal, type ReadonlySignal } from '@preact/signals';
import type {
  CardErrorEvent,
  CardReadEvent,
  CodeScannedEvent,
  Completion,
  DeviceFrameEntry,
  DeviceStatus,
  TechClientToServerEvents,
  TechServerToClientEvents,
} from '@onedoor/protocol';
import type { ConnectionState } from '../net/connectionState.ts';
import { applyDeviceStatus } from '../net/deviceList.ts';
import { watchStaffConnection } from '../net/staffConnection.ts';

export type TechSocket = Socket<TechServerToClientEvents, TechClientToServerEvents>;

/**
 * Frames kept per device in the page: more than the bridge's ring (50), so a reply a technician is looking for is
 * not pushed out within seconds by the reader's find polls while the console is open.
 */
export const FRAMES_KEPT = 200;

export interface TechConnection {
  connection: ReadonlySignal<ConnectionState>;
  devices: ReadonlySignal<DeviceStatus[] | null>;
  frames: ReadonlySignal<Record<string, DeviceFrameEntry[]>>;
  lastCard: ReadonlySignal<{ read?: CardReadEvent; error?: CardErrorEvent } | null>;
  /** The last code a scanner read: a preview and the length only (the bridge never sends the whole code). */
  lastCode: ReadonlySignal<CodeScannedEvent | null>;
  /** Set when the bridge refused or dropped us for want of a session. */
  authLost: ReadonlySignal<boolean>;
  run(deviceId: string, action: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<Completion>;
  close(): void;
}

/** requestId for a command; crypto.randomUUID exists only in secure contexts (a LAN http:// URL is not one). */
function newRequestId(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c && typeof c.randomUUID === 'function') return `tech-${c.randomUUID()}`;
  return `tech-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Adds new entries, dropping ones already known (a watcher may get a batch overlapping its first full log). */
export function mergeFrames(known: readonly DeviceFrameEntry[] | undefined, incoming: readonly DeviceFrameEntry[], keep = FRAMES_KEPT): DeviceFrameEntry[] {
  const last = known && known.length > 0 ? known[known.length - 1].seq : 0;
  const fresh = incoming.filter((e) => e.seq > last);
  // A bridge restart starts seq again at 1: then the incoming list replaces what we had.
  const restarted = incoming.length > 0 && fresh.length === 0 && incoming[incoming.length - 1].seq < last && incoming[0].seq <= 1;
  const merged = restarted ? [...incoming] : [...(known ?? []), ...fresh];
  return merged.slice(-keep);
}

export function connectTech(): TechConnection {
  const socket: TechSocket = io('/tech', { transports: ['websocket', 'polling'], withCredentials: true, reconnectionDelayMax: 5_000 });
  // Connected / refused-for-want-of-a-session, shared with the /hall dashboard (net/staffConnection.ts).
  const { connection, authLost } = watchStaffConnection(socket);
  const devices = signal<DeviceStatus[] | null>(null);
  const frames = signal<Record<string, DeviceFrameEntry[]>>({});
  const lastCard = signal<{ read?: CardReadEvent; error?: CardErrorEvent } | null>(null);
  const lastCode = signal<CodeScannedEvent | null>(null);

  socket.on('snapshot', (s) => {
    devices.value = Array.isArray(s?.devices) ? s.devices : [];
  });
  socket.on('deviceStatus', (s) => {
    if (s && typeof s.id === 'string') devices.value = applyDeviceStatus(devices.value, s);
  });
  socket.on('deviceFrames', (e) => {
    if (!e || typeof e.deviceId !== 'string' || !Array.isArray(e.entries)) return;
    frames.value = { ...frames.value, [e.deviceId]: mergeFrames(frames.value[e.deviceId], e.entries) };
  });
  socket.on('cardRead', (read) => {
    lastCard.value = { read };
  });
  socket.on('cardError', (error) => {
    lastCard.value = { error };
  });
  socket.on('codeScanned', (e) => {
    if (e && typeof e.deviceId === 'string') lastCode.value = e;
  });

  return {
    connection,
    devices,
    frames,
    lastCard,
    lastCode,
    authLost,
    run: (deviceId, action, args = {}, timeoutMs = 20_000) =>
      new Promise<Completion>((resolve) => {
        const requestId = newRequestId();
        if (!socket.connected) {
          resolve({ requestId, code: 'deviceNotReady', message: 'not connected to the bridge' });
          return;
        }
        // The bridge answers within `timeout`; the extra second covers the trip back.
        socket.timeout(timeoutMs + 1_000).emit('deviceCommand', { requestId, deviceId, action, args, timeout: timeoutMs }, (err, c) => {
          resolve(err ? { requestId, code: 'timeOut', message: 'no answer from the bridge' } : c);
        });
      }),
    close: () => {
      socket.removeAllListeners();
      socket.close();
    },
  };
}
