/**
 * The application receipt (申请回执, README "Applying at the kiosk (接件受理)") as the printer simulator reads it:
 * the bridge's ESC/POS bytes decoded and laid out on paper by the simulator's own decoder and composer, compared
 * with the golden text (format: simulators/src/printer/ticket-text.ts). Masked number only; each material with how
 * it was satisfied; the commitment with its text version and signing time; next step, time limit, progress QR.
 */
import { describe, expect, it } from 'vitest';
import { EscPosCommandDecoder } from '@onedoor/protocol';
import { TicketComposer, ticketToText, type PaperBlock } from '../../simulators/src/printer/index.ts';
import type { IntakeView } from '../../device-bridge/src/hall/intake.ts';
import { buildApplicationReceipt } from '../../device-bridge/src/hall/printRecipes.ts';

export function receiptText(bytes: Uint8Array): string {
  const composer = new TicketComposer();
  const blocks: PaperBlock[] = [];
  for (const cmd of new EscPosCommandDecoder().push(bytes)) blocks.push(...composer.apply(cmd));
  return ticketToText(blocks);
}

const VIEW: IntakeView = {
  serial: 'GD20261125000001', serviceId: 'D35-02', serviceName: '户口迁移（投靠）', state: 'pending', stateName: '待预审',
  maskedNumber: '4401**********1231', submittedAt: 0, submittedAtText: '2026-11-25 09:12',
  materials: [
    { name: '居民身份证', how: 'shared', source: '电子证照库：居民身份证' },
    { name: '共同居住承诺', how: 'commitment' },
    { name: '户主同意投靠书（原件）', how: 'bring', ticket: 'E001' },
  ],
  commitments: [{ material: '共同居住承诺', textVersion: 'v1', signedAtText: '2026-11-25 09:10' }],
  timeLimitDays: 20, nextStep: '请凭E001号到窗口提交需提交的材料，窗口预审后受理', reason: null, repeated: false,
};

export const RECEIPT_GOLDEN = [
  '[C][B]广东省政务服务中心[/B]',
  '[C][2x2]申请回执',
  '',
  '申办流水号：GD20261125000001',
  '事项：户口迁移（投靠）',
  '申请人证件号码：4401**********1231',
  '提交时间：2026-11-25 09:12',
  '当前状态：待预审',
  '申请材料：',
  '  居民身份证：已由系统获取（电子证照库：居民身份',
  '证）',
  '  共同居住承诺：告知承诺',
  '  户主同意投靠书（原件）：需提交（取号E001）',
  '告知承诺：',
  '  共同居住承诺（文本v1，2026-11-25 09:10刷证签署',
  '）',
  '下一步：请凭E001号到窗口提交需提交的材料，窗口预',
  '审后受理',
  '法定时限：20个工作日，自受理之日起计算',
  '',
  '[C][QR M4:https://hall.example/p/GD20261125000001]',
  '扫描二维码或在自助机刷身份证查询办理进度。',
  '承诺内容将依法核查，承诺不实将依法处理。',
  '',
  '',
  '',
  '[CUT partial]',
].join('\n');

describe('application receipt (申请回执)', () => {
  it('prints the golden text, masked number only', () => {
    const text = receiptText(buildApplicationReceipt(VIEW, { hallName: '广东省政务服务中心' }));
    expect(text).toBe(RECEIPT_GOLDEN);
    expect(text).not.toMatch(/\d{17}[\dX]/);
  });

  it('says the booked slot for materials to bring, and no commitment section without commitments', () => {
    const text = receiptText(buildApplicationReceipt({ ...VIEW, commitments: [], materials: [
      { name: '户主同意投靠书（原件）', how: 'bring', slot: '2026-11-26 09:00' }] }, { hallName: '大厅', progressBase: 'https://gd.example' }));
    // 48 half-width columns a line: the printer wraps the slot onto the next line.
    expect(text).toContain('  户主同意投靠书（原件）：需提交（预约2026-11-26\n 09:00）');
    expect(text).not.toContain('告知承诺：');
    expect(text).toContain('[C][QR M4:https://gd.example/p/GD20261125000001]');
  });
});
