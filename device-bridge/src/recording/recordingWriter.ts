/**
 * Writes one recording session to disk (docs/recording-format.md "Files"): `<session>-<segment>.odrec` in `dir`,
 * each record appended with one synchronous write (a copy taken meanwhile ends in at most one cut-off record),
 * a new segment when the next record would pass `maxFileBytes`, and a stop when the session would pass
 * `maxSessionBytes`. Any write error (disk full, read-only directory, the file removed) ends the session: the
 * writer closes and reports the error once; it never throws into the device path.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRecordingHeader, encodeRecordingRecord, type RecordingHeader, type RecordingRecord } from '@onedoor/protocol';

export interface RecordingWriterOptions {
  dir: string;
  header: Omit<RecordingHeader, 'version' | 'segment'>;
  /** Rotate to a new file before one would pass this size. */
  maxFileBytes: number;
  /** Stop the session (with an error) before it would pass this size in total. */
  maxSessionBytes: number;
  /** Told once when the session ends by itself (write error, size limit). */
  onFailure: (error: Error) => void;
}

export class RecordingWriter {
  readonly files: string[] = [];
  private fd: number | null = null;
  private fileBytes = 0;
  private sessionBytes = 0;
  private failed: Error | null = null;
  private closed = false;

  constructor(private readonly options: RecordingWriterOptions) {
    if (!(options.maxFileBytes > 0) || !(options.maxSessionBytes > 0)) throw new Error('recording size limits must be positive');
  }

  /** Creates the directory and the first segment; throws (nothing recorded) when that is impossible. */
  open(): void {
    mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
    this.openSegment();
  }

  get bytesWritten(): number {
    return this.sessionBytes;
  }

  get error(): Error | null {
    return this.failed;
  }

  get isOpen(): boolean {
    return this.fd !== null && !this.closed;
  }

  /** Appends one record; false when the session is over (closed or failed). */
  append(record: RecordingRecord): boolean {
    if (this.fd === null || this.closed) return false;
    const bytes = encodeRecordingRecord(record);
    try {
      if (this.sessionBytes + bytes.length > this.options.maxSessionBytes) {
        throw new Error(`recording reached its size limit of ${this.options.maxSessionBytes} B (recording.maxSessionBytes)`);
      }
      if (this.fileBytes + bytes.length > this.options.maxFileBytes && this.fileBytes > 0) this.openSegment();
      this.writeAll(bytes);
      return true;
    } catch (err) {
      this.fail(err as Error);
      return false;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeFd();
  }

  private openSegment(): void {
    this.closeFd();
    const segment = this.files.length;
    const path = join(this.options.dir, `${this.options.header.session}-${String(segment).padStart(3, '0')}.odrec`);
    this.fd = openSync(path, 'wx', 0o600);
    this.files.push(path);
    this.fileBytes = 0;
    this.writeAll(encodeRecordingHeader({ ...this.options.header, segment }));
  }

  private writeAll(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) at += writeSync(this.fd!, bytes, at, bytes.length - at);
    this.fileBytes += bytes.length;
    this.sessionBytes += bytes.length;
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = error;
    this.closed = true;
    this.closeFd();
    this.options.onFailure(error);
  }

  private closeFd(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // Closing after a failed write can fail too; the session is over either way.
    }
    this.fd = null;
  }
}
