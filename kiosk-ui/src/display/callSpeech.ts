/**
 * Speaks a call (hall-rules.md "Voice and screen call text": 请A012号到3号窗口办理, Mandarin) through the browser's
 * speechSynthesis. The text is always on screen too, for people who cannot hear.
 *
 * A zh voice is used when the browser lists one. When it lists none yet (voices load lazily in Chromium), the
 * utterance is still queued with lang zh-CN and the browser picks; when it lists voices but none for Chinese,
 * nothing is spoken (an English voice reading 请A012号 helps nobody). Utterances queue: calls made together are read
 * one after another, not cut off.
 */
export function speakCall(text: string): boolean {
  if (typeof speechSynthesis === 'undefined' || typeof SpeechSynthesisUtterance === 'undefined') return false;
  const voices = speechSynthesis.getVoices();
  const voice = voices.find((v) => v.lang === 'zh-CN') ?? voices.find((v) => v.lang.toLowerCase().startsWith('zh')) ?? null;
  if (voices.length > 0 && voice === null) return false;
  const u = new SpeechSynthesisUtterance(text);
  u.lang = voice?.lang ?? 'zh-CN';
  if (voice) u.voice = voice;
  u.rate = 0.85;
  speechSynthesis.speak(u);
  return true;
}
