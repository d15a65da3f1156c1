// Every qr-scanner.json vector (specs/vectors): builders byte-exact, parsers and the stream decoders read them back.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/hex.ts';
import {
  buildQrCommand, buildQrReply, parseQrCommand, parseQrReply, qrCrc16, QrCommandDecoder, QrFrameError, QrScannerDecoder,
  type QrCommand,
} from '../../src/qrscanner/index.ts';
import { loadVectors } from '../vectors.ts';

interface CmdVector { frame: string; expect: { type: 'read' | 'write' | 'save'; address?: number; data?: string; count?: number; crc?: 'skip' } }
interface ReplyVector { frame: string; expect: { status: number; data: string } }
const v = loadVectors<Record<string, any>>('qr-scanner');

const commandNames = ['trigger_nocrc', 'trigger', 'save_flash', 'set_baud_9600', 'read_baud'];

function commandOf(e: CmdVector['expect']): QrCommand {
  if (e.type === 'read') return { type: 'read', address: e.address!, count: e.count! };
  if (e.type === 'write') return { type: 'write', address: e.address!, data: fromHex(e.data!) };
  return { type: 'save' };
}

describe('qr-scanner.json commands', () => {
  it('CRC-16/XMODEM check value over "123456789" is 0x31C3', () => {
    expect(qrCrc16(new TextEncoder().encode('123456789'))).toBe(0x31c3);
  });

  for (const name of commandNames) {
    const vec = v[name] as CmdVector;
    it(`${name}: parses as expected and builds byte-exact`, () => {
      const parsed = parseQrCommand(fromHex(vec.frame));
      const want = commandOf(vec.expect);
      expect(parsed.type).toBe(want.type);
      if (want.type !== 'save' && parsed.type !== 'save') expect(parsed.address).toBe(want.address);
      if (want.type === 'write' && parsed.type === 'write') expect(toHex(parsed.data)).toBe(vec.expect.data);
      if (want.type === 'read' && parsed.type === 'read') expect(parsed.count).toBe(want.count);
      expect(parsed.crc).toBe(vec.expect.crc === 'skip' ? 'skip' : 'ok');
      expect(toHex(buildQrCommand(want, { noCrc: vec.expect.crc === 'skip' }))).toBe(vec.frame);
    });
  }

  it('bad_crc_cmd: refused with a crc error, and the engine-side decoder drops it (counted) but keeps the next one', () => {
    expect(() => parseQrCommand(fromHex(v.bad_crc_cmd.frame))).toThrow(QrFrameError);
    try { parseQrCommand(fromHex(v.bad_crc_cmd.frame)); } catch (e) { expect((e as QrFrameError).reason).toBe(v.bad_crc_cmd.expect.error); }
    const d = new QrCommandDecoder();
    const got = d.push(fromHex(`${v.bad_crc_cmd.frame} ${v.trigger.frame}`));
    expect(got.map((f) => toHex(f.raw))).toEqual([v.trigger.frame]);
    expect(d.counters.checksumErrors).toBe(1);
  });

  it('the engine-side decoder finds every command vector in one stream, one byte at a time', () => {
    const d = new QrCommandDecoder();
    const stream = fromHex(commandNames.map((n) => v[n].frame).join(' '));
    const got = [];
    for (const b of stream) got.push(...d.push(Uint8Array.of(b)));
    expect(got.map((f) => toHex(f.raw))).toEqual(commandNames.map((n) => v[n].frame));
    expect(d.buffered).toBe(0);
  });
});

describe('qr-scanner.json replies', () => {
  for (const name of ['ack_write', 'read_baud_reply']) {
    const vec = v[name] as ReplyVector;
    it(`${name}: parses and builds byte-exact`, () => {
      const r = parseQrReply(fromHex(vec.frame));
      expect(r.status).toBe(vec.expect.status);
      expect(toHex(r.data)).toBe(vec.expect.data);
      expect(toHex(buildQrReply(r))).toBe(vec.frame);
    });
  }
});

describe('qr-scanner.json codes', () => {
  const codes = (hex: string) => new QrScannerDecoder().push(fromHex(hex));
  const text = (b: Uint8Array) => new TextDecoder().decode(b);

  it('code_cr', () => {
    const out = codes(v.code_cr.bytes);
    expect(out.map((f) => f.kind === 'code' && text(f.bytes))).toEqual([v.code_cr.expect.code]);
  });

  it('code_crlf (and the LF is not an empty code)', () => {
    const d = new QrScannerDecoder();
    const out = d.push(fromHex(v.code_crlf.bytes));
    expect(out.map((f) => f.kind === 'code' && text(f.bytes))).toEqual([v.code_crlf.expect.code]);
    expect(d.counters).toMatchObject({ codes: 1, garbage: 0, discardedBytes: 0 });
  });

  it('two_codes_one_chunk', () => {
    expect(codes(v.two_codes_one_chunk.bytes).map((f) => f.kind === 'code' && text(f.bytes))).toEqual(v.two_codes_one_chunk.expect.codes);
  });

  it('reply_then_code: the reply is a reply, never code bytes', () => {
    const out = codes(v.reply_then_code.bytes);
    expect(out).toHaveLength(2);
    const [reply, code] = out;
    expect(reply.kind).toBe('reply');
    if (reply.kind === 'reply') {
      expect(reply.status).toBe(v.reply_then_code.expect.reply.status);
      expect(toHex(reply.data)).toBe(v.reply_then_code.expect.reply.data);
    }
    expect(code.kind === 'code' && text(code.bytes)).toBe(v.reply_then_code.expect.codes[0]);
  });

  it('gbk_text: the bytes come through untouched', () => {
    const [f] = codes(v.gbk_text.bytes);
    expect(f.kind === 'code' && toHex(f.bytes)).toBe(v.gbk_text.expect.code_bytes);
  });
});
