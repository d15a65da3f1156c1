/**
 * The printer's persistent job queue, behind a small interface (escpos.md "Paper out in the middle
 * of a ticket": an interrupted job is printed again, never dropped). The printer driver depends
 * only on `PrintJobStore`; `SqlitePrintJobStore` (printJobsSqlite.ts) is the implementation. The
 * hall store (hallStore.ts) is a separate thing; this one stays self-contained so it can move under
 * it later.
 *
 * What a job promises:
 * - `requestId` makes a job idempotent: adding a job with a requestId that already exists for the device returns the
 *   existing job (`created: false`) and never a second one (the table enforces it with a unique index).
 * - Each job has its own process ID (escpos.md "process ID": 4 ASCII characters 0x30-0x7E), derived from its
 *   sequence number, so a process-ID echo names exactly one job, also across bridge restarts.
 * - Nothing is deleted by the driver: a job ends `confirmed`, `failed` or `canceled`, and stays for the record.
 *   The retention policy (hall/retention.ts) later empties the payload of a finished job (it holds names and
 *   certificate text) and keeps the row: state, attempts, process ID and times stay for the record.
 */
import type { PrintJobState } from '@onedoor/protocol';

/** States in which a job is over: never printed again, so its payload is no longer needed. */
export const FINISHED_PRINT_JOB_STATES: readonly PrintJobState[] = ['confirmed', 'failed', 'canceled'];

/** States in which a job still has to be printed (or confirmed). */
export const UNFINISHED_PRINT_JOB_STATES: readonly PrintJobState[] = ['queued', 'printing', 'interrupted', 'reprinting'];

export interface PrintJobRecord {
  /** `pj-<seq>`. */
  id: string;
  /** 1, 2, 3... in the order jobs were added (all devices share one sequence). */
  seq: number;
  deviceId: string;
  /** The command that created the job (idempotency key), when it came from a client. */
  requestId: string | null;
  /**
   * What to print: raw ESC/POS bytes (printed as they are, the driver appends the process-ID request) or a render
   * recipe (JSON the driver turns into bytes at print time, with the reprint mark when it prints again).
   */
  payload: Uint8Array | null;
  recipe: unknown;
  state: PrintJobState;
  /** How many times the job's bytes were sent (first print and every reprint). */
  attempts: number;
  /** How many of those were reprints with the reprint mark. */
  reprints: number;
  processId: string;
  /** Why the job is in its state (interruption cause, failure), for people; never personal data. */
  message: string | null;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
}

export interface NewPrintJob {
  deviceId: string;
  requestId?: string;
  /** Exactly one of payload and recipe. */
  payload?: Uint8Array;
  recipe?: unknown;
}

export type PrintJobPatch = Partial<Pick<PrintJobRecord, 'state' | 'attempts' | 'reprints' | 'message'>>;

export interface PrintJobStore {
  /** Adds a job, or returns the device's existing job with the same requestId (then `created` is false). */
  add(job: NewPrintJob): { job: PrintJobRecord; created: boolean };
  get(id: string): PrintJobRecord | undefined;
  findByRequestId(deviceId: string, requestId: string): PrintJobRecord | undefined;
  /** The device's job with this process ID, if any. */
  findByProcessId(deviceId: string, processId: string): PrintJobRecord | undefined;
  /** The device's jobs still to print (queued, printing, interrupted, reprinting), oldest first. */
  unfinished(deviceId: string): PrintJobRecord[];
  /** The device's most recent jobs, newest first. */
  recent(deviceId: string, limit: number): PrintJobRecord[];
  /** Changes a job and stamps `updatedAt`; throws for an unknown id. */
  update(id: string, patch: PrintJobPatch): PrintJobRecord;
  /**
   * Empties the payload and recipe of finished jobs (FINISHED_PRINT_JOB_STATES) last changed before `before`
   * (epoch ms); unfinished jobs keep theirs whatever their age. Returns how many jobs were emptied.
   */
  purgeFinishedPayloads(before: number): number;
  close(): void;
}

/** Characters a process ID may use (escpos.md: 0x30-0x7E), so 79^4 (about 39 million) distinct IDs. */
const PID_FIRST = 0x30;
const PID_RADIX = 0x7e - 0x30 + 1;
const PID_SPACE = PID_RADIX ** 4;

/** The process ID of the job with sequence number `seq`: `seq` in base 79 on 4 digits, digit d = char 0x30 + d. */
export function printJobProcessId(seq: number): string {
  if (!Number.isInteger(seq) || seq < 1) throw new Error(`printJobProcessId: seq must be a positive integer, got ${String(seq)}`);
  let n = seq % PID_SPACE;
  let out = '';
  for (let i = 0; i < 4; i++) {
    out = String.fromCharCode(PID_FIRST + (n % PID_RADIX)) + out;
    n = Math.floor(n / PID_RADIX);
  }
  return out;
}

export const printJobId = (seq: number): string => `pj-${seq}`;
