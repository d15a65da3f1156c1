/**
 * The manager's catalogue edits (README "Loading the catalogue"): queue category names and service minutes, which
 * categories each window calls, slot capacities, and holidays / 调休 days. Checked and applied by the bridge
 * (POST /api/hall/catalogue, the catalogue command's rules, one transaction): "检查" shows what would change, "保存"
 * applies it; a refusal lists every field with its problem and nothing is changed. Only edited rows are sent.
 */
import { useEffect, useState } from 'preact/hooks';

interface Category { letter: string; name: string; defaultServiceMinutes: number }
interface Window { window: number; name: string; deviceId: string; unit: number; categories: string[] }
interface Holiday { day: string; kind: 'holiday' | 'workday'; name: string }
interface Service { code: string; name: string; slotCapacity: number }
interface Catalogue { categories: Category[]; windows: Window[]; holidays: Holiday[]; services: Service[] }
interface Outcome { applied?: boolean; summary?: string[]; problems?: Array<{ field: string; message: string }>; message?: string }

const letters = (text: string) => text.toUpperCase().split(/[\s,;、]+/).filter(Boolean);

export function CataloguePanel({ today }: { today: string }) {
  const [loaded, setLoaded] = useState<Catalogue | null>(null);
  const [cats, setCats] = useState<Record<string, Category>>({});
  const [wins, setWins] = useState<Record<number, string>>({});
  const [caps, setCaps] = useState<Record<string, string>>({});
  const [newDays, setNewDays] = useState<Holiday[]>([]);
  const [draft, setDraft] = useState<Holiday>({ day: '', kind: 'holiday', name: '' });
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    void (async () => {
      try {
        const r = await fetch('/api/hall/catalogue', { credentials: 'same-origin' });
        const body = (await r.json()) as Catalogue & { message?: string };
        if (!r.ok) throw new Error(body.message ?? `HTTP ${r.status}`);
        setLoaded(body);
        setCats({});
        setWins({});
        setCaps({});
        setNewDays([]);
        setError(null);
      } catch (err) {
        setError((err as Error).message);
      }
    })();
  }, [reload]);

  if (error) return <section class="hall-panel" data-testid="catalogue"><p class="hall-error">{error}</p></section>;
  if (!loaded) return <section class="hall-panel" data-testid="catalogue" aria-busy="true" />;

  /** The edit as the bridge takes it: only rows that differ from what was loaded. */
  const edit = () => ({
    categories: Object.values(cats),
    windows: Object.entries(wins).map(([n, text]) => ({ ...loaded.windows.find((w) => w.window === Number(n))!, categories: letters(text) })),
    // A capacity that is not a number is sent as typed: the bridge names it.
    slotCapacities: Object.entries(caps).map(([service, v]) => ({ service, slotCapacity: /^-?\d+$/.test(v.trim()) ? Number(v) : v })),
    holidays: newDays,
  });
  const send = async (dryRun: boolean) => {
    try {
      const r = await fetch(`/api/hall/catalogue${dryRun ? '?dryRun=1' : ''}`, {
        method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(edit()),
      });
      const body = (await r.json()) as Outcome;
      setOutcome(body);
      if (r.ok && body.applied) setReload((n) => n + 1);
    } catch (err) {
      setOutcome({ message: (err as Error).message });
    }
  };
  const upcoming = loaded.holidays.filter((h) => h.day >= today).slice(0, 12);
  return (
    <section class="hall-panel" data-testid="catalogue">
      <h2 class="hall-section">目录维护 / catalogue</h2>
      <table class="hall-table">
        <thead><tr><th>类别 / category</th><th>名称 / name</th><th>分钟 / min</th></tr></thead>
        <tbody>
          {loaded.categories.map((c) => {
            const cur = cats[c.letter] ?? c;
            const set = (patch: Partial<Category>) => setCats({ ...cats, [c.letter]: { ...cur, ...patch } });
            return (
              <tr key={c.letter} data-testid="catalogue-category">
                <td>{c.letter}</td>
                <td><input value={cur.name} onInput={(e) => set({ name: (e.currentTarget as HTMLInputElement).value })} data-testid={`category-name-${c.letter}`} /></td>
                <td><input type="number" value={cur.defaultServiceMinutes} size={4} onInput={(e) => set({ defaultServiceMinutes: Number((e.currentTarget as HTMLInputElement).value) })} /></td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {loaded.windows.length > 0 && (
        <table class="hall-table">
          <thead><tr><th>窗口 / window</th><th>终端 / terminal</th><th>叫号类别 / categories (空 = 全部)</th></tr></thead>
          <tbody>
            {loaded.windows.map((w) => (
              <tr key={w.window}>
                <td>{w.name}</td>
                <td>{w.deviceId} #{w.unit}</td>
                <td><input value={wins[w.window] ?? w.categories.join(' ')} onInput={(e) => setWins({ ...wins, [w.window]: (e.currentTarget as HTMLInputElement).value })} data-testid={`window-categories-${w.window}`} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details>
        <summary>预约时段容量 / slot capacities ({loaded.services.length})</summary>
        <table class="hall-table">
          <tbody>
            {loaded.services.map((s) => (
              <tr key={s.code}>
                <td>{s.code}</td>
                <td>{s.name}</td>
                <td><input size={4} value={caps[s.code] ?? String(s.slotCapacity)} onInput={(e) => setCaps({ ...caps, [s.code]: (e.currentTarget as HTMLInputElement).value })} data-testid={`capacity-${s.code}`} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <p>
        节假日 / holidays:{' '}
        {[...upcoming, ...newDays].map((h) => <span key={h.day} class="hall-muted">{h.day} {h.kind === 'workday' ? '班' : '休'} {h.name}; </span>)}
      </p>
      <form class="hall-export" onSubmit={(e) => {
        e.preventDefault();
        setNewDays([...newDays, draft]);
        setDraft({ day: '', kind: 'holiday', name: '' });
      }}>
        <input value={draft.day} placeholder="2027-02-06" size={10} onInput={(e) => setDraft({ ...draft, day: (e.currentTarget as HTMLInputElement).value })} data-testid="holiday-day" />
        <select value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: (e.currentTarget as HTMLSelectElement).value as Holiday['kind'] })} data-testid="holiday-kind">
          <option value="holiday">休 / holiday</option>
          <option value="workday">班 / 调休 workday</option>
        </select>
        <input value={draft.name} placeholder="春节" size={8} onInput={(e) => setDraft({ ...draft, name: (e.currentTarget as HTMLInputElement).value })} data-testid="holiday-name" />
        <button type="submit" class="hall-button" data-testid="holiday-add">添加 / add</button>
      </form>
      <p>
        <button type="button" class="hall-button" onClick={() => void send(true)} data-testid="catalogue-check">检查 / check</button>{' '}
        <button type="button" class="hall-button" onClick={() => void send(false)} data-testid="catalogue-save">保存 / save</button>
      </p>
      {outcome && (
        <div data-testid="catalogue-outcome" data-applied={outcome.applied ? 'true' : 'false'}>
          {outcome.message && <p class="hall-error">{outcome.message}</p>}
          {outcome.problems && (
            <ul class="hall-error" data-testid="catalogue-problems">
              {outcome.problems.map((p) => <li key={p.field + p.message}>{p.field}: {p.message}（未保存 / nothing saved）</li>)}
            </ul>
          )}
          {outcome.summary && (
            <ul>
              <li>{outcome.applied ? '已保存 / saved' : '检查结果，尚未保存 / check only, not saved'}</li>
              {outcome.summary.map((l) => <li key={l}>{l}</li>)}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
