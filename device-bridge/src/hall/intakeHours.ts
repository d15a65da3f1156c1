/**
 * When the hall takes walk-in tickets (README "Running the hall floor", day boundaries): a daily opening and
 * closing time on the hall's clock (site.timeZone), and the words the kiosk shows outside them. Working days come
 * from the hall calendar as before; this only bounds the hours. Numbering restarts each hall-local day anyway (the
 * ticket counter is per hall day, queue.ts).
 */
import { z } from 'zod';
import type { HallTimeOfDay } from '../store/hallStore.ts';
import { HallRuleError } from './errors.ts';

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:MM (00:00-23:59)' });

export const intakeHoursSchema = z
  .object({
    opens: timeOfDay.optional().meta({ description: 'First time of day a walk-in ticket is issued (hall clock, site.timeZone). Absent: from midnight.' }),
    closes: timeOfDay.optional().meta({ description: 'From this time of day no walk-in ticket is issued (hall clock). Absent: until midnight.' }),
    closedMessage: z.string().min(1).max(120).optional()
      .meta({ description: 'What the kiosk says outside the hours, after the hours themselves (e.g. where to go instead).' }),
  })
  .strict()
  .refine((h) => !h.opens || !h.closes || h.opens < h.closes, { message: 'closes must be after opens', path: ['closes'] })
  .prefault({});

export type IntakeHours = z.output<typeof intakeHoursSchema>;

/** Throws `intakeClosed` when `time` (hall-local HH:MM) is outside the hours. */
export function checkIntakeHours(hours: IntakeHours, time: HallTimeOfDay): void {
  const before = hours.opens !== undefined && time < hours.opens;
  const after = hours.closes !== undefined && time >= hours.closes;
  if (!before && !after) return;
  const span = `${hours.opens ?? '00:00'}-${hours.closes ?? '24:00'}`;
  const extra = hours.closedMessage ? ` ${hours.closedMessage}` : '';
  throw new HallRuleError('intakeClosed',
    before ? `尚未开始取号，今日取号时间 ${span}。${extra}` : `今日取号已结束（取号时间 ${span}），请下一个工作日再来。${extra}`,
    before ? `tickets are issued from ${hours.opens} (hours ${span}).${extra}` : `ticket issuing has closed for today (hours ${span}); please come back on the next working day.${extra}`);
}
