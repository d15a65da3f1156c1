/**
 * `/m`, the citizen's own ticket on their phone (README "The phone channel"): number, people ahead and the estimated
 * wait, live; when called, "请到 N 号窗口" fills the screen, with vibration and a tone. Large text for elderly
 * citizens; no ID number and no name anywhere (the bridge sends none).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PhoneRefusal, PhoneTicketView } from '@onedoor/protocol';
import { alertHolder, announcementOf } from './callAlert.ts';
import { capabilityFrom, openTicketLink, type LinkState } from './ticketLink.ts';
import { IntakeBanner } from './IntakeBanner.tsx';

const LINK_WORDS: Record<LinkState, string> = {
  connecting: '正在连接…',
  live: '实时更新中',
  reconnecting: '网络中断，正在重新连接…',
};

function Status({ v }: { v: PhoneTicketView }) {
  switch (v.status) {
    case 'waiting':
      return (
        <section class="m-wait" data-testid="phone-waiting">
          <p class="m-big">
            前面还有 <b data-testid="phone-ahead">{v.ahead}</b> 人
          </p>
          <p>预计等候约 {v.estimatedWaitMinutes} 分钟</p>
          <p class="m-en">{v.ahead} ahead of you, about {v.estimatedWaitMinutes} min</p>
        </section>
      );
    case 'called':
      return (
        <section class="m-call" role="alert" data-testid="phone-call">
          <p class="m-huge">请到 {v.call?.window ?? ''} 号窗口</p>
          <p>{v.call?.text}</p>
          {v.call && v.call.recall > 0 ? <p>第 {v.call.recall + 1} 次呼叫</p> : null}
          <p class="m-en">Please go to window {v.call?.window}</p>
        </section>
      );
    case 'serving':
      return <section class="m-note" data-testid="phone-serving"><p class="m-big">正在 {v.call?.window ?? ''} 号窗口办理</p></section>;
    case 'done':
      return <section class="m-note" data-testid="phone-done"><p class="m-big">已办结，谢谢！</p><p>请对本次服务作出评价。</p></section>;
    case 'noShow':
      return (
        <section class="m-call m-missed" role="alert" data-testid="phone-noshow">
          <p class="m-huge">已过号</p>
          <p>请到自助机重新取号，或咨询工作人员。</p>
        </section>
      );
    default:
      return <section class="m-note" data-testid="phone-canceled"><p class="m-big">号票已取消</p></section>;
  }
}

/** The services of a visit in order (多窗联办), each with its state in words. */
function VisitSteps({ v }: { v: NonNullable<PhoneTicketView['visit']> }) {
  return (
    <ol class="m-steps" data-testid="phone-steps">
      {v.steps.map((s) => (
        <li key={s.position} data-state={s.state}>{s.categoryName} · {STEP_WORDS[s.state]}</li>
      ))}
    </ol>
  );
}

/** Where to go next: above the queue position once a step was finished, below the call while one is served. */
function NextStep({ v }: { v: PhoneTicketView }) {
  const next = v.visit?.next;
  if (!next) return null;
  return (
    <section class="m-note m-next" data-testid="phone-next">
      <p class="m-big">{next.zh}</p>
      <p class="m-en">{next.en}</p>
    </section>
  );
}

const STEP_WORDS = { waiting: '待办理', serving: '办理中', done: '已办结', skipped: '不在本号办理' } as const;

export function PhonePage({ hash }: { hash: string }) {
  const capability = capabilityFrom(hash);
  const [view, setView] = useState<PhoneTicketView | null>(null);
  const [refusal, setRefusal] = useState<PhoneRefusal | null>(null);
  const [link, setLink] = useState<LinkState>('connecting');
  // The first view only sets what was already announced: opening the page does not buzz for an old call.
  const announced = useRef<string | null | undefined>(undefined);

  useEffect(() => {
    if (!capability) return undefined;
    return openTicketLink(capability, {
      view: (v) => {
        const a = announcementOf(v);
        if (announced.current !== undefined && a !== null && a !== announced.current) alertHolder();
        announced.current = a;
        setRefusal(null);
        setView(v);
      },
      refused: setRefusal,
      state: setLink,
    });
  }, [capability]);

  if (!capability) {
    return (
      <main class="m-page" data-testid="phone-error">
        <p class="m-big">请用手机扫描号票上的二维码</p>
        <p class="m-en">Scan the QR code on your ticket.</p>
      </main>
    );
  }
  if (refusal && !view) {
    return (
      <main class="m-page" data-testid="phone-error" data-code={refusal.code}>
        <p class="m-big">{refusal.zh}</p>
        <p class="m-en">{refusal.en}</p>
      </main>
    );
  }
  if (!view) return <main class="m-page" aria-busy="true"><p class="m-big">{LINK_WORDS.connecting}</p></main>;
  return (
    <main class="m-page" data-status={view.status}>
      <header class="m-ticket">
        <p class="m-label">我的号票 My ticket</p>
        <p class="m-number" data-testid="phone-number">{view.number}</p>
        <p>{view.categoryName}</p>
        <p class="m-small">取号时间 {view.issuedAtText}</p>
      </header>
      <IntakeBanner view={view} />
      {view.status === 'waiting' && <NextStep v={view} />}
      <Status v={view} />
      {view.status !== 'waiting' && <NextStep v={view} />}
      {view.visit && <VisitSteps v={view.visit} />}
      <footer class="m-small" data-testid="phone-link" data-state={link}>
        {refusal ? refusal.zh : LINK_WORDS[link]}
      </footer>
    </main>
  );
}
