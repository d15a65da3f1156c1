/**
 * The active alerts, critical first (README "For managers: the dashboard": raised and cleared
 * live); symbol + words, not colour alone.
 */
import type { HallAlert } from '@onedoor/protocol';
import { agoText } from '../format.ts';

export function AlertList({ alerts, now }: { alerts: HallAlert[]; now: number }) {
  return (
    <section class="hall-alerts" data-testid="alerts" data-count={alerts.length} aria-live="polite">
      <h2 class="hall-section">告警 / alerts ({alerts.length})</h2>
      {alerts.length === 0 ? (
        <p class="hall-ok">✓ 无告警 / no alerts</p>
      ) : (
        <ul>
          {alerts.map((a) => (
            <li key={a.id} class={`hall-alert ${a.severity}`} data-testid="alert" data-kind={a.kind} data-kiosk={a.kioskId}>
              <strong>{a.severity === 'critical' ? '⚠ 严重' : '! 提醒'}</strong> {a.message}{' '}
              <span class="hall-muted">
                {a.kioskId} · {agoText(a.raisedAt, now)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
