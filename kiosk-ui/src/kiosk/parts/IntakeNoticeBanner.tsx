/**
 * The hall's words while intake is paused or closed for the day (README "Running the hall floor", day boundaries),
 * shown in place of the take-ticket and book buttons: big, plain, with what to do (the manager's message).
 */
import type { IntakeNotice } from '../../net/intakeState.ts';
import { useText } from '../KioskContext.ts';

const LEAD = {
  paused: { zh: '暂停取号', en: 'Tickets are paused' },
  closed: { zh: '今日已停止取号', en: 'No more tickets today' },
} as const;

export function IntakeNoticeBanner({ notice }: { notice: IntakeNotice }) {
  const t = useText();
  return (
    <div class="notices" data-testid="intake-notice" data-mode={notice.mode} role="status">
      <p class="notice notice-stop">
        <span class="notice-symbol" aria-hidden="true">⚠</span>
        <span>
          {t(LEAD[notice.mode])}：{notice.message}
        </span>
      </p>
    </div>
  );
}
