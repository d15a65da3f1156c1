/**
 * `/tech`, the technician console (README "For technicians: the console"): without a session it
 * shows only the login form (the bridge refuses /api/tech/* and the /tech socket to anonymous
 * clients anyway); with one, the console. Its own lazily loaded chunk, outside the kiosk's bundle
 * budget.
 */
import { useEffect, useState } from 'preact/hooks';
import type { StaffSession } from '@onedoor/protocol';
import { LoginForm } from './parts/LoginForm.tsx';
import { TechConsole } from './TechConsole.tsx';
import { fetchMe, logout } from './techApi.ts';
import './tech.css';

type View = { kind: 'checking' } | { kind: 'login'; notice?: string } | { kind: 'console'; session: StaffSession };

export default function TechRoute() {
  const [view, setView] = useState<View>({ kind: 'checking' });
  useEffect(() => {
    document.title = '设备维护 / Technician console · OneDoor';
    void fetchMe().then((r) => setView(r.ok ? { kind: 'console', session: r.value } : { kind: 'login' }));
  }, []);
  if (view.kind === 'checking') return <main class="tech" aria-busy="true" />;
  if (view.kind === 'login') return <LoginForm notice={view.notice} onLogin={(session) => setView({ kind: 'console', session })} />;
  return (
    <TechConsole
      session={view.session}
      onLogout={() => void logout().then(() => setView({ kind: 'login' }))}
      onAuthLost={() => setView({ kind: 'login', notice: '登录已过期，请重新登录 / your session has ended, please log in again' })}
    />
  );
}
