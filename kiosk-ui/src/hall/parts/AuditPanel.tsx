/**
 * The access audit for managers (等保 2.0 level 3): recent entries of who read or changed which citizen's data (the
 * number masked), filtered by day, kiosk or staff member and function, in pages, with a CSV export of the same filter
 * (GET /api/hall/audit, /api/hall/audit/export.csv). Loaded on demand, never on a timer: every read of the audit is
 * itself an audit entry, and a polling screen would fill the log with its own reads.
 */
import { useEffect, useState } from 'preact/hooks';
import { AUDIT_FUNCTIONS, type AccessAuditPage } from '@onedoor/protocol';

const PAGE_SIZE = 20;

/** `HH:MM:SS` China time, whatever this browser's zone (the hall's day is China time). */
function hallTime(at: number): string {
  return new Date(at + 8 * 3_600_000).toISOString().slice(11, 19);
}

function queryOf(f: { day: string; kiosk: string; fn: string }, page?: number): string {
  const q = new URLSearchParams();
  if (f.day) q.set('day', f.day);
  if (f.kiosk) q.set('kiosk', f.kiosk);
  if (f.fn) q.set('function', f.fn);
  if (page !== undefined) {
    q.set('page', String(page));
    q.set('pageSize', String(PAGE_SIZE));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function AuditPanel({ today }: { today: string }) {
  const [filter, setFilter] = useState({ day: today, kiosk: '', fn: '' });
  const [page, setPage] = useState(1);
  const [data, setData] = useState<AccessAuditPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const r = await fetch(`/api/hall/audit${queryOf(filter, page)}`, { credentials: 'same-origin' });
        const body = (await r.json()) as AccessAuditPage & { message?: string };
        if (!live) return;
        if (!r.ok) {
          setError(body.message ?? `HTTP ${r.status}`);
          return;
        }
        setError(null);
        setData(body);
      } catch (err) {
        if (live) setError((err as Error).message);
      }
    })();
    return () => {
      live = false;
    };
  }, [filter, page, reload]);

  const set = (k: 'day' | 'kiosk' | 'fn') => (e: Event) => {
    setFilter({ ...filter, [k]: (e.currentTarget as HTMLInputElement).value });
    setPage(1);
  };
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  return (
    <section class="hall-panel" data-testid="audit">
      <h2 class="hall-section">访问审计 / access audit</h2>
      <form class="hall-export" onSubmit={(e) => e.preventDefault()}>
        <label>
          日期 / day <input type="date" value={filter.day} onInput={set('day')} data-testid="audit-day" />
        </label>{' '}
        <label>
          自助机或人员 / kiosk or staff <input type="text" value={filter.kiosk} onChange={set('kiosk')} size={10} data-testid="audit-kiosk" />
        </label>{' '}
        <label>
          功能 / function{' '}
          <select value={filter.fn} onChange={set('fn')} data-testid="audit-function">
            <option value="">全部 / all</option>
            {AUDIT_FUNCTIONS.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="button" class="hall-button" onClick={() => setReload(reload + 1)} data-testid="audit-refresh">
          刷新 / refresh
        </button>{' '}
        <a class="hall-button" href={`/api/hall/audit/export.csv${queryOf(filter)}`} download data-testid="audit-export">
          导出 CSV / export
        </a>
      </form>
      {error && (
        <p class="hall-error" data-testid="audit-error">
          {error}
        </p>
      )}
      {data && (
        <>
          <p class="hall-muted" data-testid="audit-total">
            共 {data.total} 条 / {data.total} entries
          </p>
          <table class="hall-table" data-testid="audit-table">
            <thead>
              <tr>
                <th>时间 / time</th>
                <th>自助机或人员 / by</th>
                <th>功能 / function</th>
                <th>证件号 / number</th>
                <th>结果 / result</th>
              </tr>
            </thead>
            <tbody>
              {data.entries.map((e) => (
                <tr key={e.id} data-testid="audit-row">
                  <td>
                    {e.day} {hallTime(e.at)}
                  </td>
                  <td>
                    {e.actor}
                    {e.role ? ` (${e.role})` : ''}
                  </td>
                  <td>{e.function}</td>
                  <td>{e.maskedNumber ?? '—'}</td>
                  <td class={e.result === 'success' ? 'hall-ok' : 'hall-error'}>
                    {e.result === 'success' ? '成功 / success' : `拒绝 / refused: ${e.code ?? ''}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <button type="button" class="hall-button" disabled={page <= 1} onClick={() => setPage(page - 1)} data-testid="audit-prev">
              上一页 / previous
            </button>{' '}
            <span data-testid="audit-page">
              {page} / {pages}
            </span>{' '}
            <button type="button" class="hall-button" disabled={page >= pages} onClick={() => setPage(page + 1)} data-testid="audit-next">
              下一页 / next
            </button>
          </p>
        </>
      )}
    </section>
  );
}
