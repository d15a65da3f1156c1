// The flush rounds against a strict printer's parser (the simulator's EscPosCommandDecoder: real-time commands only
// where a command may start, data of a command taken by its length fields): whatever byte the bridge's own output
// was cut at, NUL rounds followed by DLE EOT 1 bring the printer to a command boundary within the first two rounds.
import { describe, expect, it } from 'vitest';
import { EscPosCommandDecoder, EscPosEncoder, buildStandardTicket } from '@onedoor/protocol';
import {
  DATA_FLUSH_BYTES,
  HEADER_FLUSH_BYTES,
  PENDING_COMMAND_FLUSH_ROUNDS,
  probeTimeoutMs,
  wireMs,
} from '../../src/devices/printer/pendingCommandFlush.ts';
import { renderPrintJob } from '../../src/devices/printer/printJobRender.ts';

const DLE_EOT_1 = Uint8Array.of(0x10, 0x04, 0x01);

/** The round (0-based) whose probe a printer cut after `bytes[0..cut)` answers, or -1 when none does. */
function answeringRound(bytes: Uint8Array, cut: number): number {
  const d = new EscPosCommandDecoder();
  d.push(bytes.subarray(0, cut));
  for (const [round, fill] of PENDING_COMMAND_FLUSH_ROUNDS.entries()) {
    d.push(new Uint8Array(fill));
    if (d.push(DLE_EOT_1).some((c) => c.type === 'realtimeStatus' && c.n === 1)) return round;
  }
  return -1;
}

const ticket = buildStandardTicket({ processId: 'A0B1' });
const testPage = renderPrintJob({ payload: null, recipe: { kind: 'testPage', deviceId: 'printer', requestedAt: '2026-03-01T01:30:00.000Z' }, processId: 'T001' }, { reprint: true });
const longestQr = new EscPosEncoder().initialize().qrCode('1'.repeat(7089)).cut('partial').processId('Q001').encode();

describe('pending-command flush rounds', () => {
  it('the longest remainder is the QR store (7092 bytes after pL pH), at 0.62 s of wire time at 115200', () => {
    expect(DATA_FLUSH_BYTES).toBeGreaterThanOrEqual(7092 + 2);
    expect(wireMs(HEADER_FLUSH_BYTES + DATA_FLUSH_BYTES, 115200)).toBeLessThan(650);
    expect(probeTimeoutMs(115200, 128, 250)).toBeLessThan(265);
  });

  it('a printer at a command boundary answers the first probe', () => {
    expect(answeringRound(ticket, 0)).toBe(0);
    expect(answeringRound(ticket, ticket.length)).toBe(0);
  });

  it('the standard ticket and the test page cut at every byte: answered by round 2 at the latest', () => {
    for (const bytes of [ticket, testPage]) {
      const late = [...Array(bytes.length + 1).keys()].filter((cut) => ![0, 1].includes(answeringRound(bytes, cut)));
      expect(late).toEqual([]);
    }
  });

  it('the half GS ( k of the finding (1D 28 6B 40, or with a large pH) and the longest QR store cut anywhere', () => {
    expect(answeringRound(Uint8Array.of(0x1d, 0x28, 0x6b, 0x40), 4)).toBe(0);
    expect(answeringRound(Uint8Array.of(0x1d, 0x28, 0x6b, 0x40, 0x1b), 5)).toBe(1); // 0x1B40 = 6976 bytes to come
    const cuts = [...Array(longestQr.length + 1).keys()].filter((k) => k < 40 || k % 97 === 0 || k > longestQr.length - 40);
    expect(cuts.filter((cut) => ![0, 1].includes(answeringRound(longestQr, cut)))).toEqual([]);
  });
});
