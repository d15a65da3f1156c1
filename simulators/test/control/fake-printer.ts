/** A stand-in printer for control-API tests: keeps tickets (text + PNG bytes) like a printer model's history. */
import { PNG } from 'pngjs';
import { EchoDevice } from '../link/echo-device.ts';

export interface FakeTicket {
  seq: number;
  text: string;
  png: () => Uint8Array;
}

export class FakePrinter extends EchoDevice {
  readonly tickets: FakeTicket[] = [];

  constructor(id = 'printer') {
    super(id, 'printer');
  }

  override actions() {
    return [...super.actions(), { name: 'cut', args: ['text'], help: 'print and cut a ticket with this text' }];
  }

  override async act(name: string, args: Record<string, unknown>): Promise<unknown> {
    if (name !== 'cut') return super.act(name, args);
    if (typeof args.text !== 'string') throw new Error('cut needs a text string');
    const seq = this.tickets.length + 1;
    const text = args.text;
    this.tickets.push({
      seq,
      text,
      png: () => {
        const png = new PNG({ width: 8, height: 4 });
        return new Uint8Array(PNG.sync.write(png));
      },
    });
    this.emit('ticket', { seq });
    return { seq };
  }
}
