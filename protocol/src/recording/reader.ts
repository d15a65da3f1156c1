/**
 * Reads a recording (docs/recording-format.md "Reading"): the header must be whole and its version one this code
 * knows, else the file is refused with the reason (a newer version is named). Records are read in order until the
 * end or the first damage (bad sync byte, impossible length, cut-off record, wrong CRC); everything before the
 * damage is returned with where and why reading stopped, so a truncated or corrupted file still replays up to it.
 */
import { recordingCrc32 } from './crc32.ts';
import {
  DIRECTION_CODES,
  PORT_EVENT_CODES,
  RECORDING_FORMAT_VERSION,
  RECORDING_MAGIC,
  RECORDING_MAX_BODY,
  RECORDING_MAX_HEADER_JSON,
  RECORDING_RECORD_SYNC,
  RECORD_TYPE_CODES,
  type RecordingDirection,
  type RecordingHeader,
  type RecordingPortEvent,
  type RecordingRecord,
} from './format.ts';

/** The file cannot be read at all (not a recording, damaged header, newer format). */
export class RecordingFormatError extends Error {
  constructor(
    message: string,
    /** Set when the file is a recording of a newer format version than this code reads. */
    readonly newerVersion?: number,
  ) {
    super(message);
    this.name = 'RecordingFormatError';
  }
}

/** Where reading stopped early, for the technician ("stopped at byte 5321, record 87: CRC mismatch"). */
export interface RecordingDamage {
  /** Byte offset in the file where the damaged or cut-off record starts. */
  offset: number;
  /** Index (0-based) the damaged record would have had. */
  recordIndex: number;
  reason: 'truncated' | 'badSync' | 'badLength' | 'badChecksum' | 'badRecord';
  message: string;
}

export interface ReadRecording {
  header: RecordingHeader;
  records: RecordingRecord[];
  /** Bytes of the file that were read as header and whole records. */
  validBytes: number;
  /** null when the file ended cleanly after its last record. */
  damage: RecordingDamage | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const byCode = <T extends string>(codes: Record<T, number>, code: number): T | undefined =>
  (Object.keys(codes) as T[]).find((k) => codes[k] === code);

/** Parses the header; throws RecordingFormatError. Returns the header and its length in bytes. */
export function readRecordingHeader(file: Uint8Array): { header: RecordingHeader; length: number } {
  const m = RECORDING_MAGIC.length;
  if (file.length < m || RECORDING_MAGIC.some((b, i) => file[i] !== b)) {
    throw new RecordingFormatError('not a OneDoor recording (the file does not start with ODREC)');
  }
  if (file.length < m + 6) throw new RecordingFormatError(`recording header cut off at byte ${file.length}`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const version = view.getUint16(m);
  if (version > RECORDING_FORMAT_VERSION) {
    throw new RecordingFormatError(
      `recording format version ${version} is newer than this software reads (up to version ${RECORDING_FORMAT_VERSION}); update OneDoor to replay it`,
      version,
    );
  }
  if (version < 1) throw new RecordingFormatError(`recording format version ${version} does not exist`);
  const jsonLen = view.getUint32(m + 2);
  if (jsonLen > RECORDING_MAX_HEADER_JSON) throw new RecordingFormatError(`recording header claims ${jsonLen} B of JSON: damaged`);
  const end = m + 6 + jsonLen + 4;
  if (file.length < end) throw new RecordingFormatError(`recording header cut off at byte ${file.length} (needs ${end})`);
  if (recordingCrc32(file, 0, end - 4) !== view.getUint32(end - 4)) throw new RecordingFormatError('recording header checksum is wrong: damaged');
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(file.subarray(m + 6, m + 6 + jsonLen)));
  } catch {
    throw new RecordingFormatError('recording header JSON does not parse: damaged');
  }
  const h = json as Partial<RecordingHeader>;
  if (typeof h !== 'object' || h === null || typeof h.session !== 'string' || !Array.isArray(h.devices)) {
    throw new RecordingFormatError('recording header lacks session or devices');
  }
  const header: RecordingHeader = {
    version,
    session: h.session,
    segment: typeof h.segment === 'number' ? h.segment : 0,
    startedAt: typeof h.startedAt === 'string' ? h.startedAt : '',
    bridge: typeof h.bridge === 'string' ? h.bridge : '',
    devices: h.devices.filter((d) => d && typeof d.id === 'string').map((d) => ({ id: d.id, kind: String(d.kind), path: String(d.path) })),
    masked: Array.isArray(h.masked) ? h.masked.map(String) : [],
  };
  return { header, length: end };
}

/** Decodes one record body (type, code, time, device, payload); null when its fields are impossible. */
function decodeBody(body: Uint8Array): RecordingRecord | null {
  if (body.length < 11) return null;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const type = byCode(RECORD_TYPE_CODES, body[0]);
  const code = body[1];
  const t = view.getBigUint64(2);
  if (t > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  const tUs = Number(t);
  const idLen = body[10];
  if (11 + idLen > body.length) return null;
  const device = utf8.decode(body.subarray(11, 11 + idLen));
  const payload = body.slice(11 + idLen);
  switch (type) {
    case 'data': {
      const dir = byCode<RecordingDirection>(DIRECTION_CODES, code);
      return dir ? { type, tUs, device, dir, bytes: payload } : null;
    }
    case 'port': {
      const event = byCode<RecordingPortEvent>(PORT_EVENT_CODES, code);
      return event ? { type, tUs, device, event, detail: utf8.decode(payload) } : null;
    }
    case 'note':
      return { type, tUs, device, text: utf8.decode(payload) };
    default:
      return null;
  }
}

/** Reads a whole recording file's bytes. Throws RecordingFormatError only for the header; records stop at damage. */
export function readRecording(file: Uint8Array): ReadRecording {
  const { header, length } = readRecordingHeader(file);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const records: RecordingRecord[] = [];
  let at = length;
  const stop = (reason: RecordingDamage['reason'], what: string): ReadRecording => ({
    header,
    records,
    validBytes: at,
    damage: { offset: at, recordIndex: records.length, reason, message: `stopped at byte ${at} (record ${records.length}): ${what}` },
  });
  while (at < file.length) {
    if (file[at] !== RECORDING_RECORD_SYNC) return stop('badSync', `expected record start A5, found ${file[at].toString(16).padStart(2, '0').toUpperCase()}`);
    if (at + 5 > file.length) return stop('truncated', 'record cut off in its length field');
    const bodyLen = view.getUint32(at + 1);
    if (bodyLen < 11 || bodyLen > RECORDING_MAX_BODY) return stop('badLength', `impossible record length ${bodyLen}`);
    const end = at + 5 + bodyLen + 4;
    if (end > file.length) return stop('truncated', `record cut off (needs ${end - at} B, file has ${file.length - at})`);
    if (recordingCrc32(file, at + 1, at + 5 + bodyLen) !== view.getUint32(at + 5 + bodyLen)) return stop('badChecksum', 'record checksum is wrong');
    const record = decodeBody(file.subarray(at + 5, at + 5 + bodyLen));
    if (!record) return stop('badRecord', 'record fields are impossible (unknown type, direction or event)');
    records.push(record);
    at = end;
  }
  return { header, records, validBytes: at, damage: null };
}
