/**
 * Collecting the result of a finished (办结) application (README "Collecting results (领取结果)"), the way chosen among
 * those the service item offers (catalogue `resultCollection`, default counter only):
 * - counter: a pickup ticket in the pickup category (config `results.pickupCategory`); finishing that ticket at a
 *   window, or a clerk's "record pickup", marks the result collected with the time and the window;
 * - post: the address (offered from the citizen's earlier kiosk forms) and phone; the dashboard lists the parcel
 *   until a manager marks it posted;
 * - electronic: the item's certificate is issued into the citizen's list at once.
 * One record per application (the table's key): a second tap, or a resend, answers the record already made; another
 * way after one was chosen is refused. Only the applicant's own finished application can be collected.
 */
import { maskIdNumber, type HallResultParcel, type HallResultRecorded, type HallResultsBoard, type HallUncollectedResult,
  type KioskResultOffer, type ResultCollectionMode, type ResultCollectionState } from '@onedoor/protocol';
import type { ApplicationRecord, HallRepository, HallStore, ServiceItemRecord, TicketRecord } from '../store/hallStore.ts';
import type { IntakeRecord } from '../store/intakeRecords.ts';
import type { ResultCollectionRecord } from '../store/resultRecords.ts';
import type { CertificateService, CertificateView } from './certificates.ts';
import { issueCertificateRecord } from './certificates.ts';
import type { Citizen } from './citizen.ts';
import { HallClock, addDays } from './clock.ts';
import { refuse } from './errors.ts';
import type { QueueService, TicketView } from './queue.ts';
import { DEFAULT_RESULTS_CONFIG, type ResultsConfig } from './resultConfig.ts';

/** The ways an item offers: the catalogue's, else counter only. */
export function collectionModesOf(item: Pick<ServiceItemRecord, 'resultCollection'>): ResultCollectionMode[] {
  return item.resultCollection && item.resultCollection.length > 0 ? item.resultCollection : ['counter'];
}

/** States in which the result has reached the citizen (nothing more to do). */
export const FINISHED_RESULT_STATES: readonly ResultCollectionState[] = ['collected', 'posted', 'issued'];

/** The earlier form keys that hold a postal address, best first (the catalogue's `reuse` fields). */
const ADDRESS_KEYS = ['mailAddress', 'address'] as const;

/** The newest non-empty value of the first of `keys` found in the citizen's earlier kiosk forms. */
export function earlierValue(earlier: readonly IntakeRecord[], keys: readonly string[]): string | null {
  for (const a of [...earlier].reverse()) {
    for (const k of keys) {
      const v = a.form[k]?.trim();
      if (v) return v;
    }
  }
  return null;
}

/** A phone shown or printed with its middle hidden: 138****5678. */
export function maskPhone(phone: string): string {
  return phone.length >= 8 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : phone;
}

export interface CollectRequest {
  citizen: Citizen;
  serial: string;
  mode: ResultCollectionMode;
  address?: string;
  phone?: string;
}

export interface CollectOutcome {
  offer: KioskResultOffer;
  /** post: what the posting slip prints (masked number and phone). */
  postSlip?: PostSlipView;
  /** counter: the pickup ticket (the same one on a second tap). */
  ticket?: TicketView;
  /** electronic: the certificate issued. */
  certificate?: CertificateView;
  /** true: the record existed already (a second tap or a resend); nothing new was made. */
  repeated: boolean;
}

/** What a posting slip prints (masked number and phone only). */
export interface PostSlipView {
  serial: string;
  serviceName: string;
  maskedNumber: string;
  recipient: string;
  address: string;
  maskedPhone: string;
  chosenAtText: string;
}

export class ResultCollectionService {
  readonly config: ResultsConfig;

  /** The queue category of pickup tickets (config `results.pickupCategory`). */
  get pickupCategory(): string {
    return this.config.pickupCategory;
  }

  constructor(
    private readonly store: HallStore,
    private readonly queue: Pick<QueueService, 'takeTicket' | 'ticket'>,
    private readonly certificates: Pick<CertificateService, 'list'>,
    private readonly clock: HallClock = new HallClock(),
    config: Partial<ResultsConfig> = {},
  ) {
    this.config = { ...DEFAULT_RESULTS_CONFIG, ...config };
  }

  /** The citizen's finished applications with the ways to collect each result, newest first. */
  async offers(citizen: Citizen): Promise<KioskResultOffer[]> {
    const done = (await this.store.listApplicationsOfApplicant(citizen.number)).filter((a) => a.status === 'done');
    if (done.length === 0) return [];
    const earlier = await this.store.listIntakes({ applicantNumber: citizen.number });
    const out: KioskResultOffer[] = [];
    for (const a of done) out.push(await this.offerOf(a, await this.store.getResultCollection(a.serial), earlier));
    return out;
  }

  private async offerOf(a: ApplicationRecord, rec: ResultCollectionRecord | undefined, earlier: readonly IntakeRecord[]): Promise<KioskResultOffer> {
    const item = await this.store.getServiceItem(a.serviceId);
    const modes = item ? collectionModesOf(item) : ['counter' as const];
    const ticket = rec?.ticketId != null ? await this.store.getTicket(rec.ticketId) : undefined;
    // A pickup ticket that can no longer be called is not shown as the number to wait with (asking again replaces it).
    const liveTicket = ticket && (rec?.state !== 'ticketIssued' || this.callable(ticket)) ? ticket : undefined;
    const offersPost = !rec && modes.includes('post');
    return {
      serial: a.serial,
      serviceName: item?.name ?? a.serviceId,
      doneAt: a.updatedAt,
      doneAtText: this.clock.stamp(a.updatedAt),
      modes,
      mode: rec?.mode ?? null,
      state: rec?.state ?? null,
      ticketNumber: liveTicket?.number ?? null,
      certificateTypeName: rec?.mode === 'electronic' ? item?.resultCertificate?.typeName ?? null : null,
      earlierAddress: offersPost ? earlierValue(earlier, ADDRESS_KEYS) : null,
      earlierPhone: offersPost ? earlierValue(earlier, ['phone']) : null,
      collectedAtText: rec?.state === 'collected' && rec.finishedAt !== null ? this.clock.stamp(rec.finishedAt) : null,
      window: rec?.state === 'collected' ? rec.window : null,
    };
  }

  /** Chooses how the result is collected (see the file comment). */
  async collect(req: CollectRequest): Promise<CollectOutcome> {
    const a = await this.store.getApplication(req.serial);
    if (!a || a.applicantNumber !== req.citizen.number) refuse('unknownApplication', '未找到您的这件申请', `no application ${req.serial} of yours`);
    if (a.status !== 'done') {
      refuse('resultNotReady', '该申请尚未办结，暂不能领取结果', `application ${a.serial} is not finished (办结) yet`);
    }
    const item = await this.store.getServiceItem(a.serviceId);
    const modes = item ? collectionModesOf(item) : ['counter' as const];
    if (!modes.includes(req.mode)) {
      refuse('resultModeNotOffered', '该事项不提供这种领取方式，请重新选择', `${item?.name ?? a.serviceId} does not offer ${req.mode}`);
    }
    const existing = await this.store.getResultCollection(a.serial);
    if (existing) return this.repeat(a, existing, req);

    const now = this.clock.now();
    const base: ResultCollectionRecord = {
      serial: a.serial, mode: req.mode, state: 'waiting', applicantNumber: a.applicantNumber, recipient: null, address: null,
      phone: null, ticketId: null, certificateId: null, chosenAt: now, finishedAt: null, window: null, finishedBy: null, updatedAt: now,
    };
    let ticket: TicketView | undefined;
    let record: ResultCollectionRecord;
    if (req.mode === 'counter') {
      // The pickup ticket first (its own transaction, one waiting ticket per person per category): a second tap
      // racing this one gets the same ticket, and only one record is stored below.
      ticket = await this.queue.takeTicket(req.citizen, this.config.pickupCategory);
      record = { ...base, state: 'ticketIssued', ticketId: ticket.id };
    } else if (req.mode === 'post') {
      const address = (req.address ?? '').trim();
      const phone = (req.phone ?? '').trim();
      if (address.length < 6 || address.length > 100) {
        refuse('addressInvalid', '请填写完整的邮寄地址（6至100个字）', 'please give the full postal address (6 to 100 characters)');
      }
      if (!/^1\d{10}$/.test(phone)) refuse('addressInvalid', '请填写11位手机号码，便于快递联系', 'please give an 11-digit mobile number for the courier');
      record = { ...base, recipient: req.citizen.name, address, phone };
    } else {
      record = { ...base, state: 'issued', finishedAt: now };
    }
    const stored = await this.store.withTransaction(async (tx) => {
      const again = await tx.getResultCollection(a.serial);
      if (again) return { record: again, made: false };
      if (req.mode === 'electronic') {
        const cert = item?.resultCertificate;
        if (!cert) refuse('resultModeNotOffered', '该事项暂不能出具电子证照，请选择其他领取方式', `${a.serviceId} names no certificate to issue`);
        const today = this.clock.dayOf(now);
        const issued = await issueCertificateRecord(tx, {
          typeName: cert.typeName, typeCode: cert.typeCode, issuerName: cert.issuerName, issuerCode: cert.issuerCode,
          holderNumber: req.citizen.number, holderName: req.citizen.name, issuedOn: today,
          expiresOn: cert.validYears ? addDays(today, Math.round(cert.validYears * 365.25) - 1) : null,
        });
        record = { ...record, certificateId: issued.identifier };
      }
      await tx.insertResultCollection(record);
      return { record, made: true };
    });
    if (!stored.made) return this.repeat(a, stored.record, req);
    return this.outcome(a, stored.record, false, req.citizen, ticket);
  }

  /**
   * A choice already made: the same answer for the same way; another way is refused. A pickup ticket that can no
   * longer be called (an earlier day's, or marked no-show) is replaced by a new one today: the citizen came back.
   */
  private async repeat(a: ApplicationRecord, rec: ResultCollectionRecord, req: CollectRequest): Promise<CollectOutcome> {
    if (rec.mode !== req.mode) {
      refuse('resultAlreadyChosen', '该结果已选择其他领取方式，如需更改请咨询工作人员', `the result of ${a.serial} is already to be collected by ${rec.mode}`);
    }
    if (rec.state !== 'ticketIssued' || rec.ticketId === null) return this.outcome(a, rec, true, req.citizen, undefined);
    const old = await this.store.getTicket(rec.ticketId);
    if (old && this.callable(old)) return this.outcome(a, rec, true, req.citizen, { ...(await this.queue.ticket(rec.ticketId)), reused: true });
    const ticket = await this.queue.takeTicket(req.citizen, this.config.pickupCategory);
    await this.store.updateResultCollection(a.serial, ['ticketIssued'], { state: 'ticketIssued', finishedAt: null, ticketId: ticket.id,
      updatedAt: this.clock.now() });
    return this.outcome(a, (await this.store.getResultCollection(a.serial))!, false, req.citizen, ticket);
  }

  /** A ticket of today that a window can still call or is serving. */
  private callable(t: TicketRecord): boolean {
    return t.day === this.clock.today() && (t.status === 'waiting' || t.status === 'called' || t.status === 'serving');
  }

  private async outcome(a: ApplicationRecord, rec: ResultCollectionRecord, repeated: boolean, citizen: Citizen,
    ticket: TicketView | undefined): Promise<CollectOutcome> {
    const offer = await this.offerOf(a, rec, []);
    return { offer, repeated, ...(ticket ? { ticket } : {}), ...(await this.certificateOf(citizen, rec)),
      ...(rec.mode === 'post' ? { postSlip: this.postSlipOf(rec, offer.serviceName) } : {}) };
  }

  private async certificateOf(citizen: Citizen, rec: ResultCollectionRecord): Promise<{ certificate?: CertificateView }> {
    if (rec.certificateId === null) return {};
    const c = (await this.certificates.list(citizen)).find((x) => x.identifier === rec.certificateId);
    return c ? { certificate: c } : {};
  }

  /** What the posting slip prints. */
  private postSlipOf(r: ResultCollectionRecord, serviceName: string): PostSlipView {
    return {
      serial: r.serial, serviceName, maskedNumber: maskIdNumber(r.applicantNumber),
      recipient: r.recipient ?? '', address: r.address ?? '', maskedPhone: maskPhone(r.phone ?? ''), chosenAtText: this.clock.stamp(r.chosenAt),
    };
  }

  /** A clerk hands the result out at `window` (with or without the pickup ticket). */
  async recordPickup(serial: string, window: number, by: string): Promise<HallResultRecorded> {
    const now = this.clock.now();
    const rec = await this.store.withTransaction(async (tx) => {
      const a = await tx.getApplication(serial);
      if (!a) refuse('unknownApplication', '未找到该申办件', `there is no application ${serial}`);
      if (a.status !== 'done') refuse('resultNotReady', '该申请尚未办结', `application ${serial} is not finished (办结) yet`);
      const r = await tx.getResultCollection(serial);
      if (!r) {
        // Handed out at the counter without a choice at the kiosk: recorded as a counter pickup.
        await tx.insertResultCollection({ serial, mode: 'counter', state: 'collected', applicantNumber: a.applicantNumber, recipient: null,
          address: null, phone: null, ticketId: null, certificateId: null, chosenAt: now, finishedAt: now, window, finishedBy: by, updatedAt: now });
      } else if (r.mode !== 'counter' || !(await tx.updateResultCollection(serial, ['waiting', 'ticketIssued'], { state: 'collected', finishedAt: now, window, finishedBy: by, updatedAt: now }))) {
        refuse('resultNotPending', `该结果已${r.state === 'collected' ? '领取' : r.state === 'posted' ? '邮寄' : r.state === 'issued' ? '以电子证照出具' : '选择邮寄'}，不能再登记窗口领取`,
          `the result of ${serial} is ${r.mode}/${r.state}: no pickup to record`);
      }
      return (await tx.getResultCollection(serial))!;
    });
    return this.recorded(rec);
  }

  /** A manager marks a parcel sent. */
  async markPosted(serial: string, by: string): Promise<HallResultRecorded> {
    const now = this.clock.now();
    const ok = await this.store.updateResultCollection(serial, ['waiting'], { state: 'posted', finishedAt: now, finishedBy: by, updatedAt: now });
    const rec = await this.store.getResultCollection(serial);
    if (!rec) refuse('unknownApplication', '未找到该邮寄件', `no result of ${serial} is to be posted`);
    if (!ok || rec.mode !== 'post') refuse('resultNotPending', '该件不在待邮寄列表中', `the result of ${serial} is ${rec.mode}/${rec.state}, not a parcel to send`);
    return this.recorded(rec);
  }

  private recorded(r: ResultCollectionRecord): HallResultRecorded {
    return { serial: r.serial, mode: r.mode, state: r.state, window: r.window, finishedAtText: r.finishedAt === null ? null : this.clock.stamp(r.finishedAt) };
  }

  /** The managers' board: parcels to send, and results not collected `uncollectedAfterDays` days after 办结. */
  async board(): Promise<HallResultsBoard> {
    const now = this.clock.now();
    const afterDays = this.config.uncollectedAfterDays;
    const parcels: HallResultParcel[] = [];
    for (const r of await this.store.listResultCollections(['waiting'])) {
      if (r.mode !== 'post') continue;
      const a = await this.store.getApplication(r.serial);
      parcels.push({
        serial: r.serial, serviceName: await this.serviceName(a), maskedNumber: maskIdNumber(r.applicantNumber),
        recipient: r.recipient ?? '', address: r.address ?? '', phone: r.phone ?? '', chosenAtText: this.clock.stamp(r.chosenAt),
      });
    }
    const uncollected: HallUncollectedResult[] = [];
    for (const a of await this.store.listDoneApplicationsBefore(now - afterDays * 86_400_000)) {
      const r = await this.store.getResultCollection(a.serial);
      if (r && (FINISHED_RESULT_STATES.includes(r.state) || r.mode === 'post')) continue;
      const ticket = r?.ticketId != null ? await this.store.getTicket(r.ticketId) : undefined;
      uncollected.push({
        serial: a.serial, serviceName: await this.serviceName(a), maskedNumber: maskIdNumber(a.applicantNumber),
        doneAtText: this.clock.stamp(a.updatedAt), days: Math.floor((now - a.updatedAt) / 86_400_000),
        mode: r?.mode ?? null, state: r?.state ?? null, ticketNumber: ticket?.number ?? null,
      });
    }
    return { afterDays, parcels, uncollected, counts: { parcelsToSend: parcels.length, uncollected: uncollected.length } };
  }

  private async serviceName(a: ApplicationRecord | undefined): Promise<string> {
    if (!a) return '';
    return (await this.store.getServiceItem(a.serviceId))?.name ?? a.serviceId;
  }
}

/**
 * The counter workflow's finish of a ticket (inside its transaction): a pickup ticket's result is collected at this
 * window. Returns the application's serial, or null when the ticket was no pickup ticket.
 */
export async function collectedByTicket(tx: HallRepository, ticketId: number, window: number, now: number): Promise<string | null> {
  const r = await tx.findResultCollectionByTicket(ticketId);
  if (!r || r.state !== 'ticketIssued') return null;
  await tx.updateResultCollection(r.serial, ['ticketIssued'], { state: 'collected', finishedAt: now, window, finishedBy: 'counter', updatedAt: now });
  return r.serial;
}
