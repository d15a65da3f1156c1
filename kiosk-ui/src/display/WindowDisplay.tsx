/**
 * `/display?window=N`: the small screen above one counter (README "Running the hall floor"). It shows the window's
 * number, the ticket called or served there, and the window's state in words; it reads the same `/display` board
 * as the hall screen and announces nothing (the hall screen speaks for the room, two speakers would talk over each
 * other). Numbers only, never a name.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CounterWindowState } from '@onedoor/protocol';
import { connectDisplay, type DisplayConnection } from './displaySocket.ts';

const STATE_WORDS: Record<CounterWindowState, string> = {
  idle: '空闲，请等候叫号 / Free',
  called: '请到本窗口办理 / Please come to this window',
  serving: '办理中 / Serving',
  paused: '暂停服务 / Closed',
};

/** The window number of `?window=N` (1-999), or null for the hall screen. */
export function windowParam(search: string): number | null {
  const raw = new URLSearchParams(search).get('window');
  if (raw === null || !/^\d{1,3}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 ? n : null;
}

export default function WindowDisplay({ window: no }: { window: number }) {
  const [link, setLink] = useState<DisplayConnection | null>(null);
  useEffect(() => {
    document.title = `${no}号窗口 / Window ${no} · OneDoor`;
    const conn = connectDisplay({ onBoard: () => undefined, onCall: () => undefined });
    setLink(conn);
    return () => conn.close();
  }, [no]);
  const board = link?.board.value ?? null;
  const view = board?.windows.find((w) => w.window === no) ?? null;
  const connected = (link?.connection.value ?? 'connecting') === 'connected';
  return (
    <main class="counter-screen" data-testid="counter-screen">
      <p class="counter-screen-window">{no}号窗口 / Window {no}</p>
      <p class="counter-screen-ticket" data-testid="counter-screen-ticket">{view?.ticketNumber ?? '—'}</p>
      <p class="counter-screen-state" data-testid="counter-screen-state">
        {!connected ? '正在连接… / Connecting…' : view ? STATE_WORDS[view.state] : '本窗口未配置 / Window not configured'}
      </p>
    </main>
  );
}
