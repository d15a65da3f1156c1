/**
 * The kiosk form of a self-service item (README "Applying at the kiosk (接件受理)"): what the card fills, what the
 * citizen's earlier applications offer, and the field-by-field check of what was typed. Pure functions.
 *
 * Each refusal names the field and says what to change, in Chinese and English, so the screen can put it under the
 * field (hall-rules.md: say why and what next).
 */
import { maskIdNumber } from '@onedoor/protocol';
import type { IntakeCardSource, IntakeField, IntakeRecord } from '../store/intakeRecords.ts';
import type { Citizen } from './citizen.ts';

export interface FieldProblem {
  field: string;
  label: string;
  zh: string;
  en: string;
}

/** One field as the kiosk shows it: filled from the card (read-only), offered from earlier, or empty. */
export interface PrefilledField extends IntakeField {
  value: string;
  /** card: from the card, read-only; earlier: the last application's value offered with one tap; null: new. */
  origin: 'card' | 'earlier' | null;
  /** The earlier value offered (reuse fields), shown on a one-tap button; the citizen may type another. */
  offered: string | null;
}

/** Sex from the 17th digit of a mainland number (odd: male); '' when the number has no such digit. */
export function sexOfNumber(number: string): string {
  const d = number.length === 18 ? Number(number[16]) : NaN;
  return Number.isNaN(d) ? '' : d % 2 === 1 ? '男' : '女';
}

export function cardValue(c: Citizen, source: IntakeCardSource): string {
  switch (source) {
    case 'name': return c.name;
    case 'maskedNumber': return maskIdNumber(c.number);
    case 'birthDate': return c.birthDate;
    case 'sex': return sexOfNumber(c.number);
  }
}

/**
 * The form as the kiosk opens it: card fields filled, reuse fields offered from the newest earlier application that
 * has a value for the key (`earlier` oldest first, as the store lists them).
 */
export function prefillForm(fields: readonly IntakeField[], citizen: Citizen, earlier: readonly IntakeRecord[]): PrefilledField[] {
  return fields.map((f) => {
    if (f.fromCard) return { ...f, value: cardValue(citizen, f.fromCard), origin: 'card', offered: null };
    if (f.reuse) {
      const last = [...earlier].reverse().find((a) => (a.form[f.key] ?? '') !== '');
      if (last) return { ...f, value: last.form[f.key], origin: 'earlier', offered: last.form[f.key] };
    }
    return { ...f, value: '', origin: null, offered: null };
  });
}

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators and bidi overrides: nothing a touch keyboard
// types, and each can break a printed receipt or the clerk's screen.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function realDay(v: string): boolean {
  const m = DAY.exec(v);
  return m !== null && new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).toISOString().slice(0, 10) === v;
}

/**
 * Checks the submitted values against the form: every field's own problem (at most one per field, in form order)
 * plus values for keys the form does not have. Card fields are not checked here: the service fills them itself.
 */
export function checkForm(fields: readonly IntakeField[], values: Readonly<Record<string, unknown>>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const known = new Set(fields.map((f) => f.key));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) problems.push({ field: key, label: key, zh: '表单没有此项', en: 'the form has no such field' });
  }
  for (const f of fields) {
    if (f.fromCard) continue;
    const problem = fieldProblem(f, values[f.key]);
    if (problem) problems.push({ field: f.key, label: f.label, ...problem });
  }
  return problems;
}

function fieldProblem(f: IntakeField, raw: unknown): { zh: string; en: string } | null {
  if (raw !== undefined && typeof raw !== 'string') return { zh: `${f.label}须为文字`, en: `${f.label} must be text` };
  const v = (raw ?? '').trim();
  if (v === '') return f.required ? { zh: `请填写${f.label}`, en: `${f.label} is required` } : null;
  if (CONTROL.test(v)) return { zh: `${f.label}含有不可见的控制字符，请删除后重新输入`, en: `${f.label} contains control characters; retype it` };
  const length = [...v].length;
  switch (f.type) {
    case 'digits':
      if (!/^\d+$/.test(v)) return { zh: `${f.label}只能填数字`, en: `${f.label} takes digits only` };
      break;
    case 'date':
      if (!realDay(v)) return { zh: `${f.label}须为日期，如2026-11-25`, en: `${f.label} must be a date like 2026-11-25` };
      return null;
    case 'choice':
      if (!f.choices?.includes(v)) return { zh: `${f.label}请从选项中选择：${f.choices?.join('、')}`, en: `choose ${f.label} from the options` };
      return null;
    case 'text':
      break;
  }
  if (f.minLength !== undefined && length < f.minLength) {
    return f.minLength === f.maxLength
      ? { zh: `${f.label}须为${f.minLength}位，现为${length}位`, en: `${f.label} must be ${f.minLength} characters, has ${length}` }
      : { zh: `${f.label}至少${f.minLength}个字，现为${length}个`, en: `${f.label} needs at least ${f.minLength} characters, has ${length}` };
  }
  if (length > f.maxLength) {
    return { zh: `${f.label}最多${f.maxLength}个字，现为${length}个，请删减`, en: `${f.label} takes at most ${f.maxLength} characters, has ${length}; shorten it` };
  }
  return null;
}
