/**
 * Which reply frame answers which SAM command (id-reader-sam.md, "Commands"). SAM replies carry no command code, so
 * the actor's matcher checks what it can: the reply's data length for the command's success status, or a bare
 * status (LEN = 4, spec "When a read returns no data the response has LEN = 4 and only a status") for anything else.
 * A stale read reply (1295 bytes) can thus never complete a find, and a stale find reply never completes a read.
 */
import { SAM_ID_BYTES, SAM_SW3, type SamFrame } from '@onedoor/protocol';

export type SamReplyShape = 'status' | 'samId' | 'find' | 'select' | 'read';

/** Data bytes each command returns with its success status (spec "Commands", "Read response layout"). */
function successDataOk(shape: SamReplyShape, sw3: number, dataBytes: number): boolean {
  switch (shape) {
    case 'status':
      return sw3 === SAM_SW3.success && dataBytes === 0;
    case 'samId':
      return sw3 === SAM_SW3.success && dataBytes === SAM_ID_BYTES;
    case 'find':
      return sw3 === SAM_SW3.cardFound && dataBytes === 4;
    case 'select':
      return sw3 === SAM_SW3.success && dataBytes === 8;
    case 'read':
      // text length + photo length at least; the parser checks the lengths against the frame.
      return sw3 === SAM_SW3.success && dataBytes >= 4;
  }
}

/** A matcher for `DeviceActor.request({ accept })`. Never throws (a too-short body is "not this one"). */
export function acceptSamReply(shape: SamReplyShape): (frame: SamFrame) => boolean {
  return (frame) => {
    const body = frame.body;
    if (body.length < 3) return false;
    const sw3 = body[2];
    const dataBytes = body.length - 3;
    if (successDataOk(shape, sw3, dataBytes)) return true;
    // Any other status comes without data; a bare 90 is only a whole answer for status-type commands.
    return dataBytes === 0 && sw3 !== SAM_SW3.success && sw3 !== SAM_SW3.cardFound;
  };
}
