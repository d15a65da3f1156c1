/**
 * A tiny SimDevice for testing links and control surfaces before (and independently of) the real device models:
 * it records what reaches it and echoes every received chunk back to the host.
 */
import { EventEmitter } from 'node:events';
import type { SimActionInfo, SimDevice, SimKind, SimLine } from '../../src/core/device.ts';
import { untilWith } from '../../../test/support/until.ts';

export class EchoDevice extends EventEmitter implements SimDevice {
  readonly kind: SimKind;
  line: SimLine | null = null;
  /** Every attach() argument in order: 'line' or null. */
  readonly attachments: Array<'line' | null> = [];
  readonly chunks: Uint8Array[] = [];
  echo = true;
  closed = false;
  mood = 'calm';

  constructor(
    readonly id = 'echo',
    kind: SimKind = 'idreader',
  ) {
    super();
    this.kind = kind;
  }

  get received(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0);
  }

  receivedBytes(): Uint8Array {
    const out = new Uint8Array(this.received);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }

  attach(line: SimLine | null): void {
    this.line = line;
    this.attachments.push(line ? 'line' : null);
  }

  receive(bytes: Uint8Array): void {
    this.chunks.push(bytes.slice());
    this.emit('log', { dir: 'rx', hex: Buffer.from(bytes).toString('hex'), note: 'echo' });
    if (this.echo && this.line) void this.line.send(bytes);
  }

  snapshot(): Record<string, unknown> {
    return { mood: this.mood, received: this.received, attached: this.line !== null };
  }

  actions(): SimActionInfo[] {
    return [
      { name: 'say', args: ['text'], help: 'send text to the host' },
      { name: 'mood', args: ['mood'], help: 'set the mood (calm or grumpy)' },
    ];
  }

  async act(name: string, args: Record<string, unknown>): Promise<unknown> {
    if (name === 'say') {
      if (typeof args.text !== 'string') throw new Error('say needs a text string');
      if (!this.line) return { sent: false };
      await this.line.send(new TextEncoder().encode(args.text));
      return { sent: true };
    }
    if (name === 'mood') {
      if (args.mood !== 'calm' && args.mood !== 'grumpy') throw new Error(`mood must be calm or grumpy, got ${String(args.mood)}`);
      this.mood = args.mood;
      this.emit('state', this.snapshot());
      return { mood: this.mood };
    }
    throw new Error(`unknown action ${name}; known: say, mood`);
  }

  close(): void {
    this.closed = true;
  }
}

/**
 * Resolve when `cond()` holds, checking every few ms. Not a timed assertion: the 2-minute cap only turns a hang into
 * a message naming what never happened (the machine may be slow; the test's own timeout is the real bound).
 */
export const until = untilWith({ limitMs: 120_000, stepMs: 5 });

export function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >> 8)) & 0xff;
  return b;
}

/** What a test host received, chunk by chunk, and whether its stream closed (TCP socket or serial port). */
export interface Received {
  readonly chunks: Buffer[];
  readonly bytes: Buffer;
  readonly closed: boolean;
}

export function collectReceived(stream: EventEmitter): Received {
  const chunks: Buffer[] = [];
  let closed = false;
  stream.on('data', (d: Buffer) => chunks.push(d));
  stream.on('close', () => (closed = true));
  stream.on('error', () => {}); // a dropped host is an expected event in these tests, seen through `closed`
  return {
    chunks,
    get bytes() {
      return Buffer.concat(chunks);
    },
    get closed() {
      return closed;
    },
  };
}
