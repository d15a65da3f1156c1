/**
 * What the kiosk prints and how a print ends for the citizen (issue 5: tickets, appointment slips, certificate
 * copies, progress slips; function 7 "printer out of paper -> say so, offer the result on screen and a later
 * reprint").
 *
 * Every print goes through the printer driver's job queue (devices/printer: a job is confirmed only by its own
 * process ID; interrupted jobs are printed again whole with the reprint mark once the printer is back). The queue
 * ticket uses the standard ticket recipe (escpos.md "The standard queue ticket"); slips and copies are ESC/POS text
 * built here (the driver adds the reprint mark and the process-ID tail to raw jobs).
 *
 * Only masked numbers are printed (hall-rules.md "Privacy").
 */
import { EscPosEncoder, type KioskApplication, type KioskAppointment, type KioskCertificateCopy, type KioskPrintOutcome,
  type KioskTicket } from '@onedoor/protocol';
import type { DeviceSet } from '../devices/deviceSet.ts';
import { DeviceCommandError } from '../devices/errors.ts';
import { PrinterDriver, buildTicketJob, type PrintJobRequest } from '../devices/printer/index.ts';

/** Hall name printed on tickets and slips unless configured (escpos.md example ticket). */
export const DEFAULT_HALL_NAME = '广东省政务服务中心';

/** The first printer of the bridge (a kiosk has one ticket printer), or null. */
export function kioskPrinter(devices: DeviceSet): PrinterDriver | null {
  for (const d of devices.list()) if (d instanceof PrinterDriver) return d;
  return null;
}

/** Ticket-number QR: where the hall display shows the ticket (the bridge serves /display). */
export function ticketQrUrl(publicUrl: string, t: Pick<KioskTicket, 'number' | 'day'>): string {
  return `${publicUrl}/display?ticket=${encodeURIComponent(t.number)}&d=${t.day.replace(/-/g, '')}`;
}

export function ticketPrintJob(t: KioskTicket, hallName: string, publicUrl: string): PrintJobRequest {
  const priority = t.priority === 'appointment' ? '（预约优先）' : t.priority ? '（绿色通道）' : '';
  return buildTicketJob({
    hallName,
    number: t.number,
    category: `${t.categoryName}${priority}`,
    waiting: t.ahead,
    time: t.issuedAtText,
    qrUrl: ticketQrUrl(publicUrl, t),
    footer: '请留意叫号，过号需重新取号。办理完毕请对本次服务作出评价。',
  });
}

function slip(title: string, hallName: string, body: (enc: EscPosEncoder) => void): PrintJobRequest {
  const enc = new EscPosEncoder().initialize().align('center').bold(true).line(hallName).bold(false)
    .size(2).line(title).size(1).line('').align('left');
  body(enc);
  enc.feed(3).cut('partial');
  return { payload: enc.encode() };
}

export function appointmentSlipJob(a: KioskAppointment, hallName: string, printedAtText: string): PrintJobRequest {
  return slip('预约凭条', hallName, (enc) => {
    enc.line(`事项：${a.serviceName}`)
      .line(`日期：${a.day}`)
      .line(`时段：${a.start}-${a.end}`)
      .line(`证件号码：${a.maskedNumber}`)
      .line(`预约编号：${a.id}`)
      .line('')
      // hall-rules.md "Appointments": check-in from 30 min before to 15 min after the slot start.
      .line('请于时段开始前30分钟至开始后15分钟内')
      .line('在自助终端刷身份证签到。')
      .line(`打印时间：${printedAtText}`);
  });
}

export function progressSlipJob(a: KioskApplication, hallName: string, printedAtText: string): PrintJobRequest {
  return slip('办事进度', hallName, (enc) => {
    enc.line(`申办流水号：${a.serial}`)
      .line(`事项：${a.serviceName}`)
      .line(`申请人证件：${a.maskedNumber}`)
      .line(`当前状态：${a.statusName}`)
      .line(`法定时限：${a.timeLimitDays}个工作日，截止${a.timeLimit.dueDay}`)
      .line(`时限状态：${TIME_LIMIT_WORDS[a.timeLimit.state]}`);
    if (a.result) enc.line(`结果：${a.result}`);
    enc.line('').line('办理记录：');
    for (const h of a.history) enc.line(`${h.atText} ${h.statusName}${h.note ? ` ${h.note}` : ''}`);
    enc.line('').line(`打印时间：${printedAtText}`);
  });
}

/** Colour is never the only cue (hall-rules.md "Accessibility"): the slip says it in words. */
const TIME_LIMIT_WORDS: Record<KioskApplication['timeLimit']['state'], string> = {
  onTime: '正常', yellow: '临近时限', red: '已超时限', closed: '已办结',
};

/**
 * A certificate copy (hall-rules.md "Electronic certificates": statutory sentence, identifier, holder name and
 * masked number, dates, verification QR).
 */
export function certificateCopyJob(c: KioskCertificateCopy, hallName: string): PrintJobRequest {
  return slip(c.typeName, hallName, (enc) => {
    enc.line(`持证人：${c.holderName}`)
      .line(`证件号码：${c.maskedNumber}`)
      .line(`发证机关：${c.issuerName}`)
      .line(`发证日期：${c.issuedOn}`)
      .line(`有效期至：${c.expiresOn ?? '长期'}`)
      .line('证照标识：')
      .line(c.identifier)
      .line('')
      .bold(true).line(c.statement).bold(false)
      .line(`打印时间：${c.printedAtText}`)
      .align('center')
      // The payload is ~300 ASCII characters: module size 4 keeps the code within the 576-dot line.
      .qrCode(c.payload, { moduleSize: 4, level: 'M' })
      .line('扫码核验 Scan to verify');
  });
}

/**
 * Queues `request` and waits for it up to `waitMs`. Never throws: a printer that cannot print (paper out, cover
 * open, offline, not configured) gives an outcome saying so, and the job (when queued) stays in the queue and
 * prints once the printer is ready.
 */
export async function printForKiosk(printer: PrinterDriver | null, request: PrintJobRequest, requestId: string,
  waitMs: number): Promise<KioskPrintOutcome> {
  if (!printer) return { jobId: null, code: 'deviceNotReady', state: null, message: 'no ticket printer configured', pending: false };
  let jobId: string;
  try {
    jobId = printer.submit(request, { requestId }).job.id;
  } catch (err) {
    const code = err instanceof DeviceCommandError ? err.code : 'hardwareError';
    return { jobId: null, code, state: null, message: (err as Error).message, pending: false };
  }
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), Math.max(1, waitMs));
  try {
    const r = await printer.waitForJob(jobId, ac.signal);
    return { jobId: r.jobId, code: 'success', state: r.state, pending: false };
  } catch (err) {
    const code = err instanceof DeviceCommandError ? err.code : 'hardwareError';
    const state = printer.jobs(50).find((j) => j.jobId === jobId)?.state ?? null;
    const pending = state !== null && state !== 'canceled' && state !== 'failed' && state !== 'confirmed';
    return { jobId, code, state, message: (err as Error).message, pending };
  } finally {
    clearTimeout(timer);
  }
}
