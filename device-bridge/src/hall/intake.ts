/**
 * 接件受理 at the kiosk (README "Applying at the kiosk (接件受理)"): the citizen applies for a self-service item,
 * the clerk pre-reviews, managers check the commitments afterwards.
 *
 * - Materials: `shared` ones are attached with their source and never asked for; a material that allows a written
 *   commitment is satisfied by the commitment only when the session's citizen signed it by placing the SAME card again
 *   (a different card is refused and nothing is kept); everything else is to bring, with one ticket or the earliest
 *   appointment slot for all of it.
 * - A signed commitment lives in memory with the session until the submit records it (time, kiosk, text version,
 *   masked card), so leaving at any step records nothing.
 * - Submit is idempotent per (kiosk, requestId): a double tap, a reconnect or a resend through another instance gets
 *   the one application (the lookup and the insert run in one store transaction; the table's unique key backs it).
 * - The clerk accepts (受理: an application in the progress tracking with its statutory time limit starting now),
 *   returns with what to fix, or rejects with the legal reason; a decided application or another hall's is refused.
 * - Every commitment is a check item due `checkWithinWorkingDays` after submit; a commitment found false marks the
 *   applicant's later applications with commitments for manual review.
 */
import { maskIdNumber } from '@onedoor/protocol';
import type { HallDay, HallStore, HallRepository, MaterialRecord, ServiceItemRecord } from '../store/hallStore.ts';
import type { CommitmentRecord, IntakeMaterialOutcome, IntakeRecord, IntakeState, MaterialKind } from '../store/intakeRecords.ts';
import type { AppointmentService } from './appointments.ts';
import { APPLICATION_STATUS_NAMES } from './applications.ts';
import { loadWorkingCalendar } from './calendar.ts';
import type { Citizen } from './citizen.ts';
import { HallClock } from './clock.ts';
import { HallRuleError, refuse } from './errors.ts';
import { checkForm, prefillForm, type FieldProblem, type PrefilledField } from './intakeForm.ts';
import type { QueueService } from './queue.ts';
import { ResultNotices } from './notify/resultNotices.ts';

export const INTAKE_STATE_NAMES: Record<IntakeState, string> = {
  pending: '待预审', accepted: '受理', returned: '退回', rejected: '不予受理',
};

/** The form refused field by field (`formInvalid`); `fields` says what to change under each field. */
export class IntakeFormRefused extends HallRuleError {
  constructor(readonly fields: FieldProblem[]) {
    super('formInvalid', `有${fields.length}项需要修改：${fields.map((f) => f.zh).join('；')}`,
      `${fields.length} field(s) to change: ${fields.map((f) => f.en).join('; ')}`);
  }
}

/**
 * The card placed to sign is not the session's (README "Applying at the kiosk": the signing act is the applicant's own
 * card). Thrown where the card is read: here for the hall's own kiosks, at a linked kiosk's bridge for its own.
 */
export function refuseOtherCard(): never {
  refuse('cardMismatch', '这不是本次办事人的身份证，承诺未签署。请放置您本人的身份证', 'this is not the applicant\'s card: the commitment is not signed; place your own card');
}

export interface IntakeMaterialView {
  name: string;
  kind: MaterialKind;
  /** shared: where the system fetched it (已由系统获取). */
  source: string | null;
  /** commitment: the text signed with the card, and its version. */
  commitmentText: string | null;
  commitmentVersion: string | null;
}

export interface IntakeItemView {
  serviceId: string;
  serviceName: string;
  timeLimitDays: number;
  /** What the screen says up front: about how long applying takes here. */
  estimatedMinutes: number;
  materials: IntakeMaterialView[];
}

export interface IntakeDraft {
  item: IntakeItemView;
  fields: PrefilledField[];
}

export interface SignedCommitmentView {
  serviceId: string;
  material: string;
  textVersion: string;
  signedAt: number;
  signedAtText: string;
}

export interface IntakeView {
  serial: string;
  serviceId: string;
  serviceName: string;
  state: IntakeState;
  stateName: string;
  maskedNumber: string;
  submittedAt: number;
  submittedAtText: string;
  materials: IntakeMaterialOutcome[];
  commitments: Array<{ material: string; textVersion: string; signedAtText: string }>;
  timeLimitDays: number;
  /** What happens next, in the citizen's words (printed on the receipt). */
  nextStep: string;
  reason: string | null;
  /** The same submit came again (same kiosk and requestId): nothing new was created. */
  repeated: boolean;
}

/** What the clerk's counter page shows of one application (the form included: access is audited by the api). */
export interface ClerkIntakeView extends IntakeView {
  form: Array<{ key: string; label: string; value: string }>;
  /** The applicant has a commitment found false: check the commitments by hand. */
  commitmentReview: boolean;
  hallId: string;
}

export interface CommitmentCheckView {
  id: number;
  serial: string;
  serviceName: string;
  material: string;
  maskedNumber: string;
  kioskId: string;
  textVersion: string;
  signedAtText: string;
  dueDay: HallDay;
  state: CommitmentRecord['checkState'];
  overdue: boolean;
  checkedBy: string | null;
  note: string | null;
  /** The application was submitted after one of the applicant's commitments was found false: checked by hand. */
  reviewFlagged: boolean;
}

export interface IntakeOptions {
  /** Working days after the submit by which a commitment is checked (事后核查). Default 20. */
  checkWithinWorkingDays?: number;
}

/** Who decides at the counter: the staff login and the hall its session belongs to. */
export interface StaffActor {
  user: string;
  hallId: string;
}

export type ClerkDecision = { decision: 'accept' } | { decision: 'return' | 'reject'; reason: string };

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

export function materialKind(m: Pick<MaterialRecord, 'fetchedFrom' | 'commitmentAllowed'>): MaterialKind {
  return m.fetchedFrom ? 'shared' : m.commitmentAllowed ? 'commitment' : 'bring';
}

export function maskName(name: string): string {
  const chars = [...name];
  return chars.length === 0 ? '' : chars[0] + '*'.repeat(chars.length - 1);
}

/**
 * How long the hall holds a session's signed commitments after its last signature: far longer than any kiosk session
 * (one ends after a minute without a touch, hall-rules.md), so only a session whose end the hall was never told of
 * (a linked kiosk that crashed or lost power: hallLink/linkedIntake.ts) is dropped, with the holder's number in its
 * key (README "Applying at the kiosk": a session's personal data goes when it ends).
 */
export const SIGNATURES_HELD_MS = 30 * 60_000;

export class IntakeService {
  /** The hall the store is bound to (README "Running a district"): its applications carry it; a clerk of another is refused. */
  readonly hallId: string;
  private readonly checkWithin: number;
  /** Session key -> `serviceId\nmaterial` -> the signature (memory only, like the session). */
  private readonly signatures = new Map<string, Map<string, { at: number; kioskId: string; version: string }>>();

  constructor(
    private readonly store: HallStore,
    private readonly queue: QueueService,
    private readonly appointments: AppointmentService,
    private readonly clock: HallClock = new HallClock(),
    opts: IntakeOptions = {},
  ) {
    this.hallId = store.hallId;
    this.checkWithin = opts.checkWithinWorkingDays ?? 20;
  }

  private async selfService(serviceId: string, repo: HallRepository = this.store): Promise<{ service: ServiceItemRecord; materials: MaterialRecord[] }> {
    const service = await repo.getServiceItem(serviceId);
    if (!service) refuse('unknownService', '没有该事项，请重新选择', `there is no service ${serviceId}`);
    if (!service.selfApply) refuse('notSelfService', '该事项暂不支持自助申请，请取号到窗口办理', `${service.name} cannot be applied for at the kiosk; take a ticket`);
    return { service, materials: await repo.listMaterials(serviceId) };
  }

  private itemView(service: ServiceItemRecord, materials: MaterialRecord[]): IntakeItemView {
    return {
      serviceId: service.id, serviceName: service.name, timeLimitDays: service.timeLimitDays,
      // About 20 s per field and a minute per commitment read aloud and signed, at least 2 minutes.
      estimatedMinutes: Math.max(2, Math.ceil(((service.formFields?.length ?? 0) * 20) / 60 + materials.filter((m) => materialKind(m) === 'commitment').length)),
      materials: materials.map((m) => ({ name: m.name, kind: materialKind(m), source: m.fetchedFrom,
        commitmentText: m.commitmentText ?? null, commitmentVersion: m.commitmentVersion ?? null })),
    };
  }

  /** The items citizens may apply for here, in code order. */
  async items(): Promise<IntakeItemView[]> {
    const out: IntakeItemView[] = [];
    for (const s of await this.store.listServiceItems()) {
      if (s.selfApply) out.push(this.itemView(s, await this.store.listMaterials(s.id)));
    }
    return out;
  }

  /** The item and its form, filled from the card and offered from the citizen's earlier applications. */
  async start(citizen: Citizen, serviceId: string): Promise<IntakeDraft> {
    const { service, materials } = await this.selfService(serviceId);
    const earlier = await this.store.listIntakes({ applicantNumber: citizen.number });
    return { item: this.itemView(service, materials), fields: prefillForm(service.formFields ?? [], citizen, earlier) };
  }

  /**
   * Signs a commitment: `cardNumber` is the number of the card placed again. A card other than the session's is
   * refused and nothing is kept (README "Applying at the kiosk": the signing act is the applicant's own card).
   */
  async sign(sessionKey: string, citizen: Citizen, serviceId: string, material: string, cardNumber: string, kioskId: string): Promise<SignedCommitmentView> {
    const { materials } = await this.selfService(serviceId);
    const m = materials.find((x) => x.name === material && materialKind(x) === 'commitment' && x.commitmentText);
    if (!m) refuse('noCommitment', `“${material}”不能以告知承诺代替`, `"${material}" cannot be replaced by a commitment`);
    if (cardNumber !== citizen.number) refuseOtherCard();
    const at = this.clock.now();
    this.dropStaleSignatures(at);
    const mine = this.signatures.get(sessionKey) ?? new Map();
    mine.set(`${serviceId}\n${material}`, { at, kioskId, version: m.commitmentVersion ?? '' });
    this.signatures.set(sessionKey, mine);
    return { serviceId, material, textVersion: m.commitmentVersion ?? '', signedAt: at, signedAtText: this.clock.stamp(at) };
  }

  /** Drops the signatures of every session that signed nothing for SIGNATURES_HELD_MS (its end never came). */
  private dropStaleSignatures(now: number): void {
    for (const [key, signed] of this.signatures) {
      if (Math.max(...[...signed.values()].map((x) => x.at)) < now - SIGNATURES_HELD_MS) this.signatures.delete(key);
    }
  }

  /** Signed commitments held for sessions now (for tests and the health of a long-running hall). */
  get heldSignatureSessions(): number {
    return this.signatures.size;
  }

  /** Drops what a session signed (its end, or the citizen leaving the application). */
  forgetSession(sessionKey: string): void {
    this.signatures.delete(sessionKey);
  }

  /** Drops what every session whose key starts with `prefix` signed (a linked kiosk's session: hallLink/linkedIntake.ts). */
  forgetSessionsStartingWith(prefix: string): void {
    for (const key of this.signatures.keys()) if (key.startsWith(prefix)) this.signatures.delete(key);
  }

  /** Submits the reviewed application (see the file comment); `bringBy` when a material is to bring. */
  async submit(req: { sessionKey: string; citizen: Citizen; kioskId: string; requestId: string; serviceId: string;
    form: Record<string, unknown>; bringBy?: 'ticket' | 'slot';
    /**
     * The commitments (material names) the kiosk saw signed for this item in the session, when the signatures are held
     * elsewhere than the card is read (a linked kiosk: hallLink/linkedIntake.ts): one the service no longer holds (the
     * hall restarted since) is refused, never silently turned into a material to bring.
     */
    signedAtKiosk?: readonly string[] }): Promise<IntakeView> {
    const { citizen } = req;
    const before = await this.store.findIntakeByRequest(req.kioskId, req.requestId);
    if (before) return this.answerRepeat(before, citizen);
    const { service, materials } = await this.selfService(req.serviceId);
    const fields = service.formFields ?? [];
    const problems = checkForm(fields, req.form);
    if (problems.length > 0) throw new IntakeFormRefused(problems);
    const form: Record<string, string> = {};
    for (const f of prefillForm(fields, citizen, [])) {
      form[f.key] = f.origin === 'card' ? f.value : String(req.form[f.key] ?? '').trim();
    }
    this.dropStaleSignatures(this.clock.now());
    const signed = this.signatures.get(req.sessionKey);
    if (req.signedAtKiosk?.some((name) => !signed?.has(`${service.id}\n${name}`))) {
      refuse('commitmentLost', '承诺的签署记录已失效，请重新开始本次申请并签署承诺', 'the signed commitment is no longer held at the hall: start this application again and sign it');
    }
    const outcomes: IntakeMaterialOutcome[] = materials.map((m) => {
      const kind = materialKind(m);
      if (kind === 'shared') return { name: m.name, how: 'shared', source: m.fetchedFrom! };
      if (kind === 'commitment' && signed?.has(`${service.id}\n${m.name}`)) return { name: m.name, how: 'commitment' };
      return { name: m.name, how: 'bring' };
    });
    const toBring = outcomes.filter((o) => o.how === 'bring');
    if (toBring.length > 0 && !req.bringBy) {
      refuse('bringChoiceRequired', '有材料需到窗口提交，请选择取号或预约', 'some materials are handed in at a counter: choose a ticket or an appointment');
    }
    const bookableDays = req.bringBy === 'slot' ? await this.appointments.bookableDays() : [];
    const falseBefore = await this.store.countFalseCommitments(citizen.number);
    const at = this.clock.now();
    const day = this.clock.dayOf(at);

    let raced = false;
    const created = await this.store.withTransaction(async (tx) => {
      const earlier = await tx.findIntakeByRequest(req.kioskId, req.requestId);
      if (earlier) {
        raced = true;
        return earlier;
      }
      const cal = await loadWorkingCalendar(tx);
      if (toBring.length > 0) {
        const where = req.bringBy === 'ticket'
          ? { ticket: (await this.queue.issueIn(tx, { citizen, category: service.category })).ticket.number }
          : { slot: await this.earliestSlotIn(tx, citizen, service.id, bookableDays) };
        for (const o of toBring) Object.assign(o, where);
      }
      const seq = await tx.nextCounterValue(`application:${day}`);
      const record: IntakeRecord = {
        serial: `GD${day.replace(/-/g, '')}${String(seq).padStart(6, '0')}`, hallId: this.hallId, requestId: req.requestId,
        kioskId: req.kioskId, serviceId: service.id, applicantNumber: citizen.number, state: 'pending', form, materials: outcomes,
        commitmentReview: falseBefore > 0 && outcomes.some((o) => o.how === 'commitment'), submittedAt: at, submittedDay: day,
        decidedAt: null, decidedBy: null, reason: null,
      };
      await tx.insertIntake(record);
      for (const o of outcomes.filter((x) => x.how === 'commitment')) {
        const s = signed!.get(`${service.id}\n${o.name}`)!;
        await tx.addCommitment({ serial: record.serial, material: o.name, applicantNumber: citizen.number, signedAt: s.at,
          kioskId: s.kioskId, textVersion: s.version, cardMasked: maskIdNumber(citizen.number),
          dueDay: cal.addWorkingDays(day, this.checkWithin) });
      }
      return record;
    });
    if (raced) return this.answerRepeat(created, citizen);
    for (const m of materials) signed?.delete(`${service.id}\n${m.name}`);
    return this.view(created, false);
  }

  private async answerRepeat(a: IntakeRecord, citizen: Citizen): Promise<IntakeView> {
    if (a.applicantNumber !== citizen.number) {
      refuse('requestReused', '请求编号已被使用，请重新提交', 'this requestId was used for another application; submit again');
    }
    return this.view(a, true);
  }

  /** Books the earliest slot with room on the bookable days (or keeps the citizen's booking for the item that day). */
  private async earliestSlotIn(tx: HallRepository, citizen: Citizen, serviceId: string, days: readonly HallDay[]): Promise<string> {
    const until = await this.appointments.lockoutUntil(citizen, tx);
    if (until) {
      refuse('noShowLockout', `多次预约未到，${until}前暂不能预约，请选择取号`, `missed appointments: no bookings until ${until}; choose a ticket`);
    }
    for (const day of days) {
      await this.appointments.openSlots(serviceId, day, tx);
      const slots = await tx.listSlots(serviceId, day);
      const mine = await tx.findActiveAppointment(citizen.number, serviceId, day);
      if (mine) return `${day} ${mine.start}`;
      const free = slots.find((s) => s.booked < s.capacity);
      if (free) {
        await tx.insertAppointment({ slotId: free.id, holderNumber: citizen.number, createdAt: this.clock.now() });
        return `${day} ${free.start}`;
      }
    }
    refuse('slotFull', '近期预约已满，请选择取号', 'no appointment slot is free in the coming days; choose a ticket');
  }

  /** The citizen's kiosk applications not (yet) accepted: waiting, returned or rejected, newest first. */
  async listOf(citizen: Citizen): Promise<IntakeView[]> {
    const list = await this.store.listIntakes({ applicantNumber: citizen.number });
    return Promise.all(list.filter((a) => a.state !== 'accepted').reverse().map((a) => this.view(a, false)));
  }

  async view(a: IntakeRecord, repeated: boolean): Promise<IntakeView> {
    const service = await this.store.getServiceItem(a.serviceId);
    const commitments = a.materials.some((m) => m.how === 'commitment') ? await this.store.listCommitments({ serial: a.serial }) : [];
    return {
      serial: a.serial, serviceId: a.serviceId, serviceName: service?.name ?? a.serviceId, state: a.state,
      stateName: INTAKE_STATE_NAMES[a.state], maskedNumber: maskIdNumber(a.applicantNumber), submittedAt: a.submittedAt,
      submittedAtText: this.clock.stamp(a.submittedAt), materials: a.materials,
      commitments: commitments.map((c) => ({ material: c.material, textVersion: c.textVersion, signedAtText: this.clock.stamp(c.signedAt) })),
      timeLimitDays: service?.timeLimitDays ?? 0, nextStep: nextStepOf(a), reason: a.reason, repeated,
    };
  }

  // ---- the clerk's counter page ----

  /** Applications waiting for pre-review, oldest first. */
  async pending(): Promise<ClerkIntakeView[]> {
    const list = await this.store.listIntakes({ state: 'pending' });
    return Promise.all(list.map((a) => this.clerkView(a)));
  }

  async clerkView(a: IntakeRecord): Promise<ClerkIntakeView> {
    const service = await this.store.getServiceItem(a.serviceId);
    const labels = new Map((service?.formFields ?? []).map((f) => [f.key, f.label]));
    return {
      ...(await this.view(a, false)),
      form: Object.entries(a.form).map(([key, value]) => ({ key, label: labels.get(key) ?? key, value })),
      commitmentReview: a.commitmentReview, hallId: a.hallId,
    };
  }

  /** The clerk's decision (see the file comment). Returns the application as decided. */
  async decide(serial: string, d: ClerkDecision, staff: StaffActor): Promise<ClerkIntakeView> {
    const reason = d.decision === 'accept' ? null : d.reason.trim();
    if (d.decision !== 'accept') {
      if (!reason) refuse('reasonRequired', d.decision === 'return' ? '退回须写明需补正的内容' : '不予受理须写明法律依据和理由', 'a return or rejection needs a reason');
      if (CONTROL.test(reason!) || [...reason!].length > 300) {
        refuse('reasonRequired', '理由最多300字，且不能含控制字符', 'the reason takes at most 300 characters and no control characters');
      }
    }
    await this.store.withTransaction(async (tx) => {
      const a = await tx.getIntake(serial);
      if (!a) refuse('unknownApplication', '未找到该申请', `there is no application ${serial}`);
      if (a.hallId !== staff.hallId) refuse('otherHall', '这是其他大厅的申请，不能在本大厅处理', `application ${serial} belongs to another hall`);
      if (a.state !== 'pending') {
        refuse('alreadyDecided', `该申请已${INTAKE_STATE_NAMES[a.state]}，不能再处理`, `application ${serial} is already ${a.state}`);
      }
      const at = this.clock.now();
      const state = d.decision === 'accept' ? 'accepted' : d.decision === 'return' ? 'returned' : 'rejected';
      if (!(await tx.decideIntake(serial, { state, decidedAt: at, decidedBy: staff.user, reason }))) {
        refuse('alreadyDecided', '该申请已被处理，不能再处理', `application ${serial} is already decided`);
      }
      if (state === 'accepted') {
        // 受理: the statutory time limit starts now (hall-rules.md "Applications and time limits").
        const day = this.clock.dayOf(at);
        await tx.insertApplication({ serial, serviceId: a.serviceId, applicantNumber: a.applicantNumber, status: 'accepted',
          acceptedAt: at, acceptedDay: day, result: null,
          commitments: a.materials.filter((m) => m.how === 'commitment').map((m) => m.name), updatedAt: at });
        await tx.addApplicationEvent({ serial, status: 'accepted', at, day, note: `自助机申请，预审通过（${staff.user}）` });
      } else {
        // The citizen is told in the decision's own transaction (README "Result notices (结果反馈)").
        await ResultNotices.queueIn(tx, this.clock, a, state, reason, at);
      }
    });
    return this.clerkView((await this.store.getIntake(serial))!);
  }

  // ---- post-hoc checks (managers) ----

  async checks(filter: { openOnly?: boolean } = {}): Promise<CommitmentCheckView[]> {
    const today = this.clock.today();
    const names = new Map<string, string>();
    const out: CommitmentCheckView[] = [];
    for (const c of await this.store.listCommitments(filter)) {
      const a = await this.store.getIntake(c.serial);
      const serviceId = a?.serviceId ?? '';
      if (!names.has(serviceId)) names.set(serviceId, (await this.store.getServiceItem(serviceId))?.name ?? serviceId);
      out.push({ id: c.id, serial: c.serial, serviceName: names.get(serviceId)!, material: c.material,
        maskedNumber: maskIdNumber(c.applicantNumber), kioskId: c.kioskId, textVersion: c.textVersion,
        signedAtText: this.clock.stamp(c.signedAt), dueDay: c.dueDay, state: c.checkState,
        overdue: c.checkState === 'open' && today > c.dueDay, checkedBy: c.checkedBy, note: c.checkNote,
        reviewFlagged: a?.commitmentReview ?? false });
    }
    return out;
  }

  /** Open checks past their due day (the dashboard's alert). */
  async overdueChecks(): Promise<number> {
    return (await this.checks({ openOnly: true })).filter((c) => c.overdue).length;
  }

  /** Records a check's outcome; `false` marks the applicant's later commitments for manual review. */
  async recordCheck(id: number, outcome: { found: 'confirmed' | 'false'; note: string | null }, staff: StaffActor): Promise<CommitmentCheckView> {
    const note = outcome.note?.trim() || null;
    if (outcome.found === 'false' && !note) refuse('reasonRequired', '核查不实须写明情况', 'a commitment found false needs a note');
    if (note && (CONTROL.test(note) || [...note].length > 300)) refuse('reasonRequired', '说明最多300字，且不能含控制字符', 'the note takes at most 300 characters and no control characters');
    const ok = await this.store.recordCommitmentCheck(id, { state: outcome.found, checkedAt: this.clock.now(), checkedBy: staff.user, note });
    if (!ok) refuse('alreadyChecked', '该承诺已核查或不存在', `commitment ${id} was checked before or does not exist`);
    return (await this.checks()).find((c) => c.id === id)!;
  }
}

/** The next step as the receipt and the progress page say it. */
export function nextStepOf(a: Pick<IntakeRecord, 'state' | 'materials' | 'reason'>): string {
  if (a.state === 'accepted') return `已受理（${APPLICATION_STATUS_NAMES.accepted}），请留意办理进度`;
  if (a.state === 'returned') return `申请被退回：${a.reason ?? ''}。请按要求修改后重新申请`;
  if (a.state === 'rejected') return `不予受理：${a.reason ?? ''}`;
  const bring = a.materials.find((m) => m.how === 'bring');
  if (bring?.ticket) return `请凭${bring.ticket}号到窗口提交需提交的材料，窗口预审后受理`;
  if (bring?.slot) return `请于${bring.slot}到窗口提交需提交的材料，窗口预审后受理`;
  return '等待窗口工作人员预审，预审通过即受理，无需再到窗口';
}
