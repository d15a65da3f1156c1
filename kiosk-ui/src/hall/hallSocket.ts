/**
 * The dashboard's live link: socket.io namespace `/hall` on the bridge's origin (the browser sends the HttpOnly
 * session cookie with the handshake; without a live manager/technician session the bridge refuses, and `authLost`
 * tells the route to show the login again). Keeps the last `hallDashboard` and the alert list, which `hallAlerts`
 * replaces at once (an alert must not wait for the next figures).
 */
import { io, type Socket } from 'socket.io-client';
import { signal, type ReadonlySignal } from '@preact/signals';
import type { HallAlert, HallClientToServerEvents, HallDashboard, HallServerToClientEvents } from '@onedoor/protocol';
import type { ConnectionState } from '../net/connectionState.ts';
import { watchStaffConnection } from '../net/staffConnection.ts';

export type HallSocket = Socket<HallServerToClientEvents, HallClientToServerEvents>;

export interface HallConnection {
  connection: ReadonlySignal<ConnectionState>;
  dashboard: ReadonlySignal<HallDashboard | null>;
  alerts: ReadonlySignal<HallAlert[]>;
  authLost: ReadonlySignal<boolean>;
  /** Bridge clock minus this browser's, from the last dashboard (ages are shown in the bridge's time). */
  clockOffsetMs: ReadonlySignal<number>;
  close(): void;
}

export function connectHall(): HallConnection {
  const socket: HallSocket = io('/hall', { transports: ['websocket', 'polling'], withCredentials: true, reconnectionDelayMax: 5_000 });
  const { connection, authLost } = watchStaffConnection(socket);
  const dashboard = signal<HallDashboard | null>(null);
  const alerts = signal<HallAlert[]>([]);
  const clockOffsetMs = signal(0);

  socket.on('hallDashboard', (d) => {
    if (!d || !Array.isArray(d.kiosks)) return;
    dashboard.value = d;
    if (typeof d.serverTime === 'number') clockOffsetMs.value = d.serverTime - Date.now();
    alerts.value = Array.isArray(d.alerts) ? d.alerts : [];
  });
  socket.on('hallAlerts', (e) => {
    if (e && Array.isArray(e.alerts)) alerts.value = e.alerts;
  });

  return {
    connection,
    dashboard,
    alerts,
    authLost,
    clockOffsetMs,
    close: () => {
      socket.removeAllListeners();
      socket.close();
    },
  };
}
