/**
 * `/display`, the hall's big screen (README "For the hall: counter terminals and the hall display";
 * designed for 1920x1080): the latest call in large type, every window with the number it serves,
 * and the latest calls (number and window only, never a name). Each call is announced once, in
 * the order made and never over another (callAnnouncer.ts, settings from the board: README
 * "Running the hall floor"), and always shown as text; the calls already announced are remembered
 * per tab (spokenCalls.ts), so a reload or a reconnect does not repeat them. A language the
 * browser has no voice for is said on the status line. `/display?window=N` is the counter-top
 * screen above window N (WindowDisplay.tsx). No login: the page shows only what the hall shows
 * everyone.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { CounterWindowState, DisplayBoard, HallCallEvent } from '@onedoor/protocol';
import { hallName } from '../net/site.ts';
import { useIntakeNotice } from '../net/intakeState.ts';
import { CallAnnouncer, fallbackNote } from './callAnnouncer.ts';
import { browserChime, browserSpeechEngine } from './callSpeech.ts';
import WindowDisplay, { windowParam } from './WindowDisplay.tsx';
import { connectDisplay, type DisplayConnection } from './displaySocket.ts';
import { SpokenCalls, callsToCatchUp } from './spokenCalls.ts';
import './display.css';

const STATE_WORDS: Record<CounterWindowState, string> = {
  idle: '空闲',
  called: '请前往',
  serving: '办理中',
  paused: '暂停服务',
};

/** China Standard Time until the bridge says otherwise (hall/clock.ts: the hall's days are UTC+8). */
const DEFAULT_HALL_OFFSET_MINUTES = 480;

/** `HH:MM` on the hall's clock (the board's UTC offset), never the browser's time zone. */
export function hallTimeOf(ms: number, utcOffsetMinutes: number): string {
  const d = new Date(ms + utcOffsetMinutes * 60_000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

function useClock(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 10_000);
    return () => clearInterval(t);
  }, []);
  return now;
}

export default function DisplayRoute() {
  const counter = windowParam(typeof location === 'undefined' ? '' : location.search);
  return counter === null ? <HallDisplay /> : <WindowDisplay window={counter} />;
}

/** Re-reads the voice list when the browser finishes loading it (Chromium loads voices after the page). */
function useVoicesVersion(): number {
  const [n, setN] = useState(0);
  useEffect(() => {
    if (typeof speechSynthesis === 'undefined') return;
    const on = () => setN((x) => x + 1);
    speechSynthesis.addEventListener('voiceschanged', on);
    return () => speechSynthesis.removeEventListener('voiceschanged', on);
  }, []);
  return n;
}

function HallDisplay() {
  const spoken = useMemo(() => new SpokenCalls(), []);
  const engine = useMemo(() => browserSpeechEngine(), []);
  const announcer = useMemo(() => new CallAnnouncer(engine, browserChime()), [engine]);
  const [link, setLink] = useState<DisplayConnection | null>(null);
  useEffect(() => {
    document.title = '叫号显示屏 / Hall display · OneDoor';
    const announce = (c: HallCallEvent) => {
      // Claimed when queued: a reload while it waits or is read must not queue it again.
      if (spoken.claim(c.callId)) announcer.enqueue(c);
    };
    const conn = connectDisplay({
      onBoard: (b: DisplayBoard) => {
        announcer.configure(b.announce);
        callsToCatchUp(b.calls, b.serverTime, spoken).forEach(announce);
      },
      onCall: announce,
    });
    setLink(conn);
    return () => conn.close();
  }, [spoken, announcer]);
  useVoicesVersion();
  const now = useClock();
  const hall = hallName().value;
  const board = link?.board.value ?? null;
  const connection = link?.connection.value ?? 'connecting';
  const latest = board?.calls[0] ?? null;
  const offset = typeof board?.utcOffsetMinutes === 'number' ? board.utcOffsetMinutes : DEFAULT_HALL_OFFSET_MINUTES;
  const timeOf = (ms: number) => hallTimeOf(ms, offset);
  const note = board ? fallbackNote(board.announce ?? announcer.current, engine.voices()) : null;
  const intake = useIntakeNotice();
  return (
    <main class="display" data-testid="display">
      <header class="display-head">
        <h1>
          {hall && <span class="display-hall" data-testid="display-hall">{hall} · </span>}
          叫号信息 / Now calling
        </h1>
        <span class="display-clock" data-testid="display-clock">{timeOf(now)}</span>
      </header>
      {connection !== 'connected' && (
        <p class="display-link" role="status" data-testid="display-link">
          {connection === 'connecting' ? '正在连接… / Connecting…' : '连接中断，正在重连… / Link lost, reconnecting…'}
        </p>
      )}
      {note && (
        <p class="display-status" role="status" data-testid="display-status">{note}</p>
      )}
      {intake && (
        // Intake paused or closed for the day (README "Running the hall floor"): the hall's words, for everyone waiting.
        <p class="display-status" role="status" data-testid="display-intake" data-mode={intake.mode}>
          {intake.mode === 'paused' ? '暂停取号' : '今日已停止取号'}：{intake.message}
        </p>
      )}
      <section class="display-latest" aria-live="assertive" data-testid="display-latest">
        {latest ? (
          <>
            <p class="display-latest-text" data-call-id={latest.callId}>{latest.text}</p>
            <p class="display-latest-sub">
              Ticket {latest.ticketNumber}, please go to window {latest.window}
            </p>
          </>
        ) : (
          <p class="display-latest-none">请留意叫号 / Please wait for your number</p>
        )}
      </section>
      <div class="display-body">
        <section class="display-windows" aria-label="窗口 / Windows">
          {(board?.windows ?? []).map((w) => (
            <div class={`display-window display-window-${w.state}`} key={w.window} data-testid={`display-window-${w.window}`}>
              <span class="display-window-no">{w.window}号窗口</span>
              <span class="display-window-ticket">{w.ticketNumber ?? '—'}</span>
              <span class="display-window-state">{STATE_WORDS[w.state]}</span>
            </div>
          ))}
        </section>
        <section class="display-calls" aria-label="最近叫号 / Latest calls">
          <h2>最近叫号 / Latest calls</h2>
          <ol data-testid="display-calls">
            {(board?.calls ?? []).map((c) => (
              <li key={c.callId} data-call-id={c.callId}>
                <span class="display-call-time">{timeOf(c.at)}</span>
                <span class="display-call-number" data-testid="display-call-number">{c.ticketNumber}</span>
                <span class="display-call-window">→ {c.window}号窗口 / window {c.window}</span>
                {c.recall > 0 && <span class="display-call-recall">重呼 {c.recall} / recall</span>}
                {c.next && (
                  <span class="display-call-next" data-testid="display-call-next">{c.next.zh} / {c.next.en}</span>
                )}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </main>
  );
}
