/**
 * Behaviour of the printer model (escpos.md): real-time status while printing, paper end mid-ticket, cover open,
 * cutter error and recovery, flow control. The host side is the real EscPosStatusDecoder behind an in-memory line;
 * the real-PTY path is in pty.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { EscPosEncoder, buildStandardTicket, concatBytes, fromHex, toHex } from '@onedoor/protocol';
import { PrinterSim, type PrintedTicket, type PrinterSimOptions } from '../../src/printer/index.ts';
import { HostDouble, isProcessId } from './host-double.ts';

const sims: PrinterSim[] = [];
afterEach(() => { for (const s of sims.splice(0)) s.close(); });

function setup(opts: PrinterSimOptions = {}) {
  const sim = new PrinterSim({ nearEndMm: 0, ...opts });
  sims.push(sim);
  return { sim, host: new HostDouble(sim) };
}

const ENABLE_ASB = fromHex('1D 61 0E');
const asbHex = (host: HostDouble) => host.of('asb').map((a) => toHex(Uint8Array.from(a.bytes)));

describe('real-time status', () => {
  it('is strict: inside a command with length bytes, DLE EOT is that command\'s data and gets no answer', () => {
    const { host } = setup();
    host.write(fromHex('1D 28 6B 40')); // GS ( k with only pL: the next byte is pH
    expect(() => host.realtime(1)).toThrow(/no DLE EOT 1 reply/); // 10 became pH: 0x1040 = 4160 bytes to come
    for (let left = 0x1040 - 2; left > 0; left -= 1024) host.write(new Uint8Array(Math.min(left, 1024))); // the rest (04 01 counted)
    expect(host.realtime(1)).toBe(0x16);
  });

  it('a healthy idle printer answers 16 / 12 / 12 / 12', () => {
    const { host } = setup();
    expect([1, 2, 3, 4].map((n) => host.realtime(n as 1 | 2 | 3 | 4))).toEqual([0x16, 0x12, 0x12, 0x12]);
  });

  it('answers DLE EOT at once while a ticket is printing, before the ticket\'s process ID', async () => {
    const { sim, host } = setup({ speedMmPerSec: 50 }); // the ticket takes over a second
    host.write(buildStandardTicket());
    expect(sim.snapshot().printing).toBe(true);
    expect(host.realtime(1)).toBe(0x16);
    expect(host.realtime(4)).toBe(0x12);
    expect(host.of('processId')).toEqual([]);
    const pid = await host.waitFor(isProcessId('0001'));
    const order = host.replies.map((r) => r.kind);
    expect(order.indexOf('realtime')).toBeLessThan(host.replies.indexOf(pid));
    expect(sim.tickets).toHaveLength(1);
  });

  it('sends ASB when enabled, and again on every change', async () => {
    const { sim, host } = setup();
    host.write(ENABLE_ASB);
    expect(asbHex(host)).toEqual(['10 00 00 00']);
    await sim.act('paper', { state: 'low' });
    await sim.act('offline', {});
    await sim.act('online', {});
    expect(asbHex(host)).toEqual(['10 00 00 00', '10 00 03 00', '18 00 03 00', '10 00 03 00']);
    expect(host.realtime(4)).toBe(0x1e);
  });

  it('the near-end sensor trips when the roll runs low while printing', async () => {
    const { sim, host } = setup({ paperLengthMm: 100, nearEndMm: 60, speedMmPerSec: 400 });
    host.write(ENABLE_ASB);
    host.write(buildStandardTicket()); // ~68 mm: leaves ~32 mm
    await host.waitFor(isProcessId('0001'));
    expect(asbHex(host)).toEqual(['10 00 00 00', '10 00 03 00']);
    expect(sim.snapshot()).toMatchObject({ paper: 'low', online: true });
  });
});

describe('paper end in the middle of a ticket', () => {
  it('stops, loses the rest, never confirms the job, and prints the reprint after recovery', async () => {
    // 40 mm = 320 dots: the standard ticket (540 dots) runs out at its QR code.
    const { sim, host } = setup({ paperLengthMm: 40, speedMmPerSec: 400 });
    host.write(ENABLE_ASB);
    const interrupted = once(sim, 'interrupted');
    host.write(buildStandardTicket({ processId: '0001' }));
    const [part] = (await interrupted) as [PrintedTicket];

    // What was printed before the paper ran out is kept, marked interrupted, with no cut.
    expect(part).toMatchObject({ interrupted: true, cut: 'none' });
    expect(part.text.split('\n')[0]).toBe('[C][B]广东省政务服务中心[/B]');
    expect(part.text).not.toContain('[QR');

    // ASB paper end (and offline: escpos.md "stops at paper end, goes offline"), DLE EOT 4 = 72.
    expect(asbHex(host)).toEqual(['10 00 00 00', '18 00 0C 00']);
    expect(host.of('asb')[1].fields).toMatchObject({ paper: 'out', online: false });
    expect(host.realtime(4)).toBe(0x72);
    expect(host.realtime(2)).toBe(0x32);
    expect(host.realtime(1)).toBe(0x1e);

    // The rest of the ticket is lost: its process ID never comes, and bytes that arrive while paper is out are lost.
    host.write(buildStandardTicket({ processId: '0002' }));
    expect(sim.snapshot()).toMatchObject({ paper: 'out', online: false, waitingForPaper: true, buffer: { used: 0 } });
    expect(sim.snapshot().droppedBytes).toBeGreaterThan(0);

    // Paper loaded: online again by itself; the host recovers (10 05 02, then 1B 40) and reprints with a mark.
    await sim.act('paper-length', { mm: 'infinite' });
    await sim.act('paper', { state: 'ok' });
    expect(asbHex(host).at(-1)).toBe('10 00 00 00');
    const next = sim.expectTicket();
    host.write(fromHex('10 05 02'));
    host.write(buildStandardTicket({ processId: '0003', reprintMark: '补打 REPRINT' }));
    const reprint = await next;
    expect(reprint).toMatchObject({ reprint: true, interrupted: false, cut: 'partial' });
    expect(reprint.text.split('\n')[0]).toBe('[C][B][INV]补打 REPRINT[/INV][/B]');
    await host.waitFor(isProcessId('0003'));
    expect(host.of('processId').map((p) => p.id)).toEqual(['0003']);
    expect(sim.tickets.map((t) => t.interrupted)).toEqual([true, false]);
  });

  it('paper out set by hand while idle keeps the buffer and prints it when paper is loaded', async () => {
    const { sim, host } = setup({ speedMmPerSec: 400 });
    await sim.act('paper', { state: 'out' });
    host.write(buildStandardTicket({ processId: '0007' }));
    expect(sim.snapshot()).toMatchObject({ printing: false, waitingForPaper: false });
    expect(sim.snapshot().buffer).toMatchObject({ used: buildStandardTicket().length });
    const next = sim.expectTicket();
    await sim.act('paper', { state: 'ok' });
    await next;
    await host.waitFor(isProcessId('0007'));
  });
});

describe('cover open and cutter error', () => {
  it('cover open: offline, nothing prints until it closes; ASB 38 00 00 00 and DLE EOT 2 = 16', async () => {
    const { sim, host } = setup({ speedMmPerSec: 400 });
    host.write(ENABLE_ASB);
    await sim.act('cover', { state: 'open' });
    expect(asbHex(host).at(-1)).toBe('38 00 00 00');
    expect(host.realtime(2)).toBe(0x16);
    expect(host.realtime(1)).toBe(0x1e);
    host.write(buildStandardTicket());
    expect(sim.snapshot()).toMatchObject({ printing: false, tickets: 0 });
    const next = sim.expectTicket();
    await sim.act('cover', { state: 'closed' });
    expect(asbHex(host).at(-1)).toBe('10 00 00 00');
    await next;
    await host.waitFor(isProcessId('0001'));
  });

  it('cutter error waits for recovery: 10 05 01 resumes with the buffer kept', async () => {
    const { sim, host } = setup({ speedMmPerSec: 400 });
    host.write(ENABLE_ASB);
    await sim.act('cutter-error', {});
    expect(asbHex(host).at(-1)).toBe('18 09 00 00'); // offline; waiting for recovery + cutter error
    expect(host.realtime(3)).toBe(0x1a);
    expect(host.realtime(1)).toBe(0x3e); // offline + waiting for online recovery
    host.write(buildStandardTicket({ processId: '0011' }));
    expect(sim.snapshot()).toMatchObject({ printing: false });
    const next = sim.expectTicket();
    host.write(fromHex('10 05 01'));
    await next;
    await host.waitFor(isProcessId('0011'));
  });

  it('cutter error: 10 05 02 clears the buffer, so that job is never printed', async () => {
    const { sim, host } = setup({ speedMmPerSec: 400 });
    await sim.act('cutter-error', {});
    host.write(buildStandardTicket({ processId: '0012' }));
    host.write(fromHex('10 05 02'));
    expect(sim.snapshot()).toMatchObject({ cutterError: false, buffer: { used: 0 } });
    host.write(buildStandardTicket({ processId: '0013' }));
    await host.waitFor(isProcessId('0013'));
    expect(host.of('processId').map((p) => p.id)).toEqual(['0013']);
    expect(sim.tickets).toHaveLength(1);
  });
});

describe('receive buffer and flow control', () => {
  const burst = (n: number) => concatBytes(Array.from({ length: n }, (_, i) =>
    buildStandardTicket({ processId: `B${String(i).padStart(3, '0')}` })));

  it('sends XOFF when nearly full and XON when drained; a host that obeys loses nothing', async () => {
    const { sim, host } = setup({ bufferSize: 1024, speedMmPerSec: 2000, cutMs: 5 });
    const bytes = burst(8);
    expect(bytes.length).toBeGreaterThan(2 * 1024);
    await host.writeWithFlowControl(bytes);
    await host.waitFor(isProcessId('B007'));
    expect(host.of('xoff').length).toBeGreaterThan(0);
    expect(host.of('xon').length).toBe(host.of('xoff').length);
    expect(host.of('processId').map((p) => p.id)).toEqual(Array.from({ length: 8 }, (_, i) => `B00${i}`));
    expect(sim.snapshot()).toMatchObject({ overflowBytes: 0, tickets: 8 });
  });

  it('a host that ignores XOFF overruns the buffer and loses bytes', () => {
    const { sim, host } = setup({ bufferSize: 1024, speedMmPerSec: 50 });
    host.write(burst(8));
    expect(host.of('xoff')).toHaveLength(1);
    expect(sim.snapshot().overflowBytes).toBeGreaterThan(0);
  });
});

describe('rendering details', () => {
  it('renders styles, alignment, a CODE128 barcode, an image and a feed-and-cut', async () => {
    const { sim, host } = setup({ speedMmPerSec: 400 });
    const img = { width: 16, height: 2, data: new Uint8Array(4).fill(0xff) };
    const next = sim.expectTicket();
    host.write(new EscPosEncoder().initialize().text('a ').bold().text('b').underline(2).text('[c]').bold(false)
      .underline(0).size(2, 1).text('d').reverse().text('e').newline().align('right').barcodeHri(2).barcodeHeight(50)
      .barcodeWidth(2).code128('A012').image(img).feedDots(20).feedAndCut(16, 'full').encode());
    const t = await next;
    expect(t.text).toBe([
      'a [B]b[U2][[c][/U][/B][2x1]d[INV]e[/INV]',
      '[R][CODE128 w2 h50 hri=below:A012]',
      '[R][IMAGE 16x2]',
      '[FEED 20]',
      '[FEED 16]',
      '[CUT full]',
    ].join('\n'));
    expect(t.heightDots).toBe(30 + 50 + 30 + 2 + 20 + 16);
  });
});

describe('control surface', () => {
  it('lists its actions with help and rejects bad ones with clear messages', async () => {
    const { sim } = setup();
    const names = sim.actions().map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['paper', 'paper-length', 'cover', 'cutter-error', 'offline', 'online',
      'clear-history']));
    for (const a of sim.actions()) expect(a.help.length).toBeGreaterThan(10);
    await expect(sim.act('jam', {})).rejects.toThrow(/unknown action "jam"/);
    await expect(sim.act('paper', { state: 'empty' })).rejects.toThrow(/state must be ok or low or out, got "empty"/);
    await expect(sim.act('paper-length', { mm: -3 })).rejects.toThrow(/positive number/);
    expect(() => new PrinterSim({ speedMmPerSec: 0 })).toThrow(/speedMmPerSec must be a positive number/);
  });

  it('emits state on changes, keeps a snapshot, clears its history, and expectTicket times out', async () => {
    const { sim, host } = setup({ speedMmPerSec: 400 });
    const states: Record<string, unknown>[] = [];
    sim.on('state', (s) => states.push(s));
    await sim.act('cover', { state: 'open' });
    expect(states.at(-1)).toMatchObject({ id: 'printer', kind: 'printer', coverOpen: true, online: false });
    await sim.act('cover', { state: 'closed' });
    host.write(buildStandardTicket());
    await host.waitFor(isProcessId('0001'));
    expect(sim.tickets).toHaveLength(1);
    await sim.act('clear-history', {});
    expect(sim.tickets).toHaveLength(0);
    await expect(sim.expectTicket({ timeoutMs: 50 })).rejects.toThrow(/no ticket was cut within 50 ms/);
  });
});
