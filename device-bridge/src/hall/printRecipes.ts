/**
 * What the kiosk prints (the ticket in escpos.md "The standard queue ticket" layout, with real
 * data; appointment slip, certificate copy with the QR, progress slip), as ESC/POS bytes through
 * protocol's encoder. Pure functions of the services' views, which carry masked numbers only, so no
 * full number can reach paper (hall-rules.md "Privacy": "ID numbers are shown and printed masked").
 *
 * - The queue ticket is the standard layout (escpos.md "The standard queue ticket"): `queueTicketData` gives the
 *   fields for the printer driver's `standardTicket` recipe (the driver adds the process ID and, on a reprint, the
 *   reprint mark); `buildQueueTicket` gives the finished bytes with a process ID.
 * - Slips end with feed + partial cut and no process ID: the printer driver appends the job's own process-ID
 *   request to raw payloads (devices/printer/printJobRender.ts).
 */
import { EscPosEncoder, buildStandardTicket, type StandardTicketData } from '@onedoor/protocol';
import type { ApplicationView } from './applications.ts';
import type { AppointmentView } from './appointments.ts';
import type { CertificateCopy } from './certificates.ts';
import type { IntakeView } from './intake.ts';
import { chineseDate } from './clock.ts';
import type { TicketView } from './queue.ts';
import type { PostSlipView } from './resultCollection.ts';

export interface PrintRecipeOptions {
  hallName: string;
  /** Base of the ticket QR (`<base>/q/A012?d=20261125`), e.g. the hall's public queue page. */
  ticketQrBase?: string;
  /** Base of the verification URL in the certificate QR (`<base>?p=<payload>`); the raw payload when omitted. */
  verifyBaseUrl?: string;
  ticketFooter?: string;
}

export const DEFAULT_TICKET_FOOTER = '请留意叫号，过号需重新取号。办理完毕请对本次服务作出评价。';

const PRIORITY_NAMES: Record<NonNullable<TicketView['priority']>, string> = {
  appointment: '预约', elderly: '长者优先', disabled: '绿色通道', pregnant: '绿色通道',
};

/** Standard ticket fields for a ticket (no process ID: the printer driver owns it). */
export type QueueTicketData = Omit<StandardTicketData, 'processId' | 'reprintMark'>;

/**
 * `qrUrl`: the ticket's own phone page (README "The phone channel") where the hall can make one; otherwise the QR
 * opens the hall's queue page for the number.
 */
export function queueTicketData(t: TicketView, opts: PrintRecipeOptions, qrUrl?: string): QueueTicketData {
  const base = opts.ticketQrBase ?? 'https://hall.example';
  return {
    hallName: opts.hallName,
    number: t.number,
    category: t.priority ? `${t.categoryName}（${PRIORITY_NAMES[t.priority]}）` : t.categoryName,
    waiting: t.ahead,
    time: t.issuedAtText,
    qrUrl: qrUrl ?? `${base}/q/${t.number}?d=${t.day.replace(/-/g, '')}`,
    footer: opts.ticketFooter ?? DEFAULT_TICKET_FOOTER,
    // A visit of several services lists them in order (hall/visits.ts).
    ...(t.visit ? { steps: t.visit.steps.map((s) => s.categoryName) } : {}),
  };
}

export function buildQueueTicket(t: TicketView, opts: PrintRecipeOptions, processId: string): Uint8Array {
  return buildStandardTicket({ ...queueTicketData(t, opts), processId });
}

/** The common slip frame: hall name, title, label lines, optional QR, footer, feed and cut. */
function slip(opts: PrintRecipeOptions, title: string, lines: Array<[label: string, value: string] | string>,
  extra?: { qr?: string; footer?: string[] }): Uint8Array {
  const enc = new EscPosEncoder().initialize().align('center').bold(true).line(opts.hallName).bold(false)
    .size(2).line(title).size(1).line().align('left');
  for (const l of lines) enc.line(typeof l === 'string' ? l : `${l[0]}：${l[1]}`);
  if (extra?.qr) enc.line().align('center').qrCode(extra.qr, { moduleSize: 4, level: 'M' }).align('left');
  for (const f of extra?.footer ?? []) enc.line(f);
  return enc.feed(3).cut('partial').encode();
}

/** `code`: the appointment code (docs/mobile-codes.md) as a QR the kiosk's scanner checks in; none where it cannot be made. */
export function buildAppointmentSlip(a: AppointmentView, opts: PrintRecipeOptions, clockText: (ms: number) => string, code?: string): Uint8Array {
  return slip(opts, '预约凭条', [
    ['事项', a.serviceName],
    ['日期', chineseDate(a.day)],
    ['时段', `${a.start}-${a.end}`],
    ['证件号码', a.maskedNumber],
    ['签到时间', `${clockText(a.checkInOpensAt)} 至 ${clockText(a.checkInClosesAt)}`],
    ['预约编号', String(a.id)],
  ], { ...(code ? { qr: code } : {}), footer: [code ? '请在签到时间内到自助机刷身份证或扫描此码签到，' : '请在签到时间内到自助机刷身份证签到，',
    '逾时按现场取号办理。如需取消请于时段开始2小时前办理。'] });
}

/** The certificate copy: statutory sentence, identifier, holder name, masked number, dates, verification QR. */
export function buildCertificateCopyPrint(c: CertificateCopy, opts: PrintRecipeOptions): Uint8Array {
  const qr = opts.verifyBaseUrl ? `${opts.verifyBaseUrl}?p=${c.payload}` : c.payload;
  return slip(opts, c.typeName, [
    ['持证人', c.holderName],
    ['证件号码', c.maskedNumber],
    ['发证机关', c.issuerName],
    ['发证日期', chineseDate(c.issuedOn)],
    ['有效期至', c.expiresOn ? chineseDate(c.expiresOn) : '长期'],
    ['证照标识', c.identifier],
    ['打印时间', c.printedAtText],
  ], { qr, footer: [c.statement, '扫描二维码核验本件真伪。'] });
}

export function buildProgressSlip(app: ApplicationView, opts: PrintRecipeOptions): Uint8Array {
  const limitWords: Record<ApplicationView['timeLimit']['state'], string> = {
    onTime: '正常', yellow: '临近时限（黄灯）', red: '已超时限（红灯）', closed: app.timeLimit.finishedOnTime ? '已办结（按时）' : '已办结（超时）',
  };
  const lines: Array<[string, string] | string> = [
    ['申办流水号', app.serial],
    ['事项', app.serviceName],
    ['申请人证件号码', app.maskedNumber],
    ['当前状态', app.statusName],
    ['法定时限', `${app.timeLimitDays}个工作日，至${chineseDate(app.timeLimit.dueDay)}`],
    ['时限状态', limitWords[app.timeLimit.state]],
  ];
  if (app.result) lines.push(['结果', app.result]);
  lines.push('办理过程：');
  for (const h of app.history) lines.push(`  ${h.atText} ${h.statusName}${h.note ? `（${h.note}）` : ''}`);
  return slip(opts, '办理进度', lines);
}

const HOW_WORDS = { shared: '已由系统获取', commitment: '告知承诺', bring: '需提交' } as const;

/**
 * The application receipt (申请回执, README "Applying at the kiosk (接件受理)"): service, 申办流水号, masked holder,
 * each material and how it was satisfied, the commitments signed, the next step, the time limit and a QR to the
 * application's progress (`<progressBase>/p/<serial>`; the page asks for the card or the phone's capability, the
 * serial alone shows nothing personal).
 */
export function buildApplicationReceipt(a: IntakeView, opts: PrintRecipeOptions & { progressBase?: string }): Uint8Array {
  const lines: Array<[string, string] | string> = [
    ['申办流水号', a.serial],
    ['事项', a.serviceName],
    ['申请人证件号码', a.maskedNumber],
    ['提交时间', a.submittedAtText],
    ['当前状态', a.stateName],
    '申请材料：',
  ];
  for (const m of a.materials) {
    const detail = m.how === 'shared' ? `（${m.source}）` : m.how === 'bring' ? (m.ticket ? `（取号${m.ticket}）` : m.slot ? `（预约${m.slot}）` : '') : '';
    lines.push(`  ${m.name}：${HOW_WORDS[m.how]}${detail}`);
  }
  if (a.commitments.length > 0) {
    lines.push('告知承诺：');
    for (const c of a.commitments) lines.push(`  ${c.material}（文本${c.textVersion}，${c.signedAtText}刷证签署）`);
  }
  lines.push(['下一步', a.nextStep]);
  lines.push(['法定时限', `${a.timeLimitDays}个工作日，自受理之日起计算`]);
  return slip(opts, '申请回执', lines, {
    qr: `${opts.progressBase ?? opts.ticketQrBase ?? 'https://hall.example'}/p/${a.serial}`,
    footer: ['扫描二维码或在自助机刷身份证查询办理进度。', '承诺内容将依法核查，承诺不实将依法处理。'],
  });
}

/**
 * The posting slip (邮寄回执, README "Collecting results (领取结果)"): the citizen's note of where the result goes.
 * Masked ID number and phone; the address as given (the citizen's own copy).
 */
export function buildPostSlip(p: PostSlipView, opts: PrintRecipeOptions): Uint8Array {
  return slip(opts, '邮寄回执', [
    ['申办流水号', p.serial],
    ['事项', p.serviceName],
    ['申请人证件号码', p.maskedNumber],
    ['领取方式', '邮寄送达'],
    ['收件人', p.recipient],
    ['邮寄地址', p.address],
    ['联系电话', p.maskedPhone],
    ['登记时间', p.chosenAtText],
  ], { footer: ['办理结果将由工作人员寄出，寄出后可在自助机查询。', '如地址有误，请持本回执到窗口更正。'] });
}
