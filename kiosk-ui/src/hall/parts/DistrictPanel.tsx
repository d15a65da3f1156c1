/**
 * The district manager's page (README "Running a district", "Many halls, one database"): every hall of the
 * database with its figures for today — waiting, served, longest wait, alerts — from GET /api/district/halls
 * (role `district`, read-only). Refreshed on demand and every 30 s; counts only, no citizen's data.
 */
import { useEffect, useState } from 'preact/hooks';
import type { DistrictView } from '@onedoor/protocol';

const REFRESH_MS = 30_000;

export function DistrictPanel() {
  const [view, setView] = useState<DistrictView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    const load = async () => {
      try {
        const r = await fetch('/api/district/halls', { credentials: 'same-origin' });
        const body = (await r.json()) as DistrictView & { message?: string };
        if (!live) return;
        if (!r.ok) {
          setError(body.message ?? `HTTP ${r.status}`);
          return;
        }
        setError(null);
        setView(body);
      } catch (err) {
        if (live) setError((err as Error).message);
      }
    };
    void load();
    const t = setInterval(() => void load(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [reload]);

  return (
    <section class="hall-panel" data-testid="district">
      <h2 class="hall-section">全区大厅 / halls of the district{view ? ` · ${view.day}` : ''}</h2>
      <button type="button" class="hall-button" onClick={() => setReload(reload + 1)} data-testid="district-refresh">
        刷新 / refresh
      </button>
      {error && (
        <p class="hall-error" data-testid="district-error">
          {error}
        </p>
      )}
      {view && (
        <table class="hall-table" data-testid="district-table">
          <thead>
            <tr>
              <th>大厅 / hall</th>
              <th>等候 / waiting</th>
              <th>今日已办 / served today</th>
              <th>最长等候 / longest wait</th>
              <th>告警 / alerts</th>
              <th>差评逾期 / overdue follow-ups</th>
            </tr>
          </thead>
          <tbody>
            {view.halls.map((h) => (
              <tr key={h.hallId} data-testid="district-hall" data-hall={h.hallId}>
                <td>
                  {h.hallId}
                  {h.ownHall ? ' (本厅 / this hall)' : ''}
                </td>
                <td>{h.waiting}</td>
                <td>{h.servedToday}</td>
                <td>{h.longestWaitMinutes === null ? '–' : `${h.longestWaitMinutes} min`}</td>
                <td title={h.alerts === null ? 'device alerts are shown on that hall\'s own dashboard' : undefined}>
                  {h.alerts === null ? '–' : h.alerts}
                </td>
                <td>{h.overdueFollowUps}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
