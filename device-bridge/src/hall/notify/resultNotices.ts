/**
 * Result notices (README "Result notices (结果反馈)"): when an application reaches 办结, 退回 or 不予受理 the citizen is
 * told in plain Chinese, on the kiosk at their next card read, on the phone page, and through the notification
 * gateway (docs/notification-gateway.md). The notice is queued by `queueIn` with the transaction handle of the status
 * change itself (a transactional outbox): it exists exactly when the change committed.
 *
 * Waiting tickets closed or carried over at the day's closing time are told the same way (`queueTicketClosingIn`, in
 * the closing run's transaction).
 *
 * Views leave this module without the holder number; the text never holds a full ID number (a clerk's reason that
 * quotes one is masked: hall-rules.md "Privacy").
 */
import { maskIdNumber } from '@onedoor/protocol';
import type { HallRepository, HallStore, TicketRecord } from '../../store/hallStore.ts';
import type { NoticeOutcome, NoticeRecord } from '../../store/noticeRecords.ts';
import type { Citizen } from '../citizen.ts';
import { HallClock } from '../clock.ts';
import type { NotificationMessage } from './gateway.ts';

/** What the kiosk and the phone page show of one notice. */
export interface ResultNoticeView {
  id: number;
  serial: string;
  serviceName: string;
  outcome: NoticeOutcome;
  text: string;
  createdAt: number;
  createdAtText: string;
  read: boolean;
}

/** An 18-character ID number anywhere in free text (a reason typed by a clerk). */
const ID_NUMBER = /\d{17}[\dXx]/g;

export function withoutIdNumbers(text: string): string {
  return text.replace(ID_NUMBER, (n) => maskIdNumber(n));
}

/** The words of each outcome (README "Result notices"): what happened and what to do next. */
export function noticeText(outcome: NoticeOutcome, serviceName: string, reason: string | null): string {
  const why = withoutIdNumbers((reason ?? '').trim());
  if (outcome === 'done') return `您申请的《${serviceName}》已办结，可领取`;
  if (outcome === 'returned') return `您申请的《${serviceName}》已退回：${why}，请补正后重新提交`;
  return `您申请的《${serviceName}》不予受理：${why}`;
}

/**
 * The words of a waiting ticket handled at the closing time (README "Running the hall floor", day boundaries): kept
 * for `kept.day` under `kept.number`, or closed (no `kept`).
 */
export function ticketClosingText(number: string, kept: { day: string; number: string } | null): string {
  return kept ? `您的${number}号今日未能办理，已保留到${kept.day}，新号码${kept.number}，当天优先叫号`
    : `您的${number}号今日未能办理：今日已停止办理，请明日再来`;
}

/** The phone the citizen wrote on the application form (key `phone`, 11 digits), if any. */
async function phoneOf(tx: HallRepository, serial: string): Promise<string | null> {
  const phone = (await tx.getIntake(serial))?.form.phone ?? '';
  return /^1\d{10}$/.test(phone) ? phone : null;
}

export class ResultNotices {
  constructor(private readonly store: HallStore, private readonly clock: HallClock = new HallClock()) {}

  /**
   * Queues the notice of `serial` reaching `outcome`, inside the caller's transaction `tx` (one per application and
   * outcome: queuing it again changes nothing).
   */
  static async queueIn(tx: HallRepository, clock: HallClock, a: { serial: string; serviceId: string; applicantNumber: string },
    outcome: NoticeOutcome, reason: string | null, at: number): Promise<NoticeRecord> {
    const serviceName = (await tx.getServiceItem(a.serviceId))?.name ?? a.serviceId;
    return tx.addNotice({
      idempotencyKey: `${a.serial}:${outcome}`, serial: a.serial, serviceName, holderNumber: a.applicantNumber,
      phone: await phoneOf(tx, a.serial), outcome, text: noticeText(outcome, serviceName, reason), createdAt: at,
      createdDay: clock.dayOf(at),
    });
  }

  /**
   * Queues the notice of a waiting ticket closed or carried over at the closing time, inside the closing run's
   * transaction `tx` (one per ticket). Only a ticket with a holder (taken with a card or the phone) has someone to
   * tell: a ticket taken without a card queues nothing (null). The ticket number stands in `serial`, the queue
   * category's name in `serviceName`; no phone (a ticket has none).
   */
  static async queueTicketClosingIn(tx: HallRepository, clock: HallClock, t: TicketRecord, kept: { day: string; number: string } | null,
    at: number): Promise<NoticeRecord | null> {
    if (t.holderNumber === null) return null;
    const outcome: NoticeOutcome = kept ? 'carriedOver' : 'closedAtClosing';
    return tx.addNotice({
      idempotencyKey: `ticket:${t.id}:${outcome}`, serial: t.number, serviceName: (await tx.getQueueCategory(t.category))?.name ?? t.category,
      holderNumber: t.holderNumber, phone: null, outcome, text: ticketClosingText(t.number, kept), createdAt: at, createdDay: clock.dayOf(at),
    });
  }

  private view(n: NoticeRecord): ResultNoticeView {
    return { id: n.id, serial: n.serial, serviceName: n.serviceName, outcome: n.outcome, text: n.text, createdAt: n.createdAt,
      createdAtText: this.clock.stamp(n.createdAt), read: n.readAt !== null };
  }

  /**
   * The holder's notices, oldest first (the phone channel's entry point: `holderId` is the number the capability or
   * session was issued to; the views carry no number).
   */
  async listFor(holderId: string, opts: { unreadOnly?: boolean } = {}): Promise<ResultNoticeView[]> {
    return (await this.store.listNotices({ holderNumber: holderId, unreadOnly: opts.unreadOnly ?? false })).map((n) => this.view(n));
  }

  /** Marks the holder's notices among `ids` read (ids of others' notices change nothing); returns how many changed. */
  markRead(holderId: string, ids: readonly number[]): Promise<number> {
    return ids.length === 0 ? Promise.resolve(0) : this.store.markNoticesRead(holderId, ids, this.clock.now());
  }

  /** The kiosk's side: the session citizen's unread notices (shown once at the card read). */
  unreadOf(citizen: Citizen): Promise<ResultNoticeView[]> {
    return this.listFor(citizen.number, { unreadOnly: true });
  }

  /** The kiosk's 知道了: the citizen acknowledged these. */
  async acknowledge(citizen: Citizen, ids: readonly number[]): Promise<{ marked: number }> {
    return { marked: await this.markRead(citizen.number, ids) };
  }
}

/** The gateway's message of an outbox row (masked number only). */
export function messageOf(n: NoticeRecord, hallId: string): NotificationMessage {
  return {
    idempotencyKey: `${hallId}:${n.idempotencyKey}`, hallId, serial: n.serial, serviceName: n.serviceName, outcome: n.outcome,
    text: n.text, createdAt: n.createdAt, recipient: { maskedNumber: maskIdNumber(n.holderNumber), phone: n.phone },
  };
}
