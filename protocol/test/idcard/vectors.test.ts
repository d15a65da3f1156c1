// Every vector of ../shared/specs/vectors/id-reader.json, loaded from there (never copied).
import { describe, expect, it } from 'vitest';
import {
  SamFrameDecoder,
  SamStatusError,
  buildSamFindCard,
  buildSamReadAppendedAddress,
  buildSamReadBase,
  buildSamReadBaseFingerprint,
  buildSamReadId,
  buildSamReset,
  buildSamResponse,
  buildSamSelectCard,
  buildSamSetMaxRfBytes,
  buildSamStatus,
  buildTextBlock,
  expectSamSuccess,
  fromHex,
  parseSamFindResponse,
  parseSamReadResponse,
  parseSamSelectResponse,
  samStatusInfo,
  toHex,
  validateIdNumber,
  type SamFrame,
} from '@onedoor/protocol';
import { loadVectors } from '../vectors.ts';

interface IdReaderVectors {
  commands: Record<string, string>;
  responses: Record<string, string>;
  noisy_stream: { bytes: string; expect: { frames: { sw3: string }[]; checksumErrors: number } };
  [read: `read_base_ok_${string}`]: { frame: string; expect: Record<string, string> };
}
const v = loadVectors<IdReaderVectors>('id-reader');

function decodeOne(hex: string): SamFrame {
  const d = new SamFrameDecoder();
  const frames = d.push(fromHex(hex));
  expect(frames).toHaveLength(1);
  expect(d.counters).toMatchObject({ checksumErrors: 0, lengthErrors: 0, discardedBytes: 0 });
  return frames[0];
}

describe('id-reader vectors: commands are built byte-exact', () => {
  const builders: Record<string, () => Uint8Array> = {
    find_card: buildSamFindCard,
    select_card: buildSamSelectCard,
    read_base: buildSamReadBase,
    read_base_fp: buildSamReadBaseFingerprint,
    read_extra_address: buildSamReadAppendedAddress,
    reset_sam: buildSamReset,
    sam_status: buildSamStatus,
    read_sam_id: buildSamReadId,
    set_max_rf_bytes_80: () => buildSamSetMaxRfBytes(0x50),
  };
  it('has a builder for every command vector', () => {
    expect(Object.keys(builders).sort()).toEqual(Object.keys(v.commands).sort());
  });
  for (const [name, hex] of Object.entries(v.commands)) {
    it(name, () => {
      expect(toHex(builders[name]())).toBe(hex);
      const c = decodeOne(hex).asCommand();
      expect([c.cmd, c.para]).toEqual([fromHex(hex)[7], fromHex(hex)[8]]);
    });
  }
});

describe('id-reader vectors: responses', () => {
  const r = (name: string) => decodeOne(v.responses[name]);

  it('find_ok: a card is found, 4 data bytes; the builder makes the same frame', () => {
    const res = parseSamFindResponse(r('find_ok'));
    expect(res.found).toBe(true);
    if (res.found) expect(res.data).toHaveLength(4);
    expect(toHex(buildSamResponse(0x9f, new Uint8Array(4)))).toBe(v.responses.find_ok);
  });
  it('find_none: no card', () => {
    expect(parseSamFindResponse(r('find_none'))).toEqual({ found: false });
    expect(toHex(buildSamResponse(0x80))).toBe(v.responses.find_none);
  });
  it('select_ok: 8 data bytes', () => {
    expect(parseSamSelectResponse(r('select_ok')).data).toHaveLength(8);
    expect(toHex(buildSamResponse(0x90, new Uint8Array(8)))).toBe(v.responses.select_ok);
  });
  it('select_fail: SamStatusError 81', () => {
    expect(() => parseSamSelectResponse(r('select_fail'))).toThrow(SamStatusError);
    try {
      parseSamSelectResponse(r('select_fail'));
    } catch (e) {
      expect((e as SamStatusError).sw3).toBe(0x81);
      expect((e as SamStatusError).status.zh).toContain('选取');
    }
  });
  it('read_fail: SamStatusError 41 with its meaning', () => {
    expect(() => parseSamReadResponse(r('read_fail'))).toThrow(/0x41: read failed/);
  });
  it('sam_ok / sam_selftest_failed / checksum_error_from_host', () => {
    expect(expectSamSuccess(r('sam_ok')).sw3).toBe(0x90);
    expect(() => expectSamSuccess(r('sam_selftest_failed'), 'SAM status')).toThrow(/SAM status.*0x60.*self-test failed/);
    expect(samStatusInfo(r('checksum_error_from_host').asResponse().sw3)).toMatchObject({ known: true, hex: '10' });
  });
  it('every response vector is rebuilt byte-exact from its SW3 and data', () => {
    for (const hex of Object.values(v.responses)) {
      const { sw3, data } = decodeOne(hex).asResponse();
      expect(toHex(buildSamResponse(sw3, data))).toBe(hex);
    }
  });
});

describe('id-reader vectors: read_base_ok_* frames', () => {
  const reads = Object.keys(v).filter((k) => k.startsWith('read_base_ok_')) as `read_base_ok_${string}`[];
  it('there are five', () => expect(reads).toHaveLength(5));
  for (const name of reads) {
    it(`${name} parses to its expect fields`, () => {
      const { frame, expect: want } = v[name];
      expect(fromHex(frame)).toHaveLength(1295);
      const res = parseSamReadResponse(decodeOne(frame));
      expect(res.holder).toMatchObject(want);
      expect(res.text).toHaveLength(256);
      expect(res.photo.length).toBe(1024);
      expect(res.fingerprint).toBeNull();
      // The photo never shows up in JSON (nor in String()).
      expect(JSON.parse(JSON.stringify(res)).photo).toBe('[photo: 1024 bytes withheld]');
      expect(`${res.photo}`).toBe('[photo: 1024 bytes withheld]');
      // The text block is rebuilt byte-exact from the parsed holder.
      expect(toHex(buildTextBlock(res.holder))).toBe(toHex(res.text));
      // Vector numbers are valid and agree with the birth field.
      if ('idNumber' in res.holder) expect(validateIdNumber(res.holder.idNumber, { birthDate: res.holder.birthDate })).toEqual({ ok: true });
    });
  }
});

describe('id-reader vectors: noisy_stream', () => {
  const bytes = fromHex(v.noisy_stream.bytes);
  const want = v.noisy_stream.expect;
  const check = (frames: SamFrame[], d: SamFrameDecoder) => {
    expect(frames.map((f) => f.asResponse().sw3.toString(16).toUpperCase())).toEqual(want.frames.map((f) => f.sw3));
    expect(d.counters.checksumErrors).toBe(want.checksumErrors);
    expect(d.counters.frames).toBe(want.frames.length);
  };
  it('in one chunk', () => {
    const d = new SamFrameDecoder();
    check(d.push(bytes), d);
  });
  it('one byte at a time', () => {
    const d = new SamFrameDecoder();
    const frames: SamFrame[] = [];
    for (const b of bytes) frames.push(...d.push(Uint8Array.of(b)));
    check(frames, d);
    // Every byte is accounted for: delivered, discarded or still buffered.
    expect(frames.reduce((n, f) => n + f.raw.length, 0) + d.counters.discardedBytes + d.bufferedBytes).toBe(bytes.length);
  });
});
