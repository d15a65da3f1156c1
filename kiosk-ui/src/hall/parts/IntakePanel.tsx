/**
 * Intake and abuse limits on the dashboard (README "Running the hall floor"): whether the hall takes tickets now,
 * the manager's pause (with the words kiosks and the phone page show), resume and close for the day
 * (POST /api/hall/intake), and the day's per-person limit refusals by kind.
 */
import { useEffect, useState } from 'preact/hooks';
import { LIMIT_KIND_WORDS, type DashboardIntake, type DashboardToday } from '@onedoor/protocol';

const MODE_WORDS: Record<DashboardIntake['mode'], string> = {
  open: '正常取号 / open',
  paused: '暂停取号 / paused',
  closed: '今日停止办理 / closed for today',
};

export function IntakePanel({ intake, canAct }: { intake: DashboardIntake; canAct: boolean }) {
  const [shown, setShown] = useState(intake);
  const [message, setMessage] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  // The live view replaces what the last action answered.
  useEffect(() => setShown(intake), [intake.mode, intake.message, intake.since]);
  const act = async (action: 'pause' | 'resume' | 'close') => {
    setProblem(null);
    try {
      const r = await fetch('/api/hall/intake', {
        method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' },
        body: JSON.stringify(action !== 'resume' && message.trim() !== '' ? { action, message: message.trim() } : { action }),
      });
      const body = (await r.json()) as DashboardIntake & { message?: string; error?: string };
      if (r.ok) setShown(body);
      else setProblem(body.message ?? body.error ?? `HTTP ${r.status}`);
    } catch (err) {
      setProblem((err as Error).message);
    }
  };
  return (
    <section class="hall-panel" data-testid="intake" data-mode={shown.mode}>
      <h2 class="hall-section">取号状态 / intake</h2>
      <p>
        <strong data-testid="intake-mode">{MODE_WORDS[shown.mode]}</strong>
        {shown.message && <span data-testid="intake-message"> · {shown.message}</span>}
        {shown.by && <span class="hall-muted"> ({shown.by === 'schedule' ? '到点自动 / closing time' : shown.by})</span>}
        {shown.closingAt && <span class="hall-muted"> · 每日 {shown.closingAt} 停止办理 / closes at {shown.closingAt}</span>}
      </p>
      {canAct && (
        <form class="hall-export" onSubmit={(e) => e.preventDefault()}>
          <label>
            提示语 / message{' '}
            <input type="text" maxLength={120} value={message} placeholder="系统维护，暂停取号，请到咨询台" data-testid="intake-text"
              onInput={(e) => setMessage((e.currentTarget as HTMLInputElement).value)} />
          </label>
          {shown.mode === 'open' ? (
            <>
              <button type="button" class="hall-button" data-testid="intake-pause" onClick={() => void act('pause')}>暂停取号 / pause</button>
              <button type="button" class="hall-button" data-testid="intake-close" onClick={() => void act('close')}>今日停止办理 / close for today</button>
            </>
          ) : (
            <button type="button" class="hall-button" data-testid="intake-resume" onClick={() => void act('resume')}>恢复取号 / resume</button>
          )}
        </form>
      )}
      {problem && <p class="hall-error">{problem}</p>}
    </section>
  );
}

export function LimitRefusals({ today }: { today: DashboardToday }) {
  const list = today.limitRefusals ?? [];
  return (
    <section class="hall-panel" data-testid="limit-refusals">
      <h2 class="hall-section">限额拒绝 / per-person limit refusals today</h2>
      {list.length === 0 ? (
        <p class="hall-muted">今日无 / none today</p>
      ) : (
        <table class="hall-table">
          <tbody>
            {list.map((r) => (
              <tr key={r.kind} data-testid={`refusals-${r.kind}`} data-count={r.count}>
                <td>{LIMIT_KIND_WORDS[r.kind] ?? r.kind}</td>
                <td>{r.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
