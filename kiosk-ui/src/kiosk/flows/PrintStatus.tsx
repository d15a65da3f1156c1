/**
 * How a print went, live (issue 5 function 7: "printer out of paper -> say so, offer the result on screen and a
 * later reprint"). The command's outcome says what happened first; `printJob` updates then say when a held job was
 * printed after all (the driver prints the whole job again with the reprint mark once the printer is back).
 */
import type { KioskPrintOutcome } from '@onedoor/protocol';
import { useKiosk, useText } from '../KioskContext.ts';
import { FLOW_TEXT } from './flowTexts.ts';
import { isPaperOut, printKindOf } from './printKind.ts';

export function PrintStatus({ outcome }: { outcome: KioskPrintOutcome }) {
  const { hall } = useKiosk();
  const t = useText();
  const live = outcome.jobId ? hall.jobs.value.get(outcome.jobId) : undefined;
  const kind = printKindOf(outcome, live);
  const paperOut = isPaperOut(outcome, live);
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
    </section>
  );
}
