import { describe, expect, it } from 'vitest';
import {
  encodeRecordingHeader,
  encodeRecordingRecord,
  readRecording,
  recordingCrc32,
  RecordingFormatError,
  RECORDING_FORMAT_VERSION,
  type RecordingRecord,
} from '../../src/index.ts';

const header = { session: 's1', segment: 0, startedAt: '2026-12-04T08:00:00.000Z', bridge: 'kiosk-1', devices: [{ id: 'reader', kind: 'idreader', path: '/dev/ttyUSB0' }], masked: ['idcard'] };

const records: RecordingRecord[] = [
  { type: 'port', tUs: 0, device: 'reader', event: 'open', detail: '' },
  { type: 'note', tUs: 10, device: 'reader', text: 'find card' },
  { type: 'data', tUs: 12, device: 'reader', dir: 'tx', bytes: Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69, 0, 3, 0x20, 1, 0x22) },
  { type: 'data', tUs: 2_000_123, device: 'reader', dir: 'rx', bytes: Uint8Array.of(1, 2, 3) },
  { type: 'port', tUs: 9_000_000_000, device: 'reader', event: 'close', detail: 'disconnected' },
];

function file(): Uint8Array {
  const parts = [encodeRecordingHeader(header), ...records.map(encodeRecordingRecord)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('recording format', () => {
  it('CRC-32 is the standard one (check value of "123456789")', () => {
    expect(recordingCrc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('reads back header and every record of a whole file', () => {
    const r = readRecording(file());
    expect(r.damage).toBeNull();
    expect(r.header).toEqual({ ...header, version: RECORDING_FORMAT_VERSION });
    expect(r.records).toEqual(records);
  });

  it('a file cut anywhere inside a record reads every whole record before it and says where it stopped', () => {
    const whole = file();
    const headerLen = encodeRecordingHeader(header).length;
    const ends = records.reduce<number[]>((acc, rec) => [...acc, (acc.at(-1) ?? headerLen) + encodeRecordingRecord(rec).length], []);
    for (let cut = headerLen; cut < whole.length; cut++) {
      const r = readRecording(whole.subarray(0, cut));
      const whole_ = ends.filter((e) => e <= cut).length;
      expect(r.records).toEqual(records.slice(0, whole_));
      if (ends.includes(cut) || cut === headerLen) {
        expect(r.damage).toBeNull();
      } else {
        expect(r.damage?.reason).toBe('truncated');
        expect(r.damage?.recordIndex).toBe(whole_);
        expect(r.damage?.offset).toBe(whole_ === 0 ? headerLen : ends[whole_ - 1]);
        expect(r.damage?.message).toContain(`byte ${r.damage?.offset}`);
      }
    }
  });

  it('a flipped byte inside a record stops reading at that record with a checksum error', () => {
    const f = file();
    const headerLen = encodeRecordingHeader(header).length;
    const at2 = headerLen + encodeRecordingRecord(records[0]).length + encodeRecordingRecord(records[1]).length;
    f[at2 + 20] ^= 0x40; // inside the tx bytes of record 2
    const r = readRecording(f);
    expect(r.records).toEqual(records.slice(0, 2));
    expect(r.damage).toMatchObject({ reason: 'badChecksum', recordIndex: 2, offset: at2 });
  });

  it('garbage where a record should start stops reading there', () => {
    const f = file();
    const headerLen = encodeRecordingHeader(header).length;
    f[headerLen] = 0x00;
    const r = readRecording(f);
    expect(r.records).toEqual([]);
    expect(r.damage).toMatchObject({ reason: 'badSync', offset: headerLen });
  });

  it('an impossible length field is damage, not an attempt to read 4 GB', () => {
    const f = file();
    const headerLen = encodeRecordingHeader(header).length;
    f[headerLen + 1] = 0xff;
    expect(readRecording(f).damage).toMatchObject({ reason: 'badLength', recordIndex: 0 });
  });

  it('refuses a newer format version, naming it', () => {
    const f = file();
    f[6] = 0;
    f[7] = RECORDING_FORMAT_VERSION + 1;
    expect(() => readRecording(f)).toThrow(RecordingFormatError);
    expect(() => readRecording(f)).toThrow(`version ${RECORDING_FORMAT_VERSION + 1} is newer`);
    try {
      readRecording(f);
    } catch (e) {
      expect((e as RecordingFormatError).newerVersion).toBe(RECORDING_FORMAT_VERSION + 1);
    }
  });

  it('refuses a file that is not a recording, and one whose header is damaged', () => {
    expect(() => readRecording(new TextEncoder().encode('hello world, not a recording'))).toThrow('not a OneDoor recording');
    const f = file();
    f[20] ^= 1;
    expect(() => readRecording(f)).toThrow('header checksum');
    expect(() => readRecording(file().subarray(0, 9))).toThrow('cut off');
  });
});
