// The IPP codec: a request round-trips, a reply with a collection is read past, and every truncation of a reply is
// an IppDecodeError (never a crash or a half-read message).
import { describe, expect, it } from 'vitest';
import {
  IPP_GROUP, IPP_OP, IPP_TAG, IppDecodeError, decodeIppMessage, encodeIppMessage, ippGroupRecords, ippValues,
} from '../../src/index.ts';

const reply = () => encodeIppMessage({
  version: [2, 0], code: 0x0000, requestId: 7,
  groups: [
    { tag: IPP_GROUP.operation, attributes: [{ name: 'attributes-charset', tag: IPP_TAG.charset, value: 'utf-8' }] },
    { tag: IPP_GROUP.printer, attributes: [
      { name: 'printer-state', tag: IPP_TAG.enum, value: 3 },
      { name: 'printer-state-reasons', tag: IPP_TAG.keyword, value: ['media-empty-report', 'toner-low-warning'] },
      { name: 'printer-is-accepting-jobs', tag: IPP_TAG.boolean, value: true },
    ] },
    { tag: IPP_GROUP.job, attributes: [{ name: 'job-id', tag: IPP_TAG.integer, value: 12 }, { name: 'job-name', tag: IPP_TAG.name, value: '证照 pj-1' }] },
    { tag: IPP_GROUP.job, attributes: [{ name: 'job-id', tag: IPP_TAG.integer, value: 13 }] },
  ],
});

describe('IPP codec', () => {
  it('round-trips a Print-Job request with its document', () => {
    const data = new Uint8Array([0x25, 0x50, 0x44, 0x46]);
    const bytes = encodeIppMessage({ code: IPP_OP.printJob, requestId: 0x01020304, data, groups: [
      { tag: IPP_GROUP.operation, attributes: [{ name: 'job-name', tag: IPP_TAG.name, value: 'x' }] },
    ] });
    expect([...bytes.subarray(0, 8)]).toEqual([1, 1, 0, 2, 1, 2, 3, 4]);
    const m = decodeIppMessage(bytes);
    expect(m.code).toBe(IPP_OP.printJob);
    expect(ippValues(m, 'job-name')).toEqual(['x']);
    expect([...m.data]).toEqual([...data]);
  });

  it('reads 1setOf values, enums, booleans, UTF-8 names and one record per job group', () => {
    const m = decodeIppMessage(reply());
    expect(m.version).toEqual([2, 0]);
    expect(ippValues(m, 'printer-state', IPP_GROUP.printer)).toEqual([3]);
    expect(ippValues(m, 'printer-state-reasons')).toEqual(['media-empty-report', 'toner-low-warning']);
    expect(ippValues(m, 'printer-is-accepting-jobs')).toEqual([true]);
    expect(ippGroupRecords(m, IPP_GROUP.job).map((j) => j['job-id']?.[0])).toEqual([12, 13]);
    expect(ippGroupRecords(m, IPP_GROUP.job)[0]!['job-name']).toEqual(['证照 pj-1']);
  });

  it('skips a collection value (media-col-ready) and keeps reading after it', () => {
    const head = [2, 0, 0, 0, 0, 0, 0, 1, IPP_GROUP.printer];
    const attr = (tag: number, name: string, value: number[]) => [tag, 0, name.length, ...Buffer.from(name), 0, value.length, ...value];
    const bytes = Uint8Array.from([...head,
      ...attr(IPP_TAG.begCollection, 'media-col-ready', []),
      ...attr(IPP_TAG.memberAttrName, '', [...Buffer.from('media-source')]),
      ...attr(IPP_TAG.keyword, '', [...Buffer.from('main')]),
      ...attr(IPP_TAG.endCollection, '', []),
      ...attr(IPP_TAG.enum, 'printer-state', [0, 0, 0, 5]),
      IPP_GROUP.end]);
    const m = decodeIppMessage(bytes);
    expect(ippValues(m, 'media-col-ready')).toEqual(['<collection>']);
    expect(ippValues(m, 'printer-state')).toEqual([5]);
  });

  it('every truncation of a reply is an IppDecodeError naming the byte', () => {
    const whole = reply();
    for (let n = 0; n < whole.length; n++) {
      expect(() => decodeIppMessage(whole.subarray(0, n)), `first ${n} bytes`).toThrow(IppDecodeError);
    }
  });

  it('garbage (an HTML page, a wrong integer length) is an IppDecodeError', () => {
    expect(() => decodeIppMessage(new TextEncoder().encode('<html><body>502 Bad Gateway</body></html>'))).toThrow(IppDecodeError);
    const bad = Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 1, IPP_GROUP.printer, IPP_TAG.integer, 0, 1, 0x61, 0, 2, 0, 1, IPP_GROUP.end]);
    expect(() => decodeIppMessage(bad)).toThrow(/integer\/enum value of 2 bytes/);
  });
});
