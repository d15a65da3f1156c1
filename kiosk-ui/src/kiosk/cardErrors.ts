/**
 * `cardError` codes (contract CardErrorCode) -> a reason and what to do next, in words a citizen understands
 * (hall-rules.md: "The refusal says why"; "errors say what to do next (e.g. call staff)").
 */
import type { CardErrorCode } from '@onedoor/protocol';
import type { Bilingual } from '../i18n/lang.ts';
import type { CardRefusal } from './privacy.ts';

export interface CardErrorMessage {
  reason: Bilingual;
  action: Bilingual;
}

const PLACE_AGAIN: Bilingual = { zh: '请取走身份证后重新放置', en: 'Please take your ID card away and place it again.' };
const CALL_STAFF: Bilingual = { zh: '请联系工作人员', en: 'Please ask a staff member for help.' };

export const CARD_ERROR_MESSAGES: Record<CardErrorCode, CardErrorMessage> = {
  placeAgain: {
    reason: { zh: '未能读取身份证', en: 'Your ID card could not be read.' },
    action: PLACE_AGAIN,
  },
  unsupportedCard: {
    reason: { zh: '暂不支持此类证件', en: 'This kind of card is not supported here.' },
    action: { zh: '请使用居民身份证、居住证或永久居留身份证，或联系工作人员', en: 'Please use a resident ID card, residence permit or permanent residence ID card, or ask a staff member.' },
  },
  invalidData: {
    reason: { zh: '证件信息无法核验', en: 'The information on this card could not be verified.' },
    action: { zh: '请重新放置身份证；如仍无法办理，请联系工作人员', en: 'Please place the card again; if it still fails, ask a staff member.' },
  },
  expired: {
    reason: { zh: '此证件已过有效期', en: 'This card has expired.' },
    action: { zh: '请使用有效证件，或到服务窗口咨询', en: 'Please use a valid card, or ask at a service counter.' },
  },
  readerFault: {
    reason: { zh: '读卡器暂时无法使用', en: 'The card reader is not working right now.' },
    action: CALL_STAFF,
  },
};

/** A refused card will be refused again if placed again: send the citizen to a person instead. */
const ASK_AT_COUNTER: Bilingual = { zh: '请到服务窗口咨询工作人员', en: 'Please ask at a service counter.' };

/** A card the bridge read but refused (expired, bad check character, birth date not matching the number). */
export function refusalMessage(refusal: CardRefusal): CardErrorMessage {
  if (refusal.code === 'expired') {
    // Our own short reason: the bridge's words end with the same advice as the action line, said twice otherwise.
    return CARD_ERROR_MESSAGES.expired;
  }
  return { reason: refusal.words ?? CARD_ERROR_MESSAGES.invalidData.reason, action: ASK_AT_COUNTER };
}

/** Read errors ("could not read") as opposed to a card read and refused (expired, bad number...). */
export function isReadError(code: string): boolean {
  return code !== 'expired' && Object.hasOwn(CARD_ERROR_MESSAGES, code);
}

/** Unknown codes (a newer bridge) still get a reason and a next step instead of a blank screen. */
export function cardErrorMessage(code: string): CardErrorMessage {
  return Object.hasOwn(CARD_ERROR_MESSAGES, code)
    ? CARD_ERROR_MESSAGES[code as CardErrorCode]
    : { reason: CARD_ERROR_MESSAGES.placeAgain.reason, action: PLACE_AGAIN };
}
