/**
 * The browser's side of call announcements (callAnnouncer.ts): speechSynthesis as a SpeechEngine that resolves
 * when an utterance has ended, and a two-tone chime from Web Audio. The text is always on screen too, for people
 * who cannot hear.
 *
 * The announcer hands over one utterance at a time and waits for its end, so nothing depends on the browser's own
 * queue (which some builds cut off on cancel or drop on a late voiceschanged). Browsers sometimes never fire `end`
 * (a voice that failed to load): a watchdog sized to the text moves on, so one lost event cannot silence the hall.
 */
import type { ChimePlayer, SpeechEngine, VoiceInfo } from './callAnnouncer.ts';

/** Generous reading time per character at rate 0.85, plus a margin; only a watchdog, never the normal path. */
const WATCHDOG_MS_PER_CHAR = 400;
const WATCHDOG_MARGIN_MS = 3_000;
const CHIME_MS = 900;

export function browserSpeechEngine(): SpeechEngine {
  const synth = typeof speechSynthesis === 'undefined' ? null : speechSynthesis;
  return {
    voices(): VoiceInfo[] {
      return synth ? synth.getVoices().map((v) => ({ lang: v.lang, name: v.name })) : [];
    },
    speak(text, lang, voice) {
      if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return Promise.resolve();
      return new Promise<void>((resolve) => {
        const u = new SpeechSynthesisUtterance(text);
        u.lang = lang;
        const v = voice ? synth.getVoices().find((x) => x.name === voice.name && x.lang === voice.lang) : undefined;
        if (v) u.voice = v;
        u.rate = 0.85;
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(watchdog);
          resolve();
        };
        const watchdog = setTimeout(finish, WATCHDOG_MARGIN_MS + text.length * WATCHDOG_MS_PER_CHAR);
        u.onend = finish;
        u.onerror = finish;
        synth.speak(u);
      });
    },
  };
}

/**
 * Two soft tones (ding-dong). When the page may not play sound yet (autoplay policy before any interaction), the
 * chime's time still passes, so the rhythm of chime then voice stays the same.
 */
export function browserChime(): ChimePlayer {
  let ctx: AudioContext | null = null;
  return {
    async play() {
      try {
        const Ctor = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
        if (Ctor) {
          ctx ??= new Ctor();
          if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
          const t0 = ctx.currentTime;
          for (const [i, freq] of [659.25, 523.25].entries()) {
            const osc = ctx.createOscillator();
            const gain = ctx.createGain();
            osc.frequency.value = freq;
            const start = t0 + i * 0.4;
            gain.gain.setValueAtTime(0.0001, start);
            gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
            gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.4);
            osc.connect(gain).connect(ctx.destination);
            osc.start(start);
            osc.stop(start + 0.42);
          }
        }
      } catch {
        /* no audio device: the pause still separates the calls */
      }
      await new Promise((r) => setTimeout(r, CHIME_MS));
    },
  };
}
