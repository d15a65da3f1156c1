// An in-memory master for unit tests of the counter bus model: it plays the host side of a SimLine (no wire, no
// timing) and decodes the simulator's replies with the protocol's reply decoder. Real-wire tests use modbus-serial.
import {
  buildModbusRequest, ModbusReplyDecoder, type ModbusReply, type ModbusRequest,
} from '@onedoor/protocol';
import type { SimLine } from '../../src/core/device.ts';
import type { CounterBusSim } from '../../src/counterbus/index.ts';

export class TestMaster {
  readonly decoder = new ModbusReplyDecoder();
  private readonly replies: ModbusReply[] = [];
  private waiting: ((r: ModbusReply) => void) | null = null;
  readonly line: SimLine = {
    baud: 9600,
    send: async (bytes) => {
      this.raw.push(bytes);
      for (const r of this.decoder.push(bytes)) this.deliver(r);
    },
    wireMs: (n) => (n * 10_000) / 9600,
  };
  /** Every byte run the simulator sent, as sent (faults included). */
  readonly raw: Uint8Array[] = [];

  constructor(readonly sim: CounterBusSim) {
    sim.attach(this.line);
  }

  send(req: ModbusRequest): void {
    this.sim.receive(buildModbusRequest(req));
  }

  /** The next reply the simulator sends (in order); rejects when none comes within `timeoutMs`. */
  next(timeoutMs = 3000): Promise<ModbusReply> {
    const r = this.replies.shift();
    if (r) return Promise.resolve(r);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiting = null; reject(new Error('no reply from the simulator')); }, timeoutMs);
      this.waiting = (reply) => { clearTimeout(timer); resolve(reply); };
    });
  }

  async request(req: ModbusRequest): Promise<ModbusReply> {
    this.send(req);
    return this.next();
  }

  /** Registers of a read that must succeed. */
  async read(req: ModbusRequest): Promise<number[]> {
    const r = await this.request(req);
    if (r.kind !== 'registers') throw new Error(`expected registers, got ${JSON.stringify(r)}`);
    return r.values;
  }

  private deliver(r: ModbusReply): void {
    const w = this.waiting;
    if (w) { this.waiting = null; w(r); } else this.replies.push(r);
  }
}
