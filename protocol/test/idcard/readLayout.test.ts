// A read response whose length fields do not account for its data exactly is refused with a SamDataError, never
// parsed into a garbled holder. id-reader-sam.md "Read response layout (30 01)": the data of a 30 01 reply is its two
// lengths, the text and the photo (`| 01 00 | 04 00 | text[256] | photo[1024] | CHK` = 1295 bytes), the 30 10 reply
// adds a third length and the fingerprint; "Always take lengths from the frame". A reader that answers 30 01 in the
// 30 10 layout puts the fingerprint length (04 00) where the text should start: read as 30 01 that gave a name of
// `\u0004` + name and a number shifted by one character.
import { describe, expect, it } from 'vitest';
import {
  SamDataError,
  SamFrameDecoder,
  buildSamReadData,
  buildSamResponse,
  fromHex,
  parseSamReadResponse,
  type SamFrame,
} from '@onedoor/protocol';
import { loadVectors } from '../vectors.ts';

const v = loadVectors<{ read_base_ok_resident: { frame: string; expect: Record<string, string> } }>('id-reader');

const decodeOne = (bytes: Uint8Array): SamFrame => {
  const frames = new SamFrameDecoder().push(bytes);
  expect(frames).toHaveLength(1);
  return frames[0];
};

/** Text and photo of the shared resident vector, taken from its frame through its own length fields. */
function vectorBlocks(): { text: Uint8Array; photo: Uint8Array } {
  const r = parseSamReadResponse(decodeOne(fromHex(v.read_base_ok_resident.frame)));
  return { text: r.text, photo: r.photo.bytes };
}

describe('read response lengths must account for the data exactly', () => {
  it('the resident vector itself still parses (lengths 256 + 1024 = every data byte)', () => {
    expect(parseSamReadResponse(decodeOne(fromHex(v.read_base_ok_resident.frame))).holder).toMatchObject(v.read_base_ok_resident.expect);
  });

  it('a 30 01 reply in the fingerprint layout (three lengths, 1024-byte fingerprint) is a SamDataError', () => {
    const { text, photo } = vectorBlocks();
    const wrong = decodeOne(buildSamResponse(0x90, buildSamReadData(text, photo, new Uint8Array(1024).fill(0x5a))));
    expect(() => parseSamReadResponse(wrong)).toThrow(SamDataError);
    expect(() => parseSamReadResponse(wrong)).toThrow(/text 256, photo 1024.*1284 data bytes.*frame has 2310/);
    // read as the 30 10 it is, the same frame is fine
    expect(parseSamReadResponse(wrong, { fingerprint: true }).holder).toMatchObject(v.read_base_ok_resident.expect);
  });

  it('a 30 01 reply in the fingerprint layout with an empty fingerprint (two bytes too many) is a SamDataError', () => {
    const { text, photo } = vectorBlocks();
    const wrong = decodeOne(buildSamResponse(0x90, buildSamReadData(text, photo, new Uint8Array(0))));
    expect(() => parseSamReadResponse(wrong)).toThrow(SamDataError);
  });

  it('a 30 10 reply in the basic layout (two lengths) is a SamDataError, not a fingerprint cut from the text', () => {
    const { text, photo } = vectorBlocks();
    const basic = decodeOne(buildSamResponse(0x90, buildSamReadData(text, photo)));
    expect(() => parseSamReadResponse(basic, { fingerprint: true })).toThrow(SamDataError);
  });

  it('trailing bytes after the blocks the lengths describe are a SamDataError', () => {
    const { text, photo } = vectorBlocks();
    const data = buildSamReadData(text, photo);
    const padded = new Uint8Array(data.length + 1);
    padded.set(data);
    expect(() => parseSamReadResponse(decodeOne(buildSamResponse(0x90, padded)))).toThrow(SamDataError);
  });
});
