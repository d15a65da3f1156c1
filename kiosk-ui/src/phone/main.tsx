/**
 * The phone page's own entry (m.html): nothing of the kiosk shell or its routes, so a phone on a slow connection
 * fetches only this page (budget 30 KB gzipped JS + CSS, test/phone-bundle.test.ts). Which page the fragment asks for:
 * `#c=` one ticket (PhonePage), `#h=` a kiosk's hand-off (SignInPage, then `#me`), otherwise the signed-in pages
 * while this tab holds a phone session (CitizenHome), else the ticket page's "scan your ticket".
 */
import { render } from 'preact';
import { CitizenHome } from './CitizenHome.tsx';
import { PhonePage } from './PhonePage.tsx';
import { handoffFrom, sessionToken } from './phoneSession.ts';
import { SignInPage } from './SignInPage.tsx';
import './phone.css';

const root = document.getElementById('phone')!;
const go = (hash: string) => {
  // replaceState: the hand-off token leaves the address bar and the history at once.
  history.replaceState(null, '', hash);
  show();
};
const show = () => {
  const hash = location.hash;
  const handoff = handoffFrom(hash);
  let page;
  if (handoff) page = <SignInPage handoff={handoff} onSignedIn={() => go('#me')} />;
  else if (sessionToken() && !/[#&]c=/.test(hash)) page = <CitizenHome onEnded={() => go('#')} />;
  else {
    page = (
      <>
        {sessionToken() && <a class="m-back" href="#me" data-testid="me-back">‹ 返回我的办事</a>}
        <PhonePage hash={hash} />
      </>
    );
  }
  render(page, root);
};
show();
// A second QR scanned into the same tab changes only the fragment.
window.addEventListener('hashchange', show);
