/**
 * The application form (README "Applying at the kiosk (接件受理)", "The form fills itself"): card fields read-only,
 * earlier values offered on a one-tap button, and input that needs no Chinese typing where possible: `choice` as
 * buttons, `digits` and `date` on a digit pad (a date is typed as 8 digits and shown as YYYY-MM-DD), and only short
 * `text` fields (addresses, units) in a text box. Each field shows its own problem (from the bridge or a missing one).
 */
import { useState } from 'preact/hooks';
import type { KioskIntakeDraft, KioskIntakeField } from '@onedoor/protocol';
import type { Bilingual } from '../../i18n/lang.ts';
import { useText } from '../KioskContext.ts';
import { APPLY_TEXT } from './applyTexts.ts';

export type FieldErrors = Record<string, Bilingual | undefined>;

const PAD_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

/** A date typed as digits, shown with its dashes as the bridge expects (2026-11-25). */
export function dateFromDigits(digits: string): string {
  const d = digits.replace(/\D/g, '').slice(0, 8);
  return [d.slice(0, 4), d.slice(4, 6), d.slice(6, 8)].filter((p) => p !== '').join('-');
}

function DigitPad({ field, value, onChange }: { field: KioskIntakeField; value: string; onChange(v: string): void }) {
  const t = useText();
  const digits = value.replace(/\D/g, '');
  const max = field.type === 'date' ? 8 : field.maxLength;
  const set = (d: string) => onChange(field.type === 'date' ? dateFromDigits(d) : d);
  return (
    <div class="digit-pad" role="group" aria-label={field.label} data-testid={`pad-${field.key}`}>
      {PAD_KEYS.map((k) => (
        <button type="button" key={k} class="btn btn-secondary key" data-testid={`pad-${field.key}-${k}`}
          disabled={digits.length >= max} onClick={() => set(digits + k)}>{k}</button>
      ))}
      <button type="button" class="btn btn-secondary key" data-testid={`pad-${field.key}-delete`} onClick={() => set(digits.slice(0, -1))}>
        {t(APPLY_TEXT.delete)}
      </button>
      <button type="button" class="btn btn-secondary key" data-testid={`pad-${field.key}-clear`} onClick={() => set('')}>
        {t(APPLY_TEXT.clear)}
      </button>
    </div>
  );
}

function FieldInput({ field, value, onChange }: { field: KioskIntakeField; value: string; onChange(v: string): void }) {
  const [padOpen, setPadOpen] = useState(false);
  if (field.type === 'choice') {
    return (
      <div class="item-actions" role="radiogroup" aria-label={field.label}>
        {(field.choices ?? []).map((c) => (
          <button type="button" key={c} role="radio" aria-checked={value === c} class={`btn ${value === c ? 'btn-primary' : 'btn-secondary'}`}
            data-testid={`choice-${field.key}`} data-value={c} onClick={() => onChange(c)}>{value === c ? '✓ ' : ''}{c}</button>
        ))}
      </div>
    );
  }
  if (field.type === 'digits' || field.type === 'date') {
    return (
      <>
        <button type="button" class="btn btn-secondary field-value" data-testid={`value-${field.key}`} onClick={() => setPadOpen(!padOpen)}>
          {value === '' ? '　' : value}
        </button>
        {padOpen && <DigitPad field={field} value={value} onChange={onChange} />}
      </>
    );
  }
  return (
    <input type="text" class="field-text" data-testid={`input-${field.key}`} aria-label={field.label} value={value}
      maxLength={field.maxLength} onInput={(e) => onChange((e.target as HTMLInputElement).value)} />
  );
}

export function FormStep({ draft, values, errors, onChange, onNext }: {
  draft: KioskIntakeDraft; values: Record<string, string>; errors: FieldErrors;
  onChange(key: string, value: string): void; onNext(missing: FieldErrors): void;
}) {
  const t = useText();
  const missing = (): FieldErrors => Object.fromEntries(draft.fields
    .filter((f) => f.origin !== 'card' && f.required && (values[f.key] ?? '').trim() === '')
    .map((f) => [f.key, APPLY_TEXT.required]));
  return (
    <div class="apply-form" data-testid="apply-form">
      {draft.fields.map((f) => {
        const error = errors[f.key];
        const value = values[f.key] ?? '';
        return (
          <div key={f.key} class={`item apply-field${error ? ' apply-field-error' : ''}`} data-testid="field" data-key={f.key}
            data-origin={f.origin ?? ''} data-invalid={error ? '1' : '0'}>
            <p class="action-text">{f.label}{f.origin === 'card' && <span class="body-text">（{t(APPLY_TEXT.fromCard)}）</span>}</p>
            {f.origin === 'card' ? <p class="body-text" data-testid={`card-${f.key}`}>{f.value}</p> : (
              <>
                {f.offered && f.offered !== value && (
                  <button type="button" class="btn btn-secondary" data-testid={`reuse-${f.key}`} onClick={() => onChange(f.key, f.offered!)}>
                    {t(APPLY_TEXT.reuse)}：{f.offered}
                  </button>
                )}
                <FieldInput field={f} value={value} onChange={(v) => onChange(f.key, v)} />
              </>
            )}
            {error && <p class="body-text status-line field-error" role="alert" data-testid={`error-${f.key}`}>⚠ {t(error)}</p>}
          </div>
        );
      })}
      <button type="button" class="btn btn-primary btn-big" data-testid="apply-next" onClick={() => onNext(missing())}>{t(APPLY_TEXT.next)}</button>
    </div>
  );
}
