/** Words of collecting a finished result on the progress screen (README "Collecting results (领取结果)"). */
import type { ResultCollectionMode, ResultCollectionState } from '@onedoor/protocol';
import type { Bilingual } from '../../i18n/lang.ts';

export const RESULT_TEXT = {
  collect: { zh: '领取结果', en: 'Collect the result' },
  choose: { zh: '请选择领取方式', en: 'How would you like to get it?' },
  mode: {
    counter: { zh: '到窗口领取（取号）', en: 'At a counter (take a number)' },
    post: { zh: '邮寄到家', en: 'Send it by post' },
    electronic: { zh: '电子证照（存入我的证照）', en: 'Electronic (added to my certificates)' },
  } satisfies Record<ResultCollectionMode, Bilingual>,
  state: {
    waiting: { zh: '已登记邮寄，待寄出', en: 'Registered for post; not sent yet' },
    ticketIssued: { zh: '已取领取号，请等候叫号到窗口领取', en: 'You have a pickup number: wait for your call' },
    collected: { zh: '已领取', en: 'Collected' },
    posted: { zh: '已寄出', en: 'Sent by post' },
    issued: { zh: '已存入您的电子证照', en: 'Added to your electronic certificates' },
  } satisfies Record<ResultCollectionState, Bilingual>,
  pickupNumber: { zh: '领取号', en: 'Pickup number' },
  printAgain: { zh: '重新打印领取号', en: 'Print my pickup number again' },
  newNumber: { zh: '重新取领取号', en: 'Take a new pickup number' },
  /** After the window's number: 3号窗口 / 3 (window). */
  atWindow: { zh: '号窗口', en: ' (window)' },
  address: { zh: '邮寄地址', en: 'Postal address' },
  phone: { zh: '手机号码', en: 'Mobile number' },
  reuse: { zh: '使用上次填写', en: 'Use what I gave before' },
  confirmPost: { zh: '确认邮寄', en: 'Confirm: send by post' },
  cancel: { zh: '返回', en: 'Back' },
  certificate: { zh: '证照', en: 'Certificate' },
  seeCertificates: { zh: '可在“电子证照”中查看和打印', en: 'See and print it under "Certificates"' },
} as const;
