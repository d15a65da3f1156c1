/**
 * Calls a citizen can hear (README "Running the hall floor", call announcements): the hall display queues every
 * call and announces them strictly one after another, never over each other. A burst of calls (three windows
 * pressing at once) is read in the order the calls were made; the next call starts only when the previous one's
 * last reading has ended.
 *
 * One announcement = a chime (modes `voice` and `chimeOnly`), then, in mode `voice`, the call read `repeat` times in
 * each configured language. Mandarin is always read (with lang zh-CN, the browser choosing when it lists no voice
 * yet); Cantonese and English only where the browser has a voice for them. A language that cannot be read is
 * stated on the screen's status line (`fallbackNote`), not skipped silently.
 *
 * The engine and the chime are interfaces, so the order and the no-overlap rule are tested without a browser.
 */
import {
  DEFAULT_CALL_ANNOUNCE, hallCallTextEnglish, type CallAnnounceSettings, type CallLanguage, type HallCallEvent,
} from '@onedoor/protocol';

export interface VoiceInfo {
  lang: string;
  name: string;
}

/** One utterance: resolves when it has been read (or given up on). */
export interface SpeechEngine {
  voices(): VoiceInfo[];
  speak(text: string, lang: string, voice: VoiceInfo | null): Promise<void>;
}

export interface ChimePlayer {
  /** Resolves when the chime has sounded. */
  play(): Promise<void>;
}

export interface Utterance {
  text: string;
  lang: string;
  voice: VoiceInfo | null;
}

export interface AnnouncementPlan {
  chime: boolean;
  utterances: Utterance[];
}

const LANG_TAG: Record<CallLanguage, string> = { zh: 'zh-CN', yue: 'zh-HK', en: 'en-US' };
const LANG_WORDS: Record<CallLanguage, string> = { zh: '普通话 / Mandarin', yue: '粤语 / Cantonese', en: '英语 / English' };

/** The browser voice for a language, or null. Cantonese voices are tagged zh-HK, yue or yue-HK. */
export function voiceFor(lang: CallLanguage, voices: readonly VoiceInfo[]): VoiceInfo | null {
  const l = (v: VoiceInfo) => v.lang.toLowerCase().replace('_', '-');
  if (lang === 'zh') {
    return voices.find((v) => l(v) === 'zh-cn') ?? voices.find((v) => l(v).startsWith('zh') && !isCantonese(l(v))) ?? null;
  }
  if (lang === 'yue') return voices.find((v) => isCantonese(l(v))) ?? null;
  return voices.find((v) => l(v).startsWith('en')) ?? null;
}

function isCantonese(tag: string): boolean {
  return tag.startsWith('yue') || tag === 'zh-hk' || tag === 'zh-mo';
}

/** Mandarin first whether listed or not, then the others in their configured order. */
function languagesOf(settings: CallAnnounceSettings): CallLanguage[] {
  return ['zh', ...settings.languages.filter((l) => l !== 'zh')];
}

/** What announcing one call does under these settings with these voices. */
export function planAnnouncement(call: HallCallEvent, settings: CallAnnounceSettings, voices: readonly VoiceInfo[]): AnnouncementPlan {
  if (settings.mode === 'silent') return { chime: false, utterances: [] };
  if (settings.mode === 'chimeOnly') return { chime: true, utterances: [] };
  const readings: Utterance[] = [];
  for (const lang of languagesOf(settings)) {
    const voice = voiceFor(lang, voices);
    if (lang !== 'zh' && voice === null) continue;
    const text = lang === 'en' ? hallCallTextEnglish(call.ticketNumber, call.window) : call.text;
    readings.push({ text, lang: voice?.lang ?? LANG_TAG[lang], voice });
  }
  const utterances: Utterance[] = [];
  for (let i = 0; i < Math.max(1, settings.repeat); i++) utterances.push(...readings);
  return { chime: true, utterances };
}

/**
 * The status line's words for languages configured but not readable here (null: all fine). Mandarin without a
 * Chinese voice is still read (the browser picks), but said too, since some browsers then read nothing.
 */
export function fallbackNote(settings: CallAnnounceSettings, voices: readonly VoiceInfo[]): string | null {
  if (settings.mode === 'silent') return '叫号静音，仅显示 / Calls are shown, not announced';
  if (settings.mode === 'chimeOnly') return null;
  const missing = languagesOf(settings).filter((l) => voiceFor(l, voices) === null);
  if (missing.length === 0) return null;
  const words = missing.map((l) => LANG_WORDS[l]).join('、');
  const others = missing.filter((l) => l !== 'zh');
  return others.length > 0
    ? `本机无${words}语音，仅以普通话播报 / No ${others.map((l) => LANG_WORDS[l].split(' / ')[1]).join(', ')} voice here: calls read in Mandarin`
    : `本机未列出普通话语音，由浏览器选择 / No Mandarin voice listed: the browser chooses`;
}

export class CallAnnouncer {
  private readonly queue: HallCallEvent[] = [];
  private running = false;
  private settings: CallAnnounceSettings = DEFAULT_CALL_ANNOUNCE;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly engine: SpeechEngine,
    private readonly chime: ChimePlayer,
  ) {}

  configure(settings: CallAnnounceSettings | undefined): void {
    this.settings = settings ?? DEFAULT_CALL_ANNOUNCE;
  }

  get current(): CallAnnounceSettings {
    return this.settings;
  }

  /** Calls waiting to be announced (not counting the one being announced). */
  get waiting(): number {
    return this.queue.length;
  }

  /** Queues a call; it is announced after every call queued before it. */
  enqueue(call: HallCallEvent): void {
    this.queue.push(call);
    void this.run();
  }

  /** Resolves when nothing is queued or being announced. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let call = this.queue.shift(); call; call = this.queue.shift()) {
        const plan = planAnnouncement(call, this.settings, this.engine.voices());
        try {
          if (plan.chime) await this.chime.play();
          for (const u of plan.utterances) await this.engine.speak(u.text, u.lang, u.voice);
        } catch {
          // A failing chime or voice must not stop the calls after it: the text is on screen.
        }
      }
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    }
  }
}
