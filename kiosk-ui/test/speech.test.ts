// The kiosk's voice against a stand-in engine (the browser's speechSynthesis is not in Node): prompts replace what
// is being read, announcements queue after it, the same sentence is never spoken twice in a row, stop() silences.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVoice } from '../src/kiosk/speech.ts';

const events: string[] = [];
beforeEach(() => {
  events.length = 0;
  const g = globalThis as Record<string, unknown>;
  g.SpeechSynthesisUtterance = class {
    voice: unknown = null;
    lang = '';
    rate = 1;
    constructor(public text: string) {}
  };
  g.speechSynthesis = {
    getVoices: () => [{ lang: 'zh-CN' }, { lang: 'en-GB' }],
    speak: (u: { text: string }) => events.push(`speak ${u.text}`),
    cancel: () => events.push('cancel'),
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  };
});
afterEach(() => {
  delete (globalThis as Record<string, unknown>).speechSynthesis;
  delete (globalThis as Record<string, unknown>).SpeechSynthesisUtterance;
});

describe('kiosk voice', () => {
  it('a prompt cancels what is read; an announcement queues; a sentence is not repeated; stop() silences', () => {
    const voice = createVoice(true);
    voice.prompt(['请将身份证放在读卡区'], 'zh');
    voice.prompt(['请将身份证放在读卡区'], 'zh'); // a re-render: not again
    voice.prompt(['请选择要办理的业务'], 'zh');
    voice.announce('您的号码是A001', 'zh');
    voice.announce('您的号码是A001', 'zh');
    voice.announce('已打印，请取走凭条', 'zh');
    voice.stop();
    voice.prompt(['请取走您的身份证', '请将身份证放在读卡区'], 'zh');
    expect(events).toEqual([
      'cancel', 'speak 请将身份证放在读卡区',
      'cancel', 'speak 请选择要办理的业务',
      'speak 您的号码是A001',
      'speak 已打印，请取走凭条',
      'cancel',
      'cancel', 'speak 请取走您的身份证', 'speak 请将身份证放在读卡区',
    ]);
  });

  it('voice off (?voice=0): nothing is spoken', () => {
    const voice = createVoice(false);
    voice.prompt(['请将身份证放在读卡区'], 'zh');
    voice.announce('您的号码是A001', 'zh');
    expect(events).toEqual([]);
  });
});
