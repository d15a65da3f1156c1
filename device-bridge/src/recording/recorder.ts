/**
 * The bridge's recorder (README "Record and replay"): while a session runs, every byte in and out of every device
 * port, the port events and the drivers' command labels go to a recording file (docs/recording-format.md), masked
 * at the source. Sessions start and stop by config (`recording.enabled`), by a technician (`/api/tech/recordings`)
 * or by a daily time window (`recording.window`).
 *
 * Recording must never hurt the devices: every tap call is synchronous and cheap when no session runs, and a write
 * failure (disk full, read-only directory, size limit) ends the session with an alert (status `lastError`, an error
 * log line, the `alert` event) while the bridge carries on.
 */
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { PrintDataMasker, SamReplyMasker, ScannedCodeMasker, type RecordingPortEvent } from '@onedoor/protocol';

import { RecordingWriter } from './recordingWriter.ts';


export interface RecorderOptions {
  dir: string;
  /** Rotate files at this size. */
  maxFileBytes: number;
  /** End a session (with an alert) at this total size: the guard against filling the disk. */
  maxSessionBytes: number;
  bridgeName?: string;
  log: Logger;
  /** Monotonic clock in µs; default process.hrtime. */
  nowUs?: () => bigint;
}

export interface RecorderStatus {
  recording: boolean;
  session: string | null;
  /** What started the running session: `config`, `technician`, `window`. */
  startedBy: string | null;
  startedAt: string | null;
  files: string[];
  bytes: number;
  /** Why the last session ended by itself (disk full, limit), or null. */
  lastError: { message: string; at: string } | null;
}

interface DeviceInfo {
  id: string;
  kind: string;
  path: string;
}

/** What one device port reports to the recorder (RecordingTransport and the driver call these). */
export interface PortTap {
  rx(chunk: Uint8Array): void;
  tx(chunk: Uint8Array): void;
  port(event: RecordingPortEvent, detail?: string): void;
  note(text: string): void;
}

interface RecorderEvents {
  status: [RecorderStatus];
  /** A session ended by itself; the message says why (disk full, size limit). */
  alert: [message: string];
}

/** Per-device, per-session masking state: a fresh one per session so a frame cut by the start is masked whole. */
interface DeviceMasks {
  rx: ((chunk: Uint8Array) => Uint8Array) | null;
  tx: ((chunk: Uint8Array) => Uint8Array) | null;
  flush: () => Array<{ dir: 'rx' | 'tx'; bytes: Uint8Array }>;
}

function masksFor(kind: string): DeviceMasks {
  if (kind === 'idreader') {
    const m = new SamReplyMasker({ unsynced: true });
    return { rx: (c) => m.push(c), tx: null, flush: () => [{ dir: 'rx', bytes: m.flush() }] };
  }
  if (kind === 'printer') {
    const m = new PrintDataMasker();
    return { rx: null, tx: (c) => m.push(c), flush: () => [{ dir: 'tx', bytes: m.flush() }] };
  }
  if (kind === 'qrscanner') {
    // A scanned code may be an identity code, an appointment code or a ticket capability: masked byte for byte.
    const m = new ScannedCodeMasker();
    return { rx: (c) => m.push(c), tx: null, flush: () => [] };
  }
  return { rx: null, tx: null, flush: () => [] };
}

/** Kinds whose traffic is masked, for the header's `masked` list. */
const MASKED_KINDS: Record<string, string> = { idreader: 'idcard', printer: 'print', qrscanner: 'scannedCodes' };

export class Recorder extends EventEmitter<RecorderEvents> {
  private readonly devices = new Map<string, DeviceInfo>();
  private readonly opens = new Map<string, number>();
  /** When each device's last received chunk came (µs into the session), for replies held back for masking. */
  private readonly lastRxUs = new Map<string, number>();
  private writer: RecordingWriter | null = null;
  private session: string | null = null;
  private startedBy: string | null = null;
  private startedAt: string | null = null;
  private startUs = 0n;
  private masks = new Map<string, DeviceMasks>();
  private lastError: RecorderStatus['lastError'] = null;
  private readonly nowUs: () => bigint;

  constructor(private readonly options: RecorderOptions) {
    super();
    this.nowUs = options.nowUs ?? (() => process.hrtime.bigint() / 1000n);
  }

  get dir(): string {
    return this.options.dir;
  }

  get recording(): boolean {
    return this.writer?.isOpen === true;
  }

  /** A port the bridge drives; returns the tap its transport reports to. */
  device(info: DeviceInfo): PortTap {
    this.devices.set(info.id, info);
    const id = info.id;
    return {
      rx: (chunk) => this.data(id, 'rx', chunk),
      tx: (chunk) => this.data(id, 'tx', chunk),
      port: (event, detail = '') => this.portEvent(id, event, detail),
      note: (text) => this.note(id, text),
    };
  }

  /** A driver's command label (`find card`, `print job`): written as a note when a session runs. */
  note(device: string, text: string): void {
    if (this.writer && this.masks.has(device)) this.write({ type: 'note', tUs: this.t(), device, text });
  }

  /** Starts a session; throws when the directory or file cannot be created (nothing is recorded then). */
  start(startedBy: string): RecorderStatus {
    if (this.recording) return this.status();
    const startedAt = new Date();
    const session = `rec-${startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${Math.random().toString(36).slice(2, 6)}`;
    const devices = [...this.devices.values()];
    const writer = new RecordingWriter({
      dir: this.options.dir,
      maxFileBytes: this.options.maxFileBytes,
      maxSessionBytes: this.options.maxSessionBytes,
      header: {
        session,
        startedAt: startedAt.toISOString(),
        bridge: this.options.bridgeName ?? hostname(),
        devices,
        masked: [...new Set(devices.map((d) => MASKED_KINDS[d.kind]).filter((k): k is string => !!k))],
      },
      onFailure: (err) => this.failed(err),
    });
    writer.open();
    this.writer = writer;
    this.session = session;
    this.startedBy = startedBy;
    this.startedAt = startedAt.toISOString();
    this.startUs = this.nowUs();
    this.masks = new Map(devices.map((d) => [d.id, masksFor(d.kind)]));
    this.options.log.info({ session, startedBy, dir: this.options.dir }, 'recording started');
    this.emit('status', this.status());
    return this.status();
  }

  stop(): RecorderStatus {
    const writer = this.writer;
    if (!writer) return this.status();
    for (const [id, m] of this.masks) {
      for (const { dir, bytes } of m.flush()) if (bytes.length) writer.append({ type: 'data', tUs: this.t(), device: id, dir, bytes });
    }
    writer.close();
    this.options.log.info({ session: this.session, bytes: writer.bytesWritten, files: writer.files.length }, 'recording stopped');
    this.writer = null;
    this.session = null;
    this.startedBy = null;
    this.emit('status', this.status());
    return this.status();
  }

  status(): RecorderStatus {
    const w = this.writer;
    return {
      recording: this.recording,
      session: this.session,
      startedBy: this.startedBy,
      startedAt: w ? this.startedAt : null,
      files: w ? [...w.files] : [],
      bytes: w?.bytesWritten ?? 0,
      lastError: this.lastError,
    };
  }

  private t(): number {
    return Number(this.nowUs() - this.startUs);
  }

  private data(device: string, dir: 'rx' | 'tx', chunk: Uint8Array): void {
    if (!this.writer) return;
    const m = this.masks.get(device);
    if (!m) return; // a port added after the session started: not in the header, not recorded
    const mask = dir === 'rx' ? m.rx : m.tx;
    if (dir === 'rx') this.lastRxUs.set(device, this.t());
    // A command going out means the reply before it is as complete as it will get: mask and write what was held,
    // stamped with when its last byte came (docs/recording-format.md "Records": the one exception to file order).
    if (dir === 'tx' && m.rx) {
      for (const f of m.flush()) {
        if (f.dir === 'rx' && f.bytes.length) this.write({ type: 'data', tUs: this.lastRxUs.get(device) ?? this.t(), device, dir: 'rx', bytes: f.bytes });
      }
    }
    const bytes = mask ? mask(chunk) : chunk.slice();
    if (bytes.length) this.write({ type: 'data', tUs: this.t(), device, dir, bytes });
  }

  private portEvent(device: string, event: RecordingPortEvent, detail: string): void {
    let e = event;
    if (event === 'open') {
      const n = (this.opens.get(device) ?? 0) + 1;
      this.opens.set(device, n);
      if (n > 1) e = 'reconnect';
    }
    if (!this.writer) return;
    if (event === 'close') {
      const m = this.masks.get(device);
      for (const f of m?.flush() ?? []) if (f.bytes.length) this.write({ type: 'data', tUs: this.t(), device, dir: f.dir, bytes: f.bytes });
    }
    this.write({ type: 'port', tUs: this.t(), device, event: e, detail });
  }

  private write(record: Parameters<RecordingWriter['append']>[0]): void {
    this.writer?.append(record);
  }

  private failed(err: Error): void {
    const message = `recording stopped: ${err.message}`;
    this.lastError = { message, at: new Date().toISOString() };
    this.options.log.error({ session: this.session, err: err.message }, 'recording stopped by a write failure; the bridge carries on');
    this.writer = null;
    this.session = null;
    this.startedBy = null;
    this.emit('alert', message);
    this.emit('status', this.status());
  }
}
