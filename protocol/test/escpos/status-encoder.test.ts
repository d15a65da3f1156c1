import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ESCPOS_HEALTHY_STATUS, EscPosStatusDecoder, encodeAsb, encodeDleEotReply, encodeProcessIdResponse, fromHex, toHex,
  type EscPosStatusFields,
} from '@onedoor/protocol';
import { loadVectors } from '../vectors.ts';

const replies = loadVectors('escpos').status_replies as Record<string, string>;
const healthy: EscPosStatusFields = { ...ESCPOS_HEALTHY_STATUS };
const hex = (b: Uint8Array) => toHex(b);

describe('status encoders: spec vectors', () => {
  it('a healthy printer answers 16 to n = 1 and 12 to n = 2, 3, 4', () => {
    expect(hex(encodeDleEotReply(1, healthy))).toBe(replies.healthy_dle_eot_1);
    expect(hex(encodeDleEotReply(4, healthy))).toBe(replies.healthy_dle_eot_4);
    expect(hex(encodeDleEotReply(2, healthy))).toBe('12');
    expect(hex(encodeDleEotReply(3, healthy))).toBe('12');
  });

  it('paper end: DLE EOT 4 = 72, ASB = 10 00 0C 00', () => {
    const s = { ...healthy, paper: 'out' as const };
    expect(hex(encodeDleEotReply(4, s))).toBe(replies.paper_end_dle_eot_4);
    expect(hex(encodeAsb(s))).toBe(replies.asb_paper_end);
  });

  it('cover open: DLE EOT 2 = 16; with offline, ASB = 38 00 00 00', () => {
    expect(hex(encodeDleEotReply(2, { ...healthy, coverOpen: true }))).toBe(replies.cover_open_dle_eot_2);
    expect(hex(encodeAsb({ ...healthy, coverOpen: true, online: false }))).toBe(replies.asb_cover_open_offline);
  });

  it('process ID 0001 = 37 22 30 30 30 31 00', () => {
    expect(hex(encodeProcessIdResponse('0001'))).toBe(replies.process_id_0001);
  });
});

describe('status encoders: bit tables', () => {
  it('sets each DLE EOT bit of the escpos.md table', () => {
    expect(encodeDleEotReply(1, { ...healthy, online: false })[0]).toBe(0x1e);
    expect(encodeDleEotReply(1, { ...healthy, waitingForRecovery: true })[0]).toBe(0x36);
    expect(encodeDleEotReply(1, { ...healthy, feedButton: true })[0]).toBe(0x56);
    expect(encodeDleEotReply(2, { ...healthy, feedButton: true })[0]).toBe(0x1a);
    expect(encodeDleEotReply(2, { ...healthy, paper: 'out' })[0]).toBe(0x32);
    expect(encodeDleEotReply(2, { ...healthy, cutterError: true })[0]).toBe(0x52);
    expect(encodeDleEotReply(3, { ...healthy, recoverableError: true })[0]).toBe(0x16);
    expect(encodeDleEotReply(3, { ...healthy, cutterError: true })[0]).toBe(0x1a);
    expect(encodeDleEotReply(3, { ...healthy, unrecoverableError: true })[0]).toBe(0x32);
    expect(encodeDleEotReply(3, { ...healthy, autoRecoverableError: true })[0]).toBe(0x52);
    expect(encodeDleEotReply(4, { ...healthy, paper: 'low' })[0]).toBe(0x1e);
  });

  it('sets each ASB bit of the escpos.md table', () => {
    expect(hex(encodeAsb(healthy))).toBe('10 00 00 00');
    expect(hex(encodeAsb({ ...healthy, waitingForRecovery: true, cutterError: true, online: false }))).toBe('18 09 00 00');
    expect(hex(encodeAsb({ ...healthy, feedButton: true }))).toBe('50 02 00 00');
    expect(hex(encodeAsb({ ...healthy, recoverableError: true, unrecoverableError: true, autoRecoverableError: true })))
      .toBe('10 64 00 00');
    expect(hex(encodeAsb({ ...healthy, paper: 'low' }))).toBe('10 00 03 00');
  });

  it('every reply matches the spec\'s recognition patterns', () => {
    fc.assert(fc.property(statusArb, fc.integer({ min: 1, max: 4 }), (s, n) => {
      expect(encodeDleEotReply(n, s)[0] & 0x93).toBe(0x12);
      const asb = encodeAsb(s);
      expect(asb[0] & 0x93).toBe(0x10);
      for (const b of asb.subarray(1)) expect(b & 0x90).toBe(0);
    }));
  });

  it('rejects bad arguments with clear messages', () => {
    expect(() => encodeDleEotReply(5, healthy)).toThrow(/n must be 1-4/);
    expect(() => encodeProcessIdResponse('01')).toThrow(/encodeProcessIdResponse.*4 ASCII characters/);
    expect(() => encodeProcessIdResponse('00\u00010')).toThrow(/0x30-0x7E/);
  });
});

const statusArb: fc.Arbitrary<EscPosStatusFields> = fc.record({
  online: fc.boolean(), coverOpen: fc.boolean(), paper: fc.constantFrom('ok', 'low', 'out'), cutterError: fc.boolean(),
  recoverableError: fc.boolean(), unrecoverableError: fc.boolean(), autoRecoverableError: fc.boolean(),
  waitingForRecovery: fc.boolean(), feedButton: fc.boolean(),
});

describe('status encoders: round trip through EscPosStatusDecoder', () => {
  it('ASB encode -> decode is the identity on every field', () => {
    fc.assert(fc.property(statusArb, (s) => {
      const [reply] = new EscPosStatusDecoder().push(encodeAsb(s));
      expect(reply).toMatchObject({ kind: 'asb', fields: s });
    }));
  });

  it('the four DLE EOT replies together decode to the status they encode', () => {
    fc.assert(fc.property(statusArb, (s) => {
      const dec = new EscPosStatusDecoder();
      for (const n of [1, 2, 3, 4] as const) {
        dec.expectRealtime(n);
        dec.push(encodeDleEotReply(n, s));
      }
      const { raw: _raw, ...fields } = dec.status!;
      expect(fields).toEqual(s);
    }));
  });

  it('a mixed reply stream decodes in order', () => {
    const dec = new EscPosStatusDecoder();
    dec.expectRealtime(4);
    const stream = [encodeAsb(healthy), encodeDleEotReply(4, { ...healthy, paper: 'out' }), fromHex('13'),
      encodeProcessIdResponse('AB12'), fromHex('11')];
    const got = stream.flatMap((b) => dec.push(b)).map((r) => r.kind);
    expect(got).toEqual(['asb', 'realtime', 'xoff', 'processId', 'xon']);
  });
});
