/** 取号: choose a category, get the number on screen and on paper (hall-rules.md "Queue"). */
import { useState } from 'preact/hooks';
import type { KioskCompletion, KioskTicket, KioskTicketResult } from '@onedoor/protocol';
import { useText } from '../KioskContext.ts';
import { FEATURE_TEXT } from '../texts.ts';
import { Failure, QueryView } from './CallState.tsx';
import { FLOW_TEXT } from './flowTexts.ts';
import { PrintStatus } from './PrintStatus.tsx';
import { useHallAction, useHallQuery } from './useHall.ts';

/** The number as the citizen needs it: big, with the wait in words (shared by ticket and check-in results). */
export function TicketCard({ ticket }: { ticket: KioskTicket }) {
  const t = useText();
  return (
    <section class="ticket-card" data-testid="ticket-card" data-number={ticket.number}>
      <p class="body-text">{t(FLOW_TEXT.yourNumber)}</p>
      <p class="ticket-number" data-testid="ticket-number">{ticket.number}</p>
      <p class="action-text">
        {ticket.categoryName}
        {ticket.priority !== null && ` · ${t(FLOW_TEXT.green)}`}
      </p>
      {ticket.reused && <p class="body-text status-line">ⓘ {t(FLOW_TEXT.sameTicket)}</p>}
      <p class="body-text">
        {t(FLOW_TEXT.ahead)} <strong>{ticket.ahead}</strong> {t(FLOW_TEXT.people)} · {t(FLOW_TEXT.estimate)}{' '}
        <strong>{ticket.estimatedWaitMinutes}</strong> {t(FLOW_TEXT.minutes)}
      </p>
      <p class="body-text hint">{t(FLOW_TEXT.listen)}</p>
    </section>
  );
}

export function TicketScreen() {
  const t = useText();
  const [categories, reload] = useHallQuery('queue.categories', {});
  const action = useHallAction();
  const [taken, setTaken] = useState<KioskCompletion<KioskTicketResult> | null>(null);
  const take = async (category: string) => setTaken(await action.run('queue.take', { category }));
  return (
    <main class="screen screen-flow" data-screen="feature" data-feature="ticket">
      <h1 class="main-text">{t(FEATURE_TEXT.ticket.title)}</h1>
      {taken?.code === 'success' && taken.result ? (
        <>
          <TicketCard ticket={taken.result.ticket} />
          <PrintStatus outcome={taken.result.print} />
        </>
      ) : (
        <>
          <p class="action-text">{t(FLOW_TEXT.chooseCategory)}</p>
          {taken && <Failure completion={taken} />}
          <QueryView view={categories} onRetry={reload}>
            {(list) => (
              <div class="choice-list">
                {list.map((c) => (
                  <button type="button" key={c.letter} class="btn btn-primary btn-big choice" disabled={action.busy}
                    data-testid={`category-${c.letter}`} onClick={() => void take(c.letter)}>
                    <span class="choice-letter">{c.letter}</span> {c.name}
                  </button>
                ))}
              </div>
            )}
          </QueryView>
          {action.busy && <p class="body-text status-line" aria-busy="true">{t(FLOW_TEXT.working)}</p>}
        </>
      )}
    </main>
  );
}
