/**
 * Daily recording window (config `recording.window`, README "Record and replay"): a session runs between `from`
 * and `to` hall time every day; a window whose `to` is before `from` runs over midnight. A technician's own session
 * is left alone; only a session the window started is stopped by it.
 */
import type { Logger } from 'pino';
import type { HallClock } from '../hall/clock.ts';
import type { Recorder } from './recorder.ts';

/** How often the window is checked: a minute's resolution is all HH:MM can say. */
const CHECK_MS = 15_000;

/** True when hall time `now` (HH:MM) is inside [from, to). */
export function insideWindow(now: string, from: string, to: string): boolean {
  return from <= to ? now >= from && now < to : now >= from || now < to;
}

export function scheduleRecordingWindow(
  recorder: Recorder,
  window: { from: string; to: string },
  clock: Pick<HallClock, 'timeOf'>,
  log: Logger,
): { check(): void; stop(): void } {
  let ours = false;
  let failedToday = false;
  const check = () => {
    const inside = insideWindow(clock.timeOf(), window.from, window.to);
    if (inside && !recorder.recording && !ours && !failedToday) {
      try {
        recorder.start('window');
        ours = true;
      } catch (err) {
        failedToday = true;
        log.error({ alert: 'recordingStopped', err: (err as Error).message }, 'recording window could not start a recording');
      }
    } else if (!inside) {
      if (ours && recorder.status().startedBy === 'window') recorder.stop();
      ours = false;
      failedToday = false;
    }
  };
  const timer = setInterval(check, CHECK_MS);
  timer.unref();
  check();
  return { check, stop: () => clearInterval(timer) };
}
