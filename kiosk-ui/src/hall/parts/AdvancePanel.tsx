/**
 * Moving an application on at the counter (README "Result notices (结果反馈)"): the clerk types its serial, sees its
 * status and history (masked number only), and takes one of the allowed next steps (审查, 决定, 办结, or 退回 /
 * 不予受理 with a reason). The bridge enforces the transitions and queues the citizen's notice at an end
 * (GET /api/hall/applications/:serial, POST /api/hall/applications/:serial/advance); refusals shown as it words them.
 */
import { useState } from 'preact/hooks';
import type { KioskApplication } from '@onedoor/protocol';

interface Found {
  application: KioskApplication;
  next: Array<{ to: string; name: string }>;
}

const SERIAL = /^[A-Z]{2}\d{14}$/;

export function AdvancePanel({ onAuthLost }: { onAuthLost: () => void }) {
  const [serial, setSerial] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  const answer = async (r: Response): Promise<void> => {
    if (r.status === 401 || r.status === 403) return onAuthLost();
    const body = (await r.json()) as Partial<Found> & { zh?: string; message?: string };
    if (r.ok && body.application) {
      setFound({ application: body.application, next: body.next ?? [] });
      setMessage(null);
    } else {
      setMessage(body.zh ?? body.message ?? `HTTP ${r.status}`);
    }
  };

  const find = async () => {
    const s = serial.trim().toUpperCase();
    if (!SERIAL.test(s)) return setMessage('请输入申办流水号，如 GD20261125000001 / enter a serial');
    setFound(null);
    await answer(await fetch(`/api/hall/applications/${s}`, { credentials: 'same-origin' }));
  };

  const advance = async (to: string) => {
    if (!found) return;
    const r = await fetch(`/api/hall/applications/${found.application.serial}/advance`, {
      method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to, note: note.trim() || null }),
    });
    await answer(r);
    if (r.ok) {
      setNote('');
      setMessage(`${found.application.serial}：已转为${found.next.find((n) => n.to === to)?.name ?? to}`);
    }
  };

  const a = found?.application;
  return (
    <section class="hall-panel" data-testid="advance-panel">
      <h2>办理进度 / Move an application on</h2>
      <form onSubmit={(e) => { e.preventDefault(); void find(); }}>
        <label>
          申办流水号 / serial{' '}
          <input value={serial} maxLength={16} data-testid="advance-serial" onInput={(e) => setSerial((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="hall-button" data-testid="advance-find">查找 / Find</button>
      </form>
      {message && <p class="hall-notice" role="status" data-testid="advance-message">{message}</p>}
      {a && (
        <div data-testid="advance-application" data-status={a.status}>
          <p>{a.serial} · {a.serviceName} · {a.maskedNumber} · <strong data-testid="advance-status">{a.statusName}</strong></p>
          <ol>
            {a.history.map((h) => <li key={`${h.at}-${h.status}`}>{h.atText} {h.statusName}{h.note ? `：${h.note}` : ''}</li>)}
          </ol>
          {found.next.length === 0 ? <p>已结束，不能再处理 / closed</p> : (
            <>
              <label>
                说明或理由 / note{' '}
                <input value={note} maxLength={300} data-testid="advance-note" onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)} />
              </label>
              {found.next.map((n) => (
                <button type="button" key={n.to} class="hall-button" data-testid={`advance-to-${n.to}`} onClick={() => void advance(n.to)}>
                  {n.name}
                </button>
              ))}
            </>
          )}
        </div>
      )}
    </section>
  );
}
