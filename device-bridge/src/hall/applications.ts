/**
 * Applications and progress (hall-rules.md "Applications and time limits"):
 * serial number (申办流水号), service, applicant, status history 受理 -> 审查 -> 决定 -> 办结, or 退回 / 不予受理
 * with a reason, statutory limit in working days, and the time-limit board state:
 * - red: overdue (today after the due day);
 * - yellow: 3 or fewer working days remain (configurable), or the current step is over its own limit;
 * - onTime otherwise; `closed` once done, returned or rejected (with whether it finished on time).
 */
import { maskIdNumber, type KioskApplication, type KioskTimeLimitState } from '@onedoor/protocol';
import type { ApplicationEventRecord, ApplicationRecord, ApplicationStatus, HallDay, HallStore, ServiceItemRecord,
  StepLimits } from '../store/hallStore.ts';
import { loadWorkingCalendar, type WorkingCalendar } from './calendar.ts';
import type { Citizen } from './citizen.ts';
import { HallClock } from './clock.ts';
import { HallRuleError, refuse } from './errors.ts';
import { ResultNotices } from './notify/resultNotices.ts';

export const APPLICATION_STATUS_NAMES: Record<ApplicationStatus, string> = {
  accepted: '受理', review: '审查', decided: '决定', done: '办结', returned: '退回', rejected: '不予受理',
};

/** Allowed next steps; 退回 (returned for correction) and 不予受理 (not accepted) end the application. */
export const APPLICATION_TRANSITIONS: Record<ApplicationStatus, readonly ApplicationStatus[]> = {
  accepted: ['review', 'returned', 'rejected'],
  review: ['decided', 'returned'],
  decided: ['done'],
  done: [],
  returned: [],
  rejected: [],
};

const CLOSED: readonly ApplicationStatus[] = ['done', 'returned', 'rejected'];

export type TimeLimitState = KioskTimeLimitState;

/** The time-limit board state of one application (the /kiosk contract's KioskApplication['timeLimit']). */
export type TimeLimitInfo = KioskApplication['timeLimit'];

/** Step limits when the service item sets none: one working day to accept, one to decide, the rest to review. */
export function defaultStepLimits(timeLimitDays: number): StepLimits {
  return { accepted: 1, review: Math.max(1, timeLimitDays - 2), decided: 1 };
}

export interface TimeLimitInput {
  acceptedDay: HallDay;
  timeLimitDays: number;
  status: ApplicationStatus;
  /** Day the current status was entered. */
  statusSince: HallDay;
  stepLimits: StepLimits;
}

export function timeLimitOf(a: TimeLimitInput, cal: WorkingCalendar, today: HallDay, yellowWithin = 3): TimeLimitInfo {
  const dueDay = cal.addWorkingDays(a.acceptedDay, a.timeLimitDays);
  const remainingWorkingDays = today > dueDay ? -cal.workingDaysBetween(dueDay, today) : cal.workingDaysBetween(today, dueDay);
  if (CLOSED.includes(a.status)) {
    return { state: 'closed', dueDay, remainingWorkingDays, stepOverLimit: false, finishedOnTime: a.statusSince <= dueDay };
  }
  const stepLimit = a.stepLimits[a.status as keyof StepLimits];
  const stepOverLimit = cal.workingDaysBetween(a.statusSince, today) > stepLimit;
  let state: TimeLimitState = 'onTime';
  if (today > dueDay) state = 'red';
  else if (remainingWorkingDays <= yellowWithin || stepOverLimit) state = 'yellow';
  return { state, dueDay, remainingWorkingDays, stepOverLimit };
}

export type ApplicationHistoryEntry = KioskApplication['history'][number];

/** The /kiosk contract's KioskApplication: masked number only. */
export type ApplicationView = KioskApplication;

export interface ApplicationOptions {
  /** Yellow when this many working days or fewer remain (hall-rules.md: 3). */
  yellowWithinWorkingDays?: number;
}

export class ApplicationService {
  private readonly yellowWithin: number;

  constructor(
    private readonly store: HallStore,
    private readonly clock: HallClock = new HallClock(),
    opts: ApplicationOptions = {},
  ) {
    this.yellowWithin = opts.yellowWithinWorkingDays ?? 3;
  }

  private async service(id: string): Promise<ServiceItemRecord> {
    const s = await this.store.getServiceItem(id);
    if (!s) throw new HallRuleError('unknownService', '没有该事项，请重新选择', `there is no service ${id}`);
    return s;
  }

  /**
   * Accepts (受理) an application. `commitments` names materials the citizen replaces by a written commitment
   * (告知承诺): only materials of the service that allow it.
   */
  async submit(citizen: Citizen, serviceId: string, opts: { commitments?: string[]; at?: number } = {}): Promise<ApplicationView> {
    const service = await this.service(serviceId);
    const materials = await this.store.listMaterials(serviceId);
    for (const name of opts.commitments ?? []) {
      if (!materials.some((m) => m.name === name && m.commitmentAllowed)) {
        throw new Error(`material "${name}" of service ${serviceId} cannot be replaced by a written commitment`);
      }
    }
    const at = opts.at ?? this.clock.now();
    const day = this.clock.dayOf(at);
    const serial = await this.store.withTransaction(async (tx) => {
      const seq = await tx.nextCounterValue(`application:${day}`);
      const serialNo = `GD${day.replace(/-/g, '')}${String(seq).padStart(6, '0')}`;
      await tx.insertApplication({ serial: serialNo, serviceId: service.id, applicantNumber: citizen.number, status: 'accepted',
        acceptedAt: at, acceptedDay: day, result: null, commitments: opts.commitments ?? [], updatedAt: at });
      await tx.addApplicationEvent({ serial: serialNo, status: 'accepted', at, day, note: null });
      return serialNo;
    });
    return this.view((await this.store.getApplication(serial))!);
  }

  /**
   * Moves an application to its next status (clerk side). Returned and rejected need a reason. Reaching 办结, 退回 or
   * 不予受理 queues the citizen's result notice in the same transaction (README "Result notices (结果反馈)").
   * `hallId`: the hall the clerk acts for; another hall's application is refused (README "Running a district").
   */
  async advance(serial: string, to: ApplicationStatus, note: string | null = null, at: number = this.clock.now(),
    hallId: string = this.store.hallId): Promise<ApplicationView> {
    await this.store.withTransaction(async (tx) => {
      if (hallId !== this.store.hallId) refuse('otherHall', '这是其他大厅的申办件，不能在本大厅处理', `application ${serial} belongs to another hall`);
      const a = await tx.getApplication(serial);
      if (!a) refuse('unknownApplication', '未找到该申办件', `there is no application ${serial}`);
      if (CLOSED.includes(a.status)) {
        refuse('alreadyClosed', `该申办件已${APPLICATION_STATUS_NAMES[a.status]}，不能再处理`, `application ${serial} is already closed (${a.status})`);
      }
      if (!APPLICATION_TRANSITIONS[a.status].includes(to)) {
        refuse('badTransition', `申办件不能从“${APPLICATION_STATUS_NAMES[a.status]}”转为“${APPLICATION_STATUS_NAMES[to]}”`,
          `an application cannot go from ${a.status} to ${to}`);
      }
      if ((to === 'returned' || to === 'rejected') && !note?.trim()) {
        refuse('reasonRequired', '退回或不予受理须注明理由', 'a return or rejection needs a reason');
      }
      const result = to === 'decided' || to === 'returned' || to === 'rejected' ? note : a.result;
      await tx.updateApplication(serial, { status: to, result, updatedAt: at });
      await tx.addApplicationEvent({ serial, status: to, at, day: this.clock.dayOf(at), note });
      if (to === 'done' || to === 'returned' || to === 'rejected') await ResultNotices.queueIn(tx, this.clock, a, to, note, at);
    });
    return this.view((await this.store.getApplication(serial))!);
  }

  /** Any application of this hall by serial (the clerk's lookup); undefined when there is none. */
  async find(serial: string): Promise<ApplicationView | undefined> {
    const a = await this.store.getApplication(serial);
    return a ? this.view(a) : undefined;
  }

  /** The citizen's applications, newest first. */
  async listOf(citizen: Citizen): Promise<ApplicationView[]> {
    const list = await this.store.listApplicationsOfApplicant(citizen.number);
    return Promise.all(list.map((a) => this.view(a)));
  }

  /** One of the citizen's applications. */
  async get(citizen: Citizen, serial: string): Promise<ApplicationView> {
    const a = await this.store.getApplication(serial);
    if (!a || a.applicantNumber !== citizen.number) refuse('unknownApplication', '未找到您的这件申请', `no application ${serial} of yours`);
    return this.view(a);
  }

  async view(a: ApplicationRecord): Promise<ApplicationView> {
    const service = await this.service(a.serviceId);
    const events: ApplicationEventRecord[] = await this.store.listApplicationEvents(a.serial);
    const cal = await loadWorkingCalendar(this.store);
    const last = events[events.length - 1];
    const timeLimit = timeLimitOf({
      acceptedDay: a.acceptedDay,
      timeLimitDays: service.timeLimitDays,
      status: a.status,
      statusSince: last?.day ?? a.acceptedDay,
      stepLimits: service.stepLimits ?? defaultStepLimits(service.timeLimitDays),
    }, cal, this.clock.today(), this.yellowWithin);
    return {
      serial: a.serial,
      serviceId: a.serviceId,
      serviceName: service.name,
      maskedNumber: maskIdNumber(a.applicantNumber),
      status: a.status,
      statusName: APPLICATION_STATUS_NAMES[a.status],
      acceptedDay: a.acceptedDay,
      timeLimitDays: service.timeLimitDays,
      timeLimit,
      result: a.result,
      commitments: a.commitments,
      history: events.map((e) => ({ status: e.status, statusName: APPLICATION_STATUS_NAMES[e.status], at: e.at,
        atText: this.clock.stamp(e.at), note: e.note })),
    };
  }
}
