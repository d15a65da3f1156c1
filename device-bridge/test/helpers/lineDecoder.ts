/**
 * A tiny `StreamDecoder<string>` for tests of the transport/actor machinery: frames are ASCII lines ended by `\n`;
 * a line that starts with `!` counts as a checksum error (to see decoder counters flow through). Pure logic.
 */
import { newCounters, type StreamDecoder } from '@onedoor/protocol';

export class LineDecoder implements StreamDecoder<string> {
  readonly counters = newCounters();
  private buf = '';

  push(chunk: Uint8Array): string[] {
    this.buf += Buffer.from(chunk).toString('latin1');
    const out: string[] = [];
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 1);
      if (line.startsWith('!')) {
        this.counters.checksumErrors++;
        this.counters.discardedBytes += line.length + 1;
      } else {
        this.counters.frames++;
        out.push(line);
      }
    }
    return out;
  }

  reset(): void {
    this.counters.discardedBytes += this.buf.length;
    this.buf = '';
  }
}

export const line = (s: string) => new Uint8Array(Buffer.from(s + '\n', 'latin1'));
