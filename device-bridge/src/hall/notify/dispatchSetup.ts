/**
 * Which gateway the result notices leave through (config `notifications`, docs/notification-gateway.md): "outbox"
 * keeps them in the hall database's outbox table for a site's own integration (no dispatcher runs here); "file"
 * delivers them as JSON lines to a local file (demos and tests).
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { HallStore } from '../../store/hallStore.ts';
import type { HallClock } from '../clock.ts';
import { NoticeDispatcher } from './dispatcher.ts';
import { FileNotificationGateway } from './fileGateway.ts';
import type { NotificationsConfig } from './gateway.ts';

/** Starts the dispatcher the config asks for; null when none runs (outbox only, or no database here). */
export function startNoticeDispatch(o: { config: NotificationsConfig; dataDir: string; store: HallStore | null; clock: HallClock; log: Logger }): NoticeDispatcher | null {
  if (!o.store || o.config.gateway === 'outbox') return null;
  const file = o.config.file ?? join(o.dataDir, 'notices.jsonl');
  const dispatcher = new NoticeDispatcher(o.store, new FileNotificationGateway(file), { clock: o.clock, maxAttempts: o.config.maxAttempts, log: o.log });
  o.log.info({ gateway: 'file', file }, 'result notices: delivered to the outbox file');
  dispatcher.start(o.config.everySeconds * 1000);
  return dispatcher;
}
