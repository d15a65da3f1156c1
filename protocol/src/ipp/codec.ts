/**
 * A small IPP/1.1 message codec (RFC 8010 "Encoding and Transport"), enough for a document printer client:
 * Print-Job, Get-Printer-Attributes, Get-Job-Attributes, Get-Jobs, Cancel-Job. Pure: bytes in, values out.
 *
 * Why our own and not the `ipp` npm package: that package parses replies inside its HTTP callback, so a truncated
 * or malformed reply from a printer throws where the caller cannot catch it (a bridge must survive any reply). Here
 * every malformed reply is an `IppDecodeError` naming the byte offset, thrown to the caller.
 *
 * Collections (media-col-ready and the like) are skipped over, not decoded: the client never needs their members.
 */

/** Delimiter tags (RFC 8010 3.5.1). */
export const IPP_GROUP = { operation: 0x01, job: 0x02, end: 0x03, printer: 0x04, unsupported: 0x05 } as const;

/** Value tags we write or read (RFC 8010 3.5.2). */
export const IPP_TAG = {
  unsupported: 0x10, unknown: 0x12, noValue: 0x13,
  integer: 0x21, boolean: 0x22, enum: 0x23,
  octetString: 0x30, dateTime: 0x31, resolution: 0x32, rangeOfInteger: 0x33, begCollection: 0x34,
  textWithLanguage: 0x35, nameWithLanguage: 0x36, endCollection: 0x37,
  text: 0x41, name: 0x42, keyword: 0x44, uri: 0x45, uriScheme: 0x46, charset: 0x47, naturalLanguage: 0x48,
  mimeMediaType: 0x49, memberAttrName: 0x4a,
} as const;

export const IPP_OP = {
  printJob: 0x0002, cancelJob: 0x0008, getJobAttributes: 0x0009, getJobs: 0x000a, getPrinterAttributes: 0x000b,
} as const;

/** job-state (RFC 8011 5.3.7). */
export const IPP_JOB_STATE = { pending: 3, pendingHeld: 4, processing: 5, processingStopped: 6, canceled: 7, aborted: 8, completed: 9 } as const;
/** printer-state (RFC 8011 5.4.11). */
export const IPP_PRINTER_STATE = { idle: 3, processing: 4, stopped: 5 } as const;

export type IppValue = string | number | boolean | Uint8Array;

export interface IppAttribute {
  name: string;
  tag: number;
  values: IppValue[];
}

export interface IppGroup {
  tag: number;
  attributes: IppAttribute[];
}

export interface IppMessage {
  version: [number, number];
  /** operation-id in a request, status-code in a response. */
  code: number;
  requestId: number;
  groups: IppGroup[];
  /** The document after end-of-attributes (a Print-Job request's PDF). */
  data: Uint8Array;
}

export class IppDecodeError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`malformed IPP message at byte ${offset}: ${message}`);
    this.name = 'IppDecodeError';
  }
}

/** An attribute to encode: tag and one value or several (1setOf). */
export interface IppOutAttribute {
  name: string;
  tag: number;
  value: IppValue | IppValue[];
}

const utf8 = new TextEncoder();
const utf8d = new TextDecoder('utf-8', { fatal: false });

function valueBytes(tag: number, v: IppValue): Uint8Array {
  if (tag === IPP_TAG.integer || tag === IPP_TAG.enum) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, Number(v));
    return b;
  }
  if (tag === IPP_TAG.boolean) return Uint8Array.of(v ? 1 : 0);
  if (tag === IPP_TAG.noValue || tag === IPP_TAG.unknown || tag === IPP_TAG.unsupported) return new Uint8Array(0);
  if (v instanceof Uint8Array) return v;
  return utf8.encode(String(v));
}

/** Encodes a request: operation attributes first (charset and language are added), then the other groups. */
export function encodeIppMessage(msg: { version?: [number, number]; code: number; requestId: number;
  groups: Array<{ tag: number; attributes: IppOutAttribute[] }>; data?: Uint8Array }): Uint8Array {
  const parts: number[] = [];
  const u16 = (n: number) => parts.push((n >> 8) & 0xff, n & 0xff);
  const [maj, min] = msg.version ?? [1, 1];
  parts.push(maj, min);
  u16(msg.code);
  parts.push((msg.requestId >>> 24) & 0xff, (msg.requestId >>> 16) & 0xff, (msg.requestId >>> 8) & 0xff, msg.requestId & 0xff);
  for (const g of msg.groups) {
    parts.push(g.tag);
    for (const a of g.attributes) {
      const values = Array.isArray(a.value) ? a.value : [a.value];
      values.forEach((v, i) => {
        const name = i === 0 ? utf8.encode(a.name) : new Uint8Array(0);
        const val = valueBytes(a.tag, v);
        if (name.length > 0x7fff || val.length > 0x7fff) throw new RangeError(`IPP attribute ${a.name} too long`);
        parts.push(a.tag);
        u16(name.length);
        parts.push(...name);
        u16(val.length);
        for (const b of val) parts.push(b);
      });
    }
  }
  parts.push(IPP_GROUP.end);
  const head = Uint8Array.from(parts);
  if (!msg.data || msg.data.length === 0) return head;
  const out = new Uint8Array(head.length + msg.data.length);
  out.set(head, 0);
  out.set(msg.data, head.length);
  return out;
}

function decodeValue(tag: number, b: Uint8Array, at: number): IppValue {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (tag) {
    case IPP_TAG.integer:
    case IPP_TAG.enum:
      if (b.length !== 4) throw new IppDecodeError(`integer/enum value of ${b.length} bytes (4 expected)`, at);
      return dv.getInt32(0);
    case IPP_TAG.boolean:
      if (b.length !== 1) throw new IppDecodeError(`boolean value of ${b.length} bytes (1 expected)`, at);
      return b[0] !== 0;
    case IPP_TAG.text: case IPP_TAG.name: case IPP_TAG.keyword: case IPP_TAG.uri: case IPP_TAG.uriScheme:
    case IPP_TAG.charset: case IPP_TAG.naturalLanguage: case IPP_TAG.mimeMediaType: case IPP_TAG.memberAttrName:
      return utf8d.decode(b);
    default:
      return b.slice();
  }
}

/** Decodes a whole IPP message; throws `IppDecodeError` for anything truncated or out of place. */
export function decodeIppMessage(bytes: Uint8Array): IppMessage {
  if (bytes.length < 9) throw new IppDecodeError(`only ${bytes.length} bytes (a message has at least 9)`, bytes.length);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version: [number, number] = [bytes[0]!, bytes[1]!];
  if (version[0] < 1 || version[0] > 2) throw new IppDecodeError(`unknown IPP version ${version[0]}.${version[1]}`, 0);
  const code = dv.getUint16(2);
  const requestId = dv.getUint32(4);
  const groups: IppGroup[] = [];
  let group: IppGroup | null = null;
  let last: IppAttribute | null = null;
  let depth = 0;
  let i = 8;
  for (;;) {
    if (i >= bytes.length) throw new IppDecodeError('ended before end-of-attributes', i);
    const tag = bytes[i]!;
    if (tag === IPP_GROUP.end) {
      if (depth !== 0) throw new IppDecodeError('end-of-attributes inside a collection', i);
      i++;
      break;
    }
    if (tag < 0x10) {
      if (depth !== 0) throw new IppDecodeError('group tag inside a collection', i);
      group = { tag, attributes: [] };
      groups.push(group);
      last = null;
      i++;
      continue;
    }
    if (!group) throw new IppDecodeError(`value tag 0x${tag.toString(16)} before any group`, i);
    if (i + 3 > bytes.length) throw new IppDecodeError('truncated attribute name length', i);
    const nameLen = dv.getUint16(i + 1);
    const nameAt = i + 3;
    if (nameAt + nameLen + 2 > bytes.length) throw new IppDecodeError('truncated attribute name', nameAt);
    const name = utf8d.decode(bytes.subarray(nameAt, nameAt + nameLen));
    const valueLen = dv.getUint16(nameAt + nameLen);
    const valueAt = nameAt + nameLen + 2;
    if (valueAt + valueLen > bytes.length) throw new IppDecodeError(`truncated value of ${name || last?.name || 'an attribute'}`, valueAt);
    const raw = bytes.subarray(valueAt, valueAt + valueLen);
    i = valueAt + valueLen;
    if (tag === IPP_TAG.begCollection) {
      if (depth === 0) {
        if (nameLen > 0) {
          last = { name, tag, values: ['<collection>'] };
          group.attributes.push(last);
        } else if (last) last.values.push('<collection>');
        else throw new IppDecodeError('additional value without an attribute', nameAt);
      }
      depth++;
      continue;
    }
    if (tag === IPP_TAG.endCollection) {
      if (depth === 0) throw new IppDecodeError('endCollection outside a collection', nameAt);
      depth--;
      continue;
    }
    if (depth > 0) continue; // collection members: skipped (see the module comment)
    const value = decodeValue(tag, raw, valueAt);
    if (nameLen > 0) {
      last = { name, tag, values: [value] };
      group.attributes.push(last);
    } else {
      if (!last) throw new IppDecodeError('additional value without an attribute', nameAt);
      last.values.push(value);
    }
  }
  return { version, code, requestId, groups, data: bytes.slice(i) };
}

/** The values of the first attribute called `name` in groups with `groupTag` (all groups when omitted). */
export function ippValues(msg: IppMessage, name: string, groupTag?: number): IppValue[] {
  for (const g of msg.groups) {
    if (groupTag !== undefined && g.tag !== groupTag) continue;
    const a = g.attributes.find((x) => x.name === name);
    if (a) return a.values;
  }
  return [];
}

/** Attributes of each group with `groupTag` as name -> values (one object per job in a Get-Jobs reply). */
export function ippGroupRecords(msg: IppMessage, groupTag: number): Array<Record<string, IppValue[]>> {
  return msg.groups.filter((g) => g.tag === groupTag).map((g) => Object.fromEntries(g.attributes.map((a) => [a.name, a.values])));
}

/** True for status codes in the successful range (0x0000-0x00FF). */
export const ippStatusOk = (code: number): boolean => code <= 0x00ff;
