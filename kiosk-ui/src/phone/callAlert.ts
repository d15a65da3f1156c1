/**
 * How the phone tells its holder the ticket was called (README "The phone channel"): vibration and a short tone,
 * once per call (a recall is a new call), never again for a call already announced (a reconnect repeats the view).
 */
import type { PhoneTicketView } from '@onedoor/protocol';

/** A key per announcement: the call (its time) or the ticket being passed over. Null: nothing to announce. */
export function announcementOf(v: PhoneTicketView): string | null {
  if (v.status === 'called' && v.call) return `call@${v.call.at}`;
  if (v.status === 'noShow') return 'noShow';
  return null;
}

export const CALL_VIBRATION = [400, 200, 400, 200, 400];

/** Vibrates and sounds a tone; either may be unavailable (iOS has no vibrate, audio may need a touch first). */
export function alertHolder(): void {
  try {
    navigator.vibrate?.(CALL_VIBRATION);
  } catch {
    /* no vibration on this phone */
  }
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    osc.frequency.value = 880;
    osc.connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.6);
    osc.onended = () => void ctx.close();
  } catch {
    /* no audio before a touch on some phones: the vibration and the screen still tell */
  }
}
