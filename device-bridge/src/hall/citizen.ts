/**
 * The citizen as the hall services see them: the one key (hall-rules.md "一号申办": the number on the card) and
 * the two facts rules need (birth date for 65+ priority, name for printed copies). Built from a validated Holder
 * by the session; services never receive the Holder itself (no address, no photo).
 */
import { holderDisplayName, holderNumber, maskIdNumber, type Holder } from '@onedoor/protocol';
import type { HallDay } from '../store/hallStore.ts';

export interface Citizen {
  number: string;
  name: string;
  /** ISO `YYYY-MM-DD`. */
  birthDate: string;
  /**
   * The card's valid-until (`YYYY-MM-DD` or `长期`), when the citizen comes from a card read: a kiosk linked to a
   * hall sends it so the hall can check the expiry in its own clock (hallLink/linkedCitizen.ts).
   */
  validUntil?: string;
}

/** Age for the green channel (hall-rules.md "elderly 65+ by birth date"). */
export const ELDERLY_AGE = 65;

export function citizenFromHolder(h: Holder): Citizen {
  return { number: holderNumber(h), name: holderDisplayName(h), birthDate: h.birthDate, validUntil: h.validUntil };
}

/** True when the citizen has turned `ELDERLY_AGE` on or before `today` (a 29 February birthday counts from 1 March). */
export function isElderly(birthDate: string, today: HallDay): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return false;
  const y = Number(m[1]) + ELDERLY_AGE;
  const leapBirthday = m[2] === '02' && m[3] === '29';
  const birthdayThatYear = leapBirthday && !isLeap(y) ? `${y}-03-01` : `${y}-${m[2]}-${m[3]}`;
  return birthdayThatYear <= today;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** The masked form used on every view and paper (hall-rules.md "Privacy"). */
export const maskedNumberOf = (c: Pick<Citizen, 'number'>): string => maskIdNumber(c.number);
