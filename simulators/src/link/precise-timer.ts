/**
 * Runs a callback at an instant on `performance.now()`, to the sub-millisecond. setTimeout counts whole
 * milliseconds from a loop clock that may be up to 1 ms behind, so a plain timer lands 0-2 ms late; a simulated
 * line that is late by that much on every frame end shows up as a slower bus than the wire allows (counter-bus.md
 * "Polling": the floor is wire time plus the t3.5 gaps, nothing else). So: a timer for the whole milliseconds but
 * the last one or two, then event-loop turns until the instant has passed (the bridge's actor keeps its t3.5 gap
 * the same way).
 */

/** Cancels a pending `runAt`; calling it after the callback ran does nothing. */
export type CancelRun = () => void;

/** Below this many ms left the wait continues in event-loop turns instead of a timer (a timer may be 1 ms late). */
const TURNS_BELOW_MS = 2;

/** Calls `fn` once `performance.now() >= at` (at once, in a later turn, when `at` has passed already). */
export function runAt(at: number, fn: () => void): CancelRun {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let turn: ReturnType<typeof setImmediate> | null = null;
  let cancelled = false;
  const step = (): void => {
    timer = null;
    turn = null;
    if (cancelled) return;
    const left = at - performance.now();
    if (left <= 0) fn();
    else if (left >= TURNS_BELOW_MS) timer = setTimeout(step, Math.floor(left) - 1);
    else turn = setImmediate(step);
  };
  turn = setImmediate(step);
  return () => {
    cancelled = true;
    if (timer) clearTimeout(timer);
    if (turn) clearImmediate(turn);
  };
}
