/**
 * The main prompt of each screen: the largest text on it and what the voice reads (hall-rules.md, "Voice guidance
 * reads the main prompt of each screen"). Personal data is never part of a spoken prompt: a hall is a public room.
 */
import type { Bilingual } from '../i18n/lang.ts';
import { NOTICE_TEXT, type KioskDeviceView } from './deviceNotices.ts';
import type { KioskScreen } from './flow.ts';
import { AVAILABLE_FEATURES, FEATURE_TEXT, KIOSK_TEXT } from './texts.ts';
import { FIND_TEXT } from './find/findTexts.ts';

/** A reader that cannot read: the attract screen then says so as its main prompt, not as a side notice. */
export function readerStopped(devices: KioskDeviceView): boolean {
  return devices.notices.some((n) => n.source === 'reader' && n.level === 'stop');
}

export function attractPrompt(devices: KioskDeviceView): Bilingual {
  return readerStopped(devices) ? NOTICE_TEXT.readerUnavailable : KIOSK_TEXT.placeCard;
}

export function spokenPrompt(screen: KioskScreen, devices: KioskDeviceView): Bilingual {
  switch (screen.name) {
    case 'attract':
      return attractPrompt(devices);
    case 'greeting':
      return KIOSK_TEXT.greetingSpoken;
    case 'home':
      return KIOSK_TEXT.chooseService;
    case 'find':
      return screen.start.kind === 'search' ? FIND_TEXT.searchPrompt : FIND_TEXT.chooseService;
    case 'feature': {
      const title = FEATURE_TEXT[screen.feature].title;
      const body = !devices.hallServicesAvailable ? KIOSK_TEXT.featurePaused
        : AVAILABLE_FEATURES.has(screen.feature) ? FEATURE_TEXT[screen.feature].description : KIOSK_TEXT.featureNotOpen;
      return { zh: `${title.zh}。${body.zh}`, en: `${title.en}. ${body.en}` };
    }
    case 'cardError': {
      const { message } = screen;
      return { zh: `${message.reason.zh}，${message.action.zh}`, en: `${message.reason.en} ${message.action.en}` };
    }
  }
}
