/**
 * The kiosk's side of the bridge session (protocol contract/kiosk.ts): the session token from `session`, the end
 * from `sessionEnded`, and `kioskCommand` calls answered with exactly one completion. The token is the only thing
 * kept here; it is dropped with the session (the bridge drops the session's personal data at the same time).
 *
 * Activity: the screen's inactivity timer (store.ts) decides when the UI ends a session. The bridge has its own timer
 * (hall-rules.md: 60 s), so touches are passed on (`session.touch`) a little after they happen, which keeps the
 * bridge's end at or after the screen's; the screen then logs out first and the bridge's sweeper is the backstop.
 */
import { signal, type ReadonlySignal } from '@preact/signals';
import type {
  KioskCommandMap,
  KioskCommandName,
  KioskCompletion,
  PrintJobUpdate,
} from '@onedoor/protocol';
import type { KioskSocket } from '../net/kioskSocket.ts';

/** Passed-on touches are gathered for this long (trailing), so a burst of taps is one message. */
const TOUCH_DELAY_MS = 2_000;
/** The kiosk waits this much longer than the command's own timeout before it gives up on an answer. */
const ACK_GRACE_MS = 5_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 20_000;

export interface HallLink {
  token: ReadonlySignal<string | null>;
  /**
   * True while `intake.sign` waits for the card placed again: that read is the signature, not a new citizen (README
   * "Applying at the kiosk (接件受理)"), so the screen does not greet it although the bridge forwards it as `cardRead`.
   */
  signing: ReadonlySignal<boolean>;
  /** Latest update per print job id (paper out -> interrupted -> reprinting -> confirmed). */
  jobs: ReadonlySignal<ReadonlyMap<string, PrintJobUpdate>>;
  /**
   * `fixedRequestId`: the same id for every try of one act (an application's submit), so the bridge answers a
   * resend with the first outcome (README "Applying at the kiosk (接件受理)": submit is idempotent per requestId).
   */
  call<N extends KioskCommandName>(command: N, args: KioskCommandMap[N]['args'], timeoutMs?: number, fixedRequestId?: string)
    : Promise<KioskCompletion<KioskCommandMap[N]['result']>>;
  /** A touch on the screen. */
  touched(): void;
  extend(): void;
  /** The citizen logged out or the screen's timer ran out: end the bridge session too. */
  endSession(): void;
  detach(): void;
}

let counter = 0;
const requestId = () => `k${Date.now().toString(36)}-${(++counter).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * `onSessionStart` runs when the bridge opens a session; `onSessionEnd` when the bridge ends the current one
 * (inactivity on the bridge, a new card...), so the screen goes back to the attract screen.
 */
export function createHallLink(socket: KioskSocket, hooks: { onSessionEnd(): void }): HallLink {
  const token = signal<string | null>(null);
  const jobs = signal<ReadonlyMap<string, PrintJobUpdate>>(new Map());
  const signing = signal(false);
  let touchTimer: ReturnType<typeof setTimeout> | undefined;

  const onSession = (e: { token?: unknown }) => {
    if (typeof e?.token === 'string') token.value = e.token;
  };
  const onEnded = (e: { token?: unknown; reason?: unknown }) => {
    if (typeof e?.token !== 'string' || e.token !== token.value) return;
    token.value = null;
    clearTimeout(touchTimer);
    touchTimer = undefined;
    // A new card (or a card error) ends the old session on the bridge; the screen has already moved on to that
    // card's greeting or error (cardRead / cardError come first), so only the token goes.
    if (e.reason !== 'newCard') hooks.onSessionEnd();
  };
  const onJob = (u: PrintJobUpdate) => {
    if (!u || typeof u.jobId !== 'string') return;
    const next = new Map(jobs.value);
    next.set(u.jobId, u);
    jobs.value = next;
  };
  socket.on('session', onSession);
  socket.on('sessionEnded', onEnded);
  socket.on('printJob', onJob);

  const call: HallLink['call'] = async (command, args, timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS, fixedRequestId) => {
    const id = fixedRequestId ?? requestId();
    const t = token.value;
    if (t === null) {
      return { requestId: id, code: 'userError', refusal: { code: 'noSession', zh: '会话已结束，请重新放置身份证', en: 'The session has ended; please place your ID card again' } };
    }
    if (command === 'intake.sign') signing.value = true;
    try {
      const c = (await socket.timeout(timeoutMs + ACK_GRACE_MS).emitWithAck('kioskCommand', {
        requestId: id, timeout: timeoutMs, token: t, command, args,
      })) as KioskCompletion<never>;
      // The bridge no longer knows this session (it ended there, e.g. after a bridge restart): the screen ends it too
      // rather than leave the holder's data up with nothing behind it.
      if (c?.refusal?.code === 'noSession' && token.value === t) {
        token.value = null;
        hooks.onSessionEnd();
      }
      return c;
    } catch {
      // No answer at all: the bridge or the link is gone.
      return { requestId: id, code: 'timeOut', message: 'no answer from the bridge' };
    } finally {
      if (command === 'intake.sign') signing.value = false;
    }
  };

  const fire = (command: 'session.touch' | 'session.extend' | 'session.logout') => {
    const t = token.value;
    if (t === null) return;
    socket.emit('kioskCommand', { requestId: requestId(), token: t, command, args: {} }, () => undefined);
  };

  return {
    token,
    signing,
    jobs,
    call,
    touched: () => {
      if (token.value === null || touchTimer !== undefined) return;
      touchTimer = setTimeout(() => {
        touchTimer = undefined;
        fire('session.touch');
      }, TOUCH_DELAY_MS);
    },
    extend: () => fire('session.extend'),
    endSession: () => {
      clearTimeout(touchTimer);
      touchTimer = undefined;
      fire('session.logout');
      token.value = null;
      jobs.value = new Map();
    },
    detach: () => {
      clearTimeout(touchTimer);
      socket.off('session', onSession);
      socket.off('sessionEnded', onEnded);
      socket.off('printJob', onJob);
    },
  };
}
