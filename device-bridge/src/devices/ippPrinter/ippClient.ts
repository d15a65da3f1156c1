/**
 * IPP over HTTP (RFC 8010 section 4: `ipp://host:631/path` is `http://host:631/path`, POST, application/ipp) with
 * protocol's codec. Every failure is an `IppClientError` with a kind the driver maps to a device state:
 * - `unreachable`: no connection or no reply in time (printer off, wrong URI) -> offline;
 * - `malformed`: a reply that is not a whole IPP message (truncated, garbage, HTTP error page) -> hardwareError;
 * - `refused`: an IPP error status (e.g. client-error-document-format-not-supported) -> the job fails with the words.
 */
import {
  IPP_GROUP, IPP_OP, IPP_TAG, IppDecodeError, decodeIppMessage, encodeIppMessage, ippStatusOk,
  type IppMessage, type IppOutAttribute,
} from '@onedoor/protocol';

export type IppFailureKind = 'unreachable' | 'malformed' | 'refused';

export class IppClientError extends Error {
  constructor(readonly kind: IppFailureKind, message: string, readonly status?: number) {
    super(message);
    this.name = 'IppClientError';
  }
}

/** Status-code names for the words of a refusal (RFC 8011 appendix B), the ones a print client meets. */
const STATUS_NAMES: Record<number, string> = {
  0x0400: 'client-error-bad-request', 0x0401: 'client-error-forbidden', 0x0403: 'client-error-not-authorized',
  0x0404: 'client-error-not-possible', 0x0406: 'client-error-not-found', 0x040a: 'client-error-document-format-not-supported',
  0x040b: 'client-error-attributes-or-values-not-supported', 0x0500: 'server-error-internal-error',
  0x0501: 'server-error-operation-not-supported', 0x0506: 'server-error-not-accepting-jobs', 0x0507: 'server-error-busy',
};

export const ippStatusName = (code: number): string => STATUS_NAMES[code] ?? `0x${code.toString(16).padStart(4, '0')}`;

/** `ipp://h:p/x` -> `http://h:p/x` (631 when no port), `ipps://` -> `https://`. */
export function httpUrlOf(printerUri: string): string {
  const u = new URL(printerUri);
  if (u.protocol !== 'ipp:' && u.protocol !== 'ipps:') throw new Error(`not an IPP URI: ${printerUri}`);
  return `${u.protocol === 'ipps:' ? 'https' : 'http'}://${u.hostname.includes(':') ? `[${u.hostname}]` : u.hostname}:${u.port || '631'}${u.pathname}${u.search}`;
}

export class IppClient {
  private requestId = 1;
  private readonly url: string;

  constructor(readonly printerUri: string, private readonly opts: { userName: string; timeoutMs: number }) {
    this.url = httpUrlOf(printerUri);
  }

  /** One request; resolves with the decoded reply when its status is successful. */
  async request(op: number, operationAttributes: IppOutAttribute[], extra: { job?: IppOutAttribute[]; data?: Uint8Array;
    signal?: AbortSignal } = {}): Promise<IppMessage> {
    const groups: Array<{ tag: number; attributes: IppOutAttribute[] }> = [{
      tag: IPP_GROUP.operation,
      attributes: [
        { name: 'attributes-charset', tag: IPP_TAG.charset, value: 'utf-8' },
        { name: 'attributes-natural-language', tag: IPP_TAG.naturalLanguage, value: 'zh-cn' },
        { name: 'printer-uri', tag: IPP_TAG.uri, value: this.printerUri },
        { name: 'requesting-user-name', tag: IPP_TAG.name, value: this.opts.userName },
        ...operationAttributes,
      ],
    }];
    if (extra.job?.length) groups.push({ tag: IPP_GROUP.job, attributes: extra.job });
    const body = encodeIppMessage({ code: op, requestId: this.requestId++, groups, data: extra.data });
    const signals = [AbortSignal.timeout(this.opts.timeoutMs), ...(extra.signal ? [extra.signal] : [])];
    let res: Response;
    let bytes: Uint8Array;
    try {
      res = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/ipp' }, body: Buffer.from(body), signal: AbortSignal.any(signals) });
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = e.name === 'TimeoutError' ? `no reply within ${this.opts.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
      throw new IppClientError('unreachable', `printer ${this.printerUri} does not answer: ${why}`);
    }
    if (res.status !== 200) throw new IppClientError('malformed', `printer ${this.printerUri} answered HTTP ${res.status}, not an IPP reply`);
    let reply: IppMessage;
    try {
      reply = decodeIppMessage(bytes);
    } catch (err) {
      if (err instanceof IppDecodeError) throw new IppClientError('malformed', `printer ${this.printerUri}: ${err.message}`);
      throw err;
    }
    if (!ippStatusOk(reply.code)) {
      // The unsupported-attributes group names what the printer would not take (document-format: PDF refused).
      const unsupported = reply.groups.filter((g) => g.tag === IPP_GROUP.unsupported).flatMap((g) => g.attributes.map((a) => a.name));
      const what = unsupported.length ? ` (unsupported: ${unsupported.join(', ')})` : '';
      throw new IppClientError('refused', `printer ${this.printerUri} refused: ${ippStatusName(reply.code)}${what}`, reply.code);
    }
    return reply;
  }

  getPrinterAttributes(signal?: AbortSignal): Promise<IppMessage> {
    return this.request(IPP_OP.getPrinterAttributes, [{ name: 'requested-attributes', tag: IPP_TAG.keyword,
      value: ['printer-state', 'printer-state-reasons', 'printer-state-message', 'document-format-supported', 'printer-is-accepting-jobs'] }], { signal });
  }

  printJob(jobName: string, pdf: Uint8Array, signal?: AbortSignal): Promise<IppMessage> {
    return this.request(IPP_OP.printJob, [
      { name: 'job-name', tag: IPP_TAG.name, value: jobName },
      { name: 'document-format', tag: IPP_TAG.mimeMediaType, value: 'application/pdf' },
    ], { job: [{ name: 'media', tag: IPP_TAG.keyword, value: 'iso_a4_210x297mm' }], data: pdf, signal });
  }

  getJobAttributes(jobId: number, signal?: AbortSignal): Promise<IppMessage> {
    return this.request(IPP_OP.getJobAttributes, [
      { name: 'job-id', tag: IPP_TAG.integer, value: jobId },
      { name: 'requested-attributes', tag: IPP_TAG.keyword, value: ['job-id', 'job-state', 'job-state-reasons', 'job-name', 'job-impressions', 'job-impressions-completed'] },
    ], { signal });
  }

  /** All jobs the printer still knows (`which-jobs=all`), for finding a job by its name after a loss of contact. */
  getJobs(signal?: AbortSignal): Promise<IppMessage> {
    return this.request(IPP_OP.getJobs, [
      { name: 'which-jobs', tag: IPP_TAG.keyword, value: 'all' },
      { name: 'requested-attributes', tag: IPP_TAG.keyword, value: ['job-id', 'job-state', 'job-name'] },
    ], { signal });
  }

  cancelJob(jobId: number, signal?: AbortSignal): Promise<IppMessage> {
    return this.request(IPP_OP.cancelJob, [{ name: 'job-id', tag: IPP_TAG.integer, value: jobId }], { signal });
  }
}
