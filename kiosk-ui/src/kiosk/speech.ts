/**
 * Voice prompts (hall-rules.md, "Voice guidance reads the main prompt of each screen"): spoken through the browser's
 * speechSynthesis only when it has a voice for the language; the same text is always on screen, so a kiosk without
 * voices loses nothing.
 *
 * Two kinds of sentence: a screen's main prompt replaces whatever is still being read (the citizen moved on), and an
 * announcement (a ticket number, a print result, "please take your card") is queued after it, so neither cuts the
 * other off. The same sentence is never spoken twice in a row (a re-render, a late `voiceschanged`).
 */
import { LANG_TAGS, type Lang } from '../i18n/lang.ts';

function voiceFor(lang: Lang): SpeechSynthesisVoice | null {
  if (typeof speechSynthesis === 'undefined') return null;
  const prefix = lang === 'zh' ? 'zh' : 'en';
  const voices = speechSynthesis.getVoices();
  // Mandarin (zh-CN) first; any Chinese voice (e.g. Cantonese zh-HK, welcome in Guangdong) is better than none.
  return (
    voices.find((v) => v.lang === LANG_TAGS[lang]) ??
    voices.find((v) => v.lang.toLowerCase().startsWith(prefix)) ??
    null
  );
}

export interface KioskVoice {
  /** A screen's main prompt(s): stop what is being read, then read these in order. */
  prompt(sentences: readonly string[], lang: Lang): void;
  /** An event worth hearing: read after whatever is being read. */
  announce(sentence: string, lang: Lang): void;
  /** Silence now (a session ended: nothing of it is read out after the holder left). */
  stop(): void;
  dispose(): void;
}

export function createVoice(enabled: boolean): KioskVoice {
  let last = '';
  /** Sentences waiting for the browser's voices, which often load after the page. */
  let waiting: Array<{ text: string; lang: Lang }> = [];
  const speak = (text: string, lang: Lang): void => {
    if (text.trim() === '' || text === last) return;
    const voice = voiceFor(lang);
    if (voice === null) {
      waiting.push({ text, lang });
      return;
    }
    last = text;
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.voice = voice;
    utterance.lang = voice.lang;
    utterance.rate = 0.9;
    speechSynthesis.speak(utterance);
  };
  const onVoices = () => {
    const queued = waiting;
    waiting = [];
    for (const s of queued) speak(s.text, s.lang);
  };
  const available = enabled && typeof speechSynthesis !== 'undefined';
  if (available) speechSynthesis.addEventListener('voiceschanged', onVoices);
  return {
    prompt(sentences, lang) {
      if (!available) return;
      const fresh = sentences.filter((s) => s.trim() !== '');
      if (fresh.length === 0 || (fresh.length === 1 && fresh[0] === last)) return;
      speechSynthesis.cancel();
      waiting = [];
      last = '';
      for (const s of fresh) speak(s, lang);
    },
    announce(sentence, lang) {
      if (available) speak(sentence, lang);
    },
    stop() {
      if (!available) return;
      speechSynthesis.cancel();
      waiting = [];
      last = '';
    },
    dispose() {
      if (available) speechSynthesis.removeEventListener('voiceschanged', onVoices);
    },
  };
}
