/**
 * The QR scanner driver (qr-scanner.md "What a bridge does with it"): a 2D scan engine on a UART.
 *
 * - Start-up on every (re)connect: read 0x0000 to check the engine answers, then set sense mode and the configured
 *   suffix (CR by default) if they differ, and save to flash only when something changed ("to spare the flash").
 *   An engine that refuses a command (status not 00) is a hardwareError; no answer is offline (the base class
 *   retries, and an engine still powering up, up to 500 ms, answers on a later try).
 * - Every command: reply timeout 100 ms plus wire time, at most two retries (spec "Register protocol").
 * - Watchdog: the mode register is read every `watchdogMs`; `maxSilentPolls` reads without an answer -> offline ->
 *   the port is reopened. A mode found changed (an engine power-cycled without its settings saved) is set again.
 * - Codes come on their own, between replies: each goes out once as `codeRead` (the whole code, bridge-internal:
 *   events.ts) and nothing else; garbage and over-long codes are dropped and counted by the decoder (counters
 *   `garbage`, `overLength`, `discardedBytes`) and the next code reads. With suffix "none" a timer at the decoder's
 *   silence deadline ends the last code (spec: at least 50 ms of silence).
 * - Frame log: commands and replies in hex; codes as a short preview and their length only (a code may carry a
 *   bearer token), never their bytes.
 */
import {
  buildQrCommand, QR_MAX_RETRIES, QR_MODES, QR_REGISTERS, QR_SUFFIXES, qrCodePreview, qrCodeText, qrModeName, qrSuffixName,
  QrScannerDecoder, toHex, type QrCommand, type QrScannerFrame,
} from '@onedoor/protocol';
import { countersOf, type CounterRecord } from '../counters.ts';
import { Waiters } from '../waiters.ts';
import { BaseDeviceDriver, type DeviceActionInfo, type DeviceSpec, type DriverContext, type ExecuteOptions } from '../driver.ts';
import { DeviceCommandError } from '../errors.ts';
import { describeRxFrame } from '../frameDescribe.ts';
import type { ScannedCode } from './events.ts';
import { parseQrScannerOptions, qrWireMs, type QrScannerOptions } from './options.ts';

type Reply = Extract<QrScannerFrame, { kind: 'reply' }>;

const SUFFIX_LABEL = { none: 'no suffix', cr: 'CR', crlf: 'CR LF' } as const;

/** What this driver counts, for the status (/tech); written by this driver only. */
export interface QrScannerDriverCounters {
  codesRead: number;
  lateReplies: number;
  selfTests: number;
  settingsWritten: number;
  settingsSaved: number;
  modeRestored: number;
}

export class QrScannerDriver extends BaseDeviceDriver<QrScannerFrame> {
  readonly options: QrScannerOptions;
  private readonly decoder: QrScannerDecoder;
  private readonly stats: QrScannerDriverCounters = { codesRead: 0, lateReplies: 0, selfTests: 0, settingsWritten: 0, settingsSaved: 0, modeRestored: 0 };
  private seq = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  /** While a self-test waits for its test code, codes go to it instead of `codeRead`. */
  /** The self-test waiting for the code its scan reads (the code goes to it, not to the citizen screens). */
  private readonly selfTestCodes = new Waiters<Uint8Array | undefined, never>();
  private selfTestRunning = false;
  private lastDataAt = 0;

  constructor(spec: DeviceSpec, ctx: DriverContext) {
    const options = parseQrScannerOptions(spec.id, spec.options);
    const decoder = new QrScannerDecoder({ suffix: options.suffix, maxCodeBytes: options.maxCodeBytes, now: () => Date.now() });
    super(spec, ctx, {
      // The actor drops a decoder's partial frame after a command times out (so a late reply cannot answer the next
      // command). Here that would cut a code in two: a reply queued behind a long code times out while the code is
      // still arriving. Codes are framed by their suffix, replies by 02 00 and a CRC, so the partial segment stays;
      // the driver resets the decoder itself when the port opens or closes.
      decoder: { push: (chunk: Uint8Array) => decoder.push(chunk), reset: () => {}, counters: decoder.counters },
      watchdog: { intervalMs: options.watchdogMs, maxFailures: options.maxSilentPolls },
      // After a timeout the late reply (if any) drains before the next command, so it cannot answer that one.
      actor: { quietAfterTimeoutMs: 20 },
    });
    this.options = options;
    this.decoder = decoder;
    // After the actor's own listener (registered first): the decoder has seen the bytes, so its deadline is fresh.
    this.link.on('data', () => {
      this.lastDataAt = Date.now();
      this.armIdle();
    });
    this.link.on('open', () => decoder.reset());
    this.link.on('close', () => {
      decoder.reset();
      this.clearIdle();
    });
  }

  // ---- start-up and watchdog ---------------------------------------------------------------------------------

  protected async onConnected(signal: AbortSignal): Promise<void> {
    const regs = this.options.registers;
    const mode = await this.readByte('read mode', regs.mode, signal);
    const suffix = await this.readByte('read suffix', regs.suffix, signal);
    const set: string[] = [];
    if ((mode & 0x03) !== QR_MODES.sense) {
      await this.writeByte('set sense mode', regs.mode, (mode & ~0x03) | QR_MODES.sense, signal);
      set.push(`sense mode (was ${qrModeName(mode)})`);
    }
    const want = QR_SUFFIXES[this.options.suffix];
    if (suffix !== want) {
      await this.writeByte(`set suffix ${SUFFIX_LABEL[this.options.suffix]}`, regs.suffix, want, signal);
      set.push(`suffix ${SUFFIX_LABEL[this.options.suffix]} (was ${qrSuffixName(suffix) ?? `0x${suffix.toString(16)}`})`);
    }
    this.stats.settingsWritten += set.length;
    let saved = false;
    if (set.length > 0 && this.options.saveSettings) {
      await this.exchange('save to flash', { type: 'save' }, signal);
      this.stats.settingsSaved++;
      saved = true;
    }
    this.decoder.setSuffix(this.options.suffix);
    if (set.length > 0) this.log.info({ set, saved }, 'scanner settings written');
    this.setReady(set.length > 0 ? ` (set ${set.join(', ')}${saved ? '; saved to flash' : ''})` : '');
  }

  private setReady(note = ''): void {
    this.setStatus({
      state: 'online',
      detail: `ready: sense mode, ${SUFFIX_LABEL[this.options.suffix]} suffix${note}`,
      media: `sense · ${SUFFIX_LABEL[this.options.suffix]}`,
    });
  }

  protected override async watchdogPoll(signal: AbortSignal): Promise<void> {
    if (this.selfTestRunning) return; // the self-test owns the mode register for a moment
    if (this.state !== 'online' && this.state !== 'busy') {
      // hardwareError at start-up (the engine refused a setting): try the whole start-up again.
      await this.onConnected(signal).catch((err: unknown) => {
        if (err instanceof DeviceCommandError && err.code === 'timeOut') throw err;
        this.setStatus({ state: 'hardwareError', detail: (err as Error).message });
      });
      return;
    }
    const pollStarted = Date.now();
    let mode: number;
    try {
      mode = await this.readByte('watchdog: read mode', this.options.registers.mode, signal);
    } catch (err) {
      // Bytes came meanwhile: the engine is alive, its reply queued behind a long code (a UART sends one thing at a
      // time). Only a silent engine counts towards offline.
      if (this.lastDataAt >= pollStarted && !signal.aborted) return;
      throw err;
    }
    if ((mode & 0x03) !== QR_MODES.sense) {
      this.stats.modeRestored++;
      this.reportError('modeLost', `engine was in ${qrModeName(mode)} mode (power cycle without saved settings?): sense mode set again`);
      await this.writeByte('restore sense mode', this.options.registers.mode, (mode & ~0x03) | QR_MODES.sense, signal);
    }
  }

  // ---- codes ---------------------------------------------------------------------------------------------------

  protected override onFrame(frame: QrScannerFrame): void {
    if (frame.kind === 'code') this.onCode(frame.bytes);
    else this.stats.lateReplies++; // a reply after its command timed out: nothing waits for it any more
  }

  private onCode(bytes: Uint8Array): void {
    if (this.selfTestCodes.resolve(bytes) > 0) return;
    this.stats.codesRead++;
    const { text, encoding } = qrCodeText(bytes);
    const code: ScannedCode = { deviceId: this.id, bytes, text, encoding, at: Date.now(), seq: ++this.seq };
    // Preview and length only: a code may be a bearer token.
    this.log.info({ length: bytes.length, preview: qrCodePreview(bytes), seq: code.seq }, 'code scanned');
    try {
      this.emit('codeRead', code);
    } catch (err) {
      // A listener's bug must not look like a silent engine, nor cost the next code.
      this.log.error({ err: (err as Error)?.message }, 'codeRead listener failed');
    }
  }

  /** With suffix "none" a code ends on a silence: a timer at the decoder's deadline tells it the time. */
  private armIdle(): void {
    this.clearIdle();
    const deadline = this.decoder.silenceDeadline;
    if (deadline === null) return;
    this.idleTimer = setTimeout(() => this.onIdle(), Math.max(0, deadline - Date.now()) + 1);
    this.idleTimer.unref();
  }

  private onIdle(): void {
    this.idleTimer = null;
    for (const frame of this.decoder.idle(Date.now())) {
      const d = describeRxFrame(this.kind, frame);
      this.frameLog.add('rx', d.length, d);
      this.onFrame(frame);
    }
    this.armIdle();
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  override async stop(): Promise<void> {
    this.clearIdle();
    await super.stop();
  }

  // ---- register protocol -----------------------------------------------------------------------------------

  /**
   * One command and its reply: timeout 100 ms plus the wire time of both, retried at most twice on no answer (spec
   * "Register protocol"). A reply with a status other than 00 is a hardwareError naming the command.
   */
  private async exchange(label: string, cmd: QrCommand, signal: AbortSignal, timeCap?: number): Promise<Reply> {
    const bytes = buildQrCommand(cmd);
    const replyBytes = 6 + (cmd.type === 'read' ? cmd.count : 1);
    let timeoutMs = Math.ceil(this.options.replyTimeoutMs + qrWireMs(bytes.length + replyBytes, this.spec.baud));
    if (timeCap !== undefined) timeoutMs = Math.max(1, Math.min(timeoutMs, timeCap));
    let last: unknown;
    for (let attempt = 0; attempt <= QR_MAX_RETRIES; attempt++) {
      try {
        const reply = (await this.actor.request({ label, bytes, accept: (f) => f.kind === 'reply', timeoutMs, signal })) as Reply;
        if (reply.status !== 0) {
          throw new DeviceCommandError('hardwareError', `${label}: the engine refused it (status 0x${reply.status.toString(16).padStart(2, '0')})`);
        }
        return reply;
      } catch (err) {
        last = err;
        if (!(err instanceof DeviceCommandError && err.code === 'timeOut')) throw err;
      }
    }
    throw last;
  }

  private async readByte(label: string, address: number, signal: AbortSignal): Promise<number> {
    const r = await this.exchange(label, { type: 'read', address, count: 1 }, signal);
    if (r.data.length !== 1) throw new DeviceCommandError('hardwareError', `${label}: expected 1 data byte, got ${r.data.length}`);
    return r.data[0];
  }

  private async writeByte(label: string, address: number, value: number, signal: AbortSignal): Promise<void> {
    await this.exchange(label, { type: 'write', address, data: Uint8Array.of(value) }, signal);
  }

  // ---- counters, actions ---------------------------------------------------------------------------------------

  protected override extraCounters(): CounterRecord {
    return countersOf(this.stats);
  }

  override actions(): DeviceActionInfo[] {
    return [
      { name: 'selfTest', help: 'command-triggered scan: hold a test code in front of the engine; answers, trigger, code read (preview only), sense mode again', args: [] },
      { name: 'readSettings', help: 'read mode, suffix, scan timeout and baud registers', args: [] },
      { name: 'applySettings', help: 'run the start-up again: sense mode and the configured suffix, saved if changed', args: [] },
    ];
  }

  /**
   * The technician's actions (`/tech`): `selfTest` (command-triggered scan: mode command, trigger, wait for the
   * test code, sense mode again; the spec's use of command mode), `readSettings`, `applySettings` (the start-up
   * sequence again). Each command gets the spec's reply timeout and retries ("Register protocol"), as at start-up.
   */
  override async execute(action: string, args: Record<string, unknown>, opts: ExecuteOptions): Promise<unknown> {
    switch (action) {
      case 'selfTest':
        return this.selfTest(opts);
      case 'readSettings': {
        const regs = this.options.registers;
        const mode = await this.readByte('read mode', regs.mode, opts.signal);
        const suffix = await this.readByte('read suffix', regs.suffix, opts.signal);
        const timeout = await this.readByte('read scan timeout', QR_REGISTERS.scanTimeout, opts.signal);
        const baud = await this.exchange('read baud', { type: 'read', address: QR_REGISTERS.baud, count: 2 }, opts.signal);
        return { mode: qrModeName(mode), suffix: qrSuffixName(suffix) ?? `0x${suffix.toString(16)}`, scanTimeoutMs: timeout * 100, baudRegister: toHex(baud.data) };
      }
      case 'applySettings':
        await this.onConnected(opts.signal);
        return { detail: this.status().detail };
      default:
        return super.execute(action, args, opts);
    }
  }

  /** qr-scanner.md: "a command-triggered scan is used by the technician console's self-test". */
  private async selfTest(opts: ExecuteOptions): Promise<unknown> {
    if (this.selfTestRunning) throw new DeviceCommandError('invalidRequest', `${this.id}: a self-test is already running`);
    if (this.state !== 'online') throw new DeviceCommandError('deviceNotReady', `${this.id}: ${this.state} (${this.status().detail})`);
    const regs = this.options.registers;
    const started = Date.now();
    this.selfTestRunning = true;
    this.stats.selfTests++;
    this.setStatus({ state: 'busy', detail: 'self-test: one command-triggered scan' });
    let mode = QR_MODES.sense as number;
    try {
      mode = await this.readByte('self-test: read mode', regs.mode, opts.signal);
      await this.writeByte('self-test: command mode', regs.mode, (mode & ~0x03) | QR_MODES.command, opts.signal);
      // Leave time to restore the mode within the client's timeout.
      const waitMs = Math.max(100, Math.min(this.options.selfTestWaitMs, opts.timeoutMs - (Date.now() - started) - 1500));
      // Resolves with undefined when no code comes within waitMs or the client gives up.
      const code = this.selfTestCodes.wait({ timeoutMs: waitMs, signal: opts.signal });
      await this.writeByte('self-test: trigger', regs.trigger, 0x01, opts.signal);
      const got = await code;
      return {
        answered: true,
        triggered: true,
        code: got ? { preview: qrCodePreview(got), length: got.length } : null,
        note: got ? 'the engine scanned the test code' : `no code within ${waitMs} ms: hold a test code in front of the engine and run it again`,
      };
    } finally {
      this.selfTestCodes.resolve(undefined);
      // Sense mode again whatever happened (the citizen screens rely on it); a failure here is the technician's news.
      await this.writeByte('self-test: sense mode again', regs.mode, (mode & ~0x03) | QR_MODES.sense, new AbortController().signal)
        .then(() => this.setReady())
        .catch((err: unknown) => this.reportError('selfTestRestore', `could not set sense mode again: ${(err as Error).message}`))
        .finally(() => {
          this.selfTestRunning = false;
        });
    }
  }
}
