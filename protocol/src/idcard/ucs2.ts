/**
 * UCS-2 little-endian, the encoding of every text on the card (id-reader-sam.md, "The 256-byte text block" and the
 * 30 03 appended address). Fields are fixed-size and padded with spaces; some cards pad with NULs.
 */

/** Characters at [offset, offset+bytes) of `src`; bytes past the end of a short buffer are simply absent. */
export function decodeUcs2Le(src: Uint8Array, offset = 0, bytes = src.length - offset): string {
  let s = '';
  for (let i = offset; i + 1 < offset + bytes && i + 1 < src.length; i += 2) {
    s += String.fromCharCode(src[i] | (src[i + 1] << 8));
  }
  return s;
}

/** Strips trailing padding only (spaces, NULs); inner spaces and the middle dot of names stay. */
export function trimCardPadding(s: string): string {
  return s.replace(/[ \u0000]+$/, '');
}

/** A field of `bytes` bytes filled with UCS-2LE spaces. */
export function ucs2Spaces(bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i + 1 < bytes; i += 2) out[i] = 0x20;
  return out;
}

/** Writes `value` at `offset` in `dst`; throws naming `what` when it needs more than `bytes` bytes. */
export function encodeUcs2LeInto(dst: Uint8Array, offset: number, bytes: number, value: string, what: string): void {
  if (value.length * 2 > bytes) throw new Error(`${what} holds ${bytes / 2} characters, got ${value.length}`);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    dst[offset + 2 * i] = c & 0xff;
    dst[offset + 2 * i + 1] = c >> 8;
  }
}
