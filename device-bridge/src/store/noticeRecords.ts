/**
 * Result notices (README "Result notices (结果反馈)", migration 14): the transactional outbox of what the citizen is
 * told when an application reaches 办结, 退回 or 不予受理. One row per (application, outcome), written in the same store
 * transaction as the status change, so a crash never loses a notice nor leaves one for a change that did not commit.
 *
 * A row is delivered through the configured notification gateway (hall/notify/, docs/notification-gateway.md):
 * `pending` until the gateway took it (`sent`) or the dispatcher gave up (`failed`); `attempts` counts the tries.
 * Independently of the gateway, the kiosk shows the unread rows at the holder's next card read (`readAt`).
 *
 * The holder number is stored (the kiosk and the phone page find the holder's notices by it) and never leaves the
 * hall layer; the text never contains it (hall-rules.md "Privacy").
 */
import type { HallDay } from './hallStore.ts';

/** Which end the application reached. */
export type NoticeOutcome = 'done' | 'returned' | 'rejected';
export type NoticeDelivery = 'pending' | 'sent' | 'failed';

export interface NoticeRecord {
  id: number;
  /** Unique per hall: `<serial>:<outcome>` (an application reaches each end at most once). */
  idempotencyKey: string;
  serial: string;
  serviceName: string;
  holderNumber: string;
  /** The applicant's phone from the application form, when it has one. */
  phone: string | null;
  outcome: NoticeOutcome;
  /** The plain Chinese text the citizen reads (never a full ID number). */
  text: string;
  createdAt: number;
  createdDay: HallDay;
  status: NoticeDelivery;
  attempts: number;
  /** The dispatcher takes a pending row again at or after this instant (epoch ms). */
  nextAttemptAt: number;
  sentAt: number | null;
  lastError: string | null;
  /** When the citizen acknowledged it (kiosk or phone page); null: unread. */
  readAt: number | null;
}

export type NewNotice = Pick<NoticeRecord, 'idempotencyKey' | 'serial' | 'serviceName' | 'holderNumber' | 'phone' | 'outcome'
  | 'text' | 'createdAt' | 'createdDay'>;

/** What one delivery attempt came to (the row must still be pending; a sent or failed row is not changed). */
export type NoticeAttemptResult =
  | { status: 'sent'; at: number }
  | { status: 'pending'; nextAttemptAt: number; error: string }
  | { status: 'failed'; error: string };
