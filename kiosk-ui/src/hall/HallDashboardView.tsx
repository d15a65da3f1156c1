/**
 * The manager dashboard after login (README "For managers: the dashboard"): alerts, kiosks with
 * their devices, queue, today and time limits, all live from `/hall`; the day's figures as CSV from
 * /api/hall/export.csv.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { StaffSession } from '@onedoor/protocol';
import { AlertList } from './parts/AlertList.tsx';
import { AuditPanel } from './parts/AuditPanel.tsx';
import { CataloguePanel } from './parts/CataloguePanel.tsx';
import { CommitmentChecksPanel } from './parts/CommitmentChecksPanel.tsx';
import { DistrictPanel } from './parts/DistrictPanel.tsx';
import { QueuePanel, TimeLimitPanel, TodayPanel } from './parts/FigurePanels.tsx';
import { KioskPanel } from './parts/KioskPanel.tsx';
import { IntakePanel, LimitRefusals } from './parts/IntakePanel.tsx';
import { ResultsPanel } from './parts/ResultsPanel.tsx';
import { connectHall } from './hallSocket.ts';

export interface HallDashboardViewProps {
  session: StaffSession;
  onLogout: () => void;
  onAuthLost: () => void;
}

export function HallDashboardView({ session, onLogout, onAuthLost }: HallDashboardViewProps) {
  const hall = useMemo(() => connectHall(), []);
  const [now, setNow] = useState(Date.now());
  const [day, setDay] = useState('');
  useEffect(() => () => hall.close(), [hall]);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, []);
  useEffect(() => {
    if (hall.authLost.value) onAuthLost();
  }, [hall.authLost.value]);

  const d = hall.dashboard.value;
  // The bridge's clock, not this browser's, decides ages (heartbeats, alerts).
  const serverNow = now + hall.clockOffsetMs.value;
  const exportDay = day || d?.today?.day || '';
  return (
    <main class="hall" data-testid="hall-dashboard">
      <header class="hall-top">
        <h1>大厅管理 / Hall dashboard</h1>
        <span class={`hall-conn conn-${hall.connection.value}`} data-testid="connection" data-state={hall.connection.value}>
          {hall.connection.value === 'connected' ? '● 实时 / live' : hall.connection.value === 'connecting' ? '连接中 / connecting' : '✕ 已断开 / disconnected'}
        </span>
        <form class="hall-export" onSubmit={(e) => e.preventDefault()}>
          <label>
            导出 / export{' '}
            <input type="date" value={exportDay} onInput={(e) => setDay((e.currentTarget as HTMLInputElement).value)} data-testid="export-day" />
          </label>
          <a class="hall-button" href={`/api/hall/export.csv${exportDay ? `?day=${exportDay}` : ''}`} download data-testid="export-csv">
            CSV
          </a>
        </form>
        <span class="hall-user" data-testid="user">
          {session.user} · {session.role}
        </span>
        <button type="button" class="hall-button" onClick={onLogout} data-testid="logout">
          退出 / Log out
        </button>
      </header>
      {/* The district manager (read-only) sees every hall of the database first (README "Running a district"). */}
      {session.role === 'district' && <DistrictPanel />}
      {/* Above everything: while it shows, calls made on another instance may not reach this hall's screens. */}
      {d?.messageBus && (
        <p class="hall-error hall-banner" role="alert" data-testid="message-bus-problem">
          实例间同步中断：其他实例上的屏幕可能收不到叫号 / sync between instances interrupted: screens on other
          instances may not hear calls ({d.messageBus})
        </p>
      )}
      <AlertList alerts={hall.alerts.value} now={serverNow} />
      {d === null ? (
        <p class="hall-muted">连接中 / connecting…</p>
      ) : (
        <>
          <h2 class="hall-section">自助机 / kiosks ({d.kiosks.length})</h2>
          <div class="hall-kiosks">
            {d.kiosks.map((k) => (
              <KioskPanel key={k.kioskId} kiosk={k} now={serverNow} />
            ))}
          </div>
          {d.storeProblem && (
            <p class="hall-error" data-testid="store-problem">
              大厅数据库不可用 / hall database unavailable: {d.storeProblem}
            </p>
          )}
          {d.intake && <IntakePanel intake={d.intake} canAct={session.role === 'manager'} />}
          {d.queue && <QueuePanel queue={d.queue} now={serverNow} />}
          {d.today && <TodayPanel today={d.today} />}
          {d.today && <LimitRefusals today={d.today} />}
          {d.timeLimits && <TimeLimitPanel limits={d.timeLimits} />}
          {/* Managers only (the roles table, device-bridge/src/auth/accessTable.ts); the bridge refuses others anyway. */}
          {session.role === 'manager' && <CommitmentChecksPanel />}
          {session.role === 'manager' && d.today && <ResultsPanel />}
          {session.role === 'manager' && d.today && <AuditPanel today={d.today.day} />}
          {session.role === 'manager' && d.today && <CataloguePanel today={d.today.day} />}
        </>
      )}
    </main>
  );
}
