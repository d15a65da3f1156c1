/**
 * A tiny fake device for tests of the transport/actor/driver machinery, on the device end of a socat PTY pair,
 * opened with the real serialport binding. It speaks the line protocol of `LineDecoder`: each command is an ASCII
 * line; `respond(cmd)` returns the reply lines and their delay, or nothing to stay silent.
 */
import { SerialPort } from 'serialport';

export type Responder = (cmd: string) => { lines: string[]; delayMs?: number } | null;

export class FakeLineDevice {
  received: string[] = [];
  /** True if a command arrived while an earlier one was still waiting for its reply. */
  overlap = false;
  private busy = 0;
  private buf = '';
  private port: SerialPort | null = null;

  constructor(public respond: Responder) {}

  async attach(path: string): Promise<void> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
    port.on('error', () => {});
    port.on('data', (c: Buffer) => {
      this.buf += c.toString('latin1');
      let i: number;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const cmd = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        this.handle(cmd);
      }
    });
    this.port = port;
  }

  detach(): Promise<void> {
    const port = this.port;
    this.port = null;
    return new Promise<void>((r) => (port?.isOpen ? port.close(() => r()) : r()));
  }

  write(s: string): void {
    if (this.port?.isOpen) this.port.write(s + '\n');
  }

  private handle(cmd: string): void {
    this.received.push(cmd);
    if (this.busy > 0) this.overlap = true;
    const r = this.respond(cmd);
    if (!r) return;
    if (!r.delayMs) {
      for (const l of r.lines) this.write(l);
      return;
    }
    this.busy++;
    setTimeout(() => {
      this.busy--;
      for (const l of r.lines) this.write(l);
    }, r.delayMs);
  }
}
