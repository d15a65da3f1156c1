/**
 * Which calls this screen has already announced (README "For the hall: counter terminals and the
 * hall display": each call spoken once; survives reloads). Kept in sessionStorage, so a reload of
 * the same tab (or a reconnect) does not speak a call again, while a newly opened screen starts
 * fresh. Bounded: only the latest ids matter (the board carries at most 10 calls).
 */
import type { HallCallEvent } from '@onedoor/protocol';

export const SPOKEN_KEY = 'onedoor.display.spokenCallIds';
export const SPOKEN_KEPT = 200;
/**
 * Calls in a board (sent on connect) are announced only when this recent by the bridge's clock: a screen that
 * reconnects after a short drop announces what it missed, but one opened in the afternoon does not read out the
 * morning.
 */
export const CATCH_UP_MS = 60_000;

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

function storage(): StorageLike | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // storage disabled: remember in memory only
  }
}

export class SpokenCalls {
  private readonly ids: string[];

  constructor(private readonly store: StorageLike | null = storage()) {
    let loaded: unknown = [];
    try {
      loaded = JSON.parse(store?.getItem(SPOKEN_KEY) ?? '[]');
    } catch {
      loaded = [];
    }
    this.ids = Array.isArray(loaded) ? loaded.filter((x): x is string => typeof x === 'string') : [];
  }

  has(callId: string): boolean {
    return this.ids.includes(callId);
  }

  /** Marks the call spoken; false when it already was (then it must not be spoken again). */
  claim(callId: string): boolean {
    if (this.has(callId)) return false;
    this.ids.push(callId);
    if (this.ids.length > SPOKEN_KEPT) this.ids.splice(0, this.ids.length - SPOKEN_KEPT);
    try {
      this.store?.setItem(SPOKEN_KEY, JSON.stringify(this.ids));
    } catch {
      /* quota or disabled: still remembered for this page */
    }
    return true;
  }
}

/** The calls of a board still to announce, oldest first. */
export function callsToCatchUp(calls: readonly HallCallEvent[], serverTime: number, spoken: SpokenCalls): HallCallEvent[] {
  return calls.filter((c) => serverTime - c.at <= CATCH_UP_MS && !spoken.has(c.callId)).sort((a, b) => a.at - b.at);
}
