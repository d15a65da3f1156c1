/**
 * The demo and test gateway (config notifications.gateway "file"): each message appended as one JSON line to a
 * local outbox file, owner-only like the data dir. Idempotent by key (docs/notification-gateway.md): the keys already
 * in the file are read once, so a retry after a crash between the append and the outbox update writes nothing twice.
 */
import { appendFile, readFile } from 'node:fs/promises';
import type { NotificationGateway, NotificationMessage } from './gateway.ts';

export class FileNotificationGateway implements NotificationGateway {
  readonly name = 'file';
  private seen: Promise<Set<string>> | null = null;

  constructor(readonly file: string) {}

  private keys(): Promise<Set<string>> {
    this.seen ??= readFile(this.file, 'utf8').then(
      (text) => new Set(text.split('\n').filter(Boolean).map((l) => {
        try {
          return String((JSON.parse(l) as { idempotencyKey?: unknown }).idempotencyKey);
        } catch {
          return '';
        }
      })),
      () => new Set<string>(),
    );
    return this.seen;
  }

  async send(message: NotificationMessage): Promise<void> {
    const keys = await this.keys();
    if (keys.has(message.idempotencyKey)) return;
    await appendFile(this.file, `${JSON.stringify(message)}\n`, { mode: 0o600 });
    keys.add(message.idempotencyKey);
  }
}
