/**
 * The citizen kiosk route (`/`): wires the bridge link, the store and the screens. Everything personal lives in the
 * store's flow state only; ending the session replaces that state, so the screens holding the data unmount.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { LANG_TAGS, pick } from '../i18n/lang.ts';
import { connectKiosk } from '../net/kioskSocket.ts';
import { citizenDeviceView } from './deviceNotices.ts';
import { needsInactivityTimer } from './flow.ts';
import { KioskContext, type KioskContextValue } from './KioskContext.ts';
import { kioskConfigFromSearch } from './kioskConfig.ts';
import { holderForSession } from './privacy.ts';
import { readerStopped, spokenPrompt } from './prompts.ts';
import { createVoice } from './speech.ts';
import { loadCatalogueNames } from './catalogueNames.ts';
import { KIOSK_TEXT as TEXT } from './texts.ts';
import { createKioskStore } from './store.ts';
import { ConnectionBadge } from './parts/ConnectionBadge.tsx';
import { CountdownBanner } from './parts/CountdownBanner.tsx';
import { NavBar } from './parts/NavBar.tsx';
import { ScrollCue } from './parts/ScrollCue.tsx';
import { FindScreen } from './find/FindScreen.tsx';
import { NoticeList } from './parts/NoticeList.tsx';
import { CertificateScanResult } from './parts/CertificateScanResult.tsx';
import { ScanNotice } from './parts/ScanNotice.tsx';
import { ResultNotices } from './parts/ResultNotices.tsx';
import { TopBar } from './parts/TopBar.tsx';
import { AttractScreen } from './screens/AttractScreen.tsx';
import { CardErrorScreen } from './screens/CardErrorScreen.tsx';
import { FeatureScreen } from './screens/FeatureScreen.tsx';
import { AppointmentsScreen } from './flows/AppointmentsScreen.tsx';
import { LazyApplyScreen } from './apply/LazyApplyScreen.tsx';
import { CertificatesScreen } from './flows/CertificatesScreen.tsx';
import { GuidanceScreen } from './flows/GuidanceScreen.tsx';
import { ProgressScreen } from './flows/ProgressScreen.tsx';
import { TicketScreen } from './flows/TicketScreen.tsx';
import { createHallLink } from './hallLink.ts';
import type { FeatureId } from './flow.ts';
import { AVAILABLE_FEATURES } from './texts.ts';
import type { ComponentType } from 'preact';
import { GreetingScreen } from './screens/GreetingScreen.tsx';
import { HomeScreen } from './screens/HomeScreen.tsx';
import './kiosk.css';
import './flows/flows.css';
import './find/find.css';

/** The built flows; a function not listed here shows FeatureScreen ("暂未开放"). */
const FLOW_SCREENS: Partial<Record<FeatureId, ComponentType>> = {
  ticket: TicketScreen,
  appointments: AppointmentsScreen,
  apply: LazyApplyScreen,
  certificates: CertificatesScreen,
  progress: ProgressScreen,
  guidance: GuidanceScreen,
};

/** How long the attract screen reminds the last citizen to take their card, if the reader cannot tell earlier. */
const CARD_REMINDER_MS = 20_000;

/** How often the inactivity machine is ticked; the countdown shows whole seconds. */
const TICK_MS = 250;

export default function KioskRoute() {
  const [config] = useState(() => {
    const { config, problems } = kioskConfigFromSearch(location.search);
    for (const problem of problems) console.warn(`kiosk config: ${problem}`);
    return config;
  });
  const [store] = useState(() => createKioskStore(config));
  const [link] = useState(() => connectKiosk());
  const [voice] = useState(() => createVoice(config.voice));
  // The bridge session: its end (inactivity on the bridge, shutdown) takes the screen back to the attract screen.
  const [hall] = useState(() => createHallLink(link.socket, { onSessionEnd: () => store.dispatch({ type: 'timeout' }) }));

  useEffect(() => {
    loadCatalogueNames();
    // Only the fields a screen needs are copied out of the event (holderForSession); the event itself is dropped.
    link.socket.on('cardRead', (event) => {
      // A commitment being signed: this read is the signature (hallLink.ts `signing`); the bridge starts no session.
      if (hall.signing.peek() && event?.via !== 'identityCode') return;
      if (event?.holder) store.dispatch({ type: 'cardRead', holder: holderForSession(event.holder), byCode: event.via === 'identityCode' });
    });
    link.socket.on('cardError', (event) => {
      if (event && typeof event.code === 'string') store.dispatch({ type: 'cardError', code: event.code });
    });
    // The card was taken away: after a finished task the session ends soon (store.cardRemoved), and the reminder
    // to take it stops.
    link.socket.on('cardRemoved', () => store.cardRemoved());
    return () => {
      hall.detach();
      link.close();
      voice.dispose();
    };
  }, [link, store, hall, voice]);

  const flow = store.flow.value;
  // Whenever the screen ends a session (logout, timeout, Back to the attract screen, a refused card), the bridge
  // ends it too, so the holder's data leaves the bridge's memory at the same moment.
  const inSession = flow.holder !== null;
  useEffect(() => {
    if (!inSession) hall.endSession();
  }, [inSession, hall]);
  const timerNeeded = needsInactivityTimer(flow);
  useEffect(() => {
    if (!timerNeeded) return;
    const id = setInterval(() => store.tick(), TICK_MS);
    return () => clearInterval(id);
  }, [timerNeeded, store]);

  const connection = link.connection.value;
  const devices = citizenDeviceView(link.devices.value, connection);
  const lang = store.lang.value;
  const elderly = store.elderly.value;
  const screen = flow.screen;

  useEffect(() => {
    document.documentElement.lang = LANG_TAGS[lang];
  }, [lang]);

  // Voice: read each screen's main prompt when it changes (never personal data, see prompts.ts). A session that
  // just ended is silenced first, then (card still on the reader) the reminder to take it and the attract prompt
  // for the next citizen are heard, in that order.
  const remindCard = store.remindCard.value;
  const prompt = pick(spokenPrompt(screen, devices), lang);
  const hadHolder = useRef(false);
  useEffect(() => {
    if (hadHolder.current && flow.holder === null) voice.stop();
    hadHolder.current = flow.holder !== null;
  }, [flow.holder, voice]);
  useEffect(() => {
    voice.prompt(screen.name === 'attract' && store.remindCard.peek() ? [pick(TEXT.takeCard, lang), prompt] : [prompt], lang);
  }, [prompt, lang, voice]);
  // The reminder stays on the attract screen until the card is taken or for a while (a reader that cannot tell).
  useEffect(() => {
    if (!remindCard) return;
    const id = setTimeout(() => store.clearCardReminder(), CARD_REMINDER_MS);
    return () => clearTimeout(id);
  }, [remindCard, store]);

  const context: KioskContextValue = { store, devices, connection, hall, voice };
  const Flow = screen.name === 'feature' && devices.hallServicesAvailable && AVAILABLE_FEATURES.has(screen.feature) ? FLOW_SCREENS[screen.feature] : undefined;
  const showNotices = screen.name === 'attract' || screen.name === 'home' || screen.name === 'greeting';
  // On the attract screen a stopped reader is the main prompt already; saying it twice helps nobody.
  const notices =
    screen.name === 'attract' && readerStopped(devices)
      ? devices.notices.filter((n) => n.source !== 'reader')
      : devices.notices;
  return (
    <KioskContext.Provider value={context}>
      <div
        class={`kiosk${elderly ? ' elderly' : ''}`}
        data-testid="kiosk"
        data-elderly={elderly ? '1' : '0'}
        onPointerDownCapture={() => {
          store.activity();
          hall.touched();
        }}
        onKeyDownCapture={() => {
          store.activity();
          hall.touched();
        }}
      >
        <TopBar />
        <CountdownBanner />
        <ScanNotice socket={link.socket} />
        <CertificateScanResult socket={link.socket} />
        {showNotices && notices.length > 0 && <NoticeList notices={notices} />}
        {(screen.name === 'greeting' || screen.name === 'home') && flow.holder && devices.hallServicesAvailable && <ResultNotices />}
        {screen.name === 'attract' && <AttractScreen />}
        {screen.name === 'greeting' && flow.holder && <GreetingScreen holder={flow.holder} />}
        {screen.name === 'home' && flow.holder && <HomeScreen holder={flow.holder} />}
        {screen.name === 'feature' && (Flow ? <Flow key={screen.feature} /> : <FeatureScreen feature={screen.feature} />)}
        {screen.name === 'find' && (devices.hallServicesAvailable
          ? <FindScreen key={JSON.stringify(screen.start)} start={screen.start} />
          : <FeatureScreen feature="guidance" />)}
        {screen.name === 'cardError' && <CardErrorScreen code={screen.code} message={screen.message} />}
        {screen.name !== 'attract' && <ScrollCue watch={screen} />}
        {screen.name !== 'attract' && <NavBar />}
        <footer class="kiosk-footer">
          <ConnectionBadge />
        </footer>
      </div>
    </KioskContext.Provider>
  );
}
