// Call announcements without a browser: a burst of calls is announced in order, one at a time (each utterance
// starts only after the previous one ended), chime first, repeats and languages as configured, and the status
// line's fallback wording when a configured language has no voice.
import { DEFAULT_CALL_ANNOUNCE, type CallAnnounceSettings, type HallCallEvent } from '@onedoor/protocol';
import { describe, expect, it } from 'vitest';
import {
  CallAnnouncer, fallbackNote, planAnnouncement, voiceFor, type ChimePlayer, type SpeechEngine, type VoiceInfo,
} from '../src/display/callAnnouncer.ts';

const call = (n: number, window = 3): HallCallEvent => ({
  callId: `c${n}`, at: n, recall: 0, ticketNumber: `A${String(n).padStart(3, '0')}`, window,
  text: `请A${String(n).padStart(3, '0')}号到${window}号窗口办理`,
});

/** Records start and end of every chime and utterance; each one "lasts" a few event-loop turns. */
function recordingParts(voices: VoiceInfo[] = []) {
  const log: string[] = [];
  let active = 0;
  let overlaps = 0;
  const hold = async (what: string) => {
    if (active > 0) overlaps++;
    active++;
    log.push(`start ${what}`);
    for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
    log.push(`end ${what}`);
    active--;
  };
  const engine: SpeechEngine = { voices: () => voices, speak: (text, lang) => hold(`${lang} ${text}`) };
  const chime: ChimePlayer = { play: () => hold('chime') };
  return { engine, chime, log, overlaps: () => overlaps };
}

const CANTONESE: VoiceInfo = { lang: 'zh-HK', name: 'Sin-ji' };
const MANDARIN: VoiceInfo = { lang: 'zh-CN', name: 'Tingting' };
const ENGLISH: VoiceInfo = { lang: 'en-GB', name: 'Daniel' };

describe('CallAnnouncer', () => {
  it('announces ten calls queued at once in order, chime before each, never two at a time', async () => {
    const parts = recordingParts([MANDARIN]);
    const a = new CallAnnouncer(parts.engine, parts.chime);
    for (let i = 1; i <= 10; i++) a.enqueue(call(i));
    await a.idle();
    expect(parts.overlaps()).toBe(0);
    const starts = parts.log.filter((l) => l.startsWith('start'));
    const expected: string[] = [];
    for (let i = 1; i <= 10; i++) expected.push('start chime', `start zh-CN ${call(i).text}`);
    expect(starts).toEqual(expected);
  });

  it('a call arriving while another is read waits for it to end', async () => {
    const parts = recordingParts([MANDARIN]);
    const a = new CallAnnouncer(parts.engine, parts.chime);
    a.enqueue(call(1));
    await new Promise((r) => setTimeout(r, 0));
    a.enqueue(call(2));
    await a.idle();
    expect(parts.overlaps()).toBe(0);
    expect(parts.log.indexOf(`end zh-CN ${call(1).text}`)).toBeLessThan(parts.log.lastIndexOf('start chime'));
  });

  it('repeats each reading, adds Cantonese and English only where there is a voice', async () => {
    const settings: CallAnnounceSettings = { mode: 'voice', repeat: 2, languages: ['yue', 'en'] };
    const withAll = planAnnouncement(call(7, 2), settings, [MANDARIN, CANTONESE, ENGLISH]);
    expect(withAll.utterances.map((u) => `${u.lang} ${u.text}`)).toEqual([
      'zh-CN 请A007号到2号窗口办理', 'zh-HK 请A007号到2号窗口办理', 'en-GB Ticket A007, please go to window 2',
      'zh-CN 请A007号到2号窗口办理', 'zh-HK 请A007号到2号窗口办理', 'en-GB Ticket A007, please go to window 2',
    ]);
    // No voices listed at all: Mandarin still read (the browser picks), the others left out.
    const none = planAnnouncement(call(7, 2), settings, []);
    expect(none.utterances.map((u) => u.lang)).toEqual(['zh-CN', 'zh-CN']);
  });

  it('chime only and silent modes', async () => {
    const parts = recordingParts([MANDARIN]);
    const a = new CallAnnouncer(parts.engine, parts.chime);
    a.configure({ mode: 'chimeOnly', repeat: 2, languages: ['zh'] });
    a.enqueue(call(1));
    await a.idle();
    expect(parts.log).toEqual(['start chime', 'end chime']);
    a.configure({ mode: 'silent', repeat: 1, languages: ['zh'] });
    a.enqueue(call(2));
    await a.idle();
    expect(parts.log).toEqual(['start chime', 'end chime']);
  });

  it('a failing voice does not stop the calls after it', async () => {
    const spoken: string[] = [];
    const engine: SpeechEngine = {
      voices: () => [MANDARIN],
      speak: async (text) => {
        if (text.includes('A001')) throw new Error('voice died');
        spoken.push(text);
      },
    };
    const a = new CallAnnouncer(engine, { play: async () => undefined });
    a.enqueue(call(1));
    a.enqueue(call(2));
    await a.idle();
    expect(spoken).toEqual([call(2).text]);
  });
});

describe('voices and the status line', () => {
  it('tells Cantonese voices from Mandarin ones', () => {
    expect(voiceFor('zh', [CANTONESE, MANDARIN])).toBe(MANDARIN);
    expect(voiceFor('zh', [CANTONESE])).toBeNull();
    expect(voiceFor('yue', [MANDARIN, { lang: 'yue-HK', name: 'x' }])?.lang).toBe('yue-HK');
    expect(voiceFor('en', [MANDARIN])).toBeNull();
  });

  it('states a missing language instead of being silent about it', () => {
    const settings: CallAnnounceSettings = { mode: 'voice', repeat: 1, languages: ['zh', 'yue', 'en'] };
    expect(fallbackNote(settings, [MANDARIN, CANTONESE, ENGLISH])).toBeNull();
    expect(fallbackNote(settings, [MANDARIN, ENGLISH])).toContain('Cantonese');
    expect(fallbackNote(settings, [MANDARIN, ENGLISH])).toContain('粤语');
    expect(fallbackNote(DEFAULT_CALL_ANNOUNCE, [ENGLISH])).toContain('Mandarin');
    expect(fallbackNote({ ...settings, mode: 'silent' }, [])).toContain('not announced');
    expect(fallbackNote({ ...settings, mode: 'chimeOnly' }, [])).toBeNull();
  });
});
