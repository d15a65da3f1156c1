/**
 * A recording replayed from the console (README "Record and replay", "Replaying from /tech"): the bridge runs the
 * recording's devices as simulators and a fresh bridge against them in a child process, never the live devices. This
 * shows its progress per device, then the divergence report (at which exchange, the command, what the recording
 * expected and what the fresh bridge sent), where a damaged file stopped, or why it was refused.
 */
import type { ReplayView } from '../techApi.ts';

function Progress({ view }: { view: ReplayView }) {
  return (
    <ul class="tech-replay-devices">
      {view.devices.map((d) => (
        <li key={d.id} data-testid={`replay-device-${d.id}`}>
          {d.id} ({d.kind}): {d.at} / {d.exchanges} 次交互 exchanges, {d.divergences} 处不一致 divergences
          <progress max={d.exchanges} value={d.at} />
        </li>
      ))}
    </ul>
  );
}

function Divergences({ view }: { view: ReplayView }) {
  const rows = view.reports.flatMap((r) => r.divergences.map((d) => ({ device: r.device, ...d })));
  if (rows.length === 0) return null;
  return (
    <table class="tech-table tech-replay-divergences" data-testid="replay-divergences">
      <thead>
        <tr>
          <th>设备 device</th>
          <th>交互 exchange</th>
          <th>命令 command</th>
          <th>录制的 expected</th>
          <th>收到的 received</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((d, i) => (
          <tr key={i}>
            <td>{d.device}</td>
            <td class="num">#{d.exchange}</td>
            <td>{d.command || '—'}</td>
            <td class="mono hex">{d.expected}</td>
            <td class="mono hex">{d.received}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ReplayPanel({ view, onStop }: { view: ReplayView; onStop?: () => void }) {
  const running = view.state === 'starting' || view.state === 'running';
  return (
    <div class="tech-replay" data-testid="replay" data-state={view.state}>
      <p>
        回放 / replay <b>{view.recording}</b>{' '}
        {running ? '进行中 / running…' : view.state === 'done' ? '已结束 / finished' : '失败 / failed'}
        {running && onStop && (
          <button type="button" class="tech-button" onClick={onStop} data-testid="replay-stop">
            停止回放 / Stop replay
          </button>
        )}
      </p>
      {view.failure && (
        <p class="tech-alert" role="alert" data-testid="replay-failure">
          {view.failure.reason === 'newerVersion' ? `录制格式版本 ${view.failure.version} 太新 / ` : '无法回放 / '}
          {view.failure.message}
        </p>
      )}
      {view.damage && (
        <p class="tech-alert" role="alert" data-testid="replay-damage">
          文件损坏，回放到此为止 / file damaged, replayed up to there: {view.damage}
        </p>
      )}
      <Progress view={view} />
      {view.skipped.length > 0 && (
        <p class="tech-muted">未回放 / not replayed: {view.skipped.map((s) => `${s.id} (${s.why})`).join(', ')}</p>
      )}
      {view.state === 'done' && (
        <p data-testid="replay-result" data-divergences={view.divergences} class={view.divergences === 0 ? 'tech-ok' : 'tech-alert'}>
          {view.divergences === 0 ? '0 处不一致 / 0 divergences' : `${view.divergences} 处不一致 / ${view.divergences} divergences`}
          {view.stalled ? ` — 提前结束 / ended early: ${view.stalled}` : ''}
        </p>
      )}
      <Divergences view={view} />
    </div>
  );
}
