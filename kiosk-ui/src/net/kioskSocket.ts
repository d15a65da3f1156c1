/**
 * The citizen kiosk's link to the device bridge: socket.io namespace `/kiosk`, typed with the contract's event maps
 * (protocol/src/contract/events.ts; types only, so no protocol code enters the browser bundle). Same origin by
 * default: the bridge serves this UI, and the Vite dev server proxies /socket.io to it.
 */
import { io, type Socket } from 'socket.io-client';
import { signal, type ReadonlySignal } from '@preact/signals';
import type {
  BRIDGE_NAMESPACES,
  DeviceStatus,
  KioskClientToServerEvents,
  KioskServerToClientEvents,
} from '@onedoor/protocol';
import type { ConnectionState } from './connectionState.ts';
import { applyDeviceStatus } from './deviceList.ts';

export type KioskSocket = Socket<KioskServerToClientEvents, KioskClientToServerEvents>;

/** `BRIDGE_NAMESPACES.kiosk`, written out because only types may be imported; the annotation keeps them equal. */
export const KIOSK_NAMESPACE: (typeof BRIDGE_NAMESPACES)['kiosk'] = '/kiosk';

export interface KioskConnection {
  /** For the kiosk's own events (`cardRead`, `cardError`, `printJob`) and commands. */
  socket: KioskSocket;
  connection: ReadonlySignal<ConnectionState>;
  /** Last snapshot with later changes applied; null until the first snapshot. Kept while disconnected. */
  devices: ReadonlySignal<DeviceStatus[] | null>;
  close(): void;
}

export interface KioskConnectOptions {
  /** Bridge origin, e.g. `http://127.0.0.1:8080`; default: the page's own origin. */
  origin?: string;
}

/**
 * socket.io reconnects by itself after a lost transport, but not after the server closed the socket or refused it
 * in middleware (e.g. a bridge restarting its namespaces). A kiosk has nobody to press reload, so it retries.
 */
const MANUAL_RETRY_MS = 2_000;

export function connectKiosk(options: KioskConnectOptions = {}): KioskConnection {
  const url = (options.origin ?? '') + KIOSK_NAMESPACE;
  const socket: KioskSocket = io(url, {
    // WebSocket first: the kiosk sits next to the bridge; polling is kept as the fallback socket.io provides.
    transports: ['websocket', 'polling'],
    reconnectionDelayMax: 5_000,
  });
  const connection = signal<ConnectionState>('connecting');
  const devices = signal<DeviceStatus[] | null>(null);

  socket.on('connect', () => {
    connection.value = 'connected';
  });
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const retryLater = () => {
    if (closed || socket.active || retry !== undefined) return;
    retry = setTimeout(() => {
      retry = undefined;
      if (!closed && !socket.connected) socket.connect();
    }, MANUAL_RETRY_MS);
  };
  socket.on('disconnect', () => {
    connection.value = 'disconnected';
    retryLater();
  });
  socket.on('connect_error', () => {
    connection.value = 'disconnected';
    retryLater();
  });
  socket.on('snapshot', (snapshot) => {
    devices.value = Array.isArray(snapshot?.devices) ? snapshot.devices : [];
  });
  socket.on('deviceStatus', (status) => {
    if (status && typeof status.id === 'string') devices.value = applyDeviceStatus(devices.value, status);
  });

  return {
    socket,
    connection,
    devices,
    close: () => {
      closed = true;
      clearTimeout(retry);
      socket.removeAllListeners();
      socket.close();
    },
  };
}
