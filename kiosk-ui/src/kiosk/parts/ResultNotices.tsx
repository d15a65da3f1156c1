import { useEffect, useState } from 'preact/hooks';
import type { KioskResultNotice } from '@onedoor/protocol';
import { useKiosk, useText } from '../KioskContext.ts';

const TEXT = {
  title: { zh: '办理结果通知', en: 'Results of your applications' },
  ack: { zh: '知道了', en: 'OK, got it' },
  outcome: {
    done: { zh: '已办结', en: 'Completed' },
    returned: { zh: '已退回', en: 'Returned' },
    rejected: { zh: '不予受理', en: 'Not accepted' },
    carriedOver: { zh: '已保留到下一工作日', en: 'Kept for the next day' },
    closedAtClosing: { zh: '今日已停止办理', en: 'Closed for today' },
  },
} as const;

/**
 * Result notices at the card read (README "Result notices (结果反馈)"): the citizen's unread notices (您申请的《…》已办结，
 * 可领取), asked once the bridge session exists, shown until the citizen taps 知道了, which marks them read at the hall.
 * The text is the hall's own plain Chinese (it names the service and the reason, never an ID number).
 */
export function ResultNotices() {
  const { hall } = useKiosk();
  const t = useText();
  const token = hall.token.value;
  const [notices, setNotices] = useState<KioskResultNotice[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setNotices([]);
    if (token === null) return;
    let live = true;
    void hall.call('notices.unread', {}).then((c) => {
      if (live && c.code === 'success' && Array.isArray(c.result)) setNotices(c.result);
    });
    return () => {
      live = false;
    };
  }, [hall, token]);
  if (notices.length === 0) return null;
  const acknowledge = async () => {
    setBusy(true);
    // Not marked (link down): hidden for now all the same, and shown again at the next card read.
    await hall.call('notices.ack', { ids: notices.map((n) => n.id) });
    setBusy(false);
    setNotices([]);
  };
  return (
    <section class="result-notices" role="alert" data-testid="result-notices">
      <h2 class="result-notices-title">{t(TEXT.title)}</h2>
      <ul>
        {notices.map((n) => (
          <li key={n.id} class={`result-notice result-${n.outcome}`} data-serial={n.serial}>
            <span class="result-badge">{t(TEXT.outcome[n.outcome])}</span>
            <span class="result-text body-text">{n.text}</span>
            <span class="result-when">{n.createdAtText}</span>
          </li>
        ))}
      </ul>
      <button type="button" class="btn btn-primary btn-big" data-testid="result-notices-ack" disabled={busy} onClick={() => void acknowledge()}>
        {t(TEXT.ack)}
      </button>
    </section>
  );
}
