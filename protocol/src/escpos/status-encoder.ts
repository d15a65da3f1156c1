/**
 * Printer -> host replies, the printer's side of escpos.md "Printer -> host": DLE EOT status bytes, ASB blocks and
 * the process-ID response. Used by the printer simulator; the host side is `EscPosStatusDecoder`. The input is the
 * same `EscPosStatusFields` the decoder produces, so encode -> decode is the identity on every field.
 *
 * Two fixed bits, forced by the spec's vectors rather than by any state we model (kiosk printers have no drawer):
 * - DLE EOT n=1 bit 2 (drawer pin 3) is always 1: "A fully healthy printer answers `16` to n = 1".
 * - ASB byte 0 bit 2 (drawer) is always 0: vectors `asb_paper_end` `10 00 0C 00`, `asb_cover_open_offline`
 *   `38 00 00 00`.
 */
import { assertProcessId } from './encoder.ts';
import type { EscPosStatusFields } from './status-decoder.ts';

/** Bits 1 and 4 are fixed 1 in every DLE EOT reply (pattern `0xx1xx10`). */
const DLE_EOT_FIXED = 0x12;
/** Bit 4 is fixed 1 in ASB byte 0 (pattern `0xx1xx00`). */
const ASB_FIXED = 0x10;

const anyError = (s: EscPosStatusFields) =>
  s.cutterError || s.recoverableError || s.unrecoverableError || s.autoRecoverableError;

/** One DLE EOT reply byte for `10 04 n` (escpos.md "DLE EOT bits"; 1 = condition present). */
export function encodeDleEotReply(n: number, status: EscPosStatusFields): Uint8Array {
  let b = DLE_EOT_FIXED;
  const set = (bit: number, on: boolean) => { if (on) b |= 1 << bit; };
  switch (n) {
    case 1: // bit 2 drawer pin 3 (always 1, see top), 3 offline, 5 waiting for online recovery, 6 feed button
      set(2, true);
      set(3, !status.online);
      set(5, status.waitingForRecovery);
      set(6, status.feedButton);
      break;
    case 2: // bit 2 cover open, 3 paper fed by button, 5 stopped at paper end, 6 error
      set(2, status.coverOpen);
      set(3, status.feedButton);
      set(5, status.paper === 'out');
      set(6, anyError(status));
      break;
    case 3: // bit 2 recoverable, 3 auto-cutter, 5 unrecoverable, 6 auto-recoverable
      set(2, status.recoverableError);
      set(3, status.cutterError);
      set(5, status.unrecoverableError);
      set(6, status.autoRecoverableError);
      break;
    case 4: // bits 2+3 near end, bits 5+6 paper end (vector paper_end_dle_eot_4 = 72: near-end bits stay clear)
      if (status.paper === 'low') b |= 0x0c;
      if (status.paper === 'out') b |= 0x60;
      break;
    default:
      throw new Error(`encodeDleEotReply: n must be 1-4, got ${String(n)}`);
  }
  return Uint8Array.of(b);
}

/** The 4-byte ASB block (escpos.md "ASB bytes"). */
export function encodeAsb(status: EscPosStatusFields): Uint8Array {
  const b0 = ASB_FIXED | (status.online ? 0 : 0x08) | (status.coverOpen ? 0x20 : 0) | (status.feedButton ? 0x40 : 0);
  const b1 = (status.waitingForRecovery ? 0x01 : 0) | (status.feedButton ? 0x02 : 0)
    | (status.recoverableError ? 0x04 : 0) | (status.cutterError ? 0x08 : 0)
    | (status.unrecoverableError ? 0x20 : 0) | (status.autoRecoverableError ? 0x40 : 0);
  // Byte 2: bits 0-1 near end, bits 2-3 paper end (vector asb_paper_end: 0C, near-end bits clear).
  const b2 = status.paper === 'low' ? 0x03 : status.paper === 'out' ? 0x0c : 0;
  return Uint8Array.of(b0, b1, b2, 0);
}

/** `37 22 d1 d2 d3 d4 00`: the reply to GS ( H fn 48 once everything before it has printed (escpos.md). */
export function encodeProcessIdResponse(id: string): Uint8Array {
  assertProcessId(id, 'encodeProcessIdResponse: id');
  return Uint8Array.of(0x37, 0x22, ...Array.from(id, (c) => c.charCodeAt(0)), 0x00);
}
