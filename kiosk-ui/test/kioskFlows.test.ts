/**
 * Pure logic of the citizen flows' client side: the hall link (session token from `session`, end by the bridge,
 * trailing touches, logout on the screen's end) against an in-memory socket double, and the print state the screen
 * shows (done / held / reprinted / failed).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KioskPrintOutcome } from '@onedoor/protocol';
import { createHallLink } from '../src/kiosk/hallLink.ts';
import { printKindOf, isPaperOut } from '../src/kiosk/flows/printKind.ts';
import type { KioskSocket } from '../src/net/kioskSocket.ts';

type Listener = (...args: unknown[]) => void;

/** Records emits; `serverSends` plays the bridge's events; `answer` decides each kioskCommand ack. */
function fakeSocket(answer: (cmd: Record<string, unknown>) => unknown = (c) => ({ requestId: c.requestId, code: 'success', result: { ok: true } })) {
  const listeners = new Map<string, Set<Listener>>();
  const emitted: Array<Record<string, unknown>> = [];
  const socket = {
    on(e: string, l: Listener) {
      (listeners.get(e) ?? listeners.set(e, new Set()).get(e)!).add(l);
      return socket;
    },
    off(e: string, l: Listener) {
      listeners.get(e)?.delete(l);
      return socket;
    },
    emit(_e: string, cmd: Record<string, unknown>, ack?: (c: unknown) => void) {
      emitted.push(cmd);
      ack?.(answer(cmd));
      return socket;
    },
    timeout() {
      return {
        emitWithAck: async (_e: string, cmd: Record<string, unknown>) => {
          emitted.push(cmd);
          return answer(cmd);
        },
      };
    },
  };
  return {
    socket: socket as unknown as KioskSocket,
    emitted,
    serverSends: (e: string, payload: unknown) => listeners.get(e)?.forEach((l) => l(payload)),
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}

describe('hall link', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('without a session a command is refused at once with noSession and nothing is sent', async () => {
    const f = fakeSocket();
    const link = createHallLink(f.socket, { onSessionEnd: () => undefined });
    const c = await link.call('certificates.list', {});
    expect(c).toMatchObject({ code: 'userError', refusal: { code: 'noSession' } });
    expect(f.emitted).toEqual([]);
  });

  it('carries the session token in every command, each with its own requestId and the timeout', async () => {
    const f = fakeSocket();
    const link = createHallLink(f.socket, { onSessionEnd: () => undefined });
    f.serverSends('session', { token: 'tok-1' });
    await link.call('queue.take', { category: 'A' }, 15_000);
    await link.call('queue.take', { category: 'A' }, 15_000);
    expect(f.emitted).toHaveLength(2);
    expect(f.emitted[0]).toMatchObject({ token: 'tok-1', command: 'queue.take', args: { category: 'A' }, timeout: 15_000 });
    expect(f.emitted[0].requestId).not.toBe(f.emitted[1].requestId);
  });

  it('a submit resent with its fixed requestId carries the same id (one application on the bridge)', async () => {
    const f = fakeSocket();
    const link = createHallLink(f.socket, { onSessionEnd: () => undefined });
    f.serverSends('session', { token: 'tok-1' });
    const args = { serviceId: 'D35-02', form: {}, bringBy: 'ticket' as const };
    await link.call('intake.submit', args, undefined, 'apply-1');
    await link.call('intake.submit', args, undefined, 'apply-1');
    expect(f.emitted.map((c) => c.requestId)).toEqual(['apply-1', 'apply-1']);
  });

  it('is signing exactly while intake.sign waits for the card (that read is the signature, not a new citizen)', async () => {
    let release: (c: unknown) => void = () => undefined;
    const f = fakeSocket();
    (f.socket as unknown as { timeout(): unknown }).timeout = () => ({ emitWithAck: () => new Promise((r) => (release = r)) });
    const link = createHallLink(f.socket, { onSessionEnd: () => undefined });
    f.serverSends('session', { token: 'tok-1' });
    expect(link.signing.value).toBe(false);
    const signing = link.call('intake.sign', { serviceId: 'D35-02', material: '共同居住承诺' }, 60_000);
    expect(link.signing.value).toBe(true);
    release({ requestId: 'x', code: 'success', result: {} });
    await signing;
    expect(link.signing.value).toBe(false);
  });

  it('no answer from the bridge completes as timeOut instead of hanging', async () => {
    const f = fakeSocket();
    (f.socket as unknown as { timeout(): unknown }).timeout = () => ({ emitWithAck: () => Promise.reject(new Error('operation has timed out')) });
    const link = createHallLink(f.socket, { onSessionEnd: () => undefined });
    f.serverSends('session', { token: 'tok-1' });
    await expect(link.call('applications.list', {})).resolves.toMatchObject({ code: 'timeOut' });
  });

  it('passes touches on once, trailing, and not after the session ended', () => {
    const f = fakeSocket();
    const link = createHallLink(f.socket, { onSessionEnd: () => undefined });
    f.serverSends('session', { token: 'tok-1' });
    link.touched();
    link.touched();
    link.touched();
    expect(f.emitted).toEqual([]);
    vi.advanceTimersByTime(2_000);
    expect(f.emitted.map((e) => e.command)).toEqual(['session.touch']);
    link.touched();
    link.endSession();
    vi.advanceTimersByTime(5_000);
    expect(f.emitted.map((e) => e.command)).toEqual(['session.touch', 'session.logout']);
    expect(link.token.value).toBeNull();
  });

  it('the bridge ending the session sends the screen home, except for a new card (whose greeting is already shown)', () => {
    const f = fakeSocket();
    const onSessionEnd = vi.fn();
    const link = createHallLink(f.socket, { onSessionEnd });
    f.serverSends('session', { token: 'a' });
    f.serverSends('sessionEnded', { token: 'other', reason: 'inactivity' });
    expect(onSessionEnd).not.toHaveBeenCalled();
    f.serverSends('sessionEnded', { token: 'a', reason: 'newCard' });
    expect(onSessionEnd).not.toHaveBeenCalled();
    expect(link.token.value).toBeNull();
    f.serverSends('session', { token: 'b' });
    f.serverSends('sessionEnded', { token: 'b', reason: 'inactivity' });
    expect(onSessionEnd).toHaveBeenCalledTimes(1);
    expect(link.token.value).toBeNull();
  });

  it('a noSession answer from the bridge ends the session on screen too', async () => {
    const f = fakeSocket((c) => ({ requestId: c.requestId, code: 'userError', refusal: { code: 'noSession', zh: '会话已结束', en: 'ended' } }));
    const onSessionEnd = vi.fn();
    const link = createHallLink(f.socket, { onSessionEnd });
    f.serverSends('session', { token: 'gone' });
    const c = await link.call('certificates.list', {});
    expect(c.refusal?.code).toBe('noSession');
    expect(onSessionEnd).toHaveBeenCalledTimes(1);
    expect(link.token.value).toBeNull();
  });

  it('keeps the latest update per print job, and detach removes every listener', () => {
    const f = fakeSocket();
    const link = createHallLink(f.socket, { onSessionEnd: () => undefined });
    f.serverSends('printJob', { jobId: 'pj-1', state: 'interrupted', deviceId: 'p', reprints: 0, at: 1 });
    f.serverSends('printJob', { jobId: 'pj-1', state: 'confirmed', deviceId: 'p', reprints: 1, at: 2 });
    expect(link.jobs.value.get('pj-1')?.state).toBe('confirmed');
    link.detach();
    expect(f.listenerCount()).toBe(0);
  });
});

describe('print state on screen', () => {
  const held: KioskPrintOutcome = { jobId: 'pj-1', code: 'userError', state: 'interrupted', message: 'printer: paper out', pending: true };

  it('done, held, reprinted after a later confirmation, failed when nothing will print', () => {
    expect(printKindOf({ jobId: 'pj-1', code: 'success', state: 'confirmed', pending: false })).toBe('done');
    expect(printKindOf(held)).toBe('held');
    expect(printKindOf(held, { state: 'reprinting' })).toBe('held');
    expect(printKindOf(held, { state: 'confirmed' })).toBe('reprinted');
    expect(printKindOf(held, { state: 'failed' })).toBe('failed');
    expect(printKindOf({ jobId: null, code: 'deviceNotReady', state: null, pending: false })).toBe('failed');
  });

  it('names paper out', () => {
    expect(isPaperOut(held)).toBe(true);
    expect(isPaperOut({ ...held, message: 'cover open' })).toBe(false);
    expect(isPaperOut({ ...held, message: 'cover open' }, { message: 'paper out' })).toBe(true);
  });
});
