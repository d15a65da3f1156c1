// Build -> decode round trips for commands, responses and text blocks of every card type (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  SAM_BAUD_CODES,
  SamDataError,
  SamFrameDecoder,
  buildSamAppendedAddressData,
  buildSamCommand,
  buildSamReadData,
  buildSamResponse,
  buildSamSetBaud,
  buildSamSetMaxRfBytes,
  buildTextBlock,
  formatSamId,
  identifySamCommand,
  idCardTypeOf,
  parseSamAppendedAddressResponse,
  parseSamIdResponse,
  parseSamReadResponse,
  parseTextBlock,
  samBaudForCode,
  toHex,
  type Holder,
} from '@onedoor/protocol';

const decodeOne = (bytes: Uint8Array) => {
  const frames = new SamFrameDecoder().push(bytes);
  expect(frames).toHaveLength(1);
  return frames[0];
};

describe('frame round trips', () => {
  it('commands: build -> decode gives back CMD, PARA and data', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 300 }), (cmd, para, data) => {
        const c = decodeOne(buildSamCommand(cmd, para, data)).asCommand();
        expect([c.cmd, c.para, toHex(c.data)]).toEqual([cmd, para, toHex(data)]);
      }),
    );
  });
  it('responses: build -> decode gives back SW1 SW2 SW3 and data', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 2000 }), (sw3, data) => {
        const r = decodeOne(buildSamResponse(sw3, data)).asResponse();
        expect([r.sw1, r.sw2, r.sw3, toHex(r.data)]).toEqual([0, 0, sw3, toHex(data)]);
      }),
    );
  });
  it('bad builder arguments throw naming what is wrong', () => {
    expect(() => buildSamCommand(256, 0)).toThrow(/CMD/);
    expect(() => buildSamCommand(0x20, -1)).toThrow(/PARA/);
    expect(() => buildSamResponse(0x100)).toThrow(/SW3/);
    expect(() => buildSamResponse(0x90, new Uint8Array(0x0a00))).toThrow(/exceeds LEN limit/);
    expect(() => buildSamSetMaxRfBytes(0)).toThrow(/max RF bytes/);
    expect(() => buildSamSetBaud(4800)).toThrow(/baud rate must be one of/);
  });
  it('set baud: every listed rate builds and is recognised', () => {
    for (const [baud, code] of Object.entries(SAM_BAUD_CODES)) {
      const c = decodeOne(buildSamSetBaud(Number(baud))).asCommand();
      expect([c.cmd, c.para]).toEqual([0x60, code]);
      expect(identifySamCommand(c)).toBe('setBaud');
      expect(samBaudForCode(c.para)).toBe(Number(baud));
    }
    expect(identifySamCommand({ cmd: 0x99, para: 0x01 })).toBeUndefined();
  });
  it('read data: 30 01 and 30 10 layouts, lengths from the frame', () => {
    const text = buildTextBlock(sample.resident);
    const photo = Uint8Array.from({ length: 1024 }, (_, i) => i & 0xff);
    const base = buildSamResponse(0x90, buildSamReadData(text, photo));
    expect(base).toHaveLength(1295);
    expect(toHex(base.subarray(5, 14))).toBe('05 08 00 00 90 01 00 04 00');
    const fp = buildSamResponse(0x90, buildSamReadData(text, photo, new Uint8Array(1024).fill(7)));
    expect(toHex(fp.subarray(5, 7))).toBe('09 0A'); // spec: "its LEN is 09 0A when a 1024-byte fingerprint block is present"
    const r = parseSamReadResponse(decodeOne(fp), { fingerprint: true });
    expect(r.holder).toEqual(sample.resident);
    expect(r.fingerprint?.bytes[0]).toBe(7);
    expect(r.photo.bytes[5]).toBe(5);
    // Lengths that claim more than the frame holds are a data error, not a crash.
    const short = buildSamResponse(0x90, buildSamReadData(text, photo).subarray(0, 600));
    expect(() => parseSamReadResponse(decodeOne(short))).toThrow(SamDataError);
    expect(() => parseSamReadResponse(decodeOne(buildSamResponse(0x90)))).toThrow(/fewer than its 4 length bytes/);
  });
  it('SAM ID: 16 opaque bytes and the %02d%02d-%08d-%010d display', () => {
    const id = new Uint8Array(16);
    const dv = new DataView(id.buffer);
    dv.setUint16(0, 5, true);
    dv.setUint16(2, 1, true);
    dv.setUint32(4, 20101111, true);
    dv.setUint32(8, 1234567, true);
    const r = parseSamIdResponse(decodeOne(buildSamResponse(0x90, id)));
    expect(r.display).toBe('0501-20101111-0001234567');
    expect(toHex(r.bytes)).toBe(toHex(id));
    expect(() => formatSamId(new Uint8Array(4))).toThrow(/at least 12 bytes/);
  });
  it('appended address: text, or null when the card has none (91)', () => {
    const r = decodeOne(buildSamResponse(0x90, buildSamAppendedAddressData('广州市越秀区北京路 1 号')));
    expect(parseSamAppendedAddressResponse(r)).toBe('广州市越秀区北京路 1 号');
    expect(parseSamAppendedAddressResponse(decodeOne(buildSamResponse(0x91)))).toBeNull();
    expect(() => buildSamAppendedAddressData('长'.repeat(36))).toThrow(/35 characters/);
  });
});

// ----- text blocks -----

const sample: Record<Holder['cardType'], Holder> = {
  resident: {
    cardType: 'resident', name: '张三丰', sex: '1', nation: '01', birthDate: '1990-03-07',
    address: '广东省广州市天河区体育西路一百零三号', idNumber: '440106199003071231', issuer: '广州市公安局天河分局',
    validFrom: '2015-06-11', validUntil: '2035-06-11',
  },
  hkMacauTaiwanPermit: {
    cardType: 'hkMacauTaiwanPermit', name: '陈家明', sex: '1', birthDate: '1992-08-15', address: '广东省深圳市福田区',
    idNumber: '810000199208150027', issuer: '深圳市公安局', validFrom: '2020-01-01', validUntil: '2025-01-01',
    passNumber: 'H12345678', issueCount: '03',
  },
  foreignPermanentOld: {
    cardType: 'foreignPermanentOld', englishName: 'SMITH JOHN ALEXANDER', chineseName: '史密斯', sex: '1',
    permitNumber: 'USA440090010', nationality: 'USA', birthDate: '1975-01-02', validFrom: '2018-05-20',
    validUntil: '2028-05-20', cardVersion: '01', issuerCode: '1500',
  },
  foreignPermanent2023: {
    cardType: 'foreignPermanent2023', chineseName: '威廉森', englishName: 'WILLIAMSON-MONTGOMERY ALEXANDRA CATHERINE ELIZ',
    sex: '2', renewalCount: '00', birthDate: '1985-01-01', idNumber: '931840198501010013', validFrom: '2023-06-01',
    validUntil: '2033-06-01', nationality: 'CAN', previousCardLink: '',
  },
};

/** A field value as the card can hold it: up to n BMP characters, no trailing padding (that is what trim removes). */
const cjk = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c));
const latin = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ -'.split(''));
const digit = fc.constantFrom(...'0123456789'.split(''));
const field = (unit: fc.Arbitrary<string>, n: number) =>
  fc.string({ unit: fc.oneof(unit, fc.constant(' '), fc.constant('·')), maxLength: n }).map((s) => s.replace(/[ \u0000]+$/, ''));
const digits = (n: number) => fc.string({ unit: digit, minLength: n, maxLength: n });
const isoDate = fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const until = fc.oneof(isoDate, fc.constant('长期'));

const holderArb: fc.Arbitrary<Holder> = fc.oneof(
  fc.record({
    cardType: fc.constant('resident' as const), name: field(cjk, 15), sex: digits(1), nation: digits(2), birthDate: isoDate,
    address: field(cjk, 35), idNumber: digits(18), issuer: field(cjk, 15), validFrom: isoDate, validUntil: until,
  }),
  fc.record({
    cardType: fc.constant('hkMacauTaiwanPermit' as const), name: field(cjk, 15), sex: digits(1), birthDate: isoDate,
    address: field(cjk, 35), idNumber: digits(18), issuer: field(cjk, 15), validFrom: isoDate, validUntil: until,
    passNumber: field(latin, 9), issueCount: digits(2),
  }),
  fc.record({
    cardType: fc.constant('foreignPermanentOld' as const), englishName: field(latin, 60), chineseName: field(cjk, 15),
    sex: digits(1), permitNumber: field(latin, 15), nationality: field(latin, 3), birthDate: isoDate, validFrom: isoDate,
    validUntil: until, cardVersion: digits(2), issuerCode: digits(4),
  }),
  fc.record({
    cardType: fc.constant('foreignPermanent2023' as const), chineseName: field(cjk, 15), englishName: field(latin, 46),
    sex: digits(1), renewalCount: digits(2), birthDate: isoDate, idNumber: digits(18), validFrom: isoDate,
    validUntil: until, nationality: field(latin, 3), previousCardLink: field(latin, 3),
  }),
);

describe('text block', () => {
  it('build -> parse gives back every card type exactly (property)', () => {
    fc.assert(
      fc.property(holderArb, (h) => {
        const block = buildTextBlock(h);
        expect(block).toHaveLength(256);
        expect(idCardTypeOf(block)).toBe(h.cardType);
        expect(parseTextBlock(block)).toEqual(h);
      }),
      { numRuns: 400 },
    );
  });
  it('the sample holders round-trip, including a 2023 English name split at a space', () => {
    for (const h of Object.values(sample)) expect(parseTextBlock(buildTextBlock(h))).toEqual(h);
    const split = { ...sample.foreignPermanent2023, englishName: 'A'.repeat(34) + ' BCDEFGHIJK' } as Holder;
    expect(parseTextBlock(buildTextBlock(split))).toEqual(split);
  });
  it('trims trailing NUL padding as well as spaces, keeps inner spaces and the middle dot', () => {
    const block = buildTextBlock({ ...sample.resident, name: '阿依古丽·买买提' } as Holder);
    block.fill(0, 52 + 20, 52 + 70); // NUL-pad the address after 10 characters
    const h = parseTextBlock(block);
    expect(h.cardType === 'resident' && h.name).toBe('阿依古丽·买买提');
    expect(h.cardType === 'resident' && h.address).toBe(sample.resident.cardType === 'resident' ? sample.resident.address.slice(0, 10) : '');
  });
  it('a field that does not fit throws naming the field', () => {
    expect(() => buildTextBlock({ ...sample.resident, name: '长'.repeat(16) } as Holder)).toThrow(/field name holds 15 characters, got 16/);
    expect(() => buildTextBlock({ ...sample.foreignPermanent2023, englishName: 'A'.repeat(47) } as Holder)).toThrow(/englishName/);
  });
  it('a short or garbage block parses without throwing', () => {
    expect(parseTextBlock(new Uint8Array(10)).cardType).toBe('resident');
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => void parseTextBlock(b)));
  });
  it('undated values are kept as read so validation can report them', () => {
    const h = parseTextBlock(buildTextBlock({ ...sample.resident, birthDate: '1990023X' } as Holder));
    expect(h.birthDate).toBe('1990023X');
  });
});
