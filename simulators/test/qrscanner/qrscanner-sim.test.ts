// The QR scan engine simulator on a real wire: a PTY made with socat, opened through the serialport binding (and a
// TCP socket), with the host side decoded by the protocol's QrScannerDecoder. Register protocol (read, write, save,
// bad checksums, AB CD, power-up delay), modes (sense, command-triggered, manual), codes with each suffix, and the
// faults (burst, garbage, over-length code, silent engine).
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  buildQrCommand, fromHex, QR_MODES, QR_REGISTERS, QR_SUFFIXES, QrScannerDecoder, toHex, type QrCommand, type QrScannerFrame,
} from '@onedoor/protocol';
import { QrScannerSim } from '../../src/qrscanner/index.ts';
import { startSimulator, type RunningSimulator } from '../../src/link/index.ts';
import { loadVectorsFromShared } from './vectors.ts';
import { until } from '../../../test/support/until.ts';

const dir = mkdtempSync(join(tmpdir(), 'onedoor-qrscanner-'));
const running: RunningSimulator<QrScannerSim>[] = [];
const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
  for (const r of running.splice(0)) await r.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BAUD = 9600;
const v = loadVectorsFromShared();

/** The host end: writes commands, collects decoded frames with the wall clock as the decoder's time. */
class Host {
  readonly decoder = new QrScannerDecoder({ now: () => Date.now() });
  readonly frames: QrScannerFrame[] = [];
  constructor(
    private readonly write: (b: Uint8Array) => void,
    readonly close: () => Promise<void>,
  ) {}
  data(chunk: Buffer): void {
    this.frames.push(...this.decoder.push(new Uint8Array(chunk)));
  }
  send(cmd: QrCommand | Uint8Array): void {
    this.write(cmd instanceof Uint8Array ? cmd : buildQrCommand(cmd));
  }
  codes(): string[] {
    return this.frames.filter((f) => f.kind === 'code').map((f) => new TextDecoder().decode((f as { bytes: Uint8Array }).bytes));
  }
  replies(): string[] {
    return this.frames.filter((f) => f.kind === 'reply').map((f) => toHex((f as { raw: Uint8Array }).raw));
  }
  async until(check: () => boolean, what: string, ms = 4000): Promise<void> {
    const end = Date.now() + ms;
    for (;;) {
      this.frames.push(...this.decoder.idle()); // a host's silence timer (suffix "none")
      if (check()) return;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(this.frames.map((f) => f.kind))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  /** A request/reply exchange: resolves with the reply's hex. */
  async exchange(cmd: QrCommand | Uint8Array): Promise<string> {
    const n = this.replies().length;
    this.send(cmd);
    await this.until(() => this.replies().length > n, 'a reply');
    return this.replies()[n];
  }
}

async function startPty(opts: ConstructorParameters<typeof QrScannerSim>[0] = {}): Promise<{ sim: QrScannerSim; host: Host }> {
  const run = await startSimulator(new QrScannerSim({ powerUpMs: 0, ...opts }), { link: 'pty', baud: BAUD, dir });
  running.push(run);
  const port = new SerialPort({ path: run.path!, baudRate: BAUD, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const host = new Host((b) => port.write(Buffer.from(b)), () => new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r())));
  port.on('data', (c: Buffer) => host.data(c));
  hosts.push(host);
  await run.device.expectHostAttached();
  return { sim: run.device, host };
}

describe('QrScannerSim over a PTY: the register protocol', () => {
  it('answers reads, writes and save with the spec\'s frames; save keeps settings across a power cycle', async () => {
    const { sim, host } = await startPty();
    // Factory: manual mode, CR suffix.
    expect(await host.exchange({ type: 'read', address: QR_REGISTERS.mode, count: 1 })).toBe('02 00 00 01 00 33 31');
    expect(await host.exchange(fromHex(v.read_baud.frame))).toBe(v.read_baud_reply.frame);
    expect(await host.exchange({ type: 'write', address: QR_REGISTERS.mode, data: Uint8Array.of(QR_MODES.sense) })).toBe(v.ack_write.frame);
    expect(sim.mode).toBe('sense');
    sim.powerCycle();
    expect(sim.mode).toBe('manual'); // not saved: RAM reloads from flash
    await host.exchange({ type: 'write', address: QR_REGISTERS.mode, data: Uint8Array.of(QR_MODES.sense) });
    expect(await host.exchange(fromHex(v.save_flash.frame))).toBe(v.ack_write.frame);
    sim.powerCycle();
    expect(sim.mode).toBe('sense');
    expect(sim.engine.saves).toBe(1);
  });

  it('gives no reply to a bad checksum, accepts AB CD, and is silent during the power-up delay', async () => {
    // A power-up delay long enough that the request reaches the engine inside it on a loaded machine (socat's hop);
    // each step waits for the engine to have taken the frame, then for any reply it would have sent.
    const { sim, host } = await startPty({ powerUpMs: 3000 });
    sim.powerCycle();
    host.send({ type: 'read', address: 0, count: 1 });
    await until(() => sim.counters.ignored === 1, 'the request ignored during power-up', { limitMs: 2500 });
    expect(sim.poweredUp).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(host.replies()).toEqual([]);
    await sim.waitFor(() => sim.poweredUp, () => 'power-up', 10_000);
    host.send(fromHex(v.bad_crc_cmd.frame));
    await until(() => sim.counters.badChecksums === 1, 'the bad checksum counted');
    await new Promise((r) => setTimeout(r, 100));
    expect(host.replies()).toEqual([]);
    expect(await host.exchange(fromHex(v.trigger_nocrc.frame))).toBe(v.ack_write.frame);
  });

  it('a silent engine answers nothing and sends no code; it works again when the fault clears', async () => {
    const { sim, host } = await startPty();
    await host.exchange({ type: 'write', address: QR_REGISTERS.mode, data: Uint8Array.of(QR_MODES.sense) });
    await sim.act('silent', { state: 'on' });
    host.send({ type: 'read', address: 0, count: 1 });
    await sim.present('LOST-WHILE-SILENT');
    await new Promise((r) => setTimeout(r, 150));
    expect(host.replies()).toHaveLength(1);
    expect(host.codes()).toEqual([]);
    await sim.act('silent', { state: 'off' });
    expect(await host.exchange({ type: 'read', address: 0, count: 1 })).toBe(toHex(fromHex('02 00 00 01 03')) + ' ' + (await crcOf('00 01 03')));
  });
});

describe('QrScannerSim over a PTY: codes', () => {
  it('sense mode sends a presented code once with the CR suffix; the same code held still is not repeated within 1 s', async () => {
    const { sim, host } = await startPty();
    await host.exchange({ type: 'write', address: QR_REGISTERS.mode, data: Uint8Array.of(QR_MODES.sense) });
    await sim.present('https://hall.example.gov.cn/t/2f1c9a');
    await host.until(() => host.codes().length === 1, 'the code');
    expect(host.codes()).toEqual(['https://hall.example.gov.cn/t/2f1c9a']);
    expect(await sim.present('https://hall.example.gov.cn/t/2f1c9a')).toMatchObject({ scanned: false });
    await sim.present('A012');
    await host.until(() => host.codes().length === 2, 'the second code');
    expect(sim.sent.map((s) => new TextDecoder().decode(s.bytes))).toEqual(['https://hall.example.gov.cn/t/2f1c9a', 'A012']);
    expect(sim.sent[0].wireDoneAt).toBeGreaterThanOrEqual(sim.sent[0].sentAt + Math.floor((37 * 10_000) / BAUD));
  });

  it('command mode sends the code in view on a trigger (7E 00 08 01 00 02 01); manual mode on the button', async () => {
    const { sim, host } = await startPty();
    await host.exchange({ type: 'write', address: QR_REGISTERS.mode, data: Uint8Array.of(QR_MODES.command) });
    expect(await sim.present('SELFTEST')).toMatchObject({ scanned: false });
    await new Promise((r) => setTimeout(r, 100));
    expect(host.codes()).toEqual([]);
    await host.exchange(fromHex(v.trigger.frame));
    await host.until(() => host.codes().length === 1, 'the triggered code');
    expect(host.codes()).toEqual(['SELFTEST']);
    await host.exchange({ type: 'write', address: QR_REGISTERS.mode, data: Uint8Array.of(QR_MODES.manual) });
    await sim.act('button', {});
    await host.until(() => host.codes().length === 2, 'the code after the button');
  });

  it('CR LF and no suffix: the codes still split (no suffix by a silence over 50 ms)', async () => {
    const { sim, host } = await startPty();
    await host.exchange({ type: 'write', address: QR_REGISTERS.mode, data: Uint8Array.of(QR_MODES.sense) });
    await host.exchange({ type: 'write', address: QR_REGISTERS.suffix, data: Uint8Array.of(QR_SUFFIXES.crlf) });
    await sim.present('GDID1.eyJ2IjoxfQ.c2ln');
    await host.until(() => host.codes().length === 1, 'the CR LF code');
    await host.exchange({ type: 'write', address: QR_REGISTERS.suffix, data: Uint8Array.of(QR_SUFFIXES.none) });
    host.decoder.setSuffix('none');
    await sim.burst(3, 'NS');
    await host.until(() => host.codes().length === 4, 'three codes split by silences', 5000);
    expect(host.codes()).toEqual(['GDID1.eyJ2IjoxfQ.c2ln', 'NS-1', 'NS-2', 'NS-3']);
  });

  it('burst, garbage and an over-length code: the host drops and counts the bad ones and reads every good one', async () => {
    const { sim, host } = await startPty();
    await host.exchange({ type: 'write', address: QR_REGISTERS.mode, data: Uint8Array.of(QR_MODES.sense) });
    await sim.burst(5, 'B');
    await sim.garbage(32);
    await new Promise((r) => setTimeout(r, 600)); // the host's stale-partial limit (500 ms) passes: garbage is dropped
    await sim.overlong(700);
    await sim.present('AFTER');
    await host.until(() => host.codes().includes('AFTER'), 'the code after the faults', 6000);
    host.decoder.idle(Date.now() + 1000);
    expect(host.codes()).toEqual(['B-1', 'B-2', 'B-3', 'B-4', 'B-5', 'AFTER']);
    expect(host.decoder.counters.overLength).toBe(1);
    expect(host.decoder.counters.garbage).toBeGreaterThanOrEqual(1);
  });

  it('a code scanned while no host is attached is lost, as on a real UART', async () => {
    const sim = new QrScannerSim({ powerUpMs: 0 });
    await sim.act('factory-reset', {});
    sim.engine.ram[QR_REGISTERS.mode] = QR_MODES.sense;
    expect(await sim.present('NOBODY')).toMatchObject({ scanned: true, lost: true });
    expect(sim.counters.codesLost).toBe(1);
    sim.close();
  });
});

describe('QrScannerSim over TCP', () => {
  it('serves the same protocol on a raw TCP port', async () => {
    const run = await startSimulator(new QrScannerSim({ powerUpMs: 0 }), { link: 'tcp', baud: BAUD, port: 0 });
    running.push(run);
    const sock = net.connect(run.port!, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const host = new Host((b) => sock.write(b), async () => { sock.destroy(); });
    sock.on('data', (c: Buffer) => host.data(c));
    hosts.push(host);
    expect(await host.exchange(fromHex(v.set_baud_9600.frame))).toBe(v.ack_write.frame);
    await host.exchange({ type: 'write', address: QR_REGISTERS.mode, data: Uint8Array.of(QR_MODES.sense) });
    await run.device.act('present-gbk', { code: '广东' });
    await host.until(() => host.frames.some((f) => f.kind === 'code'), 'the GBK code');
    const code = host.frames.find((f) => f.kind === 'code')!;
    expect(code.kind === 'code' && toHex(code.bytes)).toBe(v.gbk_text.expect.code_bytes);
  });
});

async function crcOf(hex: string): Promise<string> {
  const { qrCrc16 } = await import('@onedoor/protocol');
  const c = qrCrc16(fromHex(hex));
  return toHex(Uint8Array.of(c >> 8, c & 0xff));
}

describe('QrScannerSim in the hub', () => {
  it('is one of the default simulators (9600 baud) and runs the citizen-shows-phone-code scenario', async () => {
    const { SimulatorHub, runScenario, DEFAULT_SIMS } = await import('../../src/index.ts');
    expect(DEFAULT_SIMS).toContainEqual({ kind: 'qrscanner', baud: 9600 });
    const hub = new SimulatorHub({ link: 'tcp', portBase: 0 });
    try {
      const [info] = await hub.start('qrscanner');
      expect(info).toMatchObject({ id: 'qrscanner', kind: 'qrscanner', link: { baud: 9600 } });
      expect(info.actions.map((a) => a.name)).toEqual(expect.arrayContaining(['present', 'burst', 'garbage', 'overlong', 'silent', 'power-cycle']));
      const report = await runScenario(hub, join(import.meta.dirname, '../../scenarios/citizen-shows-phone-code.json'), { waitScale: 0 });
      expect(report.error).toBeUndefined();
      await expect(hub.act('qrscanner', 'burst', { count: 'many' })).rejects.toThrow(/count must be an integer/);
    } finally {
      await hub.close();
    }
  });
});
