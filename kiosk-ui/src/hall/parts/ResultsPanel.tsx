/**
 * Results for managers (README "Collecting results (领取结果)"): parcels to send, with the address the citizen gave
 * and a "mark posted" action, and the finished results nobody collected after N days (config
 * `results.uncollectedAfterDays`), counted (GET /api/hall/results, POST /api/hall/results/:serial/posted). Loaded on
 * demand and after each action, not on a timer: every read shows addresses and is audited.
 */
import { useEffect, useState } from 'preact/hooks';
import type { HallResultsBoard } from '@onedoor/protocol';

const MODE_WORDS: Record<string, string> = { counter: '窗口领取', post: '邮寄', electronic: '电子证照' };

export function ResultsPanel() {
  const [board, setBoard] = useState<HallResultsBoard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const r = await fetch('/api/hall/results', { credentials: 'same-origin' });
        const body = (await r.json()) as HallResultsBoard & { message?: string };
        if (!live) return;
        if (!r.ok) throw new Error(body.message ?? `HTTP ${r.status}`);
        setError(null);
        setBoard(body);
      } catch (err) {
        if (live) setError((err as Error).message);
      }
    })();
    return () => {
      live = false;
    };
  }, [reload]);

  const posted = async (serial: string) => {
    setBusy(true);
    try {
      const r = await fetch(`/api/hall/results/${encodeURIComponent(serial)}/posted`, {
        method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: '{}',
      });
      if (!r.ok) {
        const body = (await r.json().catch(() => ({}))) as { zh?: string; message?: string };
        setError(body.zh ?? body.message ?? `HTTP ${r.status}`);
      }
    } finally {
      setBusy(false);
      setReload((n) => n + 1);
    }
  };

  return (
    <section class="hall-panel" data-testid="results">
      <h2 class="hall-section">
        办理结果 / results{board && ` · 待邮寄 ${board.counts.parcelsToSend} · 超${board.afterDays}天未领取 ${board.counts.uncollected}`}
      </h2>
      {error && <p class="hall-error" data-testid="results-error">{error}</p>}
      {board && (
        <>
          <h3>待邮寄 / parcels to send ({board.counts.parcelsToSend})</h3>
          {board.parcels.length === 0 ? <p class="hall-muted">无 / none</p> : (
            <table class="hall-table" data-testid="parcels">
              <thead><tr><th>流水号</th><th>事项</th><th>收件人</th><th>地址</th><th>电话</th><th>登记</th><th /></tr></thead>
              <tbody>
                {board.parcels.map((p) => (
                  <tr key={p.serial} data-serial={p.serial}>
                    <td>{p.serial}</td><td>{p.serviceName}</td><td>{p.recipient}（{p.maskedNumber}）</td><td>{p.address}</td>
                    <td>{p.phone}</td><td>{p.chosenAtText}</td>
                    <td><button type="button" class="hall-button" disabled={busy} data-testid="mark-posted" onClick={() => void posted(p.serial)}>
                      已寄出 / mark posted</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>超{board.afterDays}天未领取 / uncollected after {board.afterDays} days ({board.counts.uncollected})</h3>
          {board.uncollected.length === 0 ? <p class="hall-muted">无 / none</p> : (
            <table class="hall-table" data-testid="uncollected">
              <thead><tr><th>流水号</th><th>事项</th><th>申请人</th><th>办结</th><th>天数</th><th>领取方式</th></tr></thead>
              <tbody>
                {board.uncollected.map((u) => (
                  <tr key={u.serial} data-serial={u.serial}>
                    <td>{u.serial}</td><td>{u.serviceName}</td><td>{u.maskedNumber}</td><td>{u.doneAtText}</td><td>{u.days}</td>
                    <td>{u.mode ? `${MODE_WORDS[u.mode] ?? u.mode}${u.ticketNumber ? ` ${u.ticketNumber}` : ''}` : '未选择 / not chosen'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
