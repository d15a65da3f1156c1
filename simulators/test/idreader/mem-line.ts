/**
 * An in-memory SimLine for unit-level checks of the reader model (the PTY test uses the real link): it records
 * what the device sends and decodes it with the protocol's own decoder, as a host would.
 */
import { SamFrameDecoder, fromHex, type SamFrame } from '@onedoor/protocol';
import type { SimLine } from '../../src/core/device.ts';
import type { IdReaderSim } from '../../src/idreader/index.ts';

export class MemLine implements SimLine {
  readonly baud = 115200;
  readonly sent: Uint8Array[] = [];
  readonly host = new SamFrameDecoder({ direction: 'response' });
  async send(bytes: Uint8Array): Promise<void> {
    this.sent.push(bytes.slice());
  }
  wireMs(n: number): number {
    return (n * 10 * 1000) / this.baud;
  }
}

/** Sends one command (hex or bytes) and returns the frames the host decodes from the reply bytes. */
export async function ask(sim: IdReaderSim, line: MemLine, cmd: string | Uint8Array): Promise<SamFrame[]> {
  const from = line.sent.length;
  sim.receive(typeof cmd === 'string' ? fromHex(cmd) : cmd);
  await sim.idle();
  return line.sent.slice(from).flatMap((b) => line.host.push(b));
}
