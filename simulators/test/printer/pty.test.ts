/**
 * The printer simulator behind a real PTY (socat) opened with the real `serialport` binding, as the bridge opens it:
 * a ticket goes down the wire at 115200 baud, DLE EOT is answered while it prints, the ticket is cut and its process
 * ID comes back only then.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EscPosStatusDecoder, buildStandardTicket, fromHex, type EscPosReply } from '@onedoor/protocol';
import { startSimulator, type RunningSimulator } from '../../src/link/index.ts';
import { PrinterSim } from '../../src/printer/index.ts';
import { openPtyHost, socatChildren, type PtyHost } from '../link/pty-host.ts';
import { STANDARD_TICKET_TEXT } from './expected-tickets.ts';
import { until } from '../../../test/support/until.ts';

let dir: string;
let running: RunningSimulator<PrinterSim>;
let host: PtyHost;
const decoder = new EscPosStatusDecoder();
const replies: EscPosReply[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'printer-pty-'));
  running = await startSimulator(new PrinterSim({ speedMmPerSec: 50 }), { link: 'pty', baud: 115200, dir });
  host = await openPtyHost(running.path!, 115200);
  host.port.on('data', (d: Buffer) => replies.push(...decoder.push(d)));
});

afterAll(async () => {
  await host?.close();
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
  expect(socatChildren()).toEqual([]);
});

describe('printer over a real PTY', () => {
  it('prints the standard ticket, answers DLE EOT while printing, then echoes the process ID', async () => {
    const printer = running.device;
    const next = printer.expectTicket();
    await host.write(fromHex('1D 61 0E'));
    await until('the first ASB', () => replies.find((r) => r.kind === 'asb'));
    await host.write(buildStandardTicket({ processId: 'PTY1' }));
    // The ticket takes ~1.5 s at 50 mm/s: ask for status while it is printing.
    await until('printing to start', () => (printer.snapshot().printing ? true : undefined));
    decoder.expectRealtime(4);
    await host.write(fromHex('10 04 04'));
    const status = await until('the DLE EOT 4 reply', () => replies.find((r) => r.kind === 'realtime'));
    expect(status).toMatchObject({ kind: 'realtime', n: 4, byte: 0x12 });
    expect(replies.some((r) => r.kind === 'processId')).toBe(false);

    const ticket = await next;
    expect(ticket.text).toBe(STANDARD_TICKET_TEXT);
    const pid = await until('the process ID', () => replies.find((r) => r.kind === 'processId'));
    expect(pid).toEqual({ kind: 'processId', id: 'PTY1' });
    expect(replies.map((r) => r.kind)).toEqual(['asb', 'realtime', 'processId']);
    expect(decoder.counters.discardedBytes).toBe(0);
  });
});
