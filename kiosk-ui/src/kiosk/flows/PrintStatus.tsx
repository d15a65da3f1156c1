/**
 * How a print went, live (printer out of paper -> say so, offer the result on screen and a later
 * reprint; escpos.md "Paper out in the middle of a ticket"). The command's outcome says what
 * happened first; `printJob` updates then say when a held job was printed after all (the driver
 * prints the whole job again with the reprint mark once the printer is back).
 */
import { useEffect } from 'preact/hooks';
import type { KioskPrintOutcome } from '@onedoor/protocol';
import type { Bilingual } from '../../i18n/lang.ts';
import { useAnnounce, useKiosk, useText } from '../KioskContext.ts';
import { KIOSK_TEXT } from '../texts.ts';
import { FLOW_TEXT } from './flowTexts.ts';
import { isPaperOut, printKindOf, type PrintKind } from './printKind.ts';

const join = (a: Bilingual, b: Bilingual): Bilingual => ({ zh: `${a.zh.replace(/[。.]$/, '')}。${b.zh}`, en: `${a.en} ${b.en}` });

/** What is heard for each state of a print; the card reminder follows every finished print while the card lies there. */
export function printSentence(kind: PrintKind, paperOut: boolean, cardOnReader: boolean): Bilingual {
  const card = (s: Bilingual) => (cardOnReader ? join(s, KIOSK_TEXT.takeCard) : s);
  switch (kind) {
    case 'done':
      return card(FLOW_TEXT.printed);
    case 'reprinted':
      return card(FLOW_TEXT.reprinted);
    case 'held':
      return join(paperOut ? FLOW_TEXT.paperOut : FLOW_TEXT.printHeld, FLOW_TEXT.printHeldNext);
    case 'failed':
      return card(FLOW_TEXT.printFailed);
  }
}

export function PrintStatus({ outcome }: { outcome: KioskPrintOutcome }) {
  const { hall, store } = useKiosk();
  const t = useText();
  const announce = useAnnounce();
  const live = outcome.jobId ? hall.jobs.value.get(outcome.jobId) : undefined;
  const kind = printKindOf(outcome, live);
  const paperOut = isPaperOut(outcome, live);
  const cardOnReader = store.card.value !== 'removed';
  useEffect(() => {
    announce(printSentence(kind, paperOut, store.card.peek() !== 'removed'));
    if (kind === 'done' || kind === 'reprinted') store.markTaskDone();
  }, [kind, paperOut]);
  return (
    <section class={`print-status print-${kind}`} role="status" data-testid="print-status" data-print={kind}>
      {kind === 'done' && <p class="status-line action-text">✓ {t(FLOW_TEXT.printed)}</p>}
      {kind === 'reprinted' && <p class="status-line action-text">✓ {t(FLOW_TEXT.reprinted)}</p>}
      {kind === 'held' && (
        <>
          <p class="status-line action-text">
            <span aria-hidden="true">⚠ </span>
            {t(paperOut ? FLOW_TEXT.paperOut : FLOW_TEXT.printHeld)}
          </p>
          <p class="body-text">{t(FLOW_TEXT.printHeldNext)}</p>
        </>
      )}
      {kind === 'failed' && (
        <p class="status-line action-text">
          <span aria-hidden="true">⚠ </span>
          {t(FLOW_TEXT.printFailed)}
        </p>
      )}
      {kind !== 'held' && cardOnReader && (
        <p class="body-text status-line" data-testid="take-card-hint">
          <span aria-hidden="true">ⓘ </span>
          {t(KIOSK_TEXT.takeCard)}
        </p>
      )}
    </section>
  );
}
