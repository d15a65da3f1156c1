/**
 * Simulator controls (README "For technicians: the console": place/remove a card from the library,
 * paper out/in, cover open, press counter keys, inject faults, view printed tickets as images; the
 * QR scanner: present a code, burst, garbage, over-long, silent), through the bridge's
 * `/api/tech/sims` proxy. Quick buttons per kind, every other action of the simulator under "all
 * actions", its state as it reports it.
 */
import { useEffect, useState } from 'preact/hooks';
import { fetchSims, fetchTickets, simAct, ticketPngUrl, type SimCard, type SimView, type TicketSummary } from '../techApi.ts';
import { shortJson, withoutNames } from '../format.ts';
import { ActionButton, type ActionOutcome } from './ActionButton.tsx';

/** Polling is enough here: the console is one screen for one technician, and the proxy stays plain HTTP. */
const POLL_MS = 2_000;

async function act(id: string, name: string, args: Record<string, unknown>): Promise<ActionOutcome> {
  const r = await simAct(id, name, args);
  return r.ok ? { ok: true, code: 'ok', result: withoutNames(r.value.result) } : { ok: false, code: String(r.status), message: r.message };
}

function Quick({ id, name, label, args, canAct }: { id: string; name: string; label: string; args?: Record<string, unknown>; canAct: boolean }) {
  return <ActionButton name={name} label={label} disabled={!canAct} testId={`sim-${id}-${name}-${label}`} run={() => act(id, name, args ?? {})} />;
}

function ReaderControls({ sim, canAct }: { sim: SimView; canAct: boolean }) {
  const [cards, setCards] = useState<SimCard[]>([]);
  const [key, setKey] = useState('');
  useEffect(() => {
    // Listing is an action of the simulator (POST), so only those who may act get the library.
    if (!canAct) return;
    void simAct(sim.id, 'list-cards').then((r) => {
      if (r.ok && Array.isArray(r.value.result)) {
        const list = r.value.result as SimCard[];
        setCards(list);
        setKey((k) => k || list[0]?.key || '');
      }
    });
  }, [sim.id, canAct]);
  const card = sim.snapshot.card as { key?: string; number?: string; phase?: string } | null | undefined;
  return (
    <div class="tech-sim-controls">
      <p>
        卡 / card: <b data-testid="sim-card">{card ? `${card.key} · ${card.number ?? ''} · ${card.phase ?? ''}` : '无 / none'}</b> · SAM:{' '}
        {String(sim.snapshot.sam ?? '?')}
      </p>
      <div class="tech-action-row">
        <label class="tech-arg wide">
          <span>卡库 / library</span>
          <select data-testid="card-library" value={key} onChange={(e) => setKey((e.currentTarget as HTMLSelectElement).value)}>
            {cards.length === 0 && <option value="">{canAct ? '…' : '仅技术员 / technicians only'}</option>}
            {cards.map((c) => (
              <option key={c.key} value={c.key}>
                {c.key} · {c.cardType} · {c.number}
                {c.note ? ` · ${c.note}` : ''}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div class="tech-button-row">
        <ActionButton name="place-card" label="放卡 / place card" disabled={!canAct || !key} testId="sim-place-card" run={() => act(sim.id, 'place-card', { holder: key })} />
        <Quick id={sim.id} name="remove-card" label="取走 / remove" canAct={canAct} />
      </div>
      <h4>故障 / faults</h4>
      <div class="tech-button-row">
        {['checksum', 'truncate', 'garbage', 'no-answer'].map((k) => (
          <Quick key={k} id={sim.id} name="fault" label={k} args={{ kind: k, count: 1 }} canAct={canAct} />
        ))}
        <Quick id={sim.id} name="fail-read" label="read fails (41)" args={{ sw3: '41' }} canAct={canAct} />
        <Quick id={sim.id} name="sam" label="SAM self-test failed" args={{ state: 'selfTestFailed' }} canAct={canAct} />
        <Quick id={sim.id} name="sam" label="SAM ok" args={{ state: 'ok' }} canAct={canAct} />
        <Quick id={sim.id} name="clear-faults" label="清除 / clear" canAct={canAct} />
      </div>
    </div>
  );
}

function PrinterControls({ sim, canAct }: { sim: SimView; canAct: boolean }) {
  const [tickets, setTickets] = useState<TicketSummary[]>([]);
  const count = Number(sim.snapshot.tickets ?? 0);
  useEffect(() => {
    void fetchTickets(sim.id).then((r) => r.ok && setTickets(r.value.tickets));
  }, [sim.id, count]);
  const s = sim.snapshot;
  return (
    <div class="tech-sim-controls">
      <p>
        纸 / paper: <b data-testid="sim-paper">{String(s.paper ?? '?')}</b> · 盖 / cover: {s.coverOpen ? 'open' : 'closed'} · 切刀 / cutter:{' '}
        {s.cutterError ? 'error' : 'ok'} · 已打印 / tickets: {count}
      </p>
      <div class="tech-button-row">
        <Quick id={sim.id} name="paper" label="缺纸 / paper out" args={{ state: 'out' }} canAct={canAct} />
        <Quick id={sim.id} name="paper" label="纸将尽 / low" args={{ state: 'low' }} canAct={canAct} />
        <Quick id={sim.id} name="paper" label="装纸 / paper in" args={{ state: 'ok' }} canAct={canAct} />
        <Quick id={sim.id} name="cover" label="开盖 / cover open" args={{ state: 'open' }} canAct={canAct} />
        <Quick id={sim.id} name="cover" label="合盖 / cover closed" args={{ state: 'closed' }} canAct={canAct} />
        <Quick id={sim.id} name="cutter-error" label="切刀卡住 / cutter jam" canAct={canAct} />
        <Quick id={sim.id} name="clear-error" label="清除 / clear jam" canAct={canAct} />
      </div>
      <h4>打印的票 / printed tickets</h4>
      {tickets.length === 0 ? (
        <p class="tech-muted">还没有 / none yet</p>
      ) : (
        <div class="tech-tickets" data-testid="tickets">
          {[...tickets]
            .reverse()
            .slice(0, 6)
            .map((t) => (
              <figure key={t.seq}>
                <img src={ticketPngUrl(sim.id, t.seq)} alt={`ticket ${t.seq}`} />
                <figcaption>
                  #{t.seq} {t.title}
                </figcaption>
              </figure>
            ))}
        </div>
      )}
    </div>
  );
}

const COUNTER_KEYS = ['callNext', 'recall', 'start', 'finish', 'noShow', 'pause', 'resume'];

function CounterControls({ sim, canAct }: { sim: SimView; canAct: boolean }) {
  const [unit, setUnit] = useState('1');
  const terminals = (sim.snapshot.terminals as Array<{ unit?: number }> | undefined) ?? [];
  const u = Number(unit);
  return (
    <div class="tech-sim-controls">
      <div class="tech-action-row">
        <label class="tech-arg">
          <span>窗口终端 / unit</span>
          <select value={unit} onChange={(e) => setUnit((e.currentTarget as HTMLSelectElement).value)}>
            {(terminals.length ? terminals.map((t) => t.unit ?? 0) : [1]).map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div class="tech-button-row">
        {COUNTER_KEYS.map((k) => (
          <Quick key={k} id={sim.id} name="press" label={k} args={{ unit: u, key: k }} canAct={canAct} />
        ))}
      </div>
      <h4>评价 / rating</h4>
      <div class="tech-button-row">
        {[1, 2, 3, 4, 5].map((r) => (
          <Quick key={r} id={sim.id} name="rate" label={`★${r}`} args={{ unit: u, rating: r }} canAct={canAct} />
        ))}
      </div>
      <h4>故障 / faults</h4>
      <div class="tech-button-row">
        <Quick id={sim.id} name="fault-noise" label="噪声 / noise on" args={{ level: 'on' }} canAct={canAct} />
        <Quick id={sim.id} name="fault-noise" label="noise off" args={{ level: 'off' }} canAct={canAct} />
        <Quick id={sim.id} name="fault-silent" label="终端静默 / silent" args={{ unit: u, state: 'on' }} canAct={canAct} />
        <Quick id={sim.id} name="fault-silent" label="恢复 / answers again" args={{ unit: u, state: 'off' }} canAct={canAct} />
      </div>
    </div>
  );
}

function ScannerControls({ sim, canAct }: { sim: SimView; canAct: boolean }) {
  const [code, setCode] = useState('A012');
  const s = sim.snapshot;
  return (
    <div class="tech-sim-controls">
      <p>
        模式 / mode: <b data-testid="sim-scanner-mode">{String(s.mode ?? '?')}</b> · 后缀 / suffix: {String(s.suffix ?? '?')} ·{' '}
        {s.silent ? '静默 / silent' : s.poweredUp === false ? '上电中 / powering up' : '正常 / working'} · 面前 / in view: {String(s.inView ?? '—')}
      </p>
      <div class="tech-action-row">
        <label class="tech-arg wide">
          <span>二维码内容 / code</span>
          <input data-testid="sim-scanner-code" value={code} disabled={!canAct} onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value)} />
        </label>
      </div>
      <div class="tech-button-row">
        <ActionButton name="present" label="出示 / present" disabled={!canAct || !code} testId="sim-scanner-present" run={() => act(sim.id, 'present', { code })} />
        <Quick id={sim.id} name="remove" label="移开 / remove" canAct={canAct} />
        <Quick id={sim.id} name="burst" label="连扫 / burst ×5" args={{ count: 5 }} canAct={canAct} />
      </div>
      <h4>故障 / faults</h4>
      <div class="tech-button-row">
        <Quick id={sim.id} name="garbage" label="乱码 / garbage" args={{ bytes: 32 }} canAct={canAct} />
        <Quick id={sim.id} name="overlong" label="超长码 / over-long" args={{ length: 700 }} canAct={canAct} />
        <Quick id={sim.id} name="silent" label="静默 / silent" args={{ state: 'on' }} canAct={canAct} />
        <Quick id={sim.id} name="silent" label="恢复 / works again" args={{ state: 'off' }} canAct={canAct} />
        <Quick id={sim.id} name="power-cycle" label="重新上电 / power cycle" canAct={canAct} />
      </div>
    </div>
  );
}

function SimCardView({ sim, canAct }: { sim: SimView; canAct: boolean }) {
  const link = sim.link;
  return (
    <section class="tech-sim" data-testid={`sim-${sim.id}`}>
      <header class="tech-device-head">
        <h3>
          {sim.id} <small>{sim.kind} · {link.kind} {link.path ?? link.address ?? ''}</small>
        </h3>
        <span class={`tech-state ${link.up === false ? 'state-offline' : link.hostConnected ? 'state-online' : 'state-starting'}`}>
          {link.up === false ? '端口消失 / port gone' : link.hostConnected ? '已连接 / host attached' : '等待主机 / no host'}
        </span>
      </header>
      {sim.kind === 'idreader' && <ReaderControls sim={sim} canAct={canAct} />}
      {sim.kind === 'printer' && <PrinterControls sim={sim} canAct={canAct} />}
      {sim.kind === 'counterbus' && <CounterControls sim={sim} canAct={canAct} />}
      {sim.kind === 'qrscanner' && <ScannerControls sim={sim} canAct={canAct} />}
      <details>
        <summary>全部操作 / all actions</summary>
        {sim.actions.map((a) => (
          <ActionButton key={a.name} name={a.name} help={a.help} args={a.args} disabled={!canAct} testId={`sim-${sim.id}-all-${a.name}`} run={(args) => act(sim.id, a.name, args)} />
        ))}
      </details>
      <details>
        <summary>状态 / state</summary>
        <pre class="tech-json">{shortJson(withoutNames(sim.snapshot), 4000)}</pre>
      </details>
    </section>
  );
}

export function SimPanel({ canAct }: { canAct: boolean }) {
  const [sims, setSims] = useState<{ attached: boolean; sims: SimView[]; error?: string } | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      const r = await fetchSims();
      if (stopped) return;
      setSims(r.ok ? { attached: r.value.attached, sims: r.value.sims } : { attached: true, sims: [], error: r.message });
      timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  if (sims === null) return null;
  if (!sims.attached) return <p class="tech-muted" data-testid="no-sims">未连接模拟器 / no simulators attached to this bridge</p>;
  return (
    <div class="tech-sims" data-testid="sims">
      {sims.error && <p class="tech-error">{sims.error}</p>}
      {sims.sims.map((s) => (
        <SimCardView key={s.id} sim={s} canAct={canAct} />
      ))}
    </div>
  );
}
