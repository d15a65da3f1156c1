/**
 * The citizen kiosk's link to the device bridge: socket.io namespace `/kiosk`, typed with the contract's event maps
 * (protocol/src/contract/events.ts; types only, so no protocol code enters the browser bundle). Same origin by
 * default: the bridge serves this UI, and the Vite dev server proxies /socket.io to it.
 *
 * `/kiosk` admits only the kiosk's own screen (device-bridge/src/api/kioskScreen.ts): a peer on the bridge's PC
 * presenting the screen secret the bridge wrote into this page (`<meta name="onedoor-kiosk-screen">`), plus a
 * random id for this page load so a reconnect is known as the same screen. A bridge that restarted has a new secret:
 * when it refuses ours, the page's secret is fetched again from the bridge before the next retry.
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
  /** The screen secret; default: the one in this page's meta tag. */
  screenSecret?: string;
}

/** Mirrors SCREEN_SECRET_META and SCREEN_SECRET_REFUSED of the bridge's kioskScreen.ts. */
const SCREEN_SECRET_META = 'onedoor-kiosk-screen';
const SCREEN_SECRET_REFUSED = 'screenSecret';

/** The secret in a kiosk page's meta tag, or '' (the page was not served to the kiosk's screen). */
export function screenSecretOf(html: string): string {
  const m = new RegExp(`<meta name="${SCREEN_SECRET_META}" content="([A-Za-z0-9_-]+)"`).exec(html);
  return m ? m[1] : '';
}

function pageScreenSecret(): string {
  if (typeof document === 'undefined') return '';
  return document.querySelector<HTMLMetaElement>(`meta[name="${SCREEN_SECRET_META}"]`)?.content ?? '';
}

/** 128 random bits as hex: this page load's screen id (getRandomValues also works outside secure contexts). */
function newScreenId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * socket.io reconnects by itself after a lost transport, but not after the server closed the socket or refused it
 * in middleware (e.g. a bridge restarting its namespaces). A kiosk has nobody to press reload, so it retries.
 */
const MANUAL_RETRY_MS = 2_000;

export function connectKiosk(options: KioskConnectOptions = {}): KioskConnection {
  const url = (options.origin ?? '') + KIOSK_NAMESPACE;
  let screenSecret = options.screenSecret ?? pageScreenSecret();
  const screenId = newScreenId();
  const socket: KioskSocket = io(url, {
    // WebSocket first: the kiosk sits next to the bridge; polling is kept as the fallback socket.io provides.
    transports: ['websocket', 'polling'],
    reconnectionDelayMax: 5_000,
    // A function, so each (re)connect presents the current secret.
    auth: (cb) => cb({ screenSecret, screenId }),
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
  let refreshing = false;
  const refreshSecret = async () => {
    if (refreshing) return;
    refreshing = true;
    try {
      const page = await fetch(`${options.origin ?? ''}/`, { cache: 'no-store' });
      const fresh = page.ok ? screenSecretOf(await page.text()) : '';
      if (fresh) screenSecret = fresh;
    } catch {
      // The bridge is not answering: the next retry tries again.
    } finally {
      refreshing = false;
    }
  };
  socket.on('connect_error', (err) => {
    connection.value = 'disconnected';
    if ((err as { data?: { code?: unknown } })?.data?.code === SCREEN_SECRET_REFUSED) void refreshSecret();
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
