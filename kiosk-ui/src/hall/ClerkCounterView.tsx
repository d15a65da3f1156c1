/**
 * The clerk's counter page at `/hall` (README "Applying at the kiosk (接件受理)"): kiosk applications waiting for
 * pre-review, oldest first, each with its form, how every material is satisfied and the commitments signed; the
 * clerk accepts (受理), returns with what to fix (退回) or rejects with the legal reason (不予受理). The bridge decides
 * (GET /api/hall/intake/pending, POST /api/hall/intake/:serial/decision); refusals are shown as it words them.
 * Below, moving an application on (AdvancePanel) and recording a result handed out (PickupPanel).
 * Loaded on demand and after each decision, never on a timer: every read is an audited access to citizens' data.
 */
import { useEffect, useState } from 'preact/hooks';
import type { KioskIntakeApplication, StaffSession } from '@onedoor/protocol';
import { AdvancePanel } from './parts/AdvancePanel.tsx';
import { PickupPanel } from './parts/PickupPanel.tsx';

interface PendingApplication extends KioskIntakeApplication {
  form: Array<{ key: string; label: string; value: string }>;
  commitmentReview: boolean;
}

const HOW: Record<KioskIntakeApplication['materials'][number]['how'], string> = { shared: '已由系统获取', commitment: '告知承诺', bring: '需提交' };

export interface ClerkCounterViewProps {
  session: StaffSession;
  onLogout: () => void;
  onAuthLost: () => void;
}

export function ClerkCounterView({ session, onLogout, onAuthLost }: ClerkCounterViewProps) {
  const [list, setList] = useState<PendingApplication[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    void (async () => {
      const r = await fetch('/api/hall/intake/pending', { credentials: 'same-origin' });
      if (r.status === 401 || r.status === 403) return onAuthLost();
      const body = (await r.json()) as { applications?: PendingApplication[]; message?: string };
      if (live) r.ok ? setList(body.applications ?? []) : setMessage(body.message ?? `HTTP ${r.status}`);
    })();
    return () => {
      live = false;
    };
  }, [reload]);

  const decide = async (serial: string, decision: 'accept' | 'return' | 'reject') => {
    const body = decision === 'accept' ? { decision } : { decision, reason: reasons[serial] ?? '' };
    const r = await fetch(`/api/hall/intake/${serial}/decision`, {
      method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const answer = (await r.json()) as { stateName?: string; zh?: string; message?: string };
    setMessage(r.ok ? `${serial}：${answer.stateName}` : answer.zh ?? answer.message ?? `HTTP ${r.status}`);
    setReload((n) => n + 1);
  };

  return (
    <main class="hall" data-testid="clerk-counter">
      <header class="hall-top">
        <h1>窗口预审 / Pre-review</h1>
        <button type="button" class="hall-button" onClick={() => setReload((n) => n + 1)} data-testid="refresh">刷新 / Refresh</button>
        <span class="hall-user" data-testid="user">{session.user} · {session.role}</span>
        <button type="button" class="hall-button" onClick={onLogout} data-testid="logout">退出 / Log out</button>
      </header>
      {message && <p class="hall-notice" role="status" data-testid="clerk-message">{message}</p>}
      {list === null ? <p aria-busy="true">…</p> : list.length === 0 ? <p data-testid="clerk-empty">没有待预审的申请 / nothing waiting</p> : (
        <ol class="clerk-list">
          {list.map((a) => (
            <li key={a.serial} class="hall-panel" data-testid="clerk-application" data-serial={a.serial}>
              <h2>{a.serial} · {a.serviceName}</h2>
              <p>{a.maskedNumber} · 提交 {a.submittedAtText}{a.commitmentReview && <strong class="clerk-flag"> · 曾有承诺不实，请人工核对承诺</strong>}</p>
              <dl>
                {a.form.map((f) => [<dt key={`${f.key}-t`}>{f.label}</dt>, <dd key={`${f.key}-d`}>{f.value}</dd>])}
              </dl>
              <ul>
                {a.materials.map((m) => (
                  <li key={m.name}>{m.name}：{HOW[m.how]}{m.source ? `（${m.source}）` : ''}{m.ticket ? `（取号${m.ticket}）` : ''}{m.slot ? `（预约${m.slot}）` : ''}</li>
                ))}
                {a.commitments.map((c) => <li key={`c-${c.material}`}>承诺：{c.material}（文本{c.textVersion}，{c.signedAtText}）</li>)}
              </ul>
              <label>
                理由 / reason{' '}
                <input value={reasons[a.serial] ?? ''} maxLength={300} data-testid="clerk-reason"
                  onInput={(e) => setReasons({ ...reasons, [a.serial]: (e.currentTarget as HTMLInputElement).value })} />
              </label>
              <button type="button" class="hall-button" onClick={() => void decide(a.serial, 'accept')} data-testid="clerk-accept">受理 / Accept</button>
              <button type="button" class="hall-button" onClick={() => void decide(a.serial, 'return')} data-testid="clerk-return">退回 / Return</button>
              <button type="button" class="hall-button" onClick={() => void decide(a.serial, 'reject')} data-testid="clerk-reject">不予受理 / Reject</button>
            </li>
          ))}
        </ol>
      )}
      <AdvancePanel onAuthLost={onAuthLost} />
      <PickupPanel onAuthLost={onAuthLost} />
    </main>
  );
}
