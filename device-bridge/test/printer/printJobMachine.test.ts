// The print-job state machine without I/O: every transition and every fault the driver feeds it.
import type { PrintJobState } from '@onedoor/protocol';
import { describe, expect, it } from 'vitest';
import { printJobStep, type PrintJobContext, type PrintJobFacts } from '../../src/devices/printer/printJobMachine.ts';

const job = (state: PrintJobState, patch: Partial<PrintJobFacts> = {}): PrintJobFacts => ({
  state, attempts: 0, reprints: 0, message: null, ...patch,
});
const ctx = (patch: Partial<PrintJobContext> = {}): PrintJobContext => ({
  cancelRequested: false, inFlight: false, maxAttempts: 5, ...patch,
});

/** Applies the machine's patches in turn, as the driver does with the store. */
function run(start: PrintJobFacts, events: Parameters<typeof printJobStep>[2][], c = ctx()) {
  let facts = start;
  let cancel = c.cancelRequested;
  const attempts: string[] = [];
  for (const e of events) {
    const step = printJobStep(facts, { ...c, cancelRequested: cancel }, e);
    facts = { ...facts, ...step.patch };
    cancel = step.cancelRequested;
    if (step.attempt.kind === 'print') attempts.push(step.attempt.reprint ? 'reprint' : 'print');
  }
  return { facts, cancel, attempts };
}

describe('printJobStep: the happy path', () => {
  it('queued -> printing on begin (first attempt, no mark), then confirmed by its process ID', () => {
    const s = printJobStep(job('queued'), ctx(), { type: 'begin' });
    expect(s).toEqual({
      patch: { state: 'printing', attempts: 1, reprints: 0, message: null },
      cancelRequested: false,
      attempt: { kind: 'print', reprint: false },
    });
    const c = printJobStep(job('printing', { attempts: 1 }), ctx({ inFlight: true }), { type: 'confirmed' });
    expect(c.patch).toEqual({ state: 'confirmed', message: null });
    expect(c.attempt).toEqual({ kind: 'none' });
  });
});

describe('printJobStep: faults', () => {
  it('paper out mid-job: printing -> interrupted with the cause, then the whole job again with the mark', () => {
    const r = run(job('queued'), [{ type: 'begin' }, { type: 'interrupted', why: 'paper out: load a new paper roll' }]);
    expect(r.facts).toMatchObject({ state: 'interrupted', attempts: 1, message: 'paper out: load a new paper roll' });
    const again = printJobStep(r.facts, ctx(), { type: 'begin' });
    expect(again.patch).toEqual({ state: 'reprinting', attempts: 2, reprints: 1, message: 'printing the whole job again with the reprint mark' });
    expect(again.attempt).toEqual({ kind: 'print', reprint: true });
  });

  it('link lost while reprinting: reprinting -> interrupted, and the next attempt is a reprint again', () => {
    const r = run(job('queued'), [
      { type: 'begin' }, { type: 'interrupted', why: 'paper out' },
      { type: 'begin' }, { type: 'interrupted', why: 'printer link lost (disconnected)' },
      { type: 'begin' }, { type: 'confirmed' },
    ]);
    expect(r.facts).toMatchObject({ state: 'confirmed', attempts: 3, reprints: 2, message: null });
    expect(r.attempts).toEqual(['print', 'reprint', 'reprint']);
  });

  it('restart with a job in flight: printing/reprinting -> interrupted; queued and interrupted stay', () => {
    for (const state of ['printing', 'reprinting'] as const) {
      expect(printJobStep(job(state), ctx(), { type: 'bridgeRestarted' }).patch)
        .toEqual({ state: 'interrupted', message: 'the bridge stopped while this job was printing' });
    }
    for (const state of ['queued', 'interrupted'] as const) {
      expect(printJobStep(job(state), ctx(), { type: 'bridgeRestarted' }).patch).toBeNull();
    }
    // ...and a job that was printing when the bridge died is reprinted with the mark, never printed plain.
    const r = run(job('printing', { attempts: 1 }), [{ type: 'bridgeRestarted' }, { type: 'begin' }]);
    expect(r.attempts).toEqual(['reprint']);
  });

  it('an echo that came late: an earlier attempt\'s process ID confirms an interrupted job', () => {
    const s = printJobStep(job('interrupted', { attempts: 1 }), ctx(), { type: 'confirmed' });
    expect(s.patch).toEqual({ state: 'confirmed', message: null });
  });

  it('attempts used up: the next begin fails the job with the last reason', () => {
    const s = printJobStep(job('interrupted', { attempts: 5, message: 'no print confirmation within 100 ms' }), ctx(), { type: 'begin' });
    expect(s.patch).toEqual({ state: 'failed', message: 'not confirmed after 5 attempts (no print confirmation within 100 ms)' });
    expect(s.attempt).toEqual({ kind: 'none' });
    expect(printJobStep(job('interrupted', { attempts: 5 }), ctx(), { type: 'begin' }).patch?.message).toMatch(/no reason known/);
  });

  it('a job that cannot be rendered fails at once', () => {
    expect(printJobStep(job('queued'), ctx(), { type: 'renderFailed', why: 'bad recipe' }).patch)
      .toEqual({ state: 'failed', message: 'cannot render the job: bad recipe' });
  });
});

describe('printJobStep: cancel', () => {
  it('not in flight: canceled at once', () => {
    for (const state of ['queued', 'interrupted'] as const) {
      expect(printJobStep(job(state), ctx(), { type: 'cancel' }).patch).toEqual({ state: 'canceled', message: 'canceled by the client' });
    }
  });

  it('in flight: noted, not canceled; the attempt ending without echo cancels instead of reprinting', () => {
    const s = printJobStep(job('printing', { attempts: 1 }), ctx({ inFlight: true }), { type: 'cancel' });
    expect(s).toEqual({ patch: null, cancelRequested: true, attempt: { kind: 'none' } });
    const end = printJobStep(job('printing', { attempts: 1 }), ctx({ cancelRequested: true }), { type: 'interrupted', why: 'paper out' });
    expect(end.patch).toEqual({ state: 'canceled', message: 'canceled by the client after: paper out' });
    expect(end.cancelRequested).toBe(false);
  });

  it('in flight then confirmed: the ticket came out, the job is confirmed and the cancel is forgotten', () => {
    const s = printJobStep(job('printing'), ctx({ cancelRequested: true }), { type: 'confirmed' });
    expect(s).toEqual({ patch: { state: 'confirmed', message: null }, cancelRequested: false, attempt: { kind: 'none' } });
  });

  it('a noted cancel is honoured when the queue picks the job again', () => {
    expect(printJobStep(job('interrupted'), ctx({ cancelRequested: true }), { type: 'begin' }))
      .toEqual({ patch: { state: 'canceled', message: 'canceled by the client' }, cancelRequested: false, attempt: { kind: 'none' } });
  });
});

describe('printJobStep: finished jobs never change', () => {
  it.each(['confirmed', 'failed', 'canceled'] as const)('%s ignores every event', (state) => {
    for (const e of [
      { type: 'begin' }, { type: 'confirmed' }, { type: 'interrupted', why: 'x' }, { type: 'cancel' },
      { type: 'bridgeRestarted' }, { type: 'renderFailed', why: 'x' },
    ] as const) {
      expect(printJobStep(job(state), ctx({ cancelRequested: true, inFlight: true }), e))
        .toEqual({ patch: null, cancelRequested: false, attempt: { kind: 'none' } });
    }
  });
});
