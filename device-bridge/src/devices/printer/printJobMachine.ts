/**
 * A print job's life as a pure state machine: given the job and what happened, what the job becomes. No I/O, no
 * clock, no store: the printer driver feeds it events and writes the patch it returns (printerDriver.ts).
 *
 *   queued ──begin──▶ printing ──confirmed──▶ confirmed
 *                        │ interrupted (paper out, cover open, link lost, no echo, send failed)
 *                        ▼
 *                   interrupted ──begin──▶ reprinting ──confirmed──▶ confirmed
 *                        ▲                     │ interrupted
 *                        └─────────────────────┘
 *   any unfinished ──begin, attempts used up──▶ failed      any unfinished ──cancel (not in flight)──▶ canceled
 *   printing/reprinting ──bridgeRestarted──▶ interrupted    in flight ──cancel──▶ (same state, cancel noted)
 *
 * Rules it encodes (escpos.md "Paper out in the middle of a ticket", "process ID"):
 * - Anything but `queued` may already have put part of the job on paper, so every later attempt is a reprint: the
 *   whole job again with the visible mark, after `10 05 02` + `1B 40`.
 * - A job is `confirmed` only by its own process ID; a confirmed, failed or canceled job never changes again.
 * - A cancel while the job's bytes are on their way cannot stop them: it is noted, and the job is canceled instead
 *   of reprinted when the attempt ends without its echo (an echo still confirms it: the ticket came out).
 */
import type { PrintJobState } from '@onedoor/protocol';
import type { PrintJobPatch } from '../../store/printJobs.ts';

/** The part of a job record the machine reads. */
export interface PrintJobFacts {
  state: PrintJobState;
  attempts: number;
  reprints: number;
  message: string | null;
}

/** The driver's side of the job: not stored, it lives as long as the bridge process. */
export interface PrintJobContext {
  /** `cancelPrint` arrived while the job was in flight. */
  cancelRequested: boolean;
  /** An attempt is on its way to the printer (bytes sent or being sent, echo awaited). */
  inFlight: boolean;
  maxAttempts: number;
}

export type PrintJobEvent =
  /** The queue picked the job for its next attempt. */
  | { type: 'begin' }
  /** The job could not be turned into bytes. */
  | { type: 'renderFailed'; why: string }
  /** Its process ID came back (from this attempt or an earlier one). */
  | { type: 'confirmed' }
  /** The attempt ended without the echo. */
  | { type: 'interrupted'; why: string }
  /** The client dropped the job. */
  | { type: 'cancel' }
  /** A new bridge process found the job as the last one left it. */
  | { type: 'bridgeRestarted' };

/** What the driver does for an attempt that `begin` started. */
export type PrintJobAttempt = { kind: 'none' } | { kind: 'print'; reprint: boolean };

export interface PrintJobStep {
  /** Write this to the store (null: nothing changes). */
  patch: PrintJobPatch | null;
  /** The cancel flag after this event. */
  cancelRequested: boolean;
  attempt: PrintJobAttempt;
}

const UNFINISHED: readonly PrintJobState[] = ['queued', 'printing', 'interrupted', 'reprinting'];

export const isUnfinished = (state: PrintJobState): boolean => UNFINISHED.includes(state);

const CANCELED_BY_CLIENT = 'canceled by the client';

/** The next step of `job` on `event`. Pure: the same input always gives the same step. */
export function printJobStep(job: PrintJobFacts, ctx: PrintJobContext, event: PrintJobEvent): PrintJobStep {
  const stay: PrintJobStep = { patch: null, cancelRequested: ctx.cancelRequested, attempt: { kind: 'none' } };
  if (!isUnfinished(job.state)) return { ...stay, cancelRequested: false };
  switch (event.type) {
    case 'begin': {
      if (ctx.cancelRequested) return done({ state: 'canceled', message: CANCELED_BY_CLIENT });
      if (job.attempts >= ctx.maxAttempts) {
        const why = job.message ?? 'no reason known';
        return done({ state: 'failed', message: `not confirmed after ${job.attempts} attempts (${why})` });
      }
      const reprint = job.state !== 'queued';
      return {
        patch: {
          state: reprint ? 'reprinting' : 'printing',
          attempts: job.attempts + 1,
          reprints: job.reprints + (reprint ? 1 : 0),
          message: reprint ? 'printing the whole job again with the reprint mark' : null,
        },
        cancelRequested: false,
        attempt: { kind: 'print', reprint },
      };
    }
    case 'renderFailed':
      return done({ state: 'failed', message: `cannot render the job: ${event.why}` });
    case 'confirmed':
      return done({ state: 'confirmed', message: null });
    case 'interrupted':
      if (ctx.cancelRequested) return done({ state: 'canceled', message: `${CANCELED_BY_CLIENT} after: ${event.why}` });
      return { ...stay, patch: { state: 'interrupted', message: event.why } };
    case 'cancel':
      // Already going to the printer: it may still come out once, but it will not be reprinted.
      if (ctx.inFlight) return { ...stay, cancelRequested: true };
      return done({ state: 'canceled', message: CANCELED_BY_CLIENT });
    case 'bridgeRestarted':
      if (job.state === 'printing' || job.state === 'reprinting') {
        return { ...stay, patch: { state: 'interrupted', message: 'the bridge stopped while this job was printing' } };
      }
      return stay;
  }
}

function done(patch: PrintJobPatch): PrintJobStep {
  return { patch, cancelRequested: false, attempt: { kind: 'none' } };
}
