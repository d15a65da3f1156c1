/**
 * The phone page signed in (README "The phone channel"): after the kiosk's hand-off, the citizen's tickets,
 * appointments, progress, certificates and identity code, one section at a time behind large tabs, and 退出登录.
 * Shows the masked name and number only.
 */
import { useState } from 'preact/hooks';
import type { PhoneMe } from '@onedoor/protocol';
import { IdentityCodeCard } from './IdentityCodeCard.tsx';
import { logout } from './phoneSession.ts';
import { MyAppointments } from './MyAppointments.tsx';
import { MyCertificates } from './MyCertificates.tsx';
import { MyProgress } from './MyProgress.tsx';
import { MyTickets } from './MyTickets.tsx';
import { useMe } from './useMe.ts';

const TABS = [
  ['tickets', '号票'], ['appointments', '预约'], ['progress', '进度'], ['certificates', '证照'], ['identity', '身份码'],
] as const;
type Tab = (typeof TABS)[number][0];

export function CitizenHome({ onEnded }: { onEnded: () => void }) {
  const [tab, setTab] = useState<Tab>('tickets');
  const [who] = useMe<PhoneMe>('/api/m/me', onEnded);
  return (
    <main class="m-page" data-testid="phone-me">
      <header class="m-me">
        <p data-testid="me-who">{who.phase === 'ok' ? `${who.body.maskedName} ${who.body.maskedNumber}` : ' '}</p>
        <button type="button" class="m-btn m-btn-quiet" data-testid="me-logout" onClick={() => void logout().then(onEnded)}>退出登录</button>
      </header>
      <nav class="m-tabs" aria-label="我的办事">
        {TABS.map(([key, name]) => (
          <button key={key} type="button" class={`m-tab${tab === key ? ' m-tab-on' : ''}`} aria-pressed={tab === key} data-testid={`me-tab-${key}`}
            onClick={() => setTab(key)}>{name}</button>
        ))}
      </nav>
      {tab === 'tickets' && <MyTickets onEnded={onEnded} />}
      {tab === 'appointments' && <MyAppointments onEnded={onEnded} />}
      {tab === 'progress' && <MyProgress onEnded={onEnded} />}
      {tab === 'certificates' && <MyCertificates onEnded={onEnded} />}
      {tab === 'identity' && <IdentityCodeCard />}
      <p class="m-small">15 分钟未操作将自动退出</p>
    </main>
  );
}
