/**
 * The rehearsal's hall clock: stands at the chosen start (e.g. 08:30 of the scenario's day) until `go()`, then runs
 * `speed` times as fast as the wall clock. Only the rehearsal's own bridge gets it (startBridge's `hall.clock`), so
 * real halls and every wall-clock timer (socket heartbeats, polling, the kiosk link's liveness) are untouched.
 */
import { HallClock } from '../../device-bridge/src/hall/clock.ts';

export interface RehearsalClock {
  clock: HallClock;
  startMs: number;
  speed: number;
  /** Start running (idempotent). */
  go(): void;
  /** Hall milliseconds since the start. */
  elapsedMs(): number;
  /** Real milliseconds until the hall clock reaches `hallMs` (0 when past). */
  realDelayUntil(hallMs: number): number;
}

export function rehearsalClock(startMs: number, speed: number, utcOffsetMinutes?: number, wall: () => number = Date.now): RehearsalClock {
  if (!(speed > 0 && speed <= 1000)) throw new Error(`speed must be above 0 and at most 1000, got ${speed}`);
  let t0: number | null = null;
  const now = () => (t0 === null ? startMs : startMs + (wall() - t0) * speed);
  return {
    clock: new HallClock(now, utcOffsetMinutes),
    startMs,
    speed,
    go: () => {
      t0 ??= wall();
    },
    elapsedMs: () => now() - startMs,
    realDelayUntil: (hallMs) => Math.max(0, (hallMs - now()) / speed),
  };
}
