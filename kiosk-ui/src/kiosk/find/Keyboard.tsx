import { useText } from '../KioskContext.ts';
import { FIND_TEXT } from './findTexts.ts';

/**
 * The on-screen keyboard for search (README "Finding a service"): the letters in alphabetical order in rows of seven
 * (many elderly citizens know their pinyin, not a typewriter layout), keys as large as the mode's touch target.
 * Delete and Clear, spelled out, sit beside what was typed (EditKeys).
 */
const ROWS = ['abcdefg', 'hijklmn', 'opqrst', 'uvwxyz'];

export function Keyboard({ onKey }: { onKey: (letter: string) => void }) {
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
    </div>
  );
}

export function EditKeys({ onDelete, onClear }: { onDelete: () => void; onClear: () => void }) {
  const t = useText();
  return (
    <>
      <button type="button" class="btn btn-secondary key key-wide" data-testid="key-delete" onClick={onDelete}>⌫ {t(FIND_TEXT.delete)}</button>
      <button type="button" class="btn btn-secondary key key-wide" data-testid="key-clear" onClick={onClear}>✕ {t(FIND_TEXT.clear)}</button>
    </>
  );
}
