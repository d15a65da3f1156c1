/**
 * Kiosk sessions (hall-rules.md "One authentication"). A card read starts a session with an opaque
 * random token bound to the holder's number; every flow uses the token. The session ends on logout,
 * when another card is read at the same kiosk, or after inactivity (60 s default; the UI shows a
 * countdown 20 s before and one tap extends, at least 10 times: WCAG 2.2.1). At the end the session
 * drops every personal datum it held.
 *
 * Sessions live in memory only (never persisted). Only masked views leave this module, except `citizen(token)`,
 * which hands the number to the hall services (never to a client).
 */
import { randomBytes } from 'node:crypto';
import { holderDisplayName, holderNumber, maskIdNumber, validateHolder, type Holder, type HolderProblem,
  type IdCardType } from '@onedoor/protocol';
import { citizenFromHolder, isElderly, type Citizen } from './citizen.ts';
import { HallClock } from './clock.ts';
import { HallRuleError } from './errors.ts';

export type SessionEndReason = 'logout' | 'newCard' | 'inactivity' | 'shutdown';

export interface SessionOptions {
  clock?: HallClock;
  /** Inactivity before the session ends (hall-rules.md: 60 s, configurable). */
  inactivityMs?: number;
  /** When the countdown starts before the end (hall-rules.md: 20 s). */
  warningMs?: number;
  /** Extensions by the countdown tap; at least 10 (WCAG 2.2.1). */
  maxExtensions?: number;
  /** Told when a session ends, with the masked view (e.g. so the API can send the kiosk to the attract screen). */
  onEnd?: (ended: { token: string; kioskId: string; reason: SessionEndReason }) => void;
}

export const SESSION_DEFAULTS = { inactivityMs: 60_000, warningMs: 20_000, maxExtensions: 10 } as const;

/** What may leave the bridge about a session: masked number, display name (the greeting), no birth date. */
export interface SessionView {
  token: string;
  kioskId: string;
  cardType: IdCardType;
  displayName: string;
  maskedNumber: string;
  /** 65+: the UI may offer elderly mode, tickets get the green channel. */
  elderly: boolean;
  startedAt: number;
  /** When the session ends without a touch (epoch ms). */
  expiresAt: number;
  /** When the countdown starts (epoch ms). */
  warnAt: number;
  extensionsUsed: number;
  extensionsLeft: number;
}

export type SessionStartResult =
  | { ok: true; session: SessionView }
  | { ok: false; reason: HolderProblem; zh: string; en: string; maskedNumber: string };

/** One session. Holds the holder's data until it ends, then nothing personal. */
export class KioskSession {
  private holder: Holder | null;
  private citizenData: Citizen | null;
  lastActivity: number;
  extensionsUsed = 0;
  endedBy: SessionEndReason | null = null;

  constructor(
    readonly token: string,
    readonly kioskId: string,
    holder: Holder,
    readonly startedAt: number,
  ) {
    // Our own copy, so wiping it cannot be undone by a reference someone else kept, and theirs is not touched.
    this.holder = structuredClone(holder);
    this.citizenData = citizenFromHolder(this.holder);
    this.lastActivity = startedAt;
  }

  get active(): boolean {
    return this.endedBy === null;
  }

  citizen(): Citizen {
    if (!this.citizenData) throw new Error('session has ended');
    return { ...this.citizenData };
  }

  view(opts: Required<Pick<SessionOptions, 'inactivityMs' | 'warningMs' | 'maxExtensions'>>, today: string): SessionView {
    const h = this.holder;
    if (!h || !this.citizenData) throw new Error('session has ended');
    const expiresAt = this.lastActivity + opts.inactivityMs;
    return {
      token: this.token,
      kioskId: this.kioskId,
      cardType: h.cardType,
      displayName: holderDisplayName(h),
      maskedNumber: maskIdNumber(holderNumber(h)),
      elderly: isElderly(this.citizenData.birthDate, today),
      startedAt: this.startedAt,
      expiresAt,
      warnAt: expiresAt - opts.warningMs,
      extensionsUsed: this.extensionsUsed,
      extensionsLeft: Math.max(0, opts.maxExtensions - this.extensionsUsed),
    };
  }

  /** Drops every personal datum (hall-rules.md "Session data is wiped when the session ends"). */
  end(reason: SessionEndReason): void {
    if (this.holder) {
      for (const key of Object.keys(this.holder)) (this.holder as unknown as Record<string, unknown>)[key] = undefined;
    }
    if (this.citizenData) {
      this.citizenData.number = '';
      this.citizenData.name = '';
      this.citizenData.birthDate = '';
      if (this.citizenData.validUntil !== undefined) this.citizenData.validUntil = '';
    }
    this.holder = null;
    this.citizenData = null;
    this.endedBy = reason;
  }
}

const noSession = () => new HallRuleError('noSession', '会话已结束，请重新放置身份证', 'the session has ended; please place your ID card again');

export class SessionManager {
  private readonly sessions = new Map<string, KioskSession>();
  private readonly byKiosk = new Map<string, string>();
  private readonly clock: HallClock;
  private readonly opts: Required<Pick<SessionOptions, 'inactivityMs' | 'warningMs' | 'maxExtensions'>>;

  constructor(private readonly options: SessionOptions = {}) {
    this.clock = options.clock ?? new HallClock();
    this.opts = {
      inactivityMs: options.inactivityMs ?? SESSION_DEFAULTS.inactivityMs,
      warningMs: options.warningMs ?? SESSION_DEFAULTS.warningMs,
      maxExtensions: options.maxExtensions ?? SESSION_DEFAULTS.maxExtensions,
    };
    if (!(this.opts.inactivityMs > 0)) throw new Error('session inactivityMs must be positive');
    if (!(this.opts.warningMs >= 0 && this.opts.warningMs < this.opts.inactivityMs)) {
      throw new Error('session warningMs must be at least 0 and less than inactivityMs');
    }
    if (!Number.isInteger(this.opts.maxExtensions) || this.opts.maxExtensions < 10) {
      throw new Error('session maxExtensions must be an integer of at least 10 (WCAG 2.2.1)');
    }
  }

  /**
   * A card was read at `kioskId`. Any session there ends first (new card). A card the hall rules refuse (expired,
   * bad check character, birth mismatch: protocol's validateHolder) starts nothing and says why.
   */
  start(kioskId: string, holder: Holder): SessionStartResult {
    if (typeof kioskId !== 'string' || kioskId === '') throw new Error('session start: kioskId must be a non-empty string');
    const previous = this.byKiosk.get(kioskId);
    if (previous) this.end(previous, 'newCard');
    const verdict = validateHolder(holder, this.clock.today());
    if (!verdict.ok) {
      return { ok: false, reason: verdict.reason, zh: verdict.zh, en: verdict.en, maskedNumber: maskIdNumber(holderNumber(holder) ?? '') };
    }
    const token = randomBytes(24).toString('base64url');
    const s = new KioskSession(token, kioskId, holder, this.clock.now());
    this.sessions.set(token, s);
    this.byKiosk.set(kioskId, token);
    return { ok: true, session: s.view(this.opts, this.clock.today()) };
  }

  /** The live session of a token, ending it first if its time is up. */
  private live(token: string): KioskSession | undefined {
    const s = this.sessions.get(token);
    if (!s) return undefined;
    if (this.clock.now() >= s.lastActivity + this.opts.inactivityMs) {
      this.end(token, 'inactivity');
      return undefined;
    }
    return s;
  }

  view(token: string): SessionView | undefined {
    return this.live(token)?.view(this.opts, this.clock.today());
  }

  /** The citizen behind a token, for the hall services. Throws HallRuleError('noSession') when there is none. */
  citizen(token: string): Citizen {
    const s = this.live(token);
    if (!s) throw noSession();
    return s.citizen();
  }

  /** A touch on the screen: the inactivity timer starts again. */
  touch(token: string): SessionView {
    const s = this.live(token);
    if (!s) throw noSession();
    s.lastActivity = this.clock.now();
    return s.view(this.opts, this.clock.today());
  }

  /** The countdown's "more time" tap: like a touch, counted against `maxExtensions`. */
  extend(token: string): SessionView {
    const s = this.live(token);
    if (!s) throw noSession();
    if (s.extensionsUsed >= this.opts.maxExtensions) {
      throw new HallRuleError('extensionsExhausted', '已无法继续延长时间，请重新放置身份证', 'no more extensions; please place your card again');
    }
    s.extensionsUsed++;
    s.lastActivity = this.clock.now();
    return s.view(this.opts, this.clock.today());
  }

  /** Ends a session (logout by default); false when there was none. */
  end(token: string, reason: SessionEndReason = 'logout'): boolean {
    const s = this.sessions.get(token);
    if (!s) return false;
    this.sessions.delete(token);
    if (this.byKiosk.get(s.kioskId) === token) this.byKiosk.delete(s.kioskId);
    const kioskId = s.kioskId;
    // Wiped before anyone is told, so a failing listener cannot keep personal data alive.
    s.end(reason);
    this.options.onEnd?.({ token, kioskId, reason });
    return true;
  }

  /** The session object (for the API layer's bookkeeping and for tests of the wipe); undefined once ended. */
  get(token: string): KioskSession | undefined {
    return this.sessions.get(token);
  }

  /**
   * Ends every session whose time is up; returns how many. A throwing `onEnd` listener does not keep the other
   * sessions alive: all are ended (and wiped) first, then the first listener error is thrown.
   */
  sweep(): number {
    let n = 0;
    let failure: unknown;
    for (const token of [...this.sessions.keys()]) {
      try {
        if (this.sessions.has(token) && !this.live(token)) n++;
      } catch (err) {
        n++;
        failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
    return n;
  }

  /** Sweeps every `intervalMs` so personal data leaves memory on time even when nobody asks; returns a stop function. */
  startSweeper(intervalMs = 1000, onError: (err: unknown) => void = () => undefined): () => void {
    const t = setInterval(() => {
      try {
        this.sweep();
      } catch (err) {
        onError(err);
      }
    }, intervalMs);
    t.unref?.();
    return () => clearInterval(t);
  }

  /** Ends every session (bridge shutdown). */
  endAll(): void {
    for (const token of [...this.sessions.keys()]) this.end(token, 'shutdown');
  }

  get activeCount(): number {
    return this.sessions.size;
  }
}
