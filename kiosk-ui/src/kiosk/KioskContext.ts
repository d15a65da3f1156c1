import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { pick, type Bilingual } from '../i18n/lang.ts';
import type { KioskStore } from './store.ts';
import type { KioskDeviceView } from './deviceNotices.ts';
import type { ConnectionState } from '../net/connectionState.ts';
import type { HallLink } from './hallLink.ts';
import type { KioskVoice } from './speech.ts';

/** What every kiosk component may read: the store, the citizen's view of the devices, and the link state. */
export interface KioskContextValue {
  store: KioskStore;
  devices: KioskDeviceView;
  connection: ConnectionState;
  /** The bridge session and hall commands (the citizen flows). */
  hall: HallLink;
  /** Spoken prompts and announcements (never personal data: a hall is a public room). */
  voice: KioskVoice;
}

export const KioskContext = createContext<KioskContextValue | null>(null);

export function useKiosk(): KioskContextValue {
  const value = useContext(KioskContext);
  if (value === null) throw new Error('useKiosk() used outside <KioskContext.Provider>');
  return value;
}

/** Text in the current language; reading the signal here re-renders the caller when the language changes. */
export function useText(): (text: Bilingual) => string {
  const lang = useKiosk().store.lang.value;
  return (text) => pick(text, lang);
}

/** Says an announcement in the current language (queued after the screen's prompt). */
export function useAnnounce(): (text: Bilingual) => void {
  const { store, voice } = useKiosk();
  return (text) => voice.announce(pick(text, store.lang.peek()), store.lang.peek());
}
