/**
 * The kiosk bridge's link to its hall (README "Several kiosks, one hall"; contract/kioskLink.ts): a
 * socket.io client on the hall's `/kiosklink`, authenticated by the kiosk token.
 *
 * - On every (re)connect: `kioskHello` with a full device snapshot; the link is `up` once the hall welcomes it. Then
 *   each device status change and a heartbeat every `heartbeatMs`.
 * - `request(op, citizen, args)`: while the link is down it fails at once with `HallLinkDownError` (the kiosk answers
 *   deviceNotReady "暂停服务"). A request sent and not yet answered when the link drops stays in the outbox if it may
 *   have changed the hall database (`KIOSK_LINK_MUTATING_OPS`): it is re-sent with the same requestId after the next
 *   welcome, and the hall, which dedupes by requestId, answers it without applying it twice. Its caller waits up to
 *   `inFlightGraceMs` for that answer, then gets `HallLinkDownError`; an answer arriving later is told as `lateAnswer`.
 *   Reads are not re-sent: their callers fail at once.
 * - What the hall sends is parsed too (linkSchemas.ts): a malformed welcome leaves the link down (retried), a
 *   malformed answer fails its caller with a plain Error (the kiosk answers invalidRequest), and a `linkError` (the
 *   hall refused one of our messages) is logged. Nothing the hall sends can throw inside the kiosk bridge.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  KIOSK_LINK_HEARTBEAT_MS,
  KIOSK_LINK_MUTATING_OPS,
  KIOSK_LINK_NAMESPACE,
  type DeviceStatus,
  type KioskLinkAnswer,
  type KioskLinkCitizen,
  type KioskLinkClientToServerEvents,
  type KioskLinkOp,
  type KioskLinkRequest,
  type KioskLinkServerToClientEvents,
  type KioskLinkWelcome,
} from '@onedoor/protocol';
import type { Logger } from 'pino';
import { io, type Socket } from 'socket.io-client';
import { describeLinkInvalid, kioskHelloRefusalSchema, kioskLinkAnswerSchema, kioskLinkErrorSchema, kioskWelcomeSchema } from './linkSchemas.ts';

/** The link to the hall is down; the message matches kioskCommands' store-failure test, so the kiosk answers 暂停服务. */
/**
 * How a kiosk reconnects to its hall: the first attempt after 500 ms ± 50 % (socket.io's randomization), doubling up
 * to 2 s. The spread matters to the hall: after a network blip its kiosks come back over half a second, not in the
 * same millisecond (the `hall-links` bench measures both).
 */
export const HALL_LINK_RECONNECT = Object.freeze({ delayMs: 500, delayMaxMs: 2000, jitter: 0.5 });

export class HallLinkDownError extends Error {
  constructor(why: string) {
    super(`hall store unreachable: ${why}`);
    this.name = 'HallLinkDownError';
  }
}

export interface HallLinkClientOptions {
  /** The hall bridge, `http://host:port`. */
  url: string;
  token: string;
  /** Shown on the manager dashboard. */
  name?: string;
  /** The kiosk's devices: snapshot source and status stream. */
  devices: {
    statuses(): DeviceStatus[];
    on(event: 'status', l: (s: DeviceStatus) => void): unknown;
    off(event: 'status', l: (s: DeviceStatus) => void): unknown;
  };
  log: Logger;
  heartbeatMs?: number;
  /** How long a caller whose request was in flight when the link dropped waits for the re-sent answer; default 3000. */
  inFlightGraceMs?: number;
  /** Reconnect delays (socket.io client); defaults 500 / 2000 ms. */
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
}

export interface HallLinkClientEvents {
  up: [welcome: KioskLinkWelcome];
  down: [reason: string];
  /** The answer to a request whose caller had already been told the link was down. */
  lateAnswer: [request: KioskLinkRequest, answer: KioskLinkAnswer];
}

interface Pending {
  request: KioskLinkRequest;
  /** null once the caller was answered (it gave up); the entry then only waits to settle the request at the hall. */
  settle: ((answer: KioskLinkAnswer | Error) => void) | null;
  graceTimer?: NodeJS.Timeout;
}

type LinkSocket = Socket<KioskLinkServerToClientEvents, KioskLinkClientToServerEvents>;

export class HallLinkClient extends EventEmitter<HallLinkClientEvents> {
  private socket: LinkSocket | null = null;
  private welcomed: KioskLinkWelcome | null = null;
  private readonly outbox = new Map<string, Pending>();
  private heartbeat: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly log: Logger;
  private readonly onStatus = (s: DeviceStatus) => {
    if (this.welcomed) this.socket?.emit('kioskDeviceStatus', s);
  };

  constructor(private readonly o: HallLinkClientOptions) {
    super();
    if (!/^https?:\/\/[^\s/]+/.test(o.url)) throw new Error(`hall link: url must be http(s)://host:port, got ${JSON.stringify(o.url)}`);
    if (!o.token) throw new Error('hall link: a kiosk token is required');
    this.log = o.log.child({ link: 'hall' });
  }

  /** Up: connected and welcomed by the hall (requests go out). */
  get up(): boolean {
    return this.welcomed !== null;
  }

  /** The id the hall knows this kiosk by (after the first welcome). */
  kioskId: string | null = null;

  /** Requests sent and not yet answered by the hall (including those whose callers gave up). */
  get pending(): number {
    return this.outbox.size;
  }

  start(): void {
    if (this.socket || this.closed) return;
    const base = this.o.url.replace(/\/+$/, '');
    const socket: LinkSocket = io(`${base}${KIOSK_LINK_NAMESPACE}`, {
      auth: { token: this.o.token },
      transports: ['websocket'],
      reconnectionDelay: this.o.reconnectDelayMs ?? HALL_LINK_RECONNECT.delayMs,
      reconnectionDelayMax: this.o.reconnectDelayMaxMs ?? HALL_LINK_RECONNECT.delayMaxMs,
      randomizationFactor: HALL_LINK_RECONNECT.jitter,
    });
    this.socket = socket;
    this.o.devices.on('status', this.onStatus);
    socket.on('connect', () => this.hello());
    socket.on('linkError', (e: unknown) => {
      const p = kioskLinkErrorSchema.safeParse(e);
      if (p.success) this.log.error({ event: p.data.event, problem: p.data.message }, 'the hall refused a link message');
      else this.log.error({ problem: describeLinkInvalid(p.error) }, 'the hall sent a malformed linkError');
    });
    socket.on('disconnect', (reason) => {
      this.linkDown(reason);
      // A disconnect by the hall (replaced, or the hall cut it) is not retried by socket.io itself.
      if (reason === 'io server disconnect') this.retryLater();
    });
    socket.on('connect_error', (err) => {
      // Refused by the hall's middleware (bad token): socket.io does not retry; we do, slowly, and say why.
      if (!socket.active) {
        this.log.error({ err: err.message }, 'hall link refused');
        this.retryLater(5000);
      }
    });
  }

  /**
   * Ask the hall. Resolves with the result, rejects with a `HallLinkAnswerError` for the hall's refusal or
   * `HallLinkDownError` while the link is down.
   */
  request(op: KioskLinkOp, citizen: (Omit<KioskLinkCitizen, 'validUntil'> & { validUntil?: string }) | null, args: unknown[]): Promise<unknown> {
    if (!this.welcomed || !this.socket) return Promise.reject(new HallLinkDownError('the link to the hall is down'));
    const request: KioskLinkRequest = {
      requestId: randomUUID(),
      op,
      // validUntil: the hall checks the card's expiry in its own clock ('' when unknown: the hall refuses it).
      ...(citizen ? { citizen: { number: citizen.number, name: citizen.name, birthDate: citizen.birthDate, validUntil: citizen.validUntil ?? '' } } : {}),
      args,
    };
    return new Promise<unknown>((resolve, reject) => {
      const entry: Pending = {
        request,
        settle: (a) => {
          if (a instanceof Error) reject(a);
          else if (a.ok) resolve(a.result);
          else reject(new HallLinkAnswerError(a));
        },
      };
      this.outbox.set(request.requestId, entry);
      this.send(entry);
    });
  }

  /** Stop: no reconnect; callers still waiting fail with HallLinkDownError. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retry);
    this.o.devices.off('status', this.onStatus);
    this.linkDown('closed');
    for (const e of this.outbox.values()) this.giveUp(e);
    this.outbox.clear();
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }

  private hello(): void {
    const socket = this.socket;
    if (!socket) return;
    socket.emit('kioskHello', { name: this.o.name, devices: this.o.devices.statuses(), startedAt: STARTED_AT }, (reply: unknown) => {
      if (this.socket !== socket || !socket.connected) return;
      const p = kioskWelcomeSchema.safeParse(reply);
      if (!p.success) {
        const refusal = kioskHelloRefusalSchema.safeParse(reply);
        this.log.error({ problem: refusal.success ? refusal.data.error : `malformed welcome: ${describeLinkInvalid(p.error)}` },
          'hall link: the hall did not welcome this kiosk; retrying');
        // Reconnect later: a fresh connection says hello again with a fresh snapshot.
        socket.disconnect();
        this.retryLater(5000);
        return;
      }
      const welcome: KioskLinkWelcome = p.data;
      this.welcomed = welcome;
      this.kioskId = welcome.kioskId;
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => socket.emit('kioskHeartbeat', { at: Date.now() }), this.o.heartbeatMs ?? KIOSK_LINK_HEARTBEAT_MS);
      this.heartbeat.unref();
      this.log.info({ kioskId: welcome.kioskId, resend: this.outbox.size }, 'hall link up');
      // Resync: whatever is still awaiting its answer goes again with its requestId (the hall dedupes).
      for (const e of this.outbox.values()) this.send(e);
      this.emit('up', welcome);
    });
  }

  private send(entry: Pending): void {
    const socket = this.socket;
    if (!socket) return;
    socket.emit('hallRequest', entry.request, (reply: unknown) => {
      const parsed = kioskLinkAnswerSchema.safeParse(reply);
      const answer: KioskLinkAnswer = parsed.success
        ? (parsed.data as KioskLinkAnswer)
        : { requestId: entry.request.requestId, ok: false, failure: { kind: 'invalid', message: `the hall's answer is malformed: ${describeLinkInvalid(parsed.error)}` } };
      if (!parsed.success) this.log.error({ requestId: entry.request.requestId, op: entry.request.op, problem: answer.ok ? '' : (answer.failure as { message: string }).message }, 'hall link: malformed answer');
      const current = this.outbox.get(entry.request.requestId);
      if (current !== entry) return; // answered already (a resend's twin)
      this.outbox.delete(entry.request.requestId);
      clearTimeout(entry.graceTimer);
      if (entry.settle) {
        const settle = entry.settle;
        entry.settle = null;
        settle(answer);
      } else {
        this.log.info({ requestId: answer.requestId, op: entry.request.op, ok: answer.ok, replayed: answer.replayed ?? false }, 'hall answered a request after its caller gave up');
        this.emit('lateAnswer', entry.request, answer);
      }
    });
  }

  private linkDown(reason: string): void {
    clearInterval(this.heartbeat);
    const wasUp = this.welcomed !== null;
    this.welcomed = null;
    for (const [id, e] of this.outbox) {
      if (!KIOSK_LINK_MUTATING_OPS.includes(e.request.op) || this.closed) {
        this.outbox.delete(id);
        this.giveUp(e);
      } else if (e.settle && !e.graceTimer) {
        const grace = this.o.inFlightGraceMs ?? 3000;
        if (grace <= 0) this.giveUp(e);
        else e.graceTimer = setTimeout(() => this.giveUp(e), grace);
      }
    }
    if (wasUp) {
      this.log.warn({ reason, pending: this.outbox.size }, 'hall link down: hall functions paused (暂停服务)');
      this.emit('down', reason);
    }
  }

  private giveUp(e: Pending): void {
    clearTimeout(e.graceTimer);
    const settle = e.settle;
    e.settle = null;
    settle?.(new HallLinkDownError('the link to the hall dropped before its answer'));
  }

  private retryLater(ms = this.o.reconnectDelayMs ?? HALL_LINK_RECONNECT.delayMs): void {
    if (this.closed) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      if (!this.closed && this.socket && !this.socket.connected) this.socket.connect();
    }, ms);
  }
}

/** The hall's answer when it is not a result (a rule's refusal, the hall database down, a bad request). */
export class HallLinkAnswerError extends Error {
  constructor(readonly answer: Extract<KioskLinkAnswer, { ok: false }>) {
    super(answer.failure.kind === 'rule' ? answer.failure.en : answer.failure.message);
    this.name = 'HallLinkAnswerError';
  }
}

const STARTED_AT = Date.now();
