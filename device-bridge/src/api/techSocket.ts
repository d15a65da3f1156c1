/**
 * Staff sessions on the reserved socket.io namespaces, and the `/tech` extras (README "For
 * technicians: the console", access and "Technician console"):
 *
 * - `staffForHandshake`: a live session from the handshake's cookie admits a staff member to `/tech` or `/hall`
 *   (the browser sends the HttpOnly cookie with the same-origin WebSocket handshake); the machine token keeps working.
 * - every message of a staff socket re-checks its session (principal.ts `socketCaller`, each message counts as use)
 *   and the caller's roles against the one roles table (auth/accessTable.ts, through socketBoundary.ts).
 * - `attachTechExtras`: `deviceFrames` batches of new frame-log entries to `/tech` (every 500 ms, only while someone
 *   watches), and sockets of a session that ended (logout, expiry) are disconnected.
 */
import type { DeviceFramesEvent } from '@onedoor/protocol';
import type { Namespace, Socket } from 'socket.io';
import { readCookie, STAFF_COOKIE } from '../auth/cookies.ts';
import { staffMayAct, staffMayView, type StaffArea, type StaffAuth } from '../auth/staffAuth.ts';
import type { DeviceSet } from '../devices/deviceSet.ts';
import { framesOf } from '../devices/frameLog.ts';

/** What a socket admitted by a staff session carries in `socket.data`. */
export interface SocketStaff {
  user: string;
  role: string;
  canAct: boolean;
  /** The session's key (StaffSessions.keyOf), to find its sockets when it ends. */
  key: string;
  /** The cookie token, kept server-side only to check the session on each command. */
  token: string;
}

export function socketStaff(socket: Pick<Socket, 'data'>): SocketStaff | undefined {
  return (socket.data as { staff?: SocketStaff } | undefined)?.staff;
}

/** The staff member a handshake's cookie names, if the session is live and the role may view `area`. */
export function staffForHandshake(auth: StaffAuth, area: StaffArea, cookieHeader: string | undefined): SocketStaff | null {
  const token = readCookie(cookieHeader, STAFF_COOKIE);
  const s = auth.session(token);
  if (!s || !token || !staffMayView(area, s.role)) return null;
  return { user: s.user, role: s.role, canAct: staffMayAct(area, s.role), key: auth.sessions.keyOf(token), token };
}

export interface TechExtrasOptions {
  tech: Namespace;
  /** Every namespace whose sockets may belong to staff sessions (for disconnecting ended sessions). */
  staffNamespaces: Namespace[];
  devices: DeviceSet;
  auth?: StaffAuth;
  /** How often new frames go out. Default 500 ms. */
  frameIntervalMs?: number;
  /** How often expired sessions are looked for. Default 15 s. */
  sweepIntervalMs?: number;
}

export function attachTechExtras(opts: TechExtrasOptions): () => void {
  const lastSent = new Map<string, number>();
  const pushFrames = () => {
    if (opts.tech.sockets.size === 0) {
      // Nobody watching: new watchers get the current log in full (on connect, below).
      lastSent.clear();
      return;
    }
    for (const d of opts.devices.list()) {
      const entries = framesOf(d, lastSent.get(d.id) ?? 0);
      if (entries.length === 0) continue;
      lastSent.set(d.id, entries[entries.length - 1].seq);
      const event: DeviceFramesEvent = { deviceId: d.id, entries };
      opts.tech.emit('deviceFrames', event);
    }
  };
  const onConnection = (socket: Socket) => {
    // The whole current log for a new watcher; later batches only add to it.
    for (const d of opts.devices.list()) {
      const entries = framesOf(d);
      if (entries.length > 0) socket.emit('deviceFrames', { deviceId: d.id, entries } satisfies DeviceFramesEvent);
    }
  };
  opts.tech.on('connection', onConnection);
  const frameTimer = setInterval(pushFrames, opts.frameIntervalMs ?? 500);
  frameTimer.unref();

  const onEnded = (key: string) => {
    for (const nsp of opts.staffNamespaces) {
      for (const socket of nsp.sockets.values()) if (socketStaff(socket)?.key === key) socket.disconnect(true);
    }
  };
  opts.auth?.sessions.on('ended', onEnded);
  const sweepTimer = setInterval(() => opts.auth?.sessions.sweep(), opts.sweepIntervalMs ?? 15_000);
  sweepTimer.unref();

  return () => {
    clearInterval(frameTimer);
    clearInterval(sweepTimer);
    opts.tech.off('connection', onConnection);
    opts.auth?.sessions.off('ended', onEnded);
  };
}
