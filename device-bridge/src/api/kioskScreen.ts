/**
 * `/kiosk` belongs to the kiosk's own screen (architecture.md: the bridge runs beside its kiosk and serves its UI).
 * A `/kiosk` socket gets every citizen's masked card data and session token, so it is admitted only when BOTH hold:
 *
 * - its peer address (the TCP peer, not a header a client writes itself) is loopback, or one of
 *   `kioskScreen.allowedAddresses` for a screen on another PC;
 * - it presents the screen secret in the socket.io `auth` (`{ screenSecret }`). The secret is random per boot
 *   (128 bits or more) unless `kioskScreen.secret` fixes one, and the bridge hands it only to the screen: it is written
 *   into the kiosk page (`GET /`, a `<meta name="onedoor-kiosk-screen">`) only for an admitted peer address whose Host
 *   header is loopback or an allowed origin's (a DNS-rebinding page has its own name as Host).
 *
 * Which screen owns what (the hall rules' least data: a citizen's data reaches only the screen in front of them):
 * each connection says which page it is (`auth.screenId`, random per page load; a reconnect keeps it). The kiosk's
 * ACTIVE screen is the one of the most recently connected live socket (a reloaded page takes over at once), kept
 * while none is connected. Card events go to the active screen only; a session belongs to the screen that was
 * active when its card was placed (kioskSocket.ts), and only that screen hears of it or may use its token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import type { KioskClientToServerEvents, KioskServerToClientEvents } from '@onedoor/protocol';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import { hostAllowed } from './origins.ts';

/** The meta tag the kiosk page carries the secret in (read by kiosk-ui/src/net/kioskSocket.ts). */
export const SCREEN_SECRET_META = 'onedoor-kiosk-screen';
/** `err.data.code` of a refusal for a missing or wrong secret: the screen fetches the page's secret again. */
export const SCREEN_SECRET_REFUSED = 'screenSecret';
/** Bytes of a per-boot secret (256 bits; at least 128 are required). */
const SECRET_BYTES = 32;
const SCREEN_ID = /^[A-Za-z0-9_-]{8,64}$/;

type KioskNamespace = Namespace<KioskClientToServerEvents, KioskServerToClientEvents>;
type KioskEvent = keyof KioskServerToClientEvents;

/** An address as Node reports it, IPv4-mapped IPv6 (`::ffff:127.0.0.1`) turned into plain IPv4. */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return '';
  const a = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped) return mapped[1];
  // The hex spelling of the same mapping (::ffff:7f00:1).
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  if (hex) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return a;
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string | undefined): boolean {
  const a = normalizeAddress(address);
  if (isIP(a) === 4) return a.split('.')[0] === '127';
  if (isIP(a) === 6) return a === '::1' || a === '0:0:0:0:0:0:0:1';
  return false;
}

function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface KioskScreenOptions {
  /** Peer addresses besides loopback that may be the kiosk's screen (each still needs the secret). */
  allowedAddresses?: readonly string[];
  /** A fixed secret instead of the per-boot random one (a remote screen that cannot load its page from here). */
  secret?: string;
  /** For the Host check of the kiosk page (same patterns as the origin check). */
  allowedOrigins: readonly string[];
}

export class KioskScreens {
  /** What the screen must present; random per boot unless configured. */
  readonly secret: string;
  private readonly allowed: Set<string>;
  private nsp: KioskNamespace | null = null;
  /** Live sockets in connection order -> their screen id; the last one's screen is the active screen. */
  private readonly live = new Map<string, string>();
  private activeId: string | null = null;

  constructor(private readonly opts: KioskScreenOptions) {
    if (opts.secret !== undefined && opts.secret.length < 32) throw new Error('kioskScreen.secret must be at least 32 characters');
    this.secret = opts.secret ?? randomBytes(SECRET_BYTES).toString('base64url');
    this.allowed = new Set((opts.allowedAddresses ?? []).map(normalizeAddress));
  }

  /** May a peer at this address be the kiosk's screen (before the secret is looked at)? */
  addressAllowed(address: string | undefined): boolean {
    return isLoopbackAddress(address) || this.allowed.has(normalizeAddress(address));
  }

  /** The verdict on one handshake: null when admitted, else the reason (sent to the client, logged). */
  checkHandshake(address: string | undefined, auth: unknown): { reason: string; code: string } | null {
    if (!this.addressAllowed(address)) {
      return { code: 'screenAddress', reason: `namespace /kiosk is the kiosk's own screen: peer ${normalizeAddress(address) || '(unknown)'} is not allowed` };
    }
    if (!sameSecret((auth as { screenSecret?: unknown } | null)?.screenSecret, this.secret)) {
      return { code: SCREEN_SECRET_REFUSED, reason: 'namespace /kiosk: wrong or missing screen secret (reload the kiosk page)' };
    }
    return null;
  }

  /** The active screen (see the header); null before any screen connected. */
  get activeScreen(): string | null {
    return this.activeId;
  }

  /** How many admitted screen sockets are connected. */
  get connectedCount(): number {
    return this.live.size;
  }

  /** The screen a socket belongs to (set when it was admitted). */
  screenOf(socket: Socket): string {
    return (socket.data as { screenId?: string }).screenId ?? socket.id;
  }

  /**
   * Guards `/kiosk`: the address and secret check as middleware, then screen bookkeeping (each socket joins its
   * screen's room; the newest becomes the active screen; when it leaves, the newest still connected takes over).
   */
  guard(nsp: KioskNamespace, log: Logger): void {
    this.nsp = nsp;
    nsp.use((socket, next) => {
      const refused = this.checkHandshake(socket.handshake.address, socket.handshake.auth);
      if (refused) {
        log.warn({ address: socket.handshake.address, code: refused.code }, `refused: ${refused.reason}`);
        const err = new Error(refused.reason) as Error & { data?: unknown };
        err.data = { code: refused.code };
        return next(err);
      }
      const id = (socket.handshake.auth as { screenId?: unknown })?.screenId;
      (socket.data as { screenId?: string }).screenId = typeof id === 'string' && SCREEN_ID.test(id) ? id : socket.id;
      next();
    });
    nsp.on('connection', (socket) => {
      const screenId = this.screenOf(socket as unknown as Socket);
      void socket.join(roomOf(screenId));
      this.live.set(socket.id, screenId);
      if (this.activeId !== null && this.activeId !== screenId) log.warn({ screens: new Set(this.live.values()).size }, 'a newer kiosk screen connected: citizen events now go to it');
      this.activeId = screenId;
      socket.on('disconnect', () => {
        this.live.delete(socket.id);
        const newest = [...this.live.values()].pop();
        if (newest !== undefined) this.activeId = newest;
      });
    });
  }

  /** Emit to the active screen only (card events, print jobs). */
  toActive<E extends KioskEvent>(event: E, ...args: Parameters<KioskServerToClientEvents[E]>): void {
    this.toScreen(this.activeId, event, ...args);
  }

  /** Emit to one screen's sockets only; nothing when there is no such screen. */
  toScreen<E extends KioskEvent>(screenId: string | null, event: E, ...args: Parameters<KioskServerToClientEvents[E]>): void {
    if (screenId === null || !this.nsp) return;
    (this.nsp.to(roomOf(screenId)) as unknown as { emit(e: string, ...a: unknown[]): void }).emit(event, ...args);
  }

  /**
   * `GET /` of the built UI: the kiosk page, with the secret written in for an admitted peer (address, and a Host
   * that is loopback or an allowed origin's); never cached, since the secret changes with each boot.
   */
  kioskPage(readIndex: () => Promise<string>): RequestHandler {
    return (req, res, next) => {
      readIndex().then((html) => {
        res.set('Cache-Control', 'no-store');
        const admitted = this.addressAllowed(req.socket.remoteAddress) && hostAllowed(req.headers.host, this.opts.allowedOrigins);
        res.type('html').send(admitted ? withScreenSecret(html, this.secret) : html);
      }, next);
    };
  }
}

function roomOf(screenId: string): string {
  return `screen:${screenId}`;
}

/** The page with the secret's meta tag at the start of <head> (or of the document when it has no <head>). */
export function withScreenSecret(html: string, secret: string): string {
  const meta = `<meta name="${SCREEN_SECRET_META}" content="${secret}">`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + meta + html.slice(head.index + head[0].length);
  const doctype = /^<!doctype[^>]*>/i.exec(html);
  return doctype ? doctype[0] + meta + html.slice(doctype[0].length) : meta + html;
}
