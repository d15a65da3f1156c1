/**
 * `/hall`, the manager dashboard (README "For managers: the dashboard"): without a session only the
 * login form (the bridge refuses /api/hall/* and the /hall socket to anonymous clients anyway);
 * with one, the dashboard. Reuses the technician console's login form and calls; its own lazily
 * loaded chunk.
 */
import { useEffect, useState } from 'preact/hooks';
import type { StaffSession } from '@onedoor/protocol';
import { LoginForm } from '../tech/parts/LoginForm.tsx';
import { logout } from '../tech/techApi.ts';
import { ClerkCounterView } from './ClerkCounterView.tsx';
import { HallDashboardView } from './HallDashboardView.tsx';
import '../tech/tech.css';
import './hall.css';

type View = { kind: 'checking' } | { kind: 'login'; notice?: string } | { kind: 'dashboard'; session: StaffSession };

/** `/api/me` for the hall area (canAct as a manager); null without a session. */
async function fetchHallSession(): Promise<StaffSession | null> {
  try {
    const r = await fetch('/api/me?area=hall', { credentials: 'same-origin' });
    return r.ok ? ((await r.json()) as StaffSession) : null;
  } catch {
    return null;
  }
}

export default function HallRoute() {
  const [view, setView] = useState<View>({ kind: 'checking' });
  useEffect(() => {
    document.title = '大厅管理 / Hall dashboard · OneDoor';
    void fetchHallSession().then((s) => setView(s ? { kind: 'dashboard', session: s } : { kind: 'login' }));
  }, []);
  if (view.kind === 'checking') return <main class="hall" aria-busy="true" />;
  if (view.kind === 'login') {
    return <LoginForm title="大厅管理 / Hall dashboard" notice={view.notice} onLogin={(session) => setView({ kind: 'dashboard', session })} />;
  }
  // A clerk's /hall is the counter page (README "Applying at the kiosk (接件受理)"); the dashboard is the managers'.
  const View = view.session.role === 'clerk' ? ClerkCounterView : HallDashboardView;
  return (
    <View
      session={view.session}
      onLogout={() => void logout().then(() => setView({ kind: 'login' }))}
      onAuthLost={() => setView({ kind: 'login', notice: '登录已过期或无权限，请重新登录 / your session has ended, please log in again' })}
    />
  );
}
