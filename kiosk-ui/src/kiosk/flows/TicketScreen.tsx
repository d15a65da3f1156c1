/**
 * 取号: choose a category, get the number on screen and on paper (hall-rules.md "Queue"); or choose up to three in
 * order for one number served window after window (多窗联办; README "Running the hall floor", visits).
 */
import { useEffect, useState } from 'preact/hooks';
import type { KioskCompletion, KioskTicket, KioskTicketResult } from '@onedoor/protocol';
import { useAnnounce, useKiosk, useText } from '../KioskContext.ts';
import type { Bilingual } from '../../i18n/lang.ts';
import { catalogueName } from '../catalogueNames.ts';
import { CatalogueName } from '../parts/CatalogueName.tsx';
import { FEATURE_TEXT } from '../texts.ts';
import { Failure, QueryView } from './CallState.tsx';
import { FLOW_TEXT } from './flowTexts.ts';
import { PrintStatus } from './PrintStatus.tsx';
import { PhoneHandoffCard } from '../parts/PhoneHandoffCard.tsx';
import { useHallAction, useHallQuery } from './useHall.ts';
import { useIntakeNotice } from '../../net/intakeState.ts';
import { IntakeNoticeBanner } from '../parts/IntakeNoticeBanner.tsx';
import { visitSteps } from '../../net/site.ts';

/** The sentence heard when a number is given: the number and its category (not personal: the hall calls it aloud). */
export function ticketSentence(ticket: KioskTicket, lead?: Bilingual): Bilingual {
  const category = catalogueName(ticket.categoryName, 'en');
  return {
    zh: `${lead ? `${lead.zh}，` : ''}您的号码是${ticket.number}，${ticket.categoryName}，前面等候${ticket.ahead}人`,
    en: `${lead ? `${lead.en}. ` : ''}Your number is ${ticket.number}, ${category}. ${ticket.ahead} waiting ahead.`,
  };
}

/**
 * The number as the citizen needs it: big, with the wait in words (shared by ticket and check-in results); the
 * number and category are also spoken once, `lead` first (e.g. "签到成功").
 */
export function TicketCard({ ticket, lead }: { ticket: KioskTicket; lead?: Bilingual }) {
  const t = useText();
  const announce = useAnnounce();
  const { store } = useKiosk();
  useEffect(() => {
    announce(ticketSentence(ticket, lead));
    store.markTaskDone();
  }, [ticket.number]);
  return (
    <section class="ticket-card" data-testid="ticket-card" data-number={ticket.number}>
      <p class="body-text">{t(FLOW_TEXT.yourNumber)}</p>
      <p class="ticket-number" data-testid="ticket-number">{ticket.number}</p>
      <p class="action-text">
        <CatalogueName zh={ticket.categoryName} />
        {ticket.priority !== null && ` · ${t(FLOW_TEXT.green)}`}
      </p>
      {ticket.reused && <p class="body-text status-line">ⓘ {t(FLOW_TEXT.sameTicket)}</p>}
      {ticket.visit && (
        <>
          <p class="body-text">{t(FLOW_TEXT.visitSteps)}</p>
          <ol class="visit-steps" data-testid="ticket-visit">
            {ticket.visit.steps.map((s) => (
              <li key={s.position} data-state={s.state}><CatalogueName zh={s.categoryName} /></li>
            ))}
          </ol>
        </>
      )}
      <p class="body-text">
        {t(FLOW_TEXT.ahead)} <strong>{ticket.ahead}</strong> {t(FLOW_TEXT.people)} · {t(FLOW_TEXT.estimate)}{' '}
        <strong>{ticket.estimatedWaitMinutes}</strong> {t(FLOW_TEXT.minutes)}
      </p>
      <p class="body-text hint">{t(FLOW_TEXT.listen)}</p>
    </section>
  );
}

/** `text` with its `{n}` filled in. */
function withN(text: Bilingual, n: number): Bilingual {
  return { zh: text.zh.replace('{n}', String(n)), en: text.en.replace('{n}', String(n)) };
}

export function TicketScreen() {
  const t = useText();
  const [categories, reload] = useHallQuery('queue.categories', {});
  const action = useHallAction();
  const [taken, setTaken] = useState<KioskCompletion<KioskTicketResult> | null>(null);
  // Paused or closed intake (README "Running the hall floor"): the hall's words instead of the category buttons.
  const intake = useIntakeNotice();
  // null: one service per tap (as ever); a list: the visit being chosen, in order (多窗联办).
  const [visit, setVisit] = useState<string[] | null>(null);
  // How many services one number may carry (config visits.maxSteps, from GET /api/site).
  const maxSteps = visitSteps().value;
  const take = async (category: string, also: string[] = []) =>
    setTaken(await action.run('queue.take', also.length > 0 ? { category, also } : { category }));
  const choose = (letter: string) => {
    if (visit === null) return void take(letter);
    setVisit(visit.includes(letter) ? visit.filter((x) => x !== letter) : visit.length < maxSteps ? [...visit, letter] : visit);
  };
  return (
    <main class="screen screen-flow" data-screen="feature" data-feature="ticket">
      <h1 class="main-text">{t(FEATURE_TEXT.ticket.title)}</h1>
      {taken?.code === 'success' && taken.result ? (
        <>
          <TicketCard ticket={taken.result.ticket} />
          <PrintStatus outcome={taken.result.print} />
          {taken.result.phone && <PhoneHandoffCard phone={taken.result.phone} />}
        </>
      ) : intake ? (
        <IntakeNoticeBanner notice={intake} />
      ) : (
        <>
          <p class="action-text">{t(visit === null ? FLOW_TEXT.chooseCategory : withN(FLOW_TEXT.visitChoose, maxSteps))}</p>
          {taken && <Failure completion={taken} />}
          <QueryView view={categories} onRetry={reload}>
            {(list) => (
              <div class="choice-list">
                {list.map((c) => {
                  const step = visit?.indexOf(c.letter) ?? -1;
                  return (
                    <button type="button" key={c.letter} class="btn btn-primary btn-big choice" disabled={action.busy}
                      aria-pressed={visit === null ? undefined : step >= 0}
                      data-testid={`category-${c.letter}`} onClick={() => choose(c.letter)}>
                      <span class="choice-letter">{c.letter}</span> <CatalogueName zh={c.name} />
                      {step >= 0 && <span class="choice-step">{t(withN(FLOW_TEXT.visitStep, step + 1))}</span>}
                    </button>
                  );
                })}
              </div>
            )}
          </QueryView>
          <div class="visit-actions">
            {visit === null ? maxSteps > 1 && (
              <button type="button" class="btn btn-secondary btn-big" data-testid="visit-start" disabled={action.busy}
                onClick={() => setVisit([])}>{t(FLOW_TEXT.visitStart)}</button>
            ) : (
              <>
                <button type="button" class="btn btn-primary btn-big" data-testid="visit-take" disabled={action.busy || visit.length === 0}
                  onClick={() => void take(visit[0], visit.slice(1))}>{t(FLOW_TEXT.visitTake)}</button>
                <button type="button" class="btn btn-secondary btn-big" data-testid="visit-cancel"
                  onClick={() => setVisit(null)}>{t(FLOW_TEXT.visitCancel)}</button>
              </>
            )}
          </div>
          {action.busy && <p class="body-text status-line" aria-busy="true">{t(FLOW_TEXT.working)}</p>}
        </>
      )}
    </main>
  );
}
