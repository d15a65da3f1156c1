/**
 * Who a caller is, per transport, in the roles of the one table (auth/accessTable.ts). Establishing the identity is
 * the transport's job (cookie, token, namespace handshake); deciding what it may do is only `checkAccess`'s.
 *
 * - REST: the staff session cookie (technician/manager), else `Authorization: Bearer <tokens.tech|tokens.hall>`
 *   (techToken/hallToken), or `tokens.metrics` (metricsToken, `/metrics` only), else anonymous.
 * - Sockets: what the namespace's handshake admitted, re-checked per message for staff sessions (a session that
 *   ended, by logout or expiry, no longer counts: the caller is told and the socket dropped).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'socket.io';
import { ANONYMOUS, type Principal, type Role } from '../auth/accessTable.ts';
import { readCookie, STAFF_COOKIE } from '../auth/cookies.ts';
import type { StaffSessionRecord } from '../auth/sessions.ts';
import type { StaffAuth } from '../auth/staffAuth.ts';
import { PHONE_SESSION_TOKEN_PATTERN } from '../hall/phoneSessions.ts';

export interface MachineTokens {
  hall?: string;
  tech?: string;
  /** Prometheus scrapes of `/metrics` only (README "Monitoring"). */
  metrics?: string;
}

/** Constant-time comparison of a presented secret with the configured one. */
export function secretMatches(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The machine role a token stands for, or null. */
export function machineRoleOf(token: unknown, tokens: MachineTokens): Role | null {
  if (secretMatches(token, tokens.tech)) return 'techToken';
  if (secretMatches(token, tokens.hall)) return 'hallToken';
  if (secretMatches(token, tokens.metrics)) return 'metricsToken';
  return null;
}

export interface RestCaller {
  principal: Principal;
  /** Set for a live staff session (routes read it through `staffOf`). */
  staff?: StaffSessionRecord;
  staffToken?: string;
}

export function restCaller(headers: IncomingHttpHeaders, auth: StaffAuth | undefined, tokens: MachineTokens): RestCaller {
  const token = readCookie(headers.cookie, STAFF_COOKIE);
  const session = auth && token ? auth.session(token) : null;
  if (session && token) return { principal: { roles: [session.role], user: session.user }, staff: session, staffToken: token };
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  const machine = bearer ? machineRoleOf(bearer, tokens) : null;
  if (machine) return { principal: { roles: [machine] } };
  // The phone session's shape only: the phone routes check the store before acting (api/phoneSessionRoutes.ts).
  return { principal: bearer && PHONE_SESSION_TOKEN_PATTERN.test(bearer) ? { roles: ['phoneCitizen'] } : ANONYMOUS };
}

/** What the /hall and /tech handshakes leave in `socket.data` (see socket.ts). */
export interface SocketIdentity {
  staff?: { user: string; role: Role; token: string; key: string };
  machine?: Role;
  kioskId?: string;
}

export type SocketCaller = Principal | { ended: string };

/** The caller of a socket on `nsp`, now. */
export function socketCaller(nsp: string, socket: Pick<Socket, 'data'>, auth: StaffAuth | undefined): SocketCaller {
  const id = (socket.data ?? {}) as SocketIdentity;
  switch (nsp) {
    // Only the kiosk's own screen gets through the /kiosk handshake (kioskSocket.ts).
    case '/kiosk':
      return { roles: ['kioskScreen'] };
    case '/kiosklink':
      return id.kioskId ? { roles: ['linkedKiosk'], user: id.kioskId } : ANONYMOUS;
    case '/hall':
    case '/tech':
      if (id.staff) {
        if (!auth?.session(id.staff.token)) return { ended: 'your session has ended: log in again' };
        return { roles: [id.staff.role], user: id.staff.user };
      }
      return id.machine ? { roles: [id.machine] } : ANONYMOUS;
    default:
      return ANONYMOUS;
  }
}
