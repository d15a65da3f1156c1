// The shipped card library (simulators/data/cards.json) and merging holders from a file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromHex, parseSamReadResponse, SamFrameDecoder, validateIdNumber, type Holder } from '@onedoor/protocol';
import { loadVectors } from '../../../protocol/test/vectors.ts';
import { IdReaderSim, loadCardLibrary, parseCardFile } from '../../src/idreader/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'onedoor-cards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lib = loadCardLibrary();
const cards = [...lib.values()];
const holders = cards.map((c) => c.holder);
const nameOf = (h: Holder) => ('name' in h ? h.name : h.chineseName);

describe('shipped card library', () => {
  it('numbers are valid and agree with the birth field, except on cards marked invalid, which fail for the reason given', () => {
    for (const c of cards) {
      const h = c.holder;
      if (h.cardType === 'foreignPermanentOld') {
        expect(h.permitNumber, c.key).toMatch(/^[A-Z]{3}\d{9,12}$/);
        continue;
      }
      const r = validateIdNumber(h.idNumber, { birthDate: h.birthDate });
      if (c.invalid) expect(r, c.key).toMatchObject({ ok: false, reason: c.invalid });
      else expect(r, c.key).toEqual({ ok: true });
    }
    expect(cards.filter((c) => c.invalid).map((c) => c.invalid).sort()).toEqual(['birthMismatch', 'checkChar']);
  });

  it('covers what the kiosk must handle', () => {
    const types = new Set(holders.map((h) => h.cardType));
    expect([...types].sort()).toEqual(['foreignPermanent2023', 'foreignPermanentOld', 'hkMacauTaiwanPermit', 'resident']);
    expect(holders.some((h) => h.validUntil !== '长期' && h.validUntil < '2025-06-01')).toBe(true); // expired
    expect(holders.some((h) => h.validUntil === '长期')).toBe(true);
    expect(holders.some((h) => h.cardType === 'resident' && h.nation !== '01')).toBe(true); // minority nation
    expect(holders.some((h) => 'address' in h && h.address.length >= 30)).toBe(true); // long address
    expect(holders.some((h) => nameOf(h).includes('·'))).toBe(true); // middle dot
    expect(holders.some((h) => 'englishName' in h && h.englishName.includes(' '))).toBe(true);
    expect(holders.some((h) => h.cardType === 'resident' && h.birthDate <= '1961-11-25')).toBe(true); // 65+
    expect(holders.some((h) => 'idNumber' in h && h.idNumber.endsWith('X'))).toBe(true);
  });

  it('holds the vector holders, field for field', () => {
    const v = loadVectors<Record<string, { frame: string; expect: Record<string, string> }>>('id-reader');
    const byVector: Record<string, string> = {
      read_base_ok_resident: 'zhang-sanfeng',
      read_base_ok_hk_macau_taiwan: 'chen-jiaming',
      read_base_ok_foreign_old: 'smith-john',
      read_base_ok_foreign_2023: 'williamson',
      read_base_ok_long_term: 'ayiguli',
    };
    for (const [vector, key] of Object.entries(byVector)) {
      const [frame] = new SamFrameDecoder().push(fromHex(v[vector].frame));
      expect(lib.get(key)!.holder, key).toEqual(parseSamReadResponse(frame).holder);
    }
  });
});

describe('loadCardLibrary(path)', () => {
  const extra = {
    cards: [
      {
        key: 'mai-zihao',
        note: 'added by a test',
        holder: {
          cardType: 'resident', name: '麦子豪', sex: '1', nation: '01', birthDate: '1999-09-09', address: '广东省江门市蓬江区',
          idNumber: '440703199909090010', issuer: '江门市公安局', validFrom: '2020-01-01', validUntil: '2030-01-01',
        },
      },
      { key: 'zhang-sanfeng', holder: { ...loadCardLibrary().get('zhang-sanfeng')!.holder, name: '张三' } },
    ],
  };

  it('merges the file into the shipped set; same key replaces', () => {
    const path = join(dir, 'extra.json');
    writeFileSync(path, JSON.stringify(extra));
    const merged = loadCardLibrary(path);
    expect(merged.size).toBe(lib.size + 1);
    expect(merged.get('mai-zihao')!.note).toBe('added by a test');
    expect((merged.get('zhang-sanfeng')!.holder as { name: string }).name).toBe('张三');
    expect(lib.get('zhang-sanfeng')!.holder).not.toBe(merged.get('zhang-sanfeng')!.holder);
    expect(loadCardLibrary(path, new Map()).size).toBe(2);
    const sim = new IdReaderSim({ library: path });
    expect(sim.placeCard('mai-zihao')).toEqual({ placed: 'mai-zihao', name: '麦子豪', number: '4407**********0010' });
    sim.close();
  });

  it('reports bad files and entries by file and key', () => {
    expect(() => loadCardLibrary(join(dir, 'missing.json'))).toThrow(/cannot read card library .*missing\.json/);
    expect(() => parseCardFile({}, 'x.json')).toThrow(/x\.json: expected an object with a "cards" array/);
    expect(() => parseCardFile({ cards: [{ key: 'Bad Key', holder: {} }] }, 'x.json')).toThrow(/cards\[0\]: key must be/);
    const long = { key: 'long', holder: { ...extra.cards[0].holder, name: '长'.repeat(16) } };
    expect(() => parseCardFile({ cards: [long] }, 'x.json')).toThrow(/card "long": text block field name holds 15/);
    const badType = { key: 't', holder: { cardType: 'passport' } };
    expect(() => parseCardFile({ cards: [badType] }, 'x.json')).toThrow(/cardType must be one of/);
    expect(() => parseCardFile({ cards: [extra.cards[0], extra.cards[0]] }, 'x.json')).toThrow(/appears twice/);
  });
});
