/**
 * The device-traffic recording format (docs/recording-format.md): a versioned header, then append-only records,
 * each self-delimiting and checksummed so that a copy taken while the file is being written reads cleanly up to
 * its last whole record. Pure encode functions (no I/O): the bridge writes them, the simulators and the
 * technician console read them.
 */
import { recordingCrc32 } from './crc32.ts';

/** File magic: ASCII `ODREC` and a NUL (docs/recording-format.md "Header"). */
export const RECORDING_MAGIC: readonly number[] = [0x4f, 0x44, 0x52, 0x45, 0x43, 0x00];
/** The format version this code writes and the newest it reads. */
export const RECORDING_FORMAT_VERSION = 1;
/** Byte that starts every record (a reader that finds anything else there has hit damage). */
export const RECORDING_RECORD_SYNC = 0xa5;
/** Sync + body length (u32) before the body; CRC (u32) after it. */
export const RECORDING_RECORD_OVERHEAD = 1 + 4 + 4;
/** Largest record body accepted: a chunk is at most a few kB; anything larger is a damaged length field. */
export const RECORDING_MAX_BODY = 1 << 20;
/** Largest header JSON accepted. */
export const RECORDING_MAX_HEADER_JSON = 64 * 1024;

/** What the header says about the recording (JSON, docs/recording-format.md "Header"). */
export interface RecordingHeader {
  /** Format version of this file (from the binary header, not the JSON). */
  version: number;
  /** The recording session this file belongs to; every segment of one session shares it. */
  session: string;
  /** 0 for the first file of a session, +1 per rotation. */
  segment: number;
  /** Wall clock at the session's start (ISO 8601, UTC): the anchor for the monotonic timestamps. */
  startedAt: string;
  /** Which bridge wrote it (config `bridge.name` or host name). */
  bridge: string;
  /** The ports recorded: id, kind and path as configured. */
  devices: { id: string; kind: string; path: string }[];
  /** What was masked before writing ("idcard", "print"); empty when nothing needed masking. */
  masked: string[];
}

/** Direction of a data record, seen from the bridge. */
export type RecordingDirection = 'rx' | 'tx';
export type RecordingPortEvent = 'open' | 'close' | 'error' | 'reconnect';

export type RecordingRecord =
  /** Bytes received from (`rx`) or written to (`tx`) the device, as one chunk. */
  | { type: 'data'; tUs: number; device: string; dir: RecordingDirection; bytes: Uint8Array }
  /** The port opened, closed (detail: the close reason), failed to open (detail: the error) or reopened. */
  | { type: 'port'; tUs: number; device: string; event: RecordingPortEvent; detail: string }
  /** What the bridge was doing (the driver's command label, a client action): text, never personal data. */
  | { type: 'note'; tUs: number; device: string; text: string };

export const RECORD_TYPE_CODES = { data: 1, port: 2, note: 3 } as const;
export const PORT_EVENT_CODES: Record<RecordingPortEvent, number> = { open: 1, close: 2, error: 3, reconnect: 4 };
export const DIRECTION_CODES: Record<RecordingDirection, number> = { rx: 0, tx: 1 };

const utf8 = new TextEncoder();

/** The binary header: magic, version (u16 BE), JSON length (u32 BE), JSON, CRC-32 of everything before it. */
export function encodeRecordingHeader(header: Omit<RecordingHeader, 'version'>): Uint8Array {
  const json = utf8.encode(JSON.stringify(header));
  if (json.length > RECORDING_MAX_HEADER_JSON) throw new Error(`recording header JSON of ${json.length} B is too large`);
  const out = new Uint8Array(RECORDING_MAGIC.length + 2 + 4 + json.length + 4);
  const view = new DataView(out.buffer);
  out.set(RECORDING_MAGIC, 0);
  let at = RECORDING_MAGIC.length;
  view.setUint16(at, RECORDING_FORMAT_VERSION);
  view.setUint32(at + 2, json.length);
  at += 6;
  out.set(json, at);
  at += json.length;
  view.setUint32(at, recordingCrc32(out, 0, at));
  return out;
}

/**
 * One record: sync byte, body length (u32 BE), body, CRC-32 (u32 BE) over length and body. Body: type (u8), code
 * (u8: direction or port event, 0 for a note), timestamp in µs (u64 BE), device id length (u8) and id (UTF-8),
 * payload (the bytes, or UTF-8 text).
 */
export function encodeRecordingRecord(r: RecordingRecord): Uint8Array {
  const id = utf8.encode(r.device);
  if (id.length > 255) throw new Error(`device id "${r.device}" is longer than 255 bytes`);
  if (!Number.isSafeInteger(r.tUs) || r.tUs < 0) throw new Error(`record timestamp must be a non-negative integer µs, got ${r.tUs}`);
  const payload = r.type === 'data' ? r.bytes : utf8.encode(r.type === 'port' ? r.detail : r.text);
  const code = r.type === 'data' ? DIRECTION_CODES[r.dir] : r.type === 'port' ? PORT_EVENT_CODES[r.event] : 0;
  const bodyLen = 1 + 1 + 8 + 1 + id.length + payload.length;
  if (bodyLen > RECORDING_MAX_BODY) throw new Error(`record body of ${bodyLen} B exceeds ${RECORDING_MAX_BODY} B`);
  const out = new Uint8Array(RECORDING_RECORD_OVERHEAD + bodyLen);
  const view = new DataView(out.buffer);
  out[0] = RECORDING_RECORD_SYNC;
  view.setUint32(1, bodyLen);
  let at = 5;
  out[at++] = RECORD_TYPE_CODES[r.type];
  out[at++] = code;
  view.setBigUint64(at, BigInt(r.tUs));
  at += 8;
  out[at++] = id.length;
  out.set(id, at);
  at += id.length;
  out.set(payload, at);
  at += payload.length;
  view.setUint32(at, recordingCrc32(out, 1, at));
  return out;
}
