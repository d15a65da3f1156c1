/**
 * Typed interpretation of SAM responses (id-reader-sam.md, "Commands", "Read response layout"), and the data
 * builders the simulator uses to produce them. Interpreters throw `SamStatusError` when SW3 is not a status the
 * command can succeed with, and `SamDataError` when the data does not have the spec's layout.
 */
import { SamFrame, type SamResponse } from './frame.ts';
import { SensitiveBytes, type Holder } from './holder.ts';
import { SAM_SW3, SamDataError, SamStatusError } from './status.ts';
import { parseTextBlock } from './textBlock.ts';
import { decodeUcs2Le, encodeUcs2LeInto, trimCardPadding, ucs2Spaces } from './ucs2.ts';

export type SamResponseLike = SamFrame | SamResponse;

function view(r: SamResponseLike): SamResponse {
  return r instanceof SamFrame ? r.asResponse() : r;
}

/** Returns the response when SW3 is 90, otherwise throws SamStatusError (reset, status, set max RF, set baud). */
export function expectSamSuccess(r: SamResponseLike, context = 'SAM command'): SamResponse {
  const v = view(r);
  if (v.sw3 !== SAM_SW3.success) throw new SamStatusError(v.sw3, context);
  return v;
}

/** 20 01: 9F = a card is on the field (4 bytes of data), 80 = no card (also right after a read, spec "Timing"). */
export type SamFindResult = { found: true; data: Uint8Array } | { found: false };

export function parseSamFindResponse(r: SamResponseLike): SamFindResult {
  const v = view(r);
  if (v.sw3 === SAM_SW3.cardFound) return { found: true, data: v.data };
  if (v.sw3 === SAM_SW3.noCard) return { found: false };
  throw new SamStatusError(v.sw3, 'find card');
}

/** 20 02: 90 with 8 bytes; 81 (select failed) and anything else throw. */
export function parseSamSelectResponse(r: SamResponseLike): { data: Uint8Array } {
  return { data: expectSamSuccess(r, 'select card').data };
}

export interface SamReadResult {
  holder: Holder;
  /** The raw text block (normally 256 bytes). Holds the full number: never log it. */
  text: Uint8Array;
  /** WLT photo, opaque (spec "The photo"): never stored or logged; its JSON form hides the bytes. */
  photo: SensitiveBytes;
  /** Fingerprint block of a 30 10 read, or null (30 01, or the card has none). */
  fingerprint: SensitiveBytes | null;
}

const be16 = (b: Uint8Array, at: number): number => (b[at] << 8) | b[at + 1];

/**
 * 30 01 / 30 10 read response. Lengths come from the frame (spec: "Always take lengths from the frame, never from
 * constants"): 30 01 data = textLen(2) photoLen(2) text photo; 30 10 adds fpLen(2) after photoLen and the
 * fingerprint after the photo. The lengths must account for the data exactly; anything else is a SamDataError. Pass `fingerprint: true` for a 30 10 response: the response does not say which
 * command it answers.
 */
export function parseSamReadResponse(r: SamResponseLike, opts: { fingerprint?: boolean } = {}): SamReadResult {
  const v = expectSamSuccess(r, 'read card');
  const d = v.data;
  const headerBytes = opts.fingerprint ? 6 : 4;
  if (d.length < headerBytes) {
    throw new SamDataError(`read response carries ${d.length} data bytes, fewer than its ${headerBytes} length bytes`);
  }
  const textLen = be16(d, 0);
  const photoLen = be16(d, 2);
  const fpLen = opts.fingerprint ? be16(d, 4) : 0;
  const need = headerBytes + textLen + photoLen + fpLen;
  // Spec "Read response layout": the data is the lengths and the blocks they give, nothing else, so they must account
  // for every data byte. Bytes left over mean another layout (a 30 01 answered in the 30 10 layout puts its third
  // length where the text starts: the name would gain a U+0004 and the number shift by one character).
  if (need !== d.length) {
    throw new SamDataError(
      `read response lengths (text ${textLen}, photo ${photoLen}${opts.fingerprint ? `, fingerprint ${fpLen}` : ''}) ` +
        `need ${need} data bytes, the frame has ${d.length}` +
        (need < d.length ? ` (not the ${opts.fingerprint ? '30 10' : '30 01'} layout)` : ''),
    );
  }
  const text = d.slice(headerBytes, headerBytes + textLen);
  const photoAt = headerBytes + textLen;
  const fpAt = photoAt + photoLen;
  return {
    holder: parseTextBlock(text),
    text,
    photo: new SensitiveBytes(d.slice(photoAt, fpAt), 'photo'),
    fingerprint: opts.fingerprint && fpLen > 0 ? new SensitiveBytes(d.slice(fpAt, fpAt + fpLen), 'fingerprint') : null,
  };
}

function putBe16(out: Uint8Array, at: number, n: number, what: string): void {
  if (n > 0xffff) throw new Error(`${what} of ${n} bytes does not fit a 16-bit length field`);
  out[at] = n >> 8;
  out[at + 1] = n & 0xff;
}

/** Data part of a 30 01 (no fingerprint argument) or 30 10 (fingerprint given, may be empty) read response. */
export function buildSamReadData(text: Uint8Array, photo: Uint8Array, fingerprint?: Uint8Array): Uint8Array {
  const headerBytes = fingerprint ? 6 : 4;
  const out = new Uint8Array(headerBytes + text.length + photo.length + (fingerprint?.length ?? 0));
  putBe16(out, 0, text.length, 'text block');
  putBe16(out, 2, photo.length, 'photo');
  if (fingerprint) putBe16(out, 4, fingerprint.length, 'fingerprint');
  out.set(text, headerBytes);
  out.set(photo, headerBytes + text.length);
  if (fingerprint) out.set(fingerprint, headerBytes + text.length + photo.length);
  return out;
}

export const SAM_ID_BYTES = 16;

/**
 * Display form of a SAM ID: `%02d%02d-%08d-%010d` over its leading fields (spec "Commands"). We read those fields
 * as little-endian u16, u16, u32, u32 (bytes 0-1, 2-3, 4-7, 8-11), as the common vendor SDKs do; the spec warns
 * sources disagree, so the raw bytes always travel with it.
 */
export function formatSamId(bytes: Uint8Array): string {
  if (bytes.length < 12) throw new SamDataError(`SAM ID needs at least 12 bytes for its display form, got ${bytes.length}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  return `${pad(dv.getUint16(0, true), 2)}${pad(dv.getUint16(2, true), 2)}-${pad(dv.getUint32(4, true), 8)}-${pad(dv.getUint32(8, true), 10)}`;
}

/** 12 FF: 16 opaque bytes plus the display string. */
export function parseSamIdResponse(r: SamResponseLike): { bytes: Uint8Array; display: string } {
  const v = expectSamSuccess(r, 'read SAM ID');
  if (v.data.length < SAM_ID_BYTES) throw new SamDataError(`SAM ID response carries ${v.data.length} bytes, expected ${SAM_ID_BYTES}`);
  const bytes = v.data.slice(0, SAM_ID_BYTES);
  return { bytes, display: formatSamId(bytes) };
}

export const ID_CARD_APPENDED_ADDRESS_BYTES = 70;

/** 30 03: the appended address (追加住址), or null when the card has none (SW3 91). UCS-2LE, padding trimmed. */
export function parseSamAppendedAddressResponse(r: SamResponseLike): string | null {
  const v = view(r);
  if (v.sw3 === SAM_SW3.noContent) return null;
  const d = expectSamSuccess(v, 'read appended address').data;
  return trimCardPadding(decodeUcs2Le(d));
}

/** Data of a 30 03 response: 70 bytes UCS-2LE, space padded. Throws when the address is longer than 35 chars. */
export function buildSamAppendedAddressData(address: string): Uint8Array {
  const out = ucs2Spaces(ID_CARD_APPENDED_ADDRESS_BYTES);
  encodeUcs2LeInto(out, 0, ID_CARD_APPENDED_ADDRESS_BYTES, address, 'appended address');
  return out;
}
