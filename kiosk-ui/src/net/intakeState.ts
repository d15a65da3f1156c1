/**
 * Whether the hall takes tickets now (README "Running the hall floor", day boundaries), read from the bridge's public
 * `GET /api/intake-state` every few seconds while a screen that offers tickets or bookings is shown: the kiosk and
 * the phone page show the hall's words instead of the buttons while intake is paused or closed. Every instance of
 * the hall reads the same state from its store. No answer (a bridge without the hall database): nothing shown.
 */
import { useEffect, useState } from 'preact/hooks';

export interface IntakeNotice {
  mode: 'paused' | 'closed';
  message: string;
}

const POLL_MS = 5_000;

export function intakeNoticeOf(body: unknown): IntakeNotice | null {
  const b = body as { mode?: unknown; message?: unknown } | null;
  if (!b || (b.mode !== 'paused' && b.mode !== 'closed') || typeof b.message !== 'string') return null;
  return { mode: b.mode, message: b.message };
}

/** The notice in force, or null while the hall is open (or says nothing). */
export function useIntakeNotice(origin = ''): IntakeNotice | null {
  const [notice, setNotice] = useState<IntakeNotice | null>(null);
  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const r = await fetch(`${origin}/api/intake-state`, { cache: 'no-store' });
        const next = r.ok ? intakeNoticeOf(await r.json()) : null;
        if (!stopped) setNotice(next);
      } catch {
        // Not answering: keep what was shown; the next poll tries again.
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [origin]);
  return notice;
}
