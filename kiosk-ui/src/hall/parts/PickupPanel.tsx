/**
 * Recording a result handed out at the counter (README "Collecting results (领取结果)"): the clerk types the
 * application's serial and their window, and the bridge records the pickup with the time and window
 * (POST /api/hall/results/:serial/collected). A result not finished, already collected, posted or issued
 * electronically is refused in the bridge's words.
 */
import { useState } from 'preact/hooks';
import type { HallResultRecorded } from '@onedoor/protocol';

const SERIAL = /^[A-Z]{2}\d{14}$/;

export function PickupPanel({ onAuthLost }: { onAuthLost: () => void }) {
  const [serial, setSerial] = useState('');
  const [window, setWindow] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const record = async () => {
    const s = serial.trim().toUpperCase();
    const w = Number(window.trim());
    if (!SERIAL.test(s)) return setMessage({ ok: false, text: '请输入申办流水号，如 GD20261125000001 / enter a serial' });
    if (!Number.isInteger(w) || w < 1 || w > 999) return setMessage({ ok: false, text: '请输入窗口号（1-999） / enter your window number' });
    const r = await fetch(`/api/hall/results/${s}/collected`, {
      method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ window: w }),
    });
    if (r.status === 401 || r.status === 403) return onAuthLost();
    const body = (await r.json()) as Partial<HallResultRecorded> & { zh?: string; message?: string };
    if (r.ok) {
      setMessage({ ok: true, text: `${s}：已领取，${body.window ?? w}号窗口，${body.finishedAtText ?? ''} / collected` });
      setSerial('');
    } else {
      setMessage({ ok: false, text: body.zh ?? body.message ?? `HTTP ${r.status}` });
    }
  };

  return (
    <section class="hall-panel" data-testid="pickup-panel">
      <h2>领取结果登记 / Record a result handed out</h2>
      <form onSubmit={(e) => { e.preventDefault(); void record(); }}>
        <label>
          申办流水号 / serial{' '}
          <input value={serial} maxLength={16} data-testid="pickup-serial" onInput={(e) => setSerial((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          窗口 / window{' '}
          <input value={window} inputMode="numeric" maxLength={3} size={4} data-testid="pickup-window"
            onInput={(e) => setWindow((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="hall-button" data-testid="pickup-record">登记领取 / Record pickup</button>
      </form>
      {message && <p class="hall-notice" role="status" data-testid="pickup-message" data-ok={String(message.ok)}>{message.text}</p>}
    </section>
  );
}
