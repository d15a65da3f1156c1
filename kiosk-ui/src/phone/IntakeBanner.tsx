/**
 * A small banner on the phone page (README "Running the hall floor", day boundaries): the hall's words while intake
 * is paused or closed for the day, and the closing notice of this ticket (closed, or kept for the next working day
 * under a new number). Kept apart from PhonePage so the page itself stays as it is.
 */
import type { PhoneTicketView } from '@onedoor/protocol';
import { useIntakeNotice } from '../net/intakeState.ts';

export function IntakeBanner({ view }: { view: PhoneTicketView }) {
  const notice = useIntakeNotice();
  if (view.closingNotice) {
    return (
      <section class="m-note m-intake" role="status" data-testid="phone-closing">
        <p class="m-big">{view.closingNotice.zh}</p>
        <p class="m-en">{view.closingNotice.en}</p>
      </section>
    );
  }
  if (!notice) return null;
  return (
    <section class="m-note m-intake" role="status" data-testid="phone-intake" data-mode={notice.mode}>
      <p>{notice.mode === 'paused' ? '大厅暂停取号' : '大厅今日已停止取号'}：{notice.message}</p>
      {view.status === 'waiting' && <p class="m-small">您已取号，请继续等候叫号。</p>}
    </section>
  );
}
