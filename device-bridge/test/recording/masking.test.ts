/**
 * Masking at the source (README "Record and replay", docs/recording-format.md "Masking"): a recording of a card
 * read and a print job of that holder holds no byte sequence of the holder (name, number, address, photo), whatever
 * the chunking, while the frames keep their shape (lengths, CHK validity, layout) for replay.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildSamReadData,
  buildSamResponse,
  buildTextBlock,
  EscPosEncoder,
  idNumberCheckChar,
  maskSamReply,
  PrintDataMasker,
  QrScannerDecoder,
  qrAckReply,
  buildQrReply,
  SamReplyMasker,
  ScannedCodeMasker,
  isQrCodeByte,
  parseSamReadResponse,
  readRecording,
  readRecordingHeader,
  SamFrameDecoder,
  validateIdNumber,
  type ResidentHolder,
} from '@onedoor/protocol';
import { Recorder } from '../../src/recording/recorder.ts';



const holder: ResidentHolder = {
  cardType: 'resident',
  name: '欧阳明辉',
  sex: '1',
  nation: '01',
  birthDate: '1979-03-21',
  address: '广东省广州市天河区珠江新城花城大道88号',
  idNumber: `44010619790321563${idNumberCheckChar('44010619790321563')}`,
  issuer: '广州市公安局天河分局',
  validFrom: '2019-05-01',
  validUntil: '2039-05-01',
};
const photo = Uint8Array.from({ length: 1024 }, (_, i) => (i * 131 + 17) % 251);
const readReply = buildSamResponse(0x90, buildSamReadData(buildTextBlock(holder), photo));
const findReply = buildSamResponse(0x9f, Uint8Array.of(0, 0, 0, 0));
const ucs2 = (s: string) => Uint8Array.from(Buffer.from(s, 'utf16le'));
const gb = (s: string) => {
  const out: number[] = [];
  new EscPosEncoder().text(s).encode().forEach((b) => out.push(b));
  // the encoder wraps Chinese text in FS & ... FS .: keep the GB18030 bytes only
  return Uint8Array.from(out.slice(2, out.length - 2));
};
const printJob = new EscPosEncoder()
  .initialize()
  .line(`姓名 ${holder.name}`)
  .line(`证件号码 ${holder.idNumber}`)
  .line(`住址 ${holder.address}`)
  .line(`No. ${holder.idNumber}`)
  .qrCode(`https://hall.example/v?n=${holder.idNumber}`)
  .code128(holder.idNumber)
  .processId('J042')
  .cut()
  .encode();

/** Every sequence that would identify the holder, in each encoding it may travel in. */
const secrets: Array<[string, Uint8Array]> = [
  ['name UCS-2', ucs2(holder.name)],
  ['name GB18030', gb(holder.name)],
  ['number UCS-2', ucs2(holder.idNumber)],
  ['number ASCII', Uint8Array.from(Buffer.from(holder.idNumber))],
  ['number digits ASCII', Uint8Array.from(Buffer.from(holder.idNumber.slice(6, 14)))],
  ['address UCS-2 (first 6 chars)', ucs2(holder.address.slice(0, 6))],
  ['address GB18030 (first 6 chars)', gb(holder.address.slice(0, 6))],
  ['birth date UCS-2', ucs2('19790321')],
  ...Array.from({ length: 1024 / 8 }, (_, i): [string, Uint8Array] => [`photo bytes ${8 * i}..${8 * i + 7}`, photo.subarray(8 * i, 8 * i + 8)]),
];

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

function leaks(file: Uint8Array): string[] {
  return secrets.filter(([, s]) => indexOf(file, s) >= 0).map(([name]) => name);
}

/** Splits bytes into chunks of the given sizes, cycling. */
function chunks(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = sizes[k % sizes.length];
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function newRecorder(extra: Partial<ConstructorParameters<typeof Recorder>[0]> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rec-mask-'));
  dirs.push(dir);
  const rec = new Recorder({ dir, maxFileBytes: 1 << 20, maxSessionBytes: 1 << 22, log: pino({ level: 'silent' }), ...extra });
  return { rec, dir };
}

function sessionBytes(dir: string): Uint8Array {
  const files = readdirSync(dir).filter((f) => f.endsWith('.odrec')).sort();
  return Uint8Array.from(Buffer.concat(files.map((f) => readFileSync(join(dir, f)))));
}

describe('masking at the source', () => {
  it('the test data really holds the secrets (the check below would see them)', () => {
    expect(indexOf(readReply, ucs2(holder.name))).toBeGreaterThan(0);
    expect(indexOf(printJob, gb(holder.name))).toBeGreaterThan(0);
    expect(indexOf(printJob, Buffer.from(holder.idNumber))).toBeGreaterThan(0);
    expect(leaks(Uint8Array.from([...readReply, ...printJob])).length).toBeGreaterThan(10);
  });

  for (const sizes of [[1], [7, 300, 2], [4096], [13, 1, 64]]) {
    it(`a recorded card read and print job hold no byte of the holder (chunks ${sizes.join('/')})`, () => {
      const { rec, dir } = newRecorder();
      const reader = rec.device({ id: 'reader', kind: 'idreader', path: '/dev/ttyS0' });
      const printer = rec.device({ id: 'printer', kind: 'printer', path: '/dev/ttyS1' });
      rec.start('test');
      reader.port('open');
      reader.tx(Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x03, 0x30, 0x01, 0x32));
      for (const c of chunks(readReply, sizes)) reader.rx(c);
      reader.rx(findReply);
      for (const c of chunks(printJob, sizes)) printer.tx(c);
      rec.stop();
      const file = sessionBytes(dir);
      expect(leaks(file)).toEqual([]);
      // The frames keep their shape: the masked read reply decodes, checks and parses as a synthetic holder.
      const rx = readRecording(file).records.filter((r) => r.type === 'data' && r.dir === 'rx');
      const rxBytes = Uint8Array.from(rx.flatMap((r) => (r.type === 'data' ? [...r.bytes] : [])));
      expect(rxBytes.length).toBe(readReply.length + findReply.length);
      const frames = new SamFrameDecoder({ direction: 'response' }).push(rxBytes);
      expect(frames).toHaveLength(2);
      const read = parseSamReadResponse(frames[0]);
      expect(read.holder.cardType).toBe('resident');
      expect(read.holder.validUntil).toBe(holder.validUntil);
      expect(validateIdNumber(holder.idNumber, { birthDate: holder.birthDate }).ok).toBe(true);
    expect(validateIdNumber((read.holder as ResidentHolder).idNumber, { birthDate: read.holder.birthDate }).ok).toBe(true);
      expect(frames[1].raw).toEqual(findReply);
      // The print job keeps its length and its process ID (the job's confirmation).
      const tx = readRecording(file).records.filter((r) => r.type === 'data' && r.device === 'printer');
      const txBytes = Uint8Array.from(tx.flatMap((r) => (r.type === 'data' ? [...r.bytes] : [])));
      expect(txBytes.length).toBe(printJob.length);
      expect(indexOf(txBytes, Buffer.from('J042'))).toBeGreaterThan(0);
    });
  }

  it('a recording started in the middle of a read reply masks the tail it catches', () => {
    const { rec, dir } = newRecorder();
    const reader = rec.device({ id: 'reader', kind: 'idreader', path: '/dev/ttyS0' });
    rec.start('test');
    reader.rx(readReply.subarray(100));
    reader.rx(findReply);
    rec.stop();
    expect(leaks(sessionBytes(dir))).toEqual([]);
  });

  it('a reply with a wrong CHK keeps a wrong CHK; a cut-short reply is masked as far as it goes', () => {
    const bad = readReply.slice();
    bad[bad.length - 1] ^= 0xff;
    const masked = maskSamReply(bad, true);
    expect(new SamFrameDecoder().push(masked)).toHaveLength(0);
    expect(new SamFrameDecoder().push(maskSamReply(readReply, true))).toHaveLength(1);
    const m = new SamReplyMasker();
    const out = [...m.push(readReply.subarray(0, 700)), ...m.push(findReply), ...m.flush()];
    expect(out.length).toBe(700 + findReply.length);
    expect(leaks(Uint8Array.from(out))).toEqual([]);
    // The find reply after the cut still comes out whole and unchanged.
    expect(out.slice(700)).toEqual([...findReply]);
  });

  it('a card whose number fails the check fails it the same way after masking (replay sees the same refusal)', () => {
    for (const [number, reason] of [
      [`${holder.idNumber.slice(0, 17)}${holder.idNumber[17] === '0' ? '1' : '0'}`, 'checkChar'],
      [`440106197903225631`.slice(0, 16), 'length'],
    ] as const) {
      const bad = { ...holder, idNumber: number };
      const v = validateIdNumber(bad.idNumber, { birthDate: bad.birthDate });
      expect(v.ok ? null : v.reason).toBe(reason);
      const reply = buildSamResponse(0x90, buildSamReadData(buildTextBlock(bad), photo));
      const masked = parseSamReadResponse(new SamFrameDecoder().push(maskSamReply(reply, true))[0]).holder as ResidentHolder;
      expect(masked.idNumber).not.toBe(bad.idNumber);
      const after = validateIdNumber(masked.idNumber, { birthDate: masked.birthDate });
      expect(after.ok ? null : after.reason).toBe(reason);
    }
  });

  it('the printer masker keeps commands and their parameters byte for byte', () => {
    const job = new EscPosEncoder().initialize().align('center').size(2).bold(true).lineSpacing(48).text('A').feed(3).cut('partial').encode();
    const masked = new PrintDataMasker().push(job);
    const differ = [...job].flatMap((b, i) => (b !== masked[i] ? [i] : []));
    expect(differ).toEqual([job.indexOf(0x41)]); // only the text byte 'A'
  });
});

/**
 * What a citizen may hold up to the kiosk's scanner (docs/mobile-codes.md): a mobile identity code carrying the
 * holder, an appointment slip's code, a ticket capability link, and a code of Chinese text in GBK. Between them the
 * engine answers register reads (qr-scanner.md), whose bytes must pass unchanged.
 */
const identityClaims = Buffer.from(JSON.stringify({ iss: 'gdzwfw', kid: 'k1', iat: 1764900000, exp: 1764900050, jti: 'Zt3s9QmVb1x7LkP2aa',
  sub: { n: holder.idNumber, nm: holder.name, s: '1', b: '19790321', f: '20190501', u: '20390501' } })).toString('base64url');
const scannedCodes: Array<[string, Uint8Array]> = [
  ['identity code', Uint8Array.from(Buffer.from(`ODI1.${identityClaims}.${'Q2lwaGVyLXNpZ25hdHVyZS1ieXRlcy0wMTIzNDU2Nzg5YWJjZGVm'}`))],
  ['appointment code', Uint8Array.from(Buffer.from('ODA1.20261205.000318.mQ7vK2pX'))],
  ['capability link', Uint8Array.from(Buffer.from('https://hall.example/m/t#c=Rk9vYmFyLWNhcGFiaWxpdHktNDI'))],
  ['GBK text', Uint8Array.from(Buffer.from('c6b7d1f4c3f7bbd4', 'hex'))],
];
const modeReply = buildQrReply({ status: 0, data: Uint8Array.of(0x03) });
/** The scanner's line: each code with its CR suffix (CR LF for the third), register replies in between. */
const scannerLine = Uint8Array.from([
  ...scannedCodes[0][1], 0x0d,
  ...modeReply,
  ...scannedCodes[1][1], 0x0d,
  ...scannedCodes[2][1], 0x0d, 0x0a,
  ...qrAckReply(),
  ...scannedCodes[3][1], 0x0d,
]);

describe('masking scanned codes at the source', () => {
  for (const sizes of [[1], [5, 200, 3], [4096], [13, 1, 64]]) {
    it(`a recorded scanner line holds no byte of any scanned code, and decodes to the same codes and replies (chunks ${sizes.join('/')})`, () => {
      const { rec, dir } = newRecorder();
      const scanner = rec.device({ id: 'scanner', kind: 'qrscanner', path: '/dev/ttyS2' });
      rec.start('test');
      scanner.port('open');
      for (const c of chunks(scannerLine, sizes)) scanner.rx(c);
      rec.stop();
      const file = sessionBytes(dir);
      const read = readRecording(file);
      expect(read.header.masked).toContain('scannedCodes');
      const rx = Uint8Array.from(read.records.flatMap((r) => (r.type === 'data' && r.dir === 'rx' ? [...r.bytes] : [])));
      expect(rx.length).toBe(scannerLine.length);
      // No byte of a code survives in its place, no 3 bytes of one anywhere in the recorded line, no 6 in the file's
      // records (its header holds the session's date and time: digits a code may share).
      const body = file.subarray(readRecordingHeader(file).length);
      let at = 0;
      for (const [name, code] of scannedCodes) {
        at = indexOf(scannerLine, code);
        for (let i = 0; i < code.length; i++) expect(rx[at + i], `${name} byte ${i}`).not.toBe(code[i]);
        for (let i = 0; i + 3 <= code.length; i++) expect(indexOf(rx, code.subarray(i, i + 3)), `${name} bytes ${i}..${i + 2}`).toBe(-1);
        for (let i = 0; i + 6 <= code.length; i++) expect(indexOf(body, code.subarray(i, i + 6)), `${name} bytes ${i}..${i + 5} in the file`).toBe(-1);
      }
      for (const [name, secret] of [['number', holder.idNumber], ['name UTF-8', holder.name]] as const) {
        expect(indexOf(body, Buffer.from(secret)), name).toBe(-1);
      }
      // The line keeps its shape: the same number of codes of the same lengths, the replies unchanged.
      const original = new QrScannerDecoder().push(scannerLine);
      const masked = new QrScannerDecoder().push(rx);
      expect(masked.map((f) => f.kind)).toEqual(original.map((f) => f.kind));
      expect(masked.map((f) => (f.kind === 'code' ? f.bytes.length : -1))).toEqual(original.map((f) => (f.kind === 'code' ? f.bytes.length : -1)));
      expect(masked.filter((f) => f.kind === 'reply').map((f) => f.kind === 'reply' && [...f.raw])).toEqual([[...modeReply], [...qrAckReply()]]);
    });
  }

  it('the check above would see an unmasked code; garbage stays garbage and over-long stays over-long', () => {
    expect(indexOf(scannerLine, Buffer.from(identityClaims.slice(0, 3)))).toBeGreaterThan(0);
    const noise = Uint8Array.of(0x41, 0x01, 0x42, 0x0d);
    const d = new QrScannerDecoder();
    d.push(new ScannedCodeMasker().push(noise));
    expect(d.counters.garbage).toBe(1);
    const long = new ScannedCodeMasker().push(Uint8Array.from([...Buffer.from('A'.repeat(600)), 0x0d]));
    const d2 = new QrScannerDecoder();
    expect(d2.push(long)).toEqual([]);
    expect(d2.counters.overLength).toBe(1);
    expect([...long.subarray(0, 600)].every((b) => b !== 0x41 && isQrCodeByte(b))).toBe(true);
  });
});

describe('recorder failures', () => {
  it('a session that hits its size limit (disk full) stops with an alert; taps go on without throwing', () => {
    const { rec } = newRecorder({ maxSessionBytes: 2048, maxFileBytes: 1024 });
    const reader = rec.device({ id: 'reader', kind: 'idreader', path: '/dev/ttyS0' });
    const alerts: string[] = [];
    rec.on('alert', (m) => alerts.push(m));
    rec.start('test');
    for (let i = 0; i < 50; i++) reader.rx(findReply);
    expect(rec.recording).toBe(false);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('size limit');
    expect(rec.status().lastError?.message).toContain('size limit');
    expect(() => reader.rx(findReply)).not.toThrow();
    // It rotated before failing, and every file it left reads cleanly.
    expect(rec.status().files).toEqual([]);
  });

  it('rotates by size; every segment has its own header and the records continue across them', () => {
    const { rec, dir } = newRecorder({ maxFileBytes: 1024 });
    const reader = rec.device({ id: 'reader', kind: 'idreader', path: '/dev/ttyS0' });
    rec.start('test');
    for (let i = 0; i < 40; i++) reader.rx(findReply);
    rec.stop();
    const files = readdirSync(dir).sort();
    expect(files.length).toBeGreaterThan(1);
    const all = files.map((f) => readRecording(readFileSync(join(dir, f))));
    all.forEach((r, i) => {
      expect(r.damage).toBeNull();
      expect(r.header.segment).toBe(i);
      expect(readFileSync(join(dir, files[i])).length).toBeLessThanOrEqual(1024);
    });
    expect(all.reduce((n, r) => n + r.records.length, 0)).toBe(40);
  });

  it('a folder that cannot be made: start fails with the reason, nothing is recorded, taps go on', () => {
    const { dir } = newRecorder();
    writeFileSync(join(dir, 'not-a-dir'), '');
    const rec = new Recorder({ dir: join(dir, 'not-a-dir', 'sub'), maxFileBytes: 4096, maxSessionBytes: 8192, log: pino({ level: 'silent' }) });
    const reader = rec.device({ id: 'reader', kind: 'idreader', path: '/dev/ttyS0' });
    expect(() => rec.start('test')).toThrow(/ENOTDIR|EEXIST/);
    expect(rec.recording).toBe(false);
    expect(() => reader.rx(findReply)).not.toThrow();
  });
});
