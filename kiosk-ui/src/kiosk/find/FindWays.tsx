/**
 * The ways in on the home screen (README "Finding a service"), each one tap: the catalogue's life events, the search
 * keyboard, the services most used in this hall, and the departments (办事指南).
 */
import { useKiosk, useText } from '../KioskContext.ts';
import { catalogueName } from '../catalogueNames.ts';
import { CatalogueName } from '../parts/CatalogueName.tsx';
import { useHallQuery } from '../flows/useHall.ts';
import { FIND_TEXT } from './findTexts.ts';

export function FindWays() {
  const t = useText();
  const { store } = useKiosk();
  const lang = store.lang.value;
  const [view] = useHallQuery('services.finder', {});
  const finder = view.phase === 'ok' ? view.result : null;
  const mostUsed = finder ? finder.mostUsed.map((id) => finder.services.find((s) => s.id === id)).filter((s) => s !== undefined) : [];
  return (
    <section class="find-ways" data-testid="find-ways">
      <div class="find-row">
        <button type="button" class="btn btn-primary btn-big find-search" data-testid="find-search"
          onClick={() => store.dispatch({ type: 'find', start: { kind: 'search' } })}>
          {t(FIND_TEXT.search)}
        </button>
        <button type="button" class="btn btn-secondary btn-big" data-testid="find-departments"
          onClick={() => store.dispatch({ type: 'open', feature: 'guidance' })}>
          {t(FIND_TEXT.byDepartment)}
        </button>
      </div>
      {finder && finder.lifeEvents.length > 0 && (
        <div class="find-group">
          <h2 class="action-text find-heading">{t(FIND_TEXT.lifeEvents)}</h2>
          <p class="body-text hint">{t(FIND_TEXT.lifeEventsHint)}</p>
          <div class="event-grid">
            {finder.lifeEvents.map((e) => (
              <button type="button" key={e.code} class="btn btn-secondary event" data-testid={`life-event-${e.code}`}
                onClick={() => store.dispatch({ type: 'find', start: { kind: 'lifeEvent', code: e.code } })}>
                {catalogueName(e.name, lang)}
              </button>
            ))}
          </div>
        </div>
      )}
      {mostUsed.length > 0 && (
        <div class="find-group">
          <h2 class="action-text find-heading">{t(FIND_TEXT.mostUsed)}</h2>
          <div class="most-used">
            {mostUsed.map((s) => (
              <button type="button" key={s.id} class="btn btn-secondary most-used-item service-choice" data-testid={`most-used-${s.id}`}
                onClick={() => store.dispatch({ type: 'find', start: { kind: 'service', id: s.id } })}>
                <span class="service-choice-name"><CatalogueName zh={s.name} /></span>
                <span class="service-choice-where"><CatalogueName zh={s.departmentName} /></span>
              </button>
            ))}
          </div>
        </div>
      )}
    </section>
  );
}
