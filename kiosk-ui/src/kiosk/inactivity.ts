/**
 * Inactivity timer of a kiosk session as a pure state machine (hall-rules.md, "One authentication"): 60 s without a
 * touch ends the session; 20 s before the end a countdown asks "需要更多时间吗?"; one tap extends; at least 10
 * extensions are allowed (WCAG 2.2.1). Time comes in with every event, so the machine is testable without clocks.
 */

export interface InactivityConfig {
  /** Session ends after this long without a touch. */
  timeoutMs: number;
  /** The countdown shows this long before the end. */
  warnBeforeMs: number;
  /** How many times the countdown may be answered with "more time" in one session. */
  maxExtensions: number;
}

export const DEFAULT_INACTIVITY: InactivityConfig = { timeoutMs: 60_000, warnBeforeMs: 20_000, maxExtensions: 20 };

/** WCAG 2.2.1 (Timing Adjustable): the user can extend at least ten times. */
export const MIN_EXTENSIONS = 10;

/** Throws with the name of the bad field; the kiosk config loader falls back to the defaults on error. */
export function validateInactivityConfig(config: InactivityConfig): InactivityConfig {
  const { timeoutMs, warnBeforeMs, maxExtensions } = config;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new Error(`inactivity timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
  }
  if (!Number.isFinite(warnBeforeMs) || warnBeforeMs <= 0 || warnBeforeMs >= timeoutMs) {
    throw new Error(`inactivity warnBeforeMs must be > 0 and < timeoutMs (${timeoutMs}), got ${warnBeforeMs}`);
  }
  if (!Number.isInteger(maxExtensions) || maxExtensions < MIN_EXTENSIONS) {
    throw new Error(`inactivity maxExtensions must be an integer >= ${MIN_EXTENSIONS} (WCAG 2.2.1), got ${maxExtensions}`);
  }
  return config;
}

export type InactivityState =
  /** No session: the attract screen needs no timer. */
  | { phase: 'off' }
  | { phase: 'active'; lastActivity: number; extensions: number }
  /** The countdown is on screen. */
  | { phase: 'warning'; lastActivity: number; extensions: number }
  /** Time is up: the session must end now. */
  | { phase: 'expired'; extensions: number };

export type InactivityEvent =
  | { type: 'start'; now: number }
  /** Any touch on the screen. */
  | { type: 'activity'; now: number }
  /** The countdown's "more time" button. */
  | { type: 'extend'; now: number }
  | { type: 'tick'; now: number }
  /**
   * Go to the countdown now with `leftMs` (at most the usual countdown) left: the citizen took the card away after
   * finishing a task, so the session ends soon unless they touch the screen (which, as always, extends it).
   */
  | { type: 'hurry'; now: number; leftMs: number }
  | { type: 'stop' };

export const INACTIVITY_OFF: InactivityState = { phase: 'off' };

export function nextInactivity(state: InactivityState, event: InactivityEvent, config: InactivityConfig): InactivityState {
  switch (event.type) {
    case 'start':
      return { phase: 'active', lastActivity: event.now, extensions: 0 };
    case 'stop':
      return INACTIVITY_OFF;
    case 'activity':
    case 'extend':
      if (state.phase === 'active') return { ...state, lastActivity: event.now };
      // During the countdown any touch answers it, so every touch there is counted as an extension.
      if (state.phase === 'warning' && state.extensions < config.maxExtensions) {
        return { phase: 'active', lastActivity: event.now, extensions: state.extensions + 1 };
      }
      return state;
    case 'hurry': {
      if (state.phase !== 'active' && state.phase !== 'warning') return state;
      const left = Math.min(event.leftMs, config.warnBeforeMs);
      // Never more time than the session already had left.
      const lastActivity = Math.min(state.lastActivity, event.now - (config.timeoutMs - left));
      return { phase: 'warning', lastActivity, extensions: state.extensions };
    }
    case 'tick': {
      if (state.phase !== 'active' && state.phase !== 'warning') return state;
      const idle = event.now - state.lastActivity;
      if (idle >= config.timeoutMs) return { phase: 'expired', extensions: state.extensions };
      if (idle >= config.timeoutMs - config.warnBeforeMs && state.phase === 'active') {
        return { ...state, phase: 'warning' };
      }
      return state;
    }
  }
}

/** Whole seconds left before the session ends (what the countdown shows), never negative. */
export function secondsLeft(state: InactivityState, now: number, config: InactivityConfig): number {
  if (state.phase === 'expired') return 0;
  if (state.phase === 'off') return Math.ceil(config.timeoutMs / 1000);
  return Math.max(0, Math.ceil((state.lastActivity + config.timeoutMs - now) / 1000));
}

export function canExtend(state: InactivityState, config: InactivityConfig): boolean {
  return state.phase === 'warning' && state.extensions < config.maxExtensions;
}
