/**
 * The phone page's own entry (m.html): nothing of the kiosk shell or its routes, so a phone on a slow connection
 * fetches only this page (budget 30 KB gzipped JS + CSS, test/phone-bundle.test.ts).
 */
import { render } from 'preact';
import { PhonePage } from './PhonePage.tsx';
import './phone.css';

const root = document.getElementById('phone')!;
const show = () => render(<PhonePage hash={location.hash} />, root);
show();
// A second QR scanned into the same tab changes only the fragment.
window.addEventListener('hashchange', show);
