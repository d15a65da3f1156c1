/**
 * How a kiosk print reaches the printer and how it ends for the citizen (tickets, appointment
 * slips, certificate copies, progress slips; printer out of paper -> say so, offer the result on
 * screen and a later reprint, as in escpos.md "Paper out in the middle of a ticket").
 *
 * What is printed comes from the hall's print recipes (hall/printRecipes.ts: the standard ticket layout with real
 * data, slips and the certificate copy, masked numbers only). Every print goes through the printer driver's job
 * queue (devices/printer: a job is confirmed only by its own process ID; an interrupted job is printed again whole,
 * with the reprint mark, once the printer is back).
 */
import type { KioskPrintOutcome } from '@onedoor/protocol';
import type { DeviceSet } from '../devices/deviceSet.ts';
import { DeviceCommandError } from '../devices/errors.ts';
import { PrinterDriver, buildTicketJob, type PrintJobRequest } from '../devices/printer/index.ts';
import { buildAppointmentSlip, buildCertificateCopyPrint, buildPostSlip, buildProgressSlip, queueTicketData,
  type PrintRecipeOptions } from '../hall/printRecipes.ts';
import type { ApplicationView } from '../hall/applications.ts';
import type { AppointmentView } from '../hall/appointments.ts';
import type { CertificateCopy } from '../hall/certificates.ts';
import type { TicketView } from '../hall/queue.ts';
import type { PostSlipView } from '../hall/resultCollection.ts';
import { DocPrinterDriver, type CopyPurpose, type DocPrintRecipe } from '../devices/ippPrinter/index.ts';

/** Hall name printed on tickets and slips unless configured: config `site.hallName` (config/site.ts). */
export { DEFAULT_HALL_NAME } from '../config/site.ts';

/** The first printer of the bridge (a kiosk has one ticket printer), or null. */
export function kioskPrinter(devices: DeviceSet): PrinterDriver | null {
  for (const d of devices.list()) if (d instanceof PrinterDriver) return d;
  return null;
}

/** The bridge's A4 document printer (kind docprinter), or null: then certificate copies are 80 mm slips. */
export function kioskDocPrinter(devices: DeviceSet): DocPrinterDriver | null {
  for (const d of devices.list()) if (d instanceof DocPrinterDriver) return d;
  return null;
}

/** The A4 copy's job: the PDF is made by the document printer's driver at print time (devices/ippPrinter). */
export function a4CertificateCopyJob(c: CertificateCopy, opts: PrintRecipeOptions, purpose: CopyPurpose, kioskName: string): { recipe: DocPrintRecipe } {
  const verifyUrl = opts.verifyBaseUrl ? `${opts.verifyBaseUrl}?p=${encodeURIComponent(c.payload)}` : c.payload;
  return { recipe: { kind: 'a4CertificateCopy', input: { copy: c, verifyUrl, purpose, hallName: opts.hallName, kioskName } } };
}

/** What `printForKiosk` needs of a printer: the ticket printer and the A4 document printer both have it. */
export interface KioskPrintTarget<R> {
  submit(request: R, opts: { requestId?: string }): { job: { id: string } };
  waitForJob(jobId: string, signal?: AbortSignal): Promise<{ jobId: string; state: 'confirmed' }>;
  jobs(limit: number): Array<{ jobId: string; state: KioskPrintOutcome['state'] & string }>;
}

/** Recipe options for a bridge at `publicUrl`: the certificate QR opens this bridge's /verify page. */
export function kioskRecipeOptions(hallName: string, publicUrl: string): PrintRecipeOptions {
  return { hallName, ticketQrBase: `${publicUrl}/display`, verifyBaseUrl: `${publicUrl}/verify` };
}

/** The standard ticket as the driver's recipe (the driver adds the process ID and, on a reprint, the mark). */
export function ticketPrintJob(t: TicketView, opts: PrintRecipeOptions, phoneUrl?: string): PrintJobRequest {
  return buildTicketJob(queueTicketData(t, opts, phoneUrl));
}

export function appointmentSlipJob(a: AppointmentView, opts: PrintRecipeOptions, clockText: (ms: number) => string, code?: string): PrintJobRequest {
  return { payload: buildAppointmentSlip(a, opts, clockText, code) };
}

export function progressSlipJob(a: ApplicationView, opts: PrintRecipeOptions): PrintJobRequest {
  return { payload: buildProgressSlip(a, opts) };
}

export function postSlipJob(p: PostSlipView, opts: PrintRecipeOptions): PrintJobRequest {
  return { payload: buildPostSlip(p, opts) };
}

export function certificateCopyJob(c: CertificateCopy, opts: PrintRecipeOptions): PrintJobRequest {
  return { payload: buildCertificateCopyPrint(c, opts) };
}

/**
 * Queues `request` and waits for it up to `waitMs`. Never throws: a printer that cannot print (paper out, cover
 * open, offline, not configured) gives an outcome saying so, and the job (when queued) stays in the queue and
 * prints once the printer is ready.
 */
export async function printForKiosk<R = PrintJobRequest>(printer: KioskPrintTarget<R> | null, request: R, requestId: string,
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
