/**
 * One kiosk and its devices: state, paper, last heartbeat, detail and last error (README "For
 * managers: the dashboard", kiosks).
 */
import type { DashboardKiosk } from '@onedoor/protocol';
import { agoText, DEVICE_STATE_WORDS, PAPER_WORDS, refusalText } from '../format.ts';

export function KioskPanel({ kiosk, now }: { kiosk: DashboardKiosk; now: number }) {
  const refused = refusalText(kiosk.refusals);
  return (
    <section class={`hall-kiosk ${kiosk.alive ? '' : 'lost'}`} data-testid={`kiosk-${kiosk.kioskId}`} data-alive={String(kiosk.alive)}>
      <h3>
        {kiosk.name} <span class="hall-muted">({kiosk.kioskId})</span>
      </h3>
      <p class="hall-muted">
        {kiosk.alive ? '● 在线' : '✕ 失去联系'} · 心跳 / heartbeat {agoText(kiosk.lastHeartbeat, now)}
        {kiosk.linked === false && <strong class="hall-error"> · 链路断开 / link down</strong>}
      </p>
      {refused && <p class="hall-error" data-testid={`refusals-${kiosk.kioskId}`}>{refused}</p>}
      <table class="hall-table">
        <thead>
          <tr>
            <th>设备 / device</th>
            <th>状态 / state</th>
            <th>纸 / paper</th>
            <th>说明 / detail</th>
            <th>最近错误 / last error</th>
          </tr>
        </thead>
        <tbody>
          {kiosk.devices.map((d) => (
            <tr key={d.id} data-testid={`device-${kiosk.kioskId}-${d.id}`} data-state={d.state} data-paper={d.paper ?? ''}>
              <td>
                {d.id} <span class="hall-muted">{d.kind}</span>
              </td>
              <td class={`state-${d.state}`}>{DEVICE_STATE_WORDS[d.state] ?? d.state}</td>
              <td class={d.paper ? `paper-${d.paper}` : ''}>{d.paper ? PAPER_WORDS[d.paper] : '—'}</td>
              <td>
                {d.detail}
                {d.terminals && d.terminals.length > 0 && (
                  <span class="hall-muted"> · 终端 {d.terminals.map((t) => `${t.unit}:${t.state === 'online' ? '✓' : t.state === 'offline' ? '✕' : '?'}`).join(' ')}</span>
                )}
              </td>
              <td>{d.lastError ? `${d.lastError.code}: ${d.lastError.message} (${agoText(d.lastError.at, now)})` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
