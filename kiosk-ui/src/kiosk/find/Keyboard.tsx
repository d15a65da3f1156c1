import { useText } from '../KioskContext.ts';
import { FIND_TEXT } from './findTexts.ts';

/**
 * The on-screen keyboard for search (README "Finding a service"): the letters in alphabetical order in rows of seven
 * (many elderly citizens know their pinyin, not a typewriter layout), keys as large as the mode's touch target, and
 * Delete and Clear spelled out.
 */
const ROWS = ['abcdefg', 'hijklmn', 'opqrst', 'uvwxyz'];

export function Keyboard({ onKey, onDelete, onClear }: { onKey: (letter: string) => void; onDelete: () => void; onClear: () => void }) {
  const t = useText();
  return (
    <div class="keyboard" data-testid="keyboard" role="group" aria-label={t(FIND_TEXT.search)}>
      {ROWS.map((row) => (
        <div class="keyboard-row" key={row}>
          {[...row].map((k) => (
            <button type="button" key={k} class="btn btn-secondary key" data-testid={`key-${k}`} onClick={() => onKey(k)}>
              {k.toUpperCase()}
            </button>
          ))}
        </div>
      ))}
      <div class="keyboard-row">
        <button type="button" class="btn btn-secondary key key-wide" data-testid="key-delete" onClick={onDelete}>⌫ {t(FIND_TEXT.delete)}</button>
        <button type="button" class="btn btn-secondary key key-wide" data-testid="key-clear" onClick={onClear}>✕ {t(FIND_TEXT.clear)}</button>
      </div>
    </div>
  );
}
