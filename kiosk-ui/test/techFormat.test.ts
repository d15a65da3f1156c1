// Pure helpers of the technician console (kiosk-ui/src/tech): argument parsing for action forms, frame merging.
import { describe, expect, it } from 'vitest';
import type { DeviceFrameEntry } from '@onedoor/protocol';
import { ago, argsFromFields, parseArgValue, shortJson, withoutNames } from '../src/tech/format.ts';
import { mergeFrames } from '../src/tech/techSocket.ts';

const frame = (seq: number): DeviceFrameEntry => ({ seq, at: seq, dir: seq % 2 ? 'tx' : 'rx', length: 1, hex: '00', summary: `f${seq}` });

describe('action arguments typed in a form', () => {
  it('numbers, booleans and JSON become values; other text stays text; empty fields are left out', () => {
    expect(parseArgValue(' 3 ')).toBe(3);
    expect(parseArgValue('-1.5')).toBe(-1.5);
    expect(parseArgValue('true')).toBe(true);
    expect(parseArgValue('A012')).toBe('A012');
    expect(parseArgValue('41')).toBe(41);
    expect(parseArgValue('{"a":1}')).toEqual({ a: 1 });
    expect(parseArgValue('{broken')).toBe('{broken');
    expect(argsFromFields({ unit: '2', key: 'callNext', arg: '' })).toEqual({ unit: 2, key: 'callNext' });
  });

  it('results are shortened, times said in words', () => {
    expect(shortJson({ a: 'x'.repeat(50) }, 10)).toBe('{"a":"xxxx …');
    expect(ago(0, 42_000)).toBe('42 s');
    expect(ago(0, 5 * 60_000)).toBe('5 min');
    expect(ago(0, 125 * 60_000)).toBe('2 h 5 min');
  });
});

describe('simulator results shown without holder names', () => {
  it('drops name keys at any depth, keeps the masked number', () => {
    const shown = withoutNames({ placed: 'k', name: '张三丰', number: '4401**********1231', card: { name: 'x', phase: 'read' }, list: [{ name: 'y', key: 'z' }] });
    expect(shown).toEqual({ placed: 'k', number: '4401**********1231', card: { phase: 'read' }, list: [{ key: 'z' }] });
    expect(withoutNames('text')).toBe('text');
  });
});

describe('frame log merging', () => {
  it('adds only newer entries, keeps the newest N', () => {
    const known = [1, 2, 3].map(frame);
    expect(mergeFrames(known, [2, 3, 4, 5].map(frame)).map((f) => f.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(mergeFrames(known, [4, 5, 6].map(frame), 4).map((f) => f.seq)).toEqual([3, 4, 5, 6]);
    expect(mergeFrames(undefined, [7].map(frame)).map((f) => f.seq)).toEqual([7]);
  });

  it('a restarted bridge (seq from 1 again) replaces the old log', () => {
    const known = [40, 41].map(frame);
    expect(mergeFrames(known, [1, 2].map(frame)).map((f) => f.seq)).toEqual([1, 2]);
  });
});
