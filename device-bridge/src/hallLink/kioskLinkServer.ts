/**
 * The hall bridge's `/kiosklink` namespace (issue 6, "Several kiosks, one hall"; contract/kioskLink.ts): kiosks
 * named in the hall config (`kiosks: [{id, token}]`) connect with `auth: { token }`, register with a device
 * snapshot, stream statuses and heartbeats into the `KioskRegistry`, and send hall requests that the hall answers
 * over its own services (hallRequests.ts: mutating ones applied once per requestId).
 *
 * One link per kiosk: a new connection with the same token replaces the old one (a kiosk that lost its link can
 * always come back). Bridge-to-bridge, so no browser Origin check; the token is the credential.
 */
import { timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  KIOSK_LINK_NAMESPACE,
  type DeviceStatus,
  type KioskLinkAnswer,
  type KioskLinkClientToServerEvents,
  type KioskLinkHello,
  type KioskLinkRequest,
  type KioskLinkServerToClientEvents,
  type KioskLinkWelcome,
} from '@onedoor/protocol';
import type { Logger } from 'pino';
import type { Namespace, Server, Socket } from 'socket.io';
import type { KioskHall } from '../api/kioskHall.ts';
import { KioskRegistry } from '../api/kioskRegistry.ts';
import type { AccessAuditLog } from '../hall/accessAudit.ts';
import { auditHallRequests } from './auditedHallRequests.ts';
import { hallRequestHandler } from './hallRequests.ts';

export interface LinkedKioskConfig {
  id: string;
  token: string;
  name?: string;
}

export interface KioskLinkServerOptions {
  io: Server;
  kiosks: readonly LinkedKioskConfig[];
  hall: KioskHall;
  log: Logger;
  /** Access audit of every citizen request (hall/accessAudit.ts); absent: not audited. */
  audit?: AccessAuditLog | null;
}

export interface KioskLinkServerEvents {
  /** A mutating request was applied (answer recorded) and is about to be answered. */
  applied: [kioskId: string, request: KioskLinkRequest, answer: KioskLinkAnswer];
  /** Every answer sent to a kiosk (`replayed` for a resend answered from the record). */
  answered: [kioskId: string, request: { requestId: string; op: unknown }, answer: KioskLinkAnswer];
}

type LinkSocket = Socket<KioskLinkClientToServerEvents, KioskLinkServerToClientEvents>;

function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class KioskLinkServer extends EventEmitter<KioskLinkServerEvents> {
  readonly registry: KioskRegistry;
  private readonly nsp: Namespace<KioskLinkClientToServerEvents, KioskLinkServerToClientEvents>;
  /** kioskId -> its live link. */
  private readonly links = new Map<string, LinkSocket>();

  constructor(private readonly o: KioskLinkServerOptions) {
    super();
    const log = o.log.child({ nsp: 'kiosklink' });
    this.registry = new KioskRegistry(o.kiosks.map((k) => ({ id: k.id, name: k.name })));
    const handleRequest = hallRequestHandler({
      hall: o.hall,
      onApplied: (kioskId, req, answer) => this.emit('applied', kioskId, req, answer),
      onRecordError: (err) => log.error({ err }, 'kiosk request applied but its answer could not be recorded'),
    });
    const handle = o.audit ? auditHallRequests(handleRequest, o.audit) : handleRequest;
    this.nsp = o.io.of(KIOSK_LINK_NAMESPACE);
    this.nsp.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const kiosk = o.kiosks.find((k) => sameSecret(token, k.token));
      if (!kiosk) {
        log.warn({ address: socket.handshake.address }, 'kiosk link refused: unknown kiosk token');
        return next(new Error('unknown kiosk token'));
      }
      (socket.data as { kioskId?: string }).kioskId = kiosk.id;
      next();
    });
    this.nsp.on('connection', (socket) => {
      const kioskId = (socket.data as { kioskId: string }).kioskId;
      const previous = this.links.get(kioskId);
      this.links.set(kioskId, socket);
      if (previous && previous.id !== socket.id) previous.disconnect(true);
      let registered = false;
      socket.on('kioskHello', (hello: KioskLinkHello, ack) => {
        if (!hello || !Array.isArray(hello.devices)) return;
        registered = true;
        this.registry.registered(kioskId, hello);
        log.info({ kioskId, devices: hello.devices.length }, 'kiosk registered');
        if (typeof ack === 'function') ack({ kioskId, at: Date.now() } satisfies KioskLinkWelcome);
      });
      socket.on('kioskDeviceStatus', (s: DeviceStatus) => {
        if (registered && s && typeof s.id === 'string') this.registry.deviceStatus(kioskId, s);
      });
      socket.on('kioskHeartbeat', () => {
        if (registered) this.registry.heartbeat(kioskId);
      });
      socket.on('hallRequest', (payload: unknown, ack) => {
        if (typeof ack !== 'function') return;
        void handle(kioskId, payload).then((answer) => {
          // The request's citizen is never logged; the op and the outcome are enough to follow a kiosk.
          log.info({ kioskId, requestId: answer.requestId, op: (payload as { op?: unknown })?.op, ok: answer.ok, replayed: answer.replayed ?? false }, 'kiosk request');
          this.emit('answered', kioskId, { requestId: answer.requestId, op: (payload as { op?: unknown })?.op }, answer);
          ack(answer);
        });
      });
      socket.on('disconnect', (reason) => {
        if (this.links.get(kioskId) !== socket) return;
        this.links.delete(kioskId);
        this.registry.disconnected(kioskId);
        log.info({ kioskId, reason }, 'kiosk link down');
      });
    });
  }

  /** Kiosk ids with a live link now. */
  connectedKiosks(): string[] {
    return [...this.links.keys()];
  }

  /** Cut one kiosk's link from the hall side (the kiosk reconnects by itself). */
  drop(kioskId: string): boolean {
    const s = this.links.get(kioskId);
    s?.disconnect(true);
    return s !== undefined;
  }

  /** Disconnect every kiosk (the hall is stopping). */
  close(): void {
    for (const s of [...this.links.values()]) s.disconnect(true);
    this.nsp.removeAllListeners('connection');
  }
}
