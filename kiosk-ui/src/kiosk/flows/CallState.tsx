import type { KioskCompletion } from '@onedoor/protocol';
import type { Bilingual } from '../../i18n/lang.ts';
import { useText } from '../KioskContext.ts';
import { KIOSK_TEXT } from '../texts.ts';
import { FLOW_TEXT } from './flowTexts.ts';
import type { CallView } from './useHall.ts';

/** Words for a completion that is not `success`: the bridge's refusal, or what to do next. */
export function failureWords(c: KioskCompletion): { title: Bilingual; body: Bilingual; paused: boolean } {
  if (c.code === 'deviceNotReady') {
    return { title: KIOSK_TEXT.servicePaused, body: c.refusal ?? KIOSK_TEXT.featurePaused, paused: true };
  }
  if (c.refusal) return { title: c.refusal, body: { zh: '', en: '' }, paused: false };
  if (c.code === 'timeOut') return { title: FLOW_TEXT.noAnswer, body: { zh: '', en: '' }, paused: true };
  return { title: FLOW_TEXT.failed, body: { zh: '', en: '' }, paused: false };
}

/** A refusal or failure on screen: symbol and words (colour is never the only cue), with a retry when it may help. */
export function Failure({ completion, onRetry }: { completion: KioskCompletion; onRetry?: () => void }) {
  const t = useText();
  const w = failureWords(completion);
  return (
    <section class="flow-failure" role="status" data-testid="flow-failure" data-code={completion.code} data-refusal={completion.refusal?.code ?? ''}>
      <p class="status-line action-text">
        <span aria-hidden="true">⚠ </span>
        {t(w.title)}
      </p>
      {t(w.body) !== '' && <p class="body-text">{t(w.body)}</p>}
      {onRetry && (w.paused || completion.code === 'timeOut') && (
        <button type="button" class="btn btn-secondary" onClick={onRetry}>
          {t(FLOW_TEXT.retry)}
        </button>
      )}
    </section>
  );
}

/** Loading / failure for a query; renders `children(result)` once it arrived. */
export function QueryView<T>({ view, onRetry, children }: { view: CallView<T>; onRetry: () => void; children: (result: T) => preact.ComponentChildren }) {
  const t = useText();
  if (view.phase === 'loading') {
    return (
      <p class="body-text status-line" data-testid="flow-loading" aria-busy="true">
        {t(FLOW_TEXT.loading)}
      </p>
    );
  }
  if (view.phase === 'failed') return <Failure completion={view.completion} onRetry={onRetry} />;
  return <>{children(view.result)}</>;
}
