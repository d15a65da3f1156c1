/** The standard queue ticket (escpos.md) as the printer's text rendering (format: src/printer/ticket-text.ts). */
export const STANDARD_TICKET_TEXT = [
  '[C][B]广东省政务服务中心[/B]',
  '',
  '[C][4x4]A012',
  '[C]综合受理 · 前面还有 7 人等候',
  '[C]2026-11-25 09:31',
  '[C][QR M6:https://hall.example/q/A012?d=20261125]',
  // 29 full-width characters: the printer wraps after 24 (576 dots / 24).
  '[C]请留意叫号，过号需重新取号。办理完毕请对本次服务',
  '[C]作出评价。',
  '',
  '',
  '',
  '[CUT partial]',
].join('\n');
