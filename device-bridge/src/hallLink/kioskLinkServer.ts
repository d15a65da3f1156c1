/**
 * The hall bridge's `/kiosklink` namespace (README "Several kiosks, one hall";
 * contract/kioskLink.ts): kiosks named in the hall config (`kiosks: [{id, token}]`) connect with
 * `auth: { token }`, register with a device snapshot, stream statuses and heartbeats into the
 * `KioskRegistry`, and send hall requests that the hall answers over its own services
 * (hallRequests.ts: mutating ones applied once per requestId).
 *
 * One link per kiosk: a connection with the token of a kiosk whose link is alive (connected, heard from within
 * `liveLinkMs`) and stays so for CLOSING_LINK_GRACE_MS (a kiosk's next connection after a blip often arrives before
 * its previous one has finished closing) is refused, counted on the dashboard (a `duplicateKioskLink` alert) and
 * logged at warn; one whose link went silent replaces it (logged at warn too). New links are admitted in slices of
 * an event-loop turn (TurnSlices; README "Many instances", reconnect storms). With several instances the rule holds in
 * the whole cluster: the link is also claimed across the instances (`claims`, instances/kioskLinkClaims.ts), so a
 * second connection on another instance is refused the same way, and takes over once the first has gone silent
 * there. Bridge-to-bridge, so no browser Origin check; the token is the credential.
 *
 * Every message is parsed with the link's schemas (linkSchemas.ts) by the socket boundary (api/socketBoundary.ts,
 * api/eventSchemas.ts), which runs before these handlers on every namespace; the boundary hands each refusal back
 * here (`refuseMessage`), so a malformed message is answered in the link's own shapes (a hello's `{ error }`, a
 * request's failed answer, else `linkError`), counted and logged like any refusal. Every handler is guarded, and a
 * handler error never ends the process.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  KIOSK_LINK_HEARTBEAT_MS,
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
import type { PhoneChannel } from '../api/phoneChannel.ts';
import { KioskRegistry } from '../api/kioskRegistry.ts';
import type { AccessAuditLog } from '../hall/accessAudit.ts';
import { linkAudit } from './auditedHallRequests.ts';
import { hallRequestHandler } from './hallRequests.ts';
import { KIOSK_RATE_LIMIT_DEFAULTS, KioskRateLimiter, type KioskRateLimitConfig } from './kioskRateLimits.ts';
import { answerRefusalsWith, type Ack } from '../api/socketBoundary.ts';
import type { KioskLinkClaims } from '../instances/kioskLinkClaims.ts';
import { connectionSlices, TurnSlices } from '../api/turnSlices.ts';

export interface LinkedKioskConfig {
  id: string;
  token: string;
  name?: string;
}

/** The hall config's `kioskLink` section (config/schema.ts). */
export interface KioskLinkPolicy extends KioskRateLimitConfig {
  /** A link heard from (any message) within this long is alive: a second connection with its token is refused. */
  liveLinkMs: number;
}

export const KIOSK_LINK_POLICY_DEFAULTS: Readonly<KioskLinkPolicy> = Object.freeze({
  ...KIOSK_RATE_LIMIT_DEFAULTS,
  // Three missed heartbeats.
  liveLinkMs: 3 * KIOSK_LINK_HEARTBEAT_MS,
});

export interface KioskLinkServerOptions {
  io: Server;
  kiosks: readonly LinkedKioskConfig[];
  hall: KioskHall;
  /** The hall's phone channel (ticket capabilities and hand-offs for the linked kiosks). */
  phone?: PhoneChannel | null;
  log: Logger;
  /** Access audit of every citizen request (hall/accessAudit.ts); absent: not audited. */
  audit?: AccessAuditLog | null;
  policy?: Partial<KioskLinkPolicy>;
  /** Clock for the live-link check (tests). */
  now?: () => number;
  /** Several instances: the cluster-wide claims, made with a lease (ms) that follows `liveLinkMs`. Absent: one instance. */
  claims?: (leaseMs: number) => KioskLinkClaims;
}

export interface KioskLinkServerEvents {
  /** A mutating request was applied (answer recorded) and is about to be answered. */
  applied: [kioskId: string, request: KioskLinkRequest, answer: KioskLinkAnswer];
  /** Every answer sent to a kiosk (`replayed` for a resend answered from the record). */
  answered: [kioskId: string, request: { requestId: string; op: unknown }, answer: KioskLinkAnswer];
}

/** At most one warn line per kiosk and kind of refusal this often (the dashboard counts every one). */
const REFUSAL_LOG_GAP_MS = 10_000;

/**
 * A connection with the token of a kiosk whose link looks alive waits this long (at most liveLinkMs) for that link to
 * close before it is refused as a second one. In a reconnect storm the kiosk's new connection often arrives while its
 * previous one is still closing: the hall sees a link closed only once the kiosk's side has answered the closing
 * handshake, and that kiosk is busy reconnecting. Refusing at once would count every kiosk of the storm as a copied
 * token (a critical dashboard alert each) and send each back to retry, which lengthens the storm.
 */
export const CLOSING_LINK_GRACE_MS = 2000;

const LINK_EVENTS = new Set<string>(['kioskHello', 'kioskDeviceStatus', 'kioskHeartbeat', 'hallRequest']);
/** The requestId a failed answer carries: only one a valid request could (a 200 KB one is not echoed). */
function answerableRequestId(payload: unknown): string {
  const id = (payload as { requestId?: unknown } | null | undefined)?.requestId;
  return typeof id === 'string' && id.length <= 128 ? id : '';
}

type LinkSocket = Socket<KioskLinkClientToServerEvents, KioskLinkServerToClientEvents>;

/**
 * The configured kiosks by a digest of their token: one lookup per connection instead of a comparison with every
 * token (a reconnect storm of 1,000 kiosks would otherwise compare a million tokens in a few event-loop turns). The
 * digest map answers only "which kiosk could this be"; the token itself is then compared in constant time.
 */
function kiosksByToken(kiosks: readonly LinkedKioskConfig[]): (given: unknown) => LinkedKioskConfig | undefined {
  const digest = (t: string) => createHash('sha256').update(t).digest('base64');
  const byDigest = new Map(kiosks.map((k) => [digest(k.token), k] as const));
  return (given) => {
    if (typeof given !== 'string') return undefined;
    const k = byDigest.get(digest(given));
    return k && sameSecret(given, k.token) ? k : undefined;
  };
}

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
  /** socket id -> when its kiosk was last heard from on it. */
  private readonly lastHeard = new Map<string, number>();
  private readonly policy: KioskLinkPolicy;
  private readonly now: () => number;
  /** `<kiosk>\n<kind>` -> when a refusal was last logged and how many went unlogged since. */
  private readonly refusalLog = new Map<string, { at: number; since: number }>();
  private readonly log: Logger;
  private readonly claims: KioskLinkClaims | null;
  /** How often a live link's cluster-wide claim is renewed (a third of liveLinkMs); socket id -> last renewal. */
  private readonly renewGapMs: number;
  private readonly renewedAt = new Map<string, number>();
  /** New links waiting for their slice of a turn (TurnSlices on connectionSlices). */
  private readonly admissions: TurnSlices;

  constructor(private readonly o: KioskLinkServerOptions) {
    super();
    this.policy = { ...KIOSK_LINK_POLICY_DEFAULTS, ...o.policy };
    this.now = o.now ?? Date.now;
    const log = o.log.child({ nsp: 'kiosklink' });
    this.log = log;
    this.renewGapMs = Math.max(1, Math.floor(this.policy.liveLinkMs / 3));
    // The claim outlives the last renewal by liveLinkMs at least: another instance never takes a link still alive here.
    this.claims = o.claims?.(this.policy.liveLinkMs + this.renewGapMs) ?? null;
    // Heartbeats in hall-clock time: the dashboard's alert rules compare them with the hall clock (a rehearsal's runs
    // faster than the wall clock: docs/rehearsal.md); the link's own liveness (`now`) stays on the wall clock.
    this.registry = new KioskRegistry(o.kiosks.map((k) => ({ id: k.id, name: k.name })), () => o.hall.clock.now());
    const handle = hallRequestHandler({
      hall: o.hall,
      ...(o.audit ? { audit: linkAudit(o.audit) } : {}),
      phone: o.phone ?? null,
      limiter: new KioskRateLimiter(this.policy),
      onApplied: (kioskId, req, answer) => this.emit('applied', kioskId, req, answer),
      onRecordError: (err) => log.error({ err }, 'kiosk request applied but its answer could not be recorded'),
      onRefused: (kioskId, kind, detail) => {
        this.registry.refused(kioskId, kind);
        // detail names the op and, for a citizen, only the masked number.
        this.warnThrottled(log, kioskId, kind, { refused: kind, detail }, 'kiosk request refused');
      },
    });
    this.nsp = o.io.of(KIOSK_LINK_NAMESPACE);
    answerRefusalsWith(this.nsp as unknown as Namespace, (socket, event, payload, ack, message) =>
      this.refuseMessage(socket as unknown as LinkSocket, event, message, ack, payload));
    const kioskOf = kiosksByToken(o.kiosks);
    // Admission (checks, claim, socket.io's connect and the handler set-up) takes its turn's slice of the process's
    // connection work, with the handshakes and closes (api/turnSlices.ts connectionSlices).
    this.admissions = new TurnSlices(connectionSlices(), (err) => log.error({ err }, 'kiosk link admission failed'));
    // The token is checked at once (an unknown one costs nothing more); the rest waits for its slice of a turn.
    this.nsp.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const kiosk = kioskOf(token);
      if (!kiosk) {
        log.warn({ address: socket.handshake.address }, 'kiosk link refused: unknown kiosk token');
        return next(new Error('unknown kiosk token'));
      }
      this.admissions.push(() => void this.admit(socket, kiosk, next).catch((err: unknown) => {
        log.error({ kioskId: kiosk.id, err }, 'kiosk link admission failed');
        next(new Error('the hall could not admit this link'));
      }));
    });
    this.nsp.on('connection', (socket) => {
      const kioskId = (socket.data as { kioskId: string }).kioskId;
      const previous = this.links.get(kioskId);
      // Re-checked here: two connections may have passed the middleware in the same turn.
      if (previous && previous.id !== socket.id && this.alive(previous)) {
        this.registry.refused(kioskId, 'duplicateLinks');
        log.warn({ kioskId, address: socket.handshake.address }, 'kiosk link refused: this kiosk is already linked (a second connection with its token)');
        socket.disconnect(true);
        return;
      }
      this.links.set(kioskId, socket);
      this.lastHeard.set(socket.id, this.now());
      if (previous && previous.id !== socket.id) {
        log.warn({ kioskId, address: socket.handshake.address, silentForMs: this.now() - (this.lastHeard.get(previous.id) ?? 0) },
          'kiosk link replaced: the previous link had gone silent');
        previous.disconnect(true);
      }
      let registered = false;
      const heard = () => {
        const at = this.now();
        this.lastHeard.set(socket.id, at);
        if (this.claims && at - (this.renewedAt.get(socket.id) ?? 0) >= this.renewGapMs) this.renewClaim(kioskId, socket, at);
      };
      this.renewedAt.set(socket.id, this.now());
      const refuse = (event: string, message: string) => this.refuseMessage(socket, event, message, null, undefined);
      // A handler that throws answers that kiosk and is logged; it never reaches socket.io (and the process).
      const guard = <A extends unknown[]>(event: string, fn: (...args: A) => void) => (...args: A) => {
        try {
          heard();
          fn(...args);
        } catch (err) {
          log.error({ kioskId, event, err }, 'kiosk link handler failed');
          try {
            socket.emit('linkError', { event, message: 'the hall could not handle this message' });
          } catch {
            // the socket is gone
          }
        }
      };
      socket.on('kioskHello', guard('kioskHello', (hello: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return refuse('kioskHello', 'an acknowledgement callback is required');
        // Parsed by the boundary (kioskHelloSchema).
        const p = hello as KioskLinkHello;
        registered = true;
        this.registry.registered(kioskId, p);
        log.info({ kioskId, devices: p.devices.length }, 'kiosk registered');
        (ack as (w: KioskLinkWelcome) => void)({ kioskId, at: Date.now() });
      }));
      socket.on('kioskDeviceStatus', guard('kioskDeviceStatus', (status: unknown) => {
        // Parsed by the boundary (deviceStatusSchema).
        if (registered) this.registry.deviceStatus(kioskId, status as DeviceStatus);
      }));
      socket.on('kioskHeartbeat', guard('kioskHeartbeat', () => {
        // Parsed by the boundary (kioskHeartbeatSchema, or no body from older kiosks).
        if (registered) this.registry.heartbeat(kioskId);
      }));
      socket.on('hallRequest', guard('hallRequest', (payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return refuse('hallRequest', 'an acknowledgement callback is required');
        void handle(kioskId, payload).then((answer) => {
          // The request's citizen is never logged; the op (only a valid one) and the outcome are enough to follow a kiosk.
          const op = answer.ok || answer.failure.kind !== 'invalid' ? (payload as { op: string }).op : undefined;
          log.info({ kioskId, requestId: answer.requestId, op, ok: answer.ok, replayed: answer.replayed ?? false }, 'kiosk request');
          this.emit('answered', kioskId, { requestId: answer.requestId, op }, answer);
          (ack as (a: KioskLinkAnswer) => void)(answer);
        }).catch((err: unknown) => log.error({ kioskId, err }, 'kiosk request could not be answered'));
      }));
      socket.on('disconnect', (reason) => {
        this.lastHeard.delete(socket.id);
        this.renewedAt.delete(socket.id);
        if (this.links.get(kioskId) !== socket) return;
        this.links.delete(kioskId);
        void this.claims?.release(kioskId);
        this.registry.disconnected(kioskId);
        log.info({ kioskId, reason }, 'kiosk link down');
      });
    });
  }

  /**
   * One new link with a known kiosk's token: refused while that kiosk's link is alive (after CLOSING_LINK_GRACE_MS
   * for it to close) or held by another instance; else admitted (`next()`), its kiosk id on the socket.
   */
  private async admit(socket: LinkSocket, kiosk: LinkedKioskConfig, next: (err?: Error) => void): Promise<void> {
    // Gone while it waited: next() all the same, so socket.io drops the half-made socket (it ignores the answer).
    const gone = () => socket.conn?.readyState !== 'open';
    if (gone()) return next(new Error('the connection closed before it was admitted'));
    const live = this.links.get(kiosk.id);
    if (live && this.alive(live)) {
      await this.closedWithin(live, Math.min(CLOSING_LINK_GRACE_MS, this.policy.liveLinkMs));
      // No claim for a connection that went away meanwhile (it would hold the kiosk's claim for a lease).
      if (gone()) return next(new Error('the connection closed before it was admitted'));
    }
    const still = this.links.get(kiosk.id);
    if (still && this.alive(still)) {
      // Never silent: a copied token, or a second bridge configured with this kiosk's token.
      this.registry.refused(kiosk.id, 'duplicateLinks');
      this.log.warn({ kioskId: kiosk.id, address: socket.handshake.address, liveAddress: still.handshake.address },
        'kiosk link refused: this kiosk is already linked (a second connection with its token)');
      return next(new Error('kiosk already linked: another connection with this kiosk token is alive'));
    }
    if (this.claims && !(await this.claims.claim(kiosk.id))) {
      this.registry.refused(kiosk.id, 'duplicateLinks');
      this.log.warn({ kioskId: kiosk.id, address: socket.handshake.address },
        'kiosk link refused: this kiosk is already linked to another instance (a second connection with its token)');
      return next(new Error('kiosk already linked: another connection with this kiosk token is alive (on another instance)'));
    }
    (socket.data as { kioskId?: string }).kioskId = kiosk.id;
    next();
  }

  /** Resolves when the link has closed, or after `ms` (whichever comes first). */
  private closedWithin(link: LinkSocket, ms: number): Promise<void> {
    if (!link.connected) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        link.off('disconnect', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      link.once('disconnect', done);
    });
  }

  /** Extends the link's cluster-wide claim; one taken over by another instance meanwhile ends the link here. */
  private renewClaim(kioskId: string, socket: LinkSocket, at: number): void {
    this.renewedAt.set(socket.id, at);
    void this.claims!.renew(kioskId).then((held) => {
      if (held || this.links.get(kioskId) !== socket) return;
      this.log.warn({ kioskId }, 'kiosk link ended: another instance took this kiosk\'s link over (this one had gone silent)');
      socket.disconnect(true);
    });
  }

  /**
   * A refused link message (by the boundary's parse with linkSchemas, or here): counted on the kiosk's dashboard
   * entry, logged (throttled), and answered in the link contract's shapes, which the kiosk's HallLinkClient parses:
   * a request's failed answer, a hello's `{ error }` (KioskLinkHelloRefusal), `{ error }` to any other ack, and
   * `linkError` when the kiosk gave no ack.
   */
  private refuseMessage(socket: LinkSocket, event: string, message: string, ack: Ack | null, payload: unknown): void {
    // Always set: the namespace's middleware admits only a kiosk token.
    const kioskId = (socket.data as { kioskId?: string }).kioskId ?? '(unknown)';
    // Any name a kiosk sends is no key for the throttle map: unknown events share one entry.
    const name = LINK_EVENTS.has(event) ? event : event.slice(0, 64);
    const text = message.slice(0, 1000);
    if (this.registry.get(kioskId)) this.registry.refused(kioskId, 'invalid');
    this.warnThrottled(this.log, kioskId, `message ${LINK_EVENTS.has(event) ? event : '(unknown event)'}`, { event: name, problem: text }, 'kiosk link message refused');
    if (ack && event === 'hallRequest') ack({ requestId: answerableRequestId(payload), ok: false, failure: { kind: 'invalid', message: `hallRequest: ${text}` } } satisfies KioskLinkAnswer);
    else if (ack) ack({ error: `${name}: ${text}` });
    else socket.emit('linkError', { event: name, message: text });
  }

  /** A warn line, but a flood of the same kind from one kiosk is summarised (the dashboard counts every one). */
  private warnThrottled(log: Logger, kioskId: string, kind: string, fields: Record<string, unknown>, msg: string): void {
    const key = `${kioskId}\n${kind}`;
    const last = this.refusalLog.get(key);
    const now = this.now();
    if (last && now - last.at < REFUSAL_LOG_GAP_MS) {
      last.since++;
      return;
    }
    this.refusalLog.set(key, { at: now, since: 0 });
    log.warn({ kioskId, ...fields, ...(last?.since ? { alsoRefusedSinceLastLine: last.since } : {}) }, msg);
  }

  /** A link is alive while connected and heard from within `liveLinkMs`. */
  private alive(s: LinkSocket): boolean {
    return s.connected && this.now() - (this.lastHeard.get(s.id) ?? 0) <= this.policy.liveLinkMs;
  }

  /** Kiosk ids with a live link now. */
  connectedKiosks(): string[] {
    return [...this.links.keys()];
  }

  /** Whether the kiosk's link is held by this instance (its registry also lists kiosks linked to other instances). */
  holdsLink(kioskId: string): boolean {
    return this.links.has(kioskId);
  }

  /** Cut one kiosk's link from the hall side (the kiosk reconnects by itself). */
  drop(kioskId: string): boolean {
    const s = this.links.get(kioskId);
    s?.disconnect(true);
    return s !== undefined;
  }

  /** Disconnect every kiosk (the hall is stopping). */
  close(): void {
    this.admissions.clear();
    for (const s of [...this.links.values()]) s.disconnect(true);
    this.nsp.removeAllListeners('connection');
  }
}
