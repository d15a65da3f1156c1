/**
 * Which reply frame answers which SAM command (id-reader-sam.md, "Commands"). SAM replies carry no command code, so
 * the actor's matcher checks what it can: the reply's data length for the command's success status, or a bare
 * status (LEN = 4, spec "When a read returns no data the response has LEN = 4 and only a status") for anything else.
 * A stale read reply (1295 bytes) can thus never complete a find, and a stale find reply never completes a read.
 */
import { ID_CARD_APPENDED_ADDRESS_BYTES, SAM_ID_BYTES, SAM_SW3, type SamFrame } from '@onedoor/protocol';

export type SamReplyShape = 'status' | 'samId' | 'find' | 'select' | 'read' | 'readFingerprint' | 'appendedAddress';

/** Data bytes each command returns with its success status (spec "Commands", "Read response layout"). */
function successDataOk(shape: SamReplyShape, sw3: number, data: Uint8Array): boolean {
  const dataBytes = data.length;
  switch (shape) {
    case 'status':
      return sw3 === SAM_SW3.success && dataBytes === 0;
    case 'samId':
      return sw3 === SAM_SW3.success && dataBytes === SAM_ID_BYTES;
    case 'find':
      return sw3 === SAM_SW3.cardFound && dataBytes === 4;
    case 'select':
      return sw3 === SAM_SW3.success && dataBytes === 8;
    case 'appendedAddress':
      return sw3 === SAM_SW3.success && dataBytes === ID_CARD_APPENDED_ADDRESS_BYTES;
    case 'read':
    case 'readFingerprint':
      return sw3 === SAM_SW3.success && readLengthsFit(data, shape === 'readFingerprint' ? 6 : 4);
  }
}

/**
 * A read reply declares its block lengths in front (spec "Read response layout": text, photo[, fingerprint] as BE
 * 16-bit): a text block and lengths that fit the frame. An 8-byte select reply or a status reply never does.
 */
function readLengthsFit(data: Uint8Array, headerBytes: number): boolean {
  if (data.length < headerBytes) return false;
  let need = headerBytes;
  for (let i = 0; i < headerBytes; i += 2) need += (data[i] << 8) | data[i + 1];
  const textLen = (data[0] << 8) | data[1];
  return textLen > 0 && need <= data.length;
}

/** A matcher for `DeviceActor.request({ accept })`. Never throws (a too-short body is "not this one"). */
export function acceptSamReply(shape: SamReplyShape): (frame: SamFrame) => boolean {
  return (frame) => {
    const body = frame.body;
    if (body.length < 3) return false;
    const sw3 = body[2];
    const dataBytes = body.length - 3;
    if (successDataOk(shape, sw3, body.subarray(3))) return true;
    // Any other status comes without data; a bare 90 is only a whole answer for status-type commands.
    return dataBytes === 0 && sw3 !== SAM_SW3.success && sw3 !== SAM_SW3.cardFound;
  };
}
