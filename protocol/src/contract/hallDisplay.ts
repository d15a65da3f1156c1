/**
 * Counter workflow and hall display contract (README "For the hall: counter terminals and the hall
 * display"): the `call` event the bridge sends when a clerk calls (or recalls) a ticket, each
 * window's state, and the read-only `/display` namespace the hall's big screen connects to.
 *
 * `/display` needs no token: it is read-only (the bridge handles no client events on it) and carries only what the
 * hall screen shows to everyone anyway (ticket numbers, window numbers, call texts; never a holder's number or name),
 * so a screen anywhere on the hall LAN can open it.
 */

/** Socket.io namespace of the hall display. */
export const DISPLAY_NAMESPACE = '/display';

/** How many recent calls the board carries (newest first). */
export const DISPLAY_RECENT_CALLS = 10;

/**
 * `idle`: no ticket (LED green); `called`: a ticket called, the citizen is on the way (LED red); `serving`: service
 * started (LED red); `paused`: the window takes no calls (LED red blinking). counter-bus.md 0x0107.
 */
export const COUNTER_WINDOW_STATES = ['idle', 'called', 'serving', 'paused'] as const;
export type CounterWindowState = (typeof COUNTER_WINDOW_STATES)[number];

/** One call of a ticket to a window; recalls are calls too (each is announced once). */
export interface HallCallEvent {
  /** Unique per call; the display speaks each callId once. */
  callId: string;
  ticketNumber: string;
  window: number;
  /** `请A012号到3号窗口办理` (hall-rules.md "Voice and screen call text"). */
  text: string;
  /** 0 the first call, 1..3 a recall. */
  recall: number;
  /** Bridge clock, epoch ms. */
  at: number;
  /**
   * Why this ticket was called now: the calling rule that chose it (README "Running the hall floor"), for the
   * manager's dashboard. Rule words only, never a person's data.
   */
  reason?: string;
  /**
   * On the ticket's latest call once the step it was called for is finished and the visit goes on (visit.ts):
   * `下一步：请到 社保医保 等候 (第 2/3 项)`.
   */
  next?: { zh: string; en: string };
}

/** A window as the hall screen shows it. */
export interface DisplayWindowView {
  window: number;
  state: CounterWindowState;
  /** The ticket called or being served there. */
  ticketNumber: string | null;
}

/** Everything the hall screen shows; sent on every (re)connect and after every change. */
export interface DisplayBoard {
  windows: DisplayWindowView[];
  /** Today's latest calls, newest first (at most DISPLAY_RECENT_CALLS). */
  calls: HallCallEvent[];
  serverTime: number;
  /**
   * The hall's offset from UTC in minutes (China Standard Time: 480): the screen shows the hall's clock, whatever
   * time zone the browser driving it was set to.
   */
  utcOffsetMinutes?: number;
  /** How the screen announces calls (README "Running the hall floor"); absent: one Mandarin reading after a chime. */
  announce?: CallAnnounceSettings;
}

/**
 * `voice`: a chime, then the call read aloud; `chimeOnly`: the chime alone (halls that keep quiet, or a screen whose
 * room another screen speaks for); `silent`: shown only.
 */
export const CALL_ANNOUNCE_MODES = ['voice', 'chimeOnly', 'silent'] as const;
export type CallAnnounceMode = (typeof CALL_ANNOUNCE_MODES)[number];

/** Mandarin (always read), Cantonese, English: the last two only where the browser has a voice for them. */
export const CALL_LANGUAGES = ['zh', 'yue', 'en'] as const;
export type CallLanguage = (typeof CALL_LANGUAGES)[number];

export interface CallAnnounceSettings {
  mode: CallAnnounceMode;
  /** How many times each call is read (the chime sounds once before the first reading). */
  repeat: number;
  /** Languages read, in this order; Mandarin is read whether listed or not. */
  languages: CallLanguage[];
}

export const DEFAULT_CALL_ANNOUNCE: CallAnnounceSettings = { mode: 'voice', repeat: 1, languages: ['zh'] };

/** The English reading of a call (the screen shows it under the Chinese text too). */
export function hallCallTextEnglish(ticketNumber: string, window: number): string {
  return `Ticket ${ticketNumber}, please go to window ${window}`;
}

/** hall-rules.md "Voice and screen call text": the same words are spoken and shown. */
export function hallCallText(ticketNumber: string, window: number): string {
  return `请${ticketNumber}号到${window}号窗口办理`;
}

export interface DisplayServerToClientEvents {
  board: (board: DisplayBoard) => void;
  call: (call: HallCallEvent) => void;
}
/** Read-only: the bridge listens to nothing on /display. */
export interface DisplayClientToServerEvents {}
