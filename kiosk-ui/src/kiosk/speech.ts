/**
 * Voice prompts (hall-rules.md, "Voice guidance reads the main prompt of each screen"): spoken through the browser's
 * speechSynthesis only when it has a voice for the language; the same text is always on screen, so a kiosk without
 * voices loses nothing.
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

/** Speaks `text`, replacing whatever prompt is still being read. Returns false when no voice exists. */
export function speakPrompt(text: string, lang: Lang): boolean {
  const voice = voiceFor(lang);
  if (voice === null || text.trim() === '') return false;
  speechSynthesis.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.voice = voice;
  utterance.lang = voice.lang;
  utterance.rate = 0.9;
  speechSynthesis.speak(utterance);
  return true;
}

/** Stops any prompt (on logout, so a name is not read out after the holder left). */
export function stopPrompt(): void {
  if (typeof speechSynthesis !== 'undefined') speechSynthesis.cancel();
}
