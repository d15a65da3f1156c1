import { useEffect, useState } from 'preact/hooks';
import { useText } from '../KioskContext.ts';
import { FIND_TEXT } from '../find/findTexts.ts';

/**
 * For a screen taller than the kiosk (README "Finding a service"): a bar above the navigation saying that there is
 * more below or above, with page buttons for people who do not swipe. It takes its own room in the column, so
 * nothing is ever hidden under it or under the navigation. `watch` changes whenever the screen changes.
 */
export function ScrollCue({ watch }: { watch: unknown }) {
  const t = useText();
  const [state, setState] = useState({ up: false, down: false });
  const [screen, setScreen] = useState<HTMLElement | null>(null);
  useEffect(() => {
    const el = document.querySelector<HTMLElement>('.kiosk > .screen');
    setScreen(el);
    if (!el) return;
    const measure = () => {
      // 2 px of slack: fractional layout sizes at some zoom levels.
      const up = el.scrollTop > 2;
      const down = el.scrollTop + el.clientHeight < el.scrollHeight - 2;
      setState((s) => (s.up === up && s.down === down ? s : { up, down }));
    };
    measure();
    el.addEventListener('scroll', measure, { passive: true });
    const resized = new ResizeObserver(measure);
    resized.observe(el);
    const changed = new MutationObserver(measure);
    changed.observe(el, { childList: true, subtree: true, characterData: true });
    return () => {
      el.removeEventListener('scroll', measure);
      resized.disconnect();
      changed.disconnect();
    };
  }, [watch]);
  if (!screen || (!state.up && !state.down)) return null;
  // Instant, not smooth: elderly mode has no animation (hall-rules.md), and a jump is easier to follow anyway.
  const page = (direction: 1 | -1) => screen.scrollBy({ top: direction * screen.clientHeight * 0.8 });
  return (
    <div class="scroll-cue" data-testid="scroll-cue" data-up={state.up ? '1' : '0'} data-down={state.down ? '1' : '0'}>
      <button type="button" class="btn btn-secondary" data-testid="page-up" disabled={!state.up} onClick={() => page(-1)}>
        ▲ {t(FIND_TEXT.pageUp)}
      </button>
      <p class="body-text status-line scroll-cue-text" role="status">
        {state.down ? `▼ ${t(FIND_TEXT.moreBelow)}` : `▲ ${t(FIND_TEXT.moreAbove)}`}
      </p>
      <button type="button" class="btn btn-primary" data-testid="page-down" disabled={!state.down} onClick={() => page(1)}>
        ▼ {t(FIND_TEXT.pageDown)}
      </button>
    </div>
  );
}
