/** The citizen's tickets today; a tap opens the existing live ticket view (`#c=<capability>`). */
import type { PhoneMyTicket } from '@onedoor/protocol';
import { MeSection } from './MeSection.tsx';
import { useMe } from './useMe.ts';

const STATUS: Record<PhoneMyTicket['status'], string> = {
  waiting: '等候中', called: '正在叫号', serving: '办理中', done: '已办结', noShow: '已过号', canceled: '已取消',
};

export function MyTickets({ onEnded }: { onEnded: () => void }) {
  const [view] = useMe<PhoneMyTicket[]>('/api/m/me/tickets', onEnded);
  return (
    <MeSection title="我的号票" view={view} testid="me-tickets">
      {(list) => list.length === 0 ? <p>今天还没有取号。请在自助终端取号。</p> : (
        <ul class="m-list">
          {list.map((t) => (
            <li key={t.capability}>
              <a class="m-row m-link" href={`#c=${t.capability}`} data-testid="me-ticket">
                <b class="m-num">{t.number}</b> {t.categoryName} · {STATUS[t.status]}
              </a>
            </li>
          ))}
        </ul>
      )}
    </MeSection>
  );
}
