/**
 * What the reader driver makes of a read: the validation verdict (hall-rules.md "One authentication": number check
 * character, birth date against the number, expiry with `长期` never expiring) and the MASKED view that may leave the
 * bridge (common rules "Privacy": first 4 + last 4 of the number visible, no photo). The full holder never leaves
 * the process; this module is the only place that turns it into something sendable.
 */
import {
  holderDisplayName,
  holderNumber,
  isHolderExpired,
  maskIdNumber,
  samStatusInfo,
  validateHolder,
  type CardErrorCode,
  type CardHolderView,
  type Holder,
  type HolderValidation,
} from '@onedoor/protocol';
import { CHINA_UTC_OFFSET_MINUTES, HallClock } from '../../hall/clock.ts';

/**
 * The hall's calendar day (`YYYY-MM-DD`, China Standard Time by default: hall/clock.ts) at `now`, whatever zone the
 * PC is set to: a card's last valid day is a day in China (hall-rules.md "One authentication": expiry), and the
 * hall's sessions judge it on the same clock. The PC's local date would be a day behind from 00:00 to 08:00 on a PC
 * set to UTC.
 */
export function hallIsoDate(now: number = Date.now(), utcOffsetMinutes = CHINA_UTC_OFFSET_MINUTES): string {
  return new HallClock(() => now, utcOffsetMinutes).today();
}

/** Validation verdict on `today` and the masked view carrying it. */
export function assessCard(holder: Holder, today: string): { validation: HolderValidation; view: CardHolderView } {
  const validation = validateHolder(holder, today);
  return { validation, view: cardHolderViewOf(holder, validation, today) };
}

/** The masked, sendable view of a holder with its validation verdict. */
export function cardHolderViewOf(holder: Holder, validation: HolderValidation, today: string): CardHolderView {
  const view: CardHolderView = {
    cardType: holder.cardType,
    name: holderDisplayName(holder),
    idNumberMasked: maskIdNumber(holderNumber(holder)),
    validUntil: holder.validUntil,
    expired: isHolderExpired(holder, today),
    valid: validation.ok,
  };
  if (!validation.ok) view.invalid = { reason: validation.reason, zh: validation.zh, en: validation.en };
  return view;
}

export interface CardErrorText {
  code: CardErrorCode;
  /** Chinese first (the citizen's language), English after; never personal data. */
  message: string;
}

const PLACE_AGAIN_ZH = '读卡失败，请取走证件后重新放置';
const PLACE_AGAIN_EN = 'the card could not be read; please take it away and place it again';

/**
 * The card error for a read that ended with SW3 `sw3` (spec "Status codes"; "After a read error the card must be
 * removed and placed again"). 40 (unrecognised card type) is not helped by placing again; everything else is.
 * Unknown values are reported with their hex value (spec: "report the hex value, never crash").
 */
export function cardErrorForReadStatus(sw3: number): CardErrorText {
  const s = samStatusInfo(sw3);
  const why = `SW3 0x${s.hex}: ${s.en} (${s.zh})`;
  if (sw3 === 0x40) {
    return { code: 'unsupportedCard', message: `无法识别的证件类型 / unsupported card type (${why})` };
  }
  return { code: 'placeAgain', message: `${PLACE_AGAIN_ZH} / ${PLACE_AGAIN_EN} (${why})` };
}

/** The card error for a read that got no (whole) reply in time: the card is in an unknown state, so place again. */
export function cardErrorForReadTimeout(ms: number): CardErrorText {
  return { code: 'placeAgain', message: `${PLACE_AGAIN_ZH} / ${PLACE_AGAIN_EN} (no complete reply within ${ms} ms)` };
}

/** The card error for a read whose data does not have the spec's layout. */
export function cardErrorForBadData(detail: string): CardErrorText {
  return { code: 'invalidData', message: `${PLACE_AGAIN_ZH} / ${PLACE_AGAIN_EN} (${detail})` };
}
