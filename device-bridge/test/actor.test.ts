// The per-device actor over a real socat PTY pair, with a tiny fake device on the other end written here.
// Protocol of the fake device (one ASCII line per frame):
//   "PING n"   -> "PONG n" after 30 ms; it records whether a second command arrived before it answered
//   "SILENT n" -> no answer
//   "LATE n"   -> "PONG n" after 300 ms
//   "PUSH"     -> "EVT pushed" at once (unsolicited) and "PONG push"
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceActor } from '../src/devices/actor.ts';
import { DeviceCommandError } from '../src/devices/errors.ts';
import { ReconnectingTransport, SerialTransport, type TransportEventMap } from '../src/transport/index.ts';
import { FakeLineDevice, type Responder } from './helpers/fakeLineDevice.ts';
import { line, LineDecoder } from './helpers/lineDecoder.ts';
import { startPtyPair, until, type PtyPair } from './helpers/pty.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** The fake device's protocol (see the header). */
const respond: Responder = (cmd) => {
  const [verb, arg] = cmd.split(' ');
  if (verb === 'PING') return { lines: [`PONG ${arg}`], delayMs: 30 };
  if (verb === 'LATE') return { lines: [`PONG ${arg}`], delayMs: 300 };
  if (verb === 'PUSH') return { lines: ['EVT pushed', 'PONG push'] };
  return null;
};

async function fakeDevice(path: string): Promise<FakeLineDevice> {
  const d = new FakeLineDevice(respond);
  await d.attach(path);
  cleanups.push(() => d.detach());
  return d;
}

async function setup(opts: { quietAfterTimeoutMs?: number } = {}) {
  const pty: PtyPair = await startPtyPair();
  cleanups.push(() => pty.dispose());
  const device = await fakeDevice(pty.b);
  const link = new ReconnectingTransport(new SerialTransport(pty.a, { baud: 115200 }), { minDelayMs: 20, maxDelayMs: 100 });
  cleanups.push(() => link.stop());
  const unsolicited: string[] = [];
  const actor = new DeviceActor<string>({
    id: 'dev1',
    channel: link,
    decoder: new LineDecoder(),
    onUnsolicited: (f) => unsolicited.push(f),
    quietAfterTimeoutMs: opts.quietAfterTimeoutMs,
  });
  cleanups.push(() => actor.close());
  link.start();
  await until(() => link.isOpen, 'link open');
  const ping = (n: string | number, extra: Partial<{ timeoutMs: number; signal: AbortSignal; verb: string }> = {}) =>
    actor.request({
      label: `${extra.verb ?? 'PING'} ${n}`,
      bytes: line(`${extra.verb ?? 'PING'} ${n}`),
      accept: (f) => f === `PONG ${n}`,
      timeoutMs: extra.timeoutMs ?? 2000,
      signal: extra.signal,
    });
  return { pty, device, link, actor, unsolicited, ping };
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'success';
  } catch (e) {
    return e instanceof DeviceCommandError ? e.code : `other: ${(e as Error).message}`;
  }
};

describe('DeviceActor over a PTY', () => {
  it('answers a request with the frame its matcher accepts and counts frames', async () => {
    const { ping, actor } = await setup();
    await expect(ping(1)).resolves.toBe('PONG 1');
    const c = actor.counters();
    expect(c.frames).toBe(1);
    expect(c.commands).toBe(1);
    expect(c.bytesOut).toBe('PING 1\n'.length);
  });

  it('keeps one command in flight: concurrent requests reach the device one after another', async () => {
    const { ping, device } = await setup();
    const results = await Promise.all([ping(1), ping(2), ping(3), ping(4)]);
    expect(results).toEqual(['PONG 1', 'PONG 2', 'PONG 3', 'PONG 4']);
    expect(device.received).toEqual(['PING 1', 'PING 2', 'PING 3', 'PING 4']);
    expect(device.overlap).toBe(false);
  });

  it('times out a command the device does not answer, counts it, and goes on with the next', async () => {
    const { ping, actor } = await setup();
    expect(await codeOf(ping(7, { verb: 'SILENT', timeoutMs: 150 }))).toBe('timeOut');
    expect(actor.counters().timeouts).toBe(1);
    await expect(ping(8)).resolves.toBe('PONG 8');
  });

  it('a late reply to a timed-out command is not taken for the next one', async () => {
    const { ping, unsolicited } = await setup({ quietAfterTimeoutMs: 400 });
    // LATE 5 answers after 300 ms but we give up after 100 ms; the next command asks for the same "PONG 5".
    expect(await codeOf(ping(5, { verb: 'LATE', timeoutMs: 100 }))).toBe('timeOut');
    await expect(ping(5)).resolves.toBe('PONG 5');
    expect(unsolicited).toEqual(['PONG 5']);
  });

  it('cancels through AbortSignal, in flight and queued, and never writes a canceled queued command', async () => {
    const { ping, device, actor } = await setup();
    const inflight = new AbortController();
    const queued = new AbortController();
    const p1 = codeOf(ping(1, { verb: 'SILENT', signal: inflight.signal }));
    const p2 = codeOf(ping(2, { signal: queued.signal }));
    const p3 = ping(3);
    queued.abort();
    await until(() => device.received.length === 1, 'first command written');
    inflight.abort();
    expect(await p1).toBe('canceled');
    expect(await p2).toBe('canceled');
    await expect(p3).resolves.toBe('PONG 3');
    expect(device.received).toEqual(['SILENT 1', 'PING 3']);
    expect(actor.counters().canceled).toBe(2);
    const pre = new AbortController();
    pre.abort();
    expect(await codeOf(ping(9, { signal: pre.signal }))).toBe('canceled');
  });

  it('sends unsolicited frames to the handler', async () => {
    const { actor, unsolicited } = await setup();
    const reply = await actor.request({ bytes: line('PUSH'), accept: (f) => f === 'PONG push', timeoutMs: 2000 });
    expect(reply).toBe('PONG push');
    await until(() => unsolicited.length === 1, 'unsolicited frame');
    expect(unsolicited).toEqual(['EVT pushed']);
    expect(actor.counters().unsolicited).toBe(1);
  });

  it('on unplug rejects the command in flight and every queued one with deviceNotReady, then works after replug', async () => {
    const { ping, pty, link, actor, device } = await setup();
    const pending = [ping(1, { verb: 'SILENT', timeoutMs: 20_000 }), ping(2, { timeoutMs: 20_000 }), ping(3, { timeoutMs: 20_000 })].map(codeOf);
    await until(() => device.received.length === 1, 'first command written');
    await pty.kill();
    const codes = await Promise.all(pending);
    expect(codes).toEqual(['deviceNotReady', 'deviceNotReady', 'deviceNotReady']);
    expect(actor.pending).toBe(0);
    expect(await codeOf(ping(4))).toBe('deviceNotReady'); // port down: rejected at once, not queued
    await pty.restart();
    await fakeDevice(pty.b);
    await until(() => link.isOpen, 'reopened');
    await expect(ping(5)).resolves.toBe('PONG 5');
    expect(actor.counters().reconnects).toBe(1);
  });

  it('close() rejects everything pending and refuses new commands', async () => {
    const { ping, actor } = await setup();
    const p = ping(1, { verb: 'SILENT', timeoutMs: 20_000 });
    const q = ping(2);
    actor.close();
    expect(await Promise.all([codeOf(p), codeOf(q), codeOf(ping(3))])).toEqual(['deviceNotReady', 'deviceNotReady', 'deviceNotReady']);
  });

  it('send() writes without waiting for a reply and holds between slices while paused (XOFF)', async () => {
    const { link, device } = await setup();
    const ac = new DeviceActor<string>({ id: 'x', channel: link, decoder: new LineDecoder(), writeChunkSize: 7 });
    cleanups.push(() => ac.close());
    ac.pause();
    // Two 7-byte lines in 7-byte slices: the pause must hold before the first slice and the resume release both.
    const sent = ac.send(new Uint8Array([...line('PING a'), ...line('PING b')]));
    const later = ac.request({ bytes: line('PING c'), accept: (f) => f === 'PONG c', timeoutMs: 2000 });
    await new Promise((r) => setTimeout(r, 100));
    expect(device.received).toEqual([]); // paused: nothing written yet
    ac.resume();
    await sent;
    await expect(later).resolves.toBe('PONG c');
    expect(device.received).toEqual(['PING a', 'PING b', 'PING c']);
  });
});

describe('DeviceActor ordering (in-memory channel, pure logic)', () => {
  // A channel whose device answers synchronously inside write(), before write() resolves: only a matcher that is
  // registered before the write can catch that reply.
  class EchoChannel extends EventEmitter<TransportEventMap> {
    readonly path = 'mem://echo';
    readonly isOpen = true;
    async write(bytes: Uint8Array): Promise<void> {
      this.emit('data', new Uint8Array([...new TextEncoder().encode('RE ' + Buffer.from(bytes).toString('latin1'))]));
    }
  }

  it('registers the matcher before writing, so an instant reply is not lost', async () => {
    const unsolicited: string[] = [];
    const actor = new DeviceActor<string>({ id: 'mem', channel: new EchoChannel(), decoder: new LineDecoder(), onUnsolicited: (f) => unsolicited.push(f) });
    await expect(actor.request({ bytes: line('X'), accept: (f) => f === 'RE X', timeoutMs: 1000 })).resolves.toBe('RE X');
    expect(unsolicited).toEqual([]);
    actor.close();
  });

  it('decoder counters flow into the actor counters; a throwing matcher counts as no match', async () => {
    const ch = new EchoChannel();
    const unsolicited: string[] = [];
    const actor = new DeviceActor<string>({ id: 'mem', channel: ch, decoder: new LineDecoder(), onUnsolicited: (f) => unsolicited.push(f) });
    ch.emit('data', line('!bad'));
    const p = actor.request({
      bytes: line('Y'),
      accept: () => {
        throw new Error('driver bug');
      },
      timeoutMs: 50,
    });
    expect(await codeOf(p)).toBe('timeOut');
    expect(unsolicited).toEqual(['RE Y']);
    expect(actor.counters()).toMatchObject({ checksumErrors: 1, discardedBytes: 5, frames: 1, timeouts: 1 });
    expect(() => actor.request({ bytes: line('Z'), accept: () => true, timeoutMs: 0 })).toThrow(/timeoutMs/);
    actor.close();
  });

  it('listen: an empty wait is no timeout (nothing counted, partial frame kept); a frame that comes is returned', async () => {
    const ch = new EchoChannel();
    const actor = new DeviceActor<string>({ id: 'mem', channel: ch, decoder: new LineDecoder(), quietAfterTimeoutMs: 10_000 });
    const got = await actor.transaction('listen in slices', async (l) => {
      ch.emit('data', new TextEncoder().encode('HAL')); // the first half of a frame
      const first = await l.listen({ accept: (f) => f === 'HALF', forMs: 20 });
      const second = l.listen({ accept: (f) => f === 'HALF', forMs: 5000 });
      await new Promise((r) => setTimeout(r, 10)); // the step reaches the line
      ch.emit('data', line('F')); // the rest of it
      return [first, await second];
    });
    expect(got).toEqual([undefined, 'HALF']);
    // No quiet time was owed: a request right after is written and answered at once (its timeout is far below it).
    await expect(actor.request({ bytes: line('N'), accept: (f) => f === 'RE N', timeoutMs: 1000 })).resolves.toBe('RE N');
    expect(actor.counters().timeouts).toBe(0);
    actor.close();
  });
});

describe('DeviceActor transactions and priorities over a PTY', () => {
  it('a transaction holds the line for all its steps: a request asked for meanwhile goes after it', async () => {
    const { actor, ping, device } = await setup();
    const steps: string[] = [];
    const tx = actor.transaction('two pings', async (l) => {
      steps.push(await l.request({ bytes: line('PING t1'), accept: (f) => f === 'PONG t1', timeoutMs: 2000 }));
      await new Promise((r) => setTimeout(r, 50)); // the line stays held while the transaction thinks
      steps.push(await l.request({ bytes: line('PING t2'), accept: (f) => f === 'PONG t2', timeoutMs: 2000 }));
      return steps.length;
    });
    await until(() => device.received.length === 1, 'first step written');
    const other = ping('x');
    await expect(tx).resolves.toBe(2);
    await expect(other).resolves.toBe('PONG x');
    expect(device.received).toEqual(['PING t1', 'PING t2', 'PING x']);
    expect(device.overlap).toBe(false);
  });

  it('waiting work goes by priority (command, poll, background), first come first served within one', async () => {
    const { actor, device } = await setup();
    const hold = actor.transaction('hold', (l) => l.request({ bytes: line('PING 0'), accept: (f) => f === 'PONG 0', timeoutMs: 2000 }));
    await until(() => device.received.length === 1, 'holder written');
    const ask = (n: string, priority: 'command' | 'poll' | 'background') =>
      actor.request({ bytes: line(`PING ${n}`), accept: (f) => f === `PONG ${n}`, timeoutMs: 2000, priority });
    const all = Promise.all([ask('bg', 'background'), ask('poll1', 'poll'), ask('cmd1', 'command'), ask('poll2', 'poll'), ask('cmd2', 'command')]);
    await hold;
    await all;
    expect(device.received).toEqual(['PING 0', 'PING cmd1', 'PING cmd2', 'PING poll1', 'PING poll2', 'PING bg']);
  });

  it('unplug mid-transaction: the transaction fails at once and its later steps are refused', async () => {
    const { actor, pty, device } = await setup();
    let later: string | null = null;
    let lineSignal: AbortSignal | null = null;
    const tx = codeOf(actor.transaction('long', async (l) => {
      lineSignal = l.signal;
      await l.request({ bytes: line('SILENT 1'), accept: () => false, timeoutMs: 20_000 }).catch(() => undefined);
      later = await codeOf(l.send(line('PING 2')));
    }));
    await until(() => device.received.length === 1, 'first step written');
    await pty.kill();
    expect(await tx).toBe('deviceNotReady');
    await until(() => later !== null, 'the later step answered');
    expect(later).toBe('deviceNotReady');
    expect(lineSignal!.aborted).toBe(true);
  });

  it('a timeout error carries the stack of the code that asked, not of the timer', async () => {
    const { actor } = await setup();
    async function askTheSilentDevice() {
      return actor.request({ label: 'SILENT 3', bytes: line('SILENT 3'), accept: () => false, timeoutMs: 100 });
    }
    const err = await askTheSilentDevice().catch((e: unknown) => e as DeviceCommandError);
    expect(err).toBeInstanceOf(DeviceCommandError);
    expect((err as DeviceCommandError).code).toBe('timeOut');
    expect((err as Error).stack).toMatch(/^DeviceCommandError: dev1 SILENT 3: no reply within 100 ms\n/);
    expect((err as Error).stack).toContain('askTheSilentDevice');
    expect((err as Error).stack).not.toMatch(/listOnTimeout|processTimers/);
  });
});

describe('DeviceActor errors and gaps (in-memory channel)', () => {
  class FailingChannel extends EventEmitter<TransportEventMap> {
    readonly path = 'mem://fail';
    readonly isOpen = true;
    readonly portError = new Error('EIO: the adapter went away');
    async write(): Promise<void> {
      throw this.portError;
    }
  }

  it('a write failure keeps the port error as its cause', async () => {
    const ch = new FailingChannel();
    const actor = new DeviceActor<string>({ id: 'mem', channel: ch, decoder: new LineDecoder() });
    const err = (await actor.send(line('X')).catch((e: unknown) => e)) as DeviceCommandError;
    expect(err.code).toBe('deviceNotReady');
    expect(err.message).toContain('write failed: EIO: the adapter went away');
    expect(err.cause).toBe(ch.portError);
    actor.close();
  });

  it('keeps the inter-command gap between the steps of a transaction, to the sub-millisecond', async () => {
    const writes: number[] = [];
    class TimedChannel extends EventEmitter<TransportEventMap> {
      readonly path = 'mem://timed';
      readonly isOpen = true;
      async write(): Promise<void> {
        writes.push(performance.now());
      }
    }
    const actor = new DeviceActor<string>({ id: 'mem', channel: new TimedChannel(), decoder: new LineDecoder(), interCommandGapMs: 3.6 });
    await actor.transaction('three', async (l) => {
      for (let i = 0; i < 3; i++) await l.send(line(`S${i}`));
    });
    expect(writes).toHaveLength(3);
    for (let i = 1; i < 3; i++) expect(writes[i] - writes[i - 1]).toBeGreaterThanOrEqual(3.6);
    actor.close();
  });
});
