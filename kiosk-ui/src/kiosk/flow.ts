/**
 * Which screen the citizen sees, as a pure reducer (attract -> greeting -> home menu -> functions;
 * Back and Home on every screen; no dead ends; logout clears everything). The holder lives only in
 * this state, so ending a session is one assignment: nothing personal survives it.
 */
import type { CardErrorCode } from '@onedoor/protocol';
import { cardErrorMessage, refusalMessage, type CardErrorMessage } from './cardErrors.ts';
import type { SessionHolder } from './privacy.ts';

export const FEATURE_IDS = ['ticket', 'appointments', 'apply', 'certificates', 'progress', 'guidance'] as const;
export type FeatureId = (typeof FEATURE_IDS)[number];

/**
 * Where finding a service starts (README "Finding a service"): a life event picked on the home screen, the search
 * keyboard, or one service (most used).
 */
export type FindStart =
  | { kind: 'lifeEvent'; code: string }
  | { kind: 'search' }
  /** `then`: a shortcut from guidance straight to taking a number or booking (Back returns to the service). */
  | { kind: 'service'; id: string; then?: 'book' };

export type KioskScreen =
  | { name: 'attract' }
  | { name: 'find'; start: FindStart }
  | { name: 'greeting' }
  | { name: 'home' }
  | { name: 'feature'; feature: FeatureId }
  /** `code`: a CardErrorCode or a refusal code (`expired`, `checkChar`, ...); `message` is what the screen says. */
  | { name: 'cardError'; code: string; message: CardErrorMessage };

export interface KioskFlowState {
  screen: KioskScreen;
  /** Screens Back returns to, most recent last. */
  history: KioskScreen[];
  holder: SessionHolder | null;
}

export type KioskFlowEvent =
  /** `byCode`: a scanned identity code, no card on the reader (docs/mobile-codes.md). */
  | { type: 'cardRead'; holder: SessionHolder; byCode?: boolean }
  | { type: 'cardError'; code: CardErrorCode }
  | { type: 'continue' }
  | { type: 'open'; feature: FeatureId }
  | { type: 'find'; start: FindStart }
  | { type: 'back' }
  | { type: 'home' }
  | { type: 'logout' }
  | { type: 'timeout' };

export const INITIAL_FLOW: KioskFlowState = Object.freeze<KioskFlowState>({ screen: { name: 'attract' }, history: [], holder: null });

export function nextFlow(state: KioskFlowState, event: KioskFlowEvent): KioskFlowState {
  switch (event.type) {
    case 'cardRead':
      // A new card always starts a new session (hall-rules.md); a refused card (expired, check character, birth
      // date) is never greeted, and its holder is not kept.
      if (event.holder.refusal !== null) {
        const { code } = event.holder.refusal;
        return { screen: { name: 'cardError', code, message: refusalMessage(event.holder.refusal) }, history: [], holder: null };
      }
      return { screen: { name: 'greeting' }, history: [], holder: event.holder };
    case 'cardError':
      // A card placed (even one that failed) means someone is at the reader: the previous holder's session ends.
      return { screen: { name: 'cardError', code: event.code, message: cardErrorMessage(event.code) }, history: [], holder: null };
    case 'continue':
      if (state.screen.name !== 'greeting' || state.holder === null) return state;
      return { ...state, screen: { name: 'home' }, history: [state.screen] };
    case 'open':
      if (state.holder === null) return state;
      return { ...state, screen: { name: 'feature', feature: event.feature }, history: [...state.history, state.screen] };
    case 'find':
      if (state.holder === null) return state;
      return { ...state, screen: { name: 'find', start: event.start }, history: [...state.history, state.screen] };
    case 'back': {
      const previous = state.history[state.history.length - 1];
      // Back from the first screen of a session (or from a refusal) leads to the attract screen, which ends it.
      if (previous === undefined) return INITIAL_FLOW;
      return { ...state, screen: previous, history: state.history.slice(0, -1) };
    }
    case 'home':
      if (state.holder === null) return INITIAL_FLOW;
      // Home's Back always leads to the greeting, however the citizen got home.
      return { ...state, screen: { name: 'home' }, history: [{ name: 'greeting' }] };
    case 'logout':
    case 'timeout':
      return INITIAL_FLOW;
  }
}

/** The inactivity timer runs exactly while someone is using the kiosk (a session or a refusal on screen). */
export function needsInactivityTimer(state: KioskFlowState): boolean {
  return state.screen.name !== 'attract';
}
