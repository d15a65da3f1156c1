/**
 * The posting slip (邮寄回执, README "Collecting results (领取结果)") as the printer simulator reads it: the bridge's
 * ESC/POS bytes decoded and laid out on paper by the simulator's own decoder and composer, compared with the golden
 * text (format: simulators/src/printer/ticket-text.ts). Masked ID number and phone; the address as the citizen gave it.
 */
import { describe, expect, it } from 'vitest';
import { buildPostSlip } from '../../device-bridge/src/hall/printRecipes.ts';
import type { PostSlipView } from '../../device-bridge/src/hall/resultCollection.ts';
import { receiptText } from './intake-receipt.test.ts';

const VIEW: PostSlipView = {
  serial: 'GD20261105000003', serviceName: '社会保障卡补换', maskedNumber: '4401**********1231', recipient: '张三丰',
  address: '广州市天河区体育西路100号3栋1201房', maskedPhone: '138****8000', chosenAtText: '2026-11-25 09:12',
};

export const POST_SLIP_GOLDEN = [
  '[C][B]广东省政务服务中心[/B]',
  '[C][2x2]邮寄回执',
  '',
  '申办流水号：GD20261105000003',
  '事项：社会保障卡补换',
  '申请人证件号码：4401**********1231',
  '领取方式：邮寄送达',
  '收件人：张三丰',
  '邮寄地址：广州市天河区体育西路100号3栋1201房',
  '联系电话：138****8000',
  '登记时间：2026-11-25 09:12',
  '办理结果将由工作人员寄出，寄出后可在自助机查询。',
  '如地址有误，请持本回执到窗口更正。',
  '',
  '',
  '',
  '[CUT partial]',
].join('\n');

describe('posting slip (邮寄回执)', () => {
  it('prints the golden text, masked number and phone only', () => {
    const text = receiptText(buildPostSlip(VIEW, { hallName: '广东省政务服务中心' }));
    expect(text).toBe(POST_SLIP_GOLDEN);
    expect(text).not.toMatch(/\d{17}[\dX]/);
    expect(text).not.toContain('13800138000');
  });
});
