/**
 * The kiosk's live state as signals: the screen flow (with the session holder), the inactivity timer, language and
 * elderly mode. Ending a session (logout, timeout, a new card) replaces the flow state, which drops the only
 * reference to the holder; language and elderly mode go back to the hall's defaults for the next citizen.
 */
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import type { Lang } from '../i18n/lang.ts';
import { INITIAL_FLOW, needsInactivityTimer, nextFlow, type KioskFlowEvent, type KioskFlowState } from './flow.ts';
import {
  INACTIVITY_OFF,
  canExtend,
  nextInactivity,
  secondsLeft,
  type InactivityEvent,
  type InactivityState,
} from './inactivity.ts';
import type { KioskConfig } from './kioskConfig.ts';

export interface KioskStore {
  flow: ReadonlySignal<KioskFlowState>;
  idle: ReadonlySignal<InactivityState>;
  /** Seconds shown by the countdown. */
  secondsLeft: ReadonlySignal<number>;
  canExtend: ReadonlySignal<boolean>;
  lang: ReadonlySignal<Lang>;
  elderly: ReadonlySignal<boolean>;
  /** Where the last card read is: still on the reader, or taken away (the reader reports `cardRemoved`). */
  card: ReadonlySignal<'none' | 'onReader' | 'removed'>;
  /** The citizen finished something in this session (a ticket, a check-in, a booking, a print). */
  taskDone: ReadonlySignal<boolean>;
  /** The session ended with the card still on the reader: the attract screen reminds them to take it. */
  remindCard: ReadonlySignal<boolean>;
  /** The countdown runs because the card was taken away after a finished task (the banner says so). */
  cardGoneCountdown: ReadonlySignal<boolean>;
  dispatch(event: KioskFlowEvent): void;
  /** Any touch or key press on the kiosk. */
  activity(): void;
  /** The countdown's "more time" button. */
  extend(): void;
  /** Called by a timer a few times a second; ends the session when the time is up. */
  tick(): void;
  setLang(lang: Lang): void;
  setElderly(on: boolean): void;
  /** A flow finished a task (ticket taken, checked in, booked or canceled, something printed). */
  markTaskDone(): void;
  /** The reader no longer sees the card. */
  cardRemoved(): void;
  /** The take-your-card reminder has been shown long enough. */
  clearCardReminder(): void;
}

/**
 * Card taken away after a finished task: the session ends after this short countdown (hall-rules.md keeps the
 * 60 s inactivity rule while a task is still under way; a touch during the countdown keeps the session as always).
 */
export const CARD_GONE_COUNTDOWN_MS = 10_000;

export function createKioskStore(config: KioskConfig, now: () => number = Date.now): KioskStore {
  const flow = signal<KioskFlowState>(INITIAL_FLOW);
  const idle = signal<InactivityState>(INACTIVITY_OFF);
  const clock = signal(now());
  const lang = signal<Lang>(config.lang);
  const elderly = signal(config.elderly);
  const card = signal<'none' | 'onReader' | 'removed'>('none');
  const taskDone = signal(false);
  const remindCard = signal(false);
  const cardGoneCountdown = signal(false);
  const inactivity = config.inactivity;

  const timer = (event: InactivityEvent) => {
    idle.value = nextInactivity(idle.value, event, inactivity);
  };

  const dispatch = (event: KioskFlowEvent): void => {
    batch(() => {
      const before = flow.value;
      const next = nextFlow(before, event);
      flow.value = next;
      // A scanned identity code leaves no card on the reader to remind anyone of.
      if ((event.type === 'cardRead' && !event.byCode) || event.type === 'cardError') {
        card.value = 'onReader';
        remindCard.value = false;
      }
      if (next.holder !== before.holder) {
        taskDone.value = false;
        cardGoneCountdown.value = false;
      }
      // A session ended with the card still lying there: the next person could take it.
      if (before.holder !== null && next.holder === null && next.screen.name === 'attract' && card.value === 'onReader') {
        remindCard.value = true;
      }
      const t = now();
      clock.value = t;
      if (!needsInactivityTimer(next)) {
        timer({ type: 'stop' });
      } else if (event.type === 'cardRead' || event.type === 'cardError' || idle.value.phase === 'off') {
        // A new card is a new person: a fresh minute and a fresh count of extensions.
        timer({ type: 'start', now: t });
      }
      // Back at the attract screen, by whatever way (logout, timeout, Back from the greeting): next citizen.
      if (next.screen.name === 'attract' && before.screen.name !== 'attract') {
        lang.value = config.lang;
        elderly.value = config.elderly;
      }
    });
  };

  return {
    flow,
    idle,
    secondsLeft: computed(() => secondsLeft(idle.value, clock.value, inactivity)),
    canExtend: computed(() => canExtend(idle.value, inactivity)),
    lang,
    elderly,
    card,
    taskDone,
    remindCard,
    cardGoneCountdown,
    dispatch,
    activity: () => {
      clock.value = now();
      timer({ type: 'activity', now: clock.value });
      if (idle.value.phase === 'active') cardGoneCountdown.value = false;
    },
    extend: () => {
      clock.value = now();
      timer({ type: 'extend', now: clock.value });
      if (idle.value.phase === 'active') cardGoneCountdown.value = false;
    },
    markTaskDone: () => {
      if (flow.value.holder !== null) taskDone.value = true;
    },
    cardRemoved: () => {
      batch(() => {
        card.value = 'removed';
        remindCard.value = false;
        if (flow.value.holder === null || !taskDone.value) return;
        clock.value = now();
        timer({ type: 'hurry', now: clock.value, leftMs: CARD_GONE_COUNTDOWN_MS });
        cardGoneCountdown.value = idle.value.phase === 'warning';
      });
    },
    clearCardReminder: () => {
      remindCard.value = false;
    },
    tick: () => {
      clock.value = now();
      timer({ type: 'tick', now: clock.value });
      if (idle.value.phase === 'expired') dispatch({ type: 'timeout' });
    },
    setLang: (value) => {
      lang.value = value;
    },
    setElderly: (on) => {
      elderly.value = on;
    },
  };
}
