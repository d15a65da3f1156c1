// Pure parts of the reader driver: options, timeouts with wire time, reply matching, masked views, card errors.
import { describe, expect, it } from 'vitest';
import { fromHex, holderNumber, maskIdNumber, parseSamReadResponse, SamFrameDecoder, type Holder } from '@onedoor/protocol';
import { loadVectors } from '../../../protocol/test/vectors.ts';
import { assessCard, cardErrorForReadStatus, cardErrorForReadTimeout, hallIsoDate } from '../../src/devices/idReader/cardView.ts';
import { toCardReadEvent } from '../../src/devices/idReader/events.ts';
import { idReaderTimeouts, parseIdReaderOptions, serialWireMs } from '../../src/devices/idReader/options.ts';
import { acceptSamReply } from '../../src/devices/idReader/samExchange.ts';

const frame = (bytes: Uint8Array) => new SamFrameDecoder({ direction: 'response' }).push(bytes)[0];

describe('reader options', () => {
  it('defaults to the spec: 300 ms polls, 30 01, max RF 0x50, 3 silent polls', () => {
    expect(parseIdReaderOptions('r', {})).toEqual({ pollMs: 300, read: 'base', maxRfBytes: 0x50, maxSilentPolls: 3, placeAgainMs: 30_000 });
  });
  it('names the device and field of a bad option, and refuses unknown keys', () => {
    expect(() => parseIdReaderOptions('reader1', { pollMs: 5 })).toThrow(/reader1\.options\.pollMs/);
    expect(() => parseIdReaderOptions('reader1', { read: '3001' })).toThrow(/reader1\.options\.read/);
    expect(() => parseIdReaderOptions('reader1', { polMs: 300 })).toThrow(/reader1\.options/);
  });
});

describe('timeouts include the wire time', () => {
  it('a 1295-byte read is about 1.35 s at 9600 (spec "Line settings") and ~112 ms at 115200', () => {
    expect(serialWireMs(1295, 9600)).toBeCloseTo(1349, 0);
    expect(serialWireMs(1295, 115200)).toBeCloseTo(112.4, 1);
  });
  it('read = 3 s + command and reply on the wire; find 800 and select 300 plus theirs', () => {
    const fast = idReaderTimeouts(115200, 'base');
    const slow = idReaderTimeouts(9600, 'base');
    expect(fast.read).toBe(Math.ceil(3000 + serialWireMs(10 + 1295, 115200)));
    expect(slow.read).toBe(Math.ceil(3000 + serialWireMs(10 + 1295, 9600)));
    expect(slow.find).toBe(Math.ceil(800 + serialWireMs(10 + 15, 9600)));
    expect(slow.select).toBe(Math.ceil(300 + serialWireMs(10 + 19, 9600)));
    expect(idReaderTimeouts(9600, 'fingerprint').read).toBeGreaterThan(slow.read + 900);
  });
});

describe('reply matching (shared vectors id-reader.json)', () => {
  const v = loadVectors('id-reader');
  const r = (name: string) => frame(fromHex(v.responses[name]));
  const read = frame(fromHex(v.read_base_ok_resident.frame));
  const [found, noCard, ok, selected, selectFail, readFail, samFail] = [
    'find_ok',
    'find_none',
    'sam_ok',
    'select_ok',
    'select_fail',
    'read_fail',
    'sam_selftest_failed',
  ].map(r);

  it('find takes 9F with 4 bytes or a bare status other than 90; never a read, select or status reply', () => {
    const a = acceptSamReply('find');
    expect([found, noCard, samFail].map(a)).toEqual([true, true, true]);
    expect([read, ok, selected].map(a)).toEqual([false, false, false]);
  });
  it('read takes 90 with data or a bare error; a stale status, find or select reply is not taken', () => {
    const a = acceptSamReply('read');
    expect([read, readFail, samFail].map(a)).toEqual([true, true, true]);
    expect([ok, found, selected].map(a)).toEqual([false, false, false]);
    // 30 10 replies carry three lengths; a 30 01 reply is not one of them.
    expect(acceptSamReply('readFingerprint')(read)).toBe(false);
  });
  it('status takes only bare statuses; select only 90 with 8 bytes or a bare error', () => {
    expect([ok, samFail, read, found].map(acceptSamReply('status'))).toEqual([true, true, false, false]);
    expect([selected, selectFail, ok, read].map(acceptSamReply('select'))).toEqual([true, true, false, false]);
  });
});

describe('masked view and verdict', () => {
  const v = loadVectors('id-reader');
  // The resident vector holder, parsed from the vector frame as the driver does.
  const holder: Holder = parseSamReadResponse(frame(fromHex(v.read_base_ok_resident.frame))).holder;

  it('shows name, masked number, type and validity; the full number, address and birth date stay out', () => {
    expect(holder).toEqual(v.read_base_ok_resident.expect);
    const { view, validation } = assessCard(holder, '2026-11-25');
    expect(validation.ok).toBe(true);
    expect(view).toEqual({
      cardType: 'resident',
      name: '张三丰',
      idNumberMasked: '4401**********1231',
      validUntil: '2035-06-11',
      expired: false,
      valid: true,
    });
    const json = JSON.stringify(toCardReadEvent({ deviceId: 'r', holder, validation, view, at: 1 }));
    expect(json).not.toContain(holderNumber(holder));
    expect(json).not.toContain('广州市');
    expect(json).not.toContain('1990');
  });

  it('expired on the day after validUntil; 长期 never; a wrong check character is refused with words', () => {
    expect(assessCard(holder, '2035-06-11').view.valid).toBe(true);
    expect(assessCard(holder, '2035-06-12').view).toMatchObject({ valid: false, expired: true, invalid: { reason: 'expired' } });
    expect(assessCard({ ...holder, validUntil: '长期' }, '2099-01-01').view).toMatchObject({ valid: true, expired: false });
    const wrong = holderNumber(holder).slice(0, 17) + (holderNumber(holder)[17] === '2' ? '3' : '2');
    const bad = assessCard({ ...holder, idNumber: wrong } as Holder, '2026-11-25').view;
    expect(bad).toMatchObject({ valid: false, invalid: { reason: 'checkChar' }, idNumberMasked: maskIdNumber(wrong) });
    expect(bad.invalid!.zh.length).toBeGreaterThan(0);
    expect(bad.invalid!.en.length).toBeGreaterThan(0);
  });

  it("hallIsoDate is the hall's (China) calendar day, whatever the PC's zone: expiry flips at 00:00 China time", () => {
    const at = (iso: string) => hallIsoDate(Date.parse(iso));
    expect(at('2026-03-01T17:30:00Z')).toBe('2026-03-02'); // 01:30 on 2 March in China; 1 March on a UTC PC
    expect(at('2026-03-01T15:59:59Z')).toBe('2026-03-01'); // 23:59:59 on 1 March in China
    expect(at('2026-03-01T16:00:00Z')).toBe('2026-03-02');
    const expiring = { ...holder, validUntil: '2026-03-01' };
    expect(assessCard(expiring, at('2026-03-01T17:30:00Z')).view).toMatchObject({ expired: true, valid: false });
    expect(assessCard(expiring, at('2026-03-01T15:30:00Z')).view).toMatchObject({ expired: false, valid: true });
  });
});

describe('card errors', () => {
  it('41 and the authentication failures ask to place again; 40 is an unsupported card; unknown SW3 shown in hex', () => {
    for (const sw3 of [0x41, 0x31, 0x32, 0x33]) {
      const e = cardErrorForReadStatus(sw3);
      expect(e.code).toBe('placeAgain');
      expect(e.message).toContain(`0x${sw3.toString(16).toUpperCase()}`);
      expect(e.message).toMatch(/重新放置/);
    }
    expect(cardErrorForReadStatus(0x40).code).toBe('unsupportedCard');
    expect(cardErrorForReadStatus(0xe7).message).toMatch(/unknown status 0xE7/);
    expect(cardErrorForReadTimeout(3113)).toMatchObject({ code: 'placeAgain' });
  });
});
