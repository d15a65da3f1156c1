/**
 * The notification gateway (docs/notification-gateway.md): how a result notice leaves the hall for the citizen's
 * phone (SMS) or the provincial app (粤省事). The hall queues notices in its outbox table (store/noticeRecords.ts) in
 * the same transaction as the status change; the dispatcher (dispatcher.ts) hands each pending one to the configured
 * gateway and records the outcome. Delivery is at least once: a gateway must treat `idempotencyKey` as the message's
 * identity and deliver a key it has seen before no second time.
 */
import { z } from 'zod';
import type { NoticeOutcome } from '../../store/noticeRecords.ts';

/** What a gateway is given: no full ID number anywhere (hall-rules.md "Privacy"). */
export interface NotificationMessage {
  /** `<hallId>:<serial>:<outcome>`: the same for every retry of the same notice, unique otherwise. */
  idempotencyKey: string;
  hallId: string;
  /** 申办流水号: the provincial platform knows the applicant of a serial (how an app adapter addresses the citizen). */
  serial: string;
  serviceName: string;
  outcome: NoticeOutcome;
  /** The plain Chinese text, ready to send (at most 300 characters). */
  text: string;
  /** Epoch ms the notice was queued (the status change's instant). */
  createdAt: number;
  recipient: {
    /** The applicant's number masked (first 4 + last 4): for the gateway's own log, never to address anyone. */
    maskedNumber: string;
    /** From the application form; null: the gateway cannot text this citizen (the kiosk still tells them). */
    phone: string | null;
  };
}

/** A refusal that no retry can change (no phone number, a number the operator rejects): the notice is `failed` at once. */
export class PermanentDeliveryError extends Error {
  readonly permanent = true;
}

export interface NotificationGateway {
  /** For the log and the health page (e.g. `file`, `sms:operator`). */
  readonly name: string;
  /**
   * Delivers one message, or resolves at once for a key delivered before. Resolves when the gateway has taken the
   * message (it will arrive without our help); rejects to be retried later, or with PermanentDeliveryError to give up.
   */
  send(message: NotificationMessage): Promise<void>;
}

export const notificationsConfigSchema = z
  .object({
    gateway: z.enum(['outbox', 'file']).default('outbox')
      .meta({ description: 'Where result notices go besides the kiosk: "outbox" keeps them in the hall database\'s outbox table only (a site integration reads it); "file" also appends each as a JSON line to `file` (demos, tests). docs/notification-gateway.md.' }),
    file: z.string().min(1).optional()
      .meta({ description: 'The JSON-lines outbox file of the "file" gateway; default: notices.jsonl inside dataDir. Relative to the config file.' }),
    everySeconds: z.number().min(1).max(3600).default(10)
      .meta({ description: 'How often the dispatcher delivers pending notices through the gateway.', unit: 's' }),
    maxAttempts: z.number().int().min(1).max(100).default(8)
      .meta({ description: 'Delivery attempts before a notice is marked failed (retries back off: 30 s, 1 min, 2 min ... at most 1 h).', unit: 'attempts' }),
  })
  .strict()
  .prefault({});

export type NotificationsConfig = z.output<typeof notificationsConfigSchema>;
