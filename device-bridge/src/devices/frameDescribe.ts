/**
 * Default hex + one-line description of frames for the frame log (frameLog.ts), per device kind.
 * Privacy first (common rules, "the chip photo is never stored or logged"; README "For technicians:
 * the console": ID reader replies keep only SW3 and lengths): the describers decide what bytes may
 * appear, so a driver that overrides nothing is still safe.
 *
 * - ID reader (id-reader-sam.md): host commands in full with their name; replies show preamble, LEN and SW1-SW3, and
 *   their data only when it is a find reply (<= 4 bytes) or the 16-byte SAM ID; any other data (select's card serial,
 *   the read reply's text/photo/fingerprint, the appended address) is replaced by its length(s).
 * - Printer (escpos.md): short real-time commands in full; print data only its size and first 8 bytes (a job may
 *   be a certificate copy with personal text); status replies re-encoded from the decoded reply.
 * - Counter bus (counter-bus.md): Modbus RTU requests and replies in full (ticket numbers and keys, nothing personal).
 * - QR scanner (qr-scanner.md): register commands and replies in full (settings only); a decoded code as a short
 *   preview and its length, never its bytes (a code may be a bearer token: an identity code, a hand-off link).
 */
import {
  buildModbusReply,
  identifySamCommand,
  modbusExceptionName,
  parseModbusRequest,
  parseQrCommand,
  qrCodePreview,
  samStatusInfo,
  toHex,
  type DeviceKind,
  type EscPosReply,
  type ModbusReply,
  type QrScannerFrame,
} from '@onedoor/protocol';
import type { FrameLogText } from './frameLog.ts';

/** Longest hex kept for a frame that may be shown whole (bytes). */
const MAX_HEX_BYTES = 64;

export interface DescribedFrame extends FrameLogText {
  /** Length on the wire in bytes. */
  length: number;
}

const hex2 = (n: number) => (n & 0xff).toString(16).toUpperCase().padStart(2, '0');
const hex4 = (n: number) => `0x${(n & 0xffff).toString(16).toUpperCase().padStart(4, '0')}`;

/** Hex of at most `max` bytes, with how many more were left out. */
export function shortHex(bytes: Uint8Array, max = MAX_HEX_BYTES): string {
  const shown = toHex(bytes.subarray(0, max)).toUpperCase();
  return bytes.length > max ? `${shown} … (+${bytes.length - max} B)` : shown;
}

// ---- ID reader (id-reader-sam.md, "Frame": AA AA AA 96 69 | LEN(2) | body | CHK) --------------------------------

/** Preamble (5) + LEN (2): the body starts here. */
const SAM_BODY_AT = 7;

function samTx(bytes: Uint8Array): string {
  if (bytes.length < SAM_BODY_AT + 2) return `short SAM frame (${bytes.length} B)`;
  const cmd = bytes[SAM_BODY_AT];
  const para = bytes[SAM_BODY_AT + 1];
  const name = identifySamCommand({ cmd, para });
  return `${name ?? 'unknown command'} (${hex2(cmd)} ${hex2(para)})`;
}

const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];

/**
 * A SAM reply. id-reader-sam.md "Read response layout": SW3 at 9, then for 30 01 text and photo lengths (BE, 2
 * bytes each) and for 30 10 a third (fingerprint) length, then the blocks. Only the lengths are kept.
 */
export function describeSamReply(raw: Uint8Array): DescribedFrame {
  const length = raw.length;
  const swEnd = SAM_BODY_AT + 3;
  if (length < swEnd + 1) return { length, hex: shortHex(raw), summary: `short SAM reply (${length} B)` };
  const sw3 = raw[swEnd - 1];
  const status = samStatusInfo(sw3);
  const data = raw.subarray(swEnd, length - 1); // without CHK
  const head = `SW3 ${status.hex} ${status.en}`;
  // find (4 bytes) and SAM ID (12 FF: 16 bytes, the module's serial, no personal data) are shown whole.
  if (data.length <= 4 || data.length === 16) {
    return { length, hex: shortHex(raw), summary: data.length ? `${head}, ${data.length} data B` : head };
  }
  const lengths = [2, 3]
    .map((n) => (data.length >= 2 * n ? Array.from({ length: n }, (_, i) => be16(data, 2 * i)) : null))
    .find((ls) => ls !== null && ls.reduce((a, b) => a + b, 0) + 2 * ls.length === data.length);
  const kept = raw.subarray(0, swEnd + (lengths ? 2 * lengths.length : 0));
  const masked = data.length - (lengths ? 2 * lengths.length : 0);
  const hex = `${toHex(kept).toUpperCase()} … [${masked} B masked]`;
  if (lengths) {
    const names = ['text', 'photo', 'fingerprint'];
    const parts = lengths.map((l, i) => `${names[i]} ${l} B`).join(', ');
    return { length, hex, summary: `${head}, read reply: ${parts} (content masked)` };
  }
  return { length, hex, summary: `${head}, ${data.length} data B (masked)` };
}

// ---- Printer (escpos.md) ---------------------------------------------------------------------------------------

/** The real-time and set-up commands the driver sends on their own (escpos.md "Status", "ASB"). */
function escPosCommandName(b: Uint8Array): string | null {
  if (b.length === 3 && b[0] === 0x10 && b[1] === 0x04) return `DLE EOT ${b[2]} (status)`;
  if (b.length === 3 && b[0] === 0x10 && b[1] === 0x05) return `DLE ENQ ${b[2]} (recover)`;
  if (b.length === 3 && b[0] === 0x1d && b[1] === 0x61) return `GS a ${hex2(b[2])} (ASB)`;
  if (b.length === 2 && b[0] === 0x1b && b[1] === 0x40) return 'ESC @ (initialise)';
  return null;
}

function printerTx(bytes: Uint8Array): FrameLogText {
  const name = escPosCommandName(bytes);
  if (name) return { hex: shortHex(bytes), summary: name };
  if (bytes.length <= 16) return { hex: shortHex(bytes), summary: `${bytes.length} B` };
  // Print data may carry personal text (a certificate copy): keep its size and the first bytes only.
  return { hex: `${toHex(bytes.subarray(0, 8)).toUpperCase()} … (+${bytes.length - 8} B not logged)`, summary: `print data, ${bytes.length} B` };
}

function printerRx(r: EscPosReply): DescribedFrame {
  switch (r.kind) {
    case 'realtime': {
      const what = r.fields ? Object.entries(r.fields).map(([k, v]) => `${k}=${String(v)}`).join(' ') : 'unsolicited';
      return { length: 1, hex: hex2(r.byte), summary: `status${r.n ? ` n=${r.n}` : ''}: ${what}` };
    }
    case 'asb': {
      const f = r.fields;
      const bad = Object.entries(f).filter(([k, v]) => (k === 'online' ? v === false : k === 'paper' ? v !== 'ok' : v === true));
      const what = bad.length ? bad.map(([k, v]) => `${k}=${String(v)}`).join(' ') : 'all ok';
      return { length: r.bytes.length, hex: toHex(Uint8Array.from(r.bytes)).toUpperCase(), summary: `ASB: ${what}` };
    }
    case 'processId': {
      const bytes = Uint8Array.from([0x37, 0x22, ...Array.from(r.id, (c) => c.charCodeAt(0) & 0xff), 0x00]);
      return { length: bytes.length, hex: toHex(bytes).toUpperCase(), summary: `process ID ${r.id} (job confirmed)` };
    }
    case 'xon':
      return { length: 1, hex: '11', summary: 'XON (send again)' };
    case 'xoff':
      return { length: 1, hex: '13', summary: 'XOFF (buffer full, pause)' };
  }
}

// ---- Counter bus (counter-bus.md, Modbus RTU) ------------------------------------------------------------------

function counterTx(bytes: Uint8Array): string {
  try {
    const r = parseModbusRequest(bytes);
    switch (r.kind) {
      case 'read':
        return `unit ${r.unit}: read ${r.fn === 4 ? 'input' : 'holding'} ${hex4(r.address)} ×${r.quantity}`;
      case 'writeSingle':
        return `unit ${r.unit}: write ${hex4(r.address)} = ${hex4(r.value)}`;
      case 'writeMultiple':
        return `unit ${r.unit}: write ${hex4(r.address)} ×${r.values.length}`;
      default:
        return `unit ${r.unit}: function ${hex2(r.fn)}`;
    }
  } catch {
    return bytes.length > 0 && bytes[0] === 0 ? 'broadcast' : `${bytes.length} B`;
  }
}

function counterRx(r: ModbusReply): DescribedFrame {
  let bytes: Uint8Array | null = null;
  try {
    bytes = buildModbusReply(r);
  } catch {
    bytes = null;
  }
  const length = bytes?.length ?? 0;
  const hex = bytes ? shortHex(bytes) : '';
  switch (r.kind) {
    case 'registers': {
      const shown = r.values.slice(0, 8).map((v) => (v & 0xffff).toString(16).toUpperCase().padStart(4, '0')).join(' ');
      return { length, hex, summary: `unit ${r.unit}: ${r.values.length} registers [${shown}${r.values.length > 8 ? ' …' : ''}]` };
    }
    case 'writeSingle':
      return { length, hex, summary: `unit ${r.unit}: wrote ${hex4(r.address)} = ${hex4(r.value)}` };
    case 'writeMultiple':
      return { length, hex, summary: `unit ${r.unit}: wrote ${hex4(r.address)} ×${r.quantity}` };
    case 'exception':
      return { length, hex, summary: `unit ${r.unit}: exception to ${hex2(r.fn)}: ${modbusExceptionName(r.code)}` };
  }
}

// ---- QR scanner (qr-scanner.md) -----------------------------------------------------------------------------

function scannerTx(bytes: Uint8Array): string {
  try {
    const c = parseQrCommand(bytes);
    if (c.type === 'save') return 'save to flash';
    return c.type === 'read' ? `read ${hex4(c.address)} ×${c.count}` : `write ${hex4(c.address)} = ${toHex(c.data)}`;
  } catch {
    return `${bytes.length} B`;
  }
}

function scannerRx(f: QrScannerFrame): DescribedFrame {
  if (f.kind === 'code') return { length: f.bytes.length, hex: '', summary: `code ${qrCodePreview(f.bytes)}` };
  const data = f.data.length ? `, data ${toHex(f.data.subarray(0, 8))}${f.data.length > 8 ? ' …' : ''}` : '';
  return { length: f.raw.length, hex: shortHex(f.raw), summary: `reply status ${hex2(f.status)}${data}` };
}

// ---- per kind ----------------------------------------------------------------------------------------------------

/** Bytes the bridge wrote; `label` is what the driver called the command (`find card`, `poll unit 3`). */
export function describeTxBytes(kind: DeviceKind, bytes: Uint8Array, label: string): DescribedFrame {
  const named = (s: string) => (label && label !== 'command' && label !== 'send' && !s.startsWith(label) ? `${label}: ${s}` : s);
  switch (kind) {
    case 'idreader':
      return { length: bytes.length, hex: shortHex(bytes), summary: named(samTx(bytes)) };
    case 'printer': {
      const t = printerTx(bytes);
      return { length: bytes.length, hex: t.hex, summary: named(t.summary) };
    }
    case 'counterbus':
      return { length: bytes.length, hex: shortHex(bytes), summary: named(counterTx(bytes)) };
    case 'qrscanner':
      return { length: bytes.length, hex: shortHex(bytes), summary: named(scannerTx(bytes)) };
    default:
      // An unknown kind may carry anything: size only.
      return { length: bytes.length, hex: '', summary: named(`${bytes.length} B`) };
  }
}

/** A frame the driver's decoder produced. Unknown shapes are described by their size only (never dumped). */
export function describeRxFrame(kind: DeviceKind, frame: unknown): DescribedFrame {
  const raw = (frame as { raw?: unknown } | null)?.raw;
  if (kind === 'idreader' && raw instanceof Uint8Array) return describeSamReply(raw);
  if (kind === 'printer' && typeof (frame as { kind?: unknown })?.kind === 'string') return printerRx(frame as EscPosReply);
  if (kind === 'counterbus' && typeof (frame as { kind?: unknown })?.kind === 'string') return counterRx(frame as ModbusReply);
  if (kind === 'qrscanner' && ((frame as { kind?: unknown })?.kind === 'code' || (frame as { kind?: unknown })?.kind === 'reply')) {
    return scannerRx(frame as QrScannerFrame);
  }
  if (raw instanceof Uint8Array) return { length: raw.length, hex: '', summary: `frame, ${raw.length} B` };
  return { length: 0, hex: '', summary: 'frame' };
}
