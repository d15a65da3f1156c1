/**
 * Post-hoc checks of written commitments (事后核查; README "Applying at the kiosk (接件受理)"): every commitment a
 * citizen signed at the kiosk instead of a proof is a check item for managers, due 20 working days after the
 * submit. The list shows due day (overdue in red, with words), service, masked applicant, material and the
 * commitment text's version; a manager records the outcome once: checked OK (属实) or found false (不实, with a
 * note). A false finding flags the applicant: their later applications that use a commitment go to manual review
 * (marked ⚑ here). REST: GET /api/hall/intake/checks, POST /api/hall/intake/checks/:id (managers). Loaded on demand
 * and after each outcome, never on a timer: every read is in the access audit.
 */
import { useEffect, useState } from 'preact/hooks';

/** One check item as GET /api/hall/intake/checks answers it (device-bridge/src/hall/intake.ts CommitmentCheckView). */
interface CheckView {
  id: number;
  serial: string;
  serviceName: string;
  material: string;
  maskedNumber: string;
  kioskId: string;
  textVersion: string;
  signedAtText: string;
  dueDay: string;
  state: 'open' | 'confirmed' | 'false';
  overdue: boolean;
  checkedBy: string | null;
  note: string | null;
  reviewFlagged: boolean;
}

const STATE_TEXT: Record<CheckView['state'], string> = { open: '待核查 / open', confirmed: '属实 / checked OK', false: '不实 / found false' };

async function send<T>(path: string, body?: unknown): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  try {
    const r = await fetch(path, {
      method: body === undefined ? 'GET' : 'POST',
      credentials: 'same-origin',
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await r.json().catch(() => null)) as (T & { message?: string; zh?: string; en?: string }) | null;
    if (!r.ok) return { ok: false, message: json?.zh ? `${json.zh} / ${json.en ?? ''}` : (json?.message ?? `HTTP ${r.status}`) };
    return { ok: true, value: json as T };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

function CheckRow({ c, onRecorded }: { c: CheckView; onRecorded: (c: CheckView) => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const record = async (found: 'confirmed' | 'false') => {
    const r = await send<CheckView>(`/api/hall/intake/checks/${c.id}`, { found, note: note.trim() || null });
    if (!r.ok) setError(r.message);
    else onRecorded(r.value);
  };
  return (
    <tr data-testid="check-row" data-id={c.id} data-state={c.state} data-overdue={String(c.overdue)} class={c.overdue ? 'check-overdue' : undefined}>
      <td>
        {c.dueDay}
        {c.overdue && <strong> ⚠ 已逾期 / overdue</strong>}
      </td>
      <td>
        {c.serviceName}
        <br />
        <span class="hall-muted">{c.serial}</span>
      </td>
      <td>
        {c.maskedNumber}
        {c.reviewFlagged && (
          <span class="check-flag" data-testid="check-flagged">
            <br />⚑ 转人工审核 / manual review
          </span>
        )}
      </td>
      <td>
        {c.material}
        <br />
        <span class="hall-muted">
          承诺书 {c.textVersion} · {c.signedAtText}
        </span>
      </td>
      <td data-testid="check-state">
        {STATE_TEXT[c.state]}
        {c.checkedBy && <span class="hall-muted"> ({c.checkedBy})</span>}
        {c.note && <div class="hall-muted">{c.note}</div>}
      </td>
      <td>
        {c.state === 'open' ? (
          <form class="check-actions" onSubmit={(e) => e.preventDefault()}>
            <input type="text" maxLength={300} value={note} placeholder="核查说明 / note" data-testid="check-note"
              onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)} />
            <button type="button" class="hall-button" onClick={() => void record('confirmed')} data-testid="check-confirm">
              核查属实 / checked OK
            </button>
            <button type="button" class="hall-button check-false" onClick={() => void record('false')} data-testid="check-false">
              承诺不实 / found false
            </button>
            {error && (
              <p class="hall-error" role="alert" data-testid="check-error">
                {error}
              </p>
            )}
          </form>
        ) : null}
      </td>
    </tr>
  );
}

export function CommitmentChecksPanel() {
  const [openOnly, setOpenOnly] = useState(false);
  const [data, setData] = useState<{ checks: CheckView[]; overdue: number } | null>(null);
  const [error, setError] = useState('');
  const [reload, setReload] = useState(0);
  const [flagged, setFlagged] = useState<CheckView | null>(null);
  useEffect(() => {
    let live = true;
    void send<{ checks: CheckView[]; overdue: number }>(`/api/hall/intake/checks${openOnly ? '?open=1' : ''}`).then((r) => {
      if (!live) return;
      if (r.ok) {
        setData(r.value);
        setError('');
      } else setError(r.message);
    });
    return () => {
      live = false;
    };
  }, [openOnly, reload]);
  const recorded = (c: CheckView) => {
    setFlagged(c.state === 'false' ? c : null);
    setReload(reload + 1);
  };
  return (
    <section class="hall-panel" data-testid="commitment-checks">
      <h2 class="hall-section">事后核查 / commitment checks</h2>
      <form class="hall-export" onSubmit={(e) => e.preventDefault()}>
        <label>
          <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly((e.currentTarget as HTMLInputElement).checked)} data-testid="checks-open-only" />{' '}
          只看待核查 / open only
        </label>{' '}
        <button type="button" class="hall-button" onClick={() => setReload(reload + 1)} data-testid="checks-refresh">
          刷新 / refresh
        </button>
      </form>
      {error && (
        <p class="hall-error" role="alert">
          {error}
        </p>
      )}
      {flagged && (
        <p class="hall-error" role="status" data-testid="check-flag-notice">
          ⚑ 已记录承诺不实（{flagged.maskedNumber}）：该申请人今后以承诺代替材料的申请将转人工审核 / found false: this applicant's later
          applications by commitment are flagged for manual review
        </p>
      )}
      {data && (
        <>
          <p class={data.overdue > 0 ? 'hall-error' : 'hall-muted'} data-testid="checks-overdue" data-count={data.overdue}>
            {data.overdue > 0 ? `⚠ ${data.overdue} 项已过核查期限 / ${data.overdue} overdue` : '没有逾期的核查 / nothing overdue'} · 共 {data.checks.length} 项 /{' '}
            {data.checks.length} items
          </p>
          {data.checks.length === 0 ? (
            <p class="hall-muted">没有核查事项 / no check items</p>
          ) : (
            <table class="hall-table" data-testid="checks-table">
              <thead>
                <tr>
                  <th>核查期限 / due</th>
                  <th>事项 / service</th>
                  <th>申请人 / applicant</th>
                  <th>承诺材料 / commitment</th>
                  <th>状态 / state</th>
                  <th>核查结果 / record outcome</th>
                </tr>
              </thead>
              <tbody>
                {data.checks.map((c) => (
                  <CheckRow key={`${c.id}-${c.state}`} c={c} onRecorded={recorded} />
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
