/**
 * One action (a driver self-test or a simulator control) as a big touch-friendly button, with an inline form for
 * its arguments when it has any, and the outcome shown underneath (completion code, message, result).
 */
import { useState } from 'preact/hooks';
import { argsFromFields, shortJson } from '../format.ts';

export interface ActionOutcome {
  ok: boolean;
  /** e.g. `success`, `timeOut`, `400`. */
  code: string;
  message?: string;
  result?: unknown;
}

export interface ActionButtonProps {
  name: string;
  label?: string;
  help?: string;
  args?: string[];
  /** Preset argument values (the fields start with them). */
  preset?: Record<string, string>;
  disabled?: boolean;
  run: (args: Record<string, unknown>) => Promise<ActionOutcome>;
  testId?: string;
}

/** Arguments the console fills itself: every command already carries its own requestId (contract command.ts). */
const IMPLICIT_ARGS = new Set(['requestId']);

export function ActionButton(p: ActionButtonProps) {
  const args = (p.args ?? []).filter((a) => !IMPLICIT_ARGS.has(a));
  const [fields, setFields] = useState<Record<string, string>>(() => Object.fromEntries(args.map((a) => [a, p.preset?.[a] ?? ''])));
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const go = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome(await p.run(argsFromFields(fields)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="tech-action" data-testid={p.testId ?? `action-${p.name}`}>
      <div class="tech-action-row">
        <button type="button" class="tech-button" disabled={p.disabled || busy} title={p.help} onClick={() => void go()}>
          {busy ? '…' : (p.label ?? p.name)}
        </button>
        {args.map((a) => (
          <label class="tech-arg" key={a}>
            <span>{a}</span>
            <input
              value={fields[a] ?? ''}
              disabled={p.disabled}
              onInput={(e) => setFields({ ...fields, [a]: (e.currentTarget as HTMLInputElement).value })}
            />
          </label>
        ))}
      </div>
      {outcome && (
        <div class={`tech-outcome ${outcome.ok ? 'ok' : 'bad'}`} data-testid="outcome" data-code={outcome.code}>
          <strong>{outcome.code}</strong>
          {outcome.message ? ` · ${outcome.message}` : ''}
          {outcome.result !== undefined ? <code> {shortJson(outcome.result)}</code> : null}
        </div>
      )}
    </div>
  );
}
