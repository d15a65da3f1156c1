// What the technician console's frame log keeps of scanner traffic (qr-scanner.md): register commands and replies in
// hex with a decoded line; a code only as a preview and its length, never its bytes (a code may be a bearer token).
import { describe, expect, it } from 'vitest';
import { fromHex, QrScannerDecoder } from '@onedoor/protocol';
import { loadVectors } from '../../../protocol/test/vectors.ts';
import { describeRxFrame, describeTxBytes } from '../../src/devices/frameDescribe.ts';
import { toCodeScannedEvent } from '../../src/devices/qrScanner/index.ts';

const v = loadVectors<Record<string, { frame: string; bytes: string }>>('qr-scanner');

describe('scanner frames in the frame log', () => {
  it('names each command vector and keeps its hex', () => {
    expect(describeTxBytes('qrscanner', fromHex(v.trigger.frame), 'self-test: trigger')).toMatchObject({
      hex: v.trigger.frame, summary: 'self-test: trigger: write 0x0002 = 01',
    });
    expect(describeTxBytes('qrscanner', fromHex(v.save_flash.frame), 'save to flash').summary).toBe('save to flash');
    expect(describeTxBytes('qrscanner', fromHex(v.read_baud.frame), 'read baud').summary).toBe('read baud: read 0x002A ×2');
  });

  it('a reply in hex with its status and data; a code with no bytes at all, only its preview and length', () => {
    const d = new QrScannerDecoder();
    const [reply, code] = d.push(fromHex(`${v.read_baud_reply.frame} ${v.code_crlf.bytes}`));
    expect(describeRxFrame('qrscanner', reply)).toEqual({ length: 8, hex: v.read_baud_reply.frame, summary: 'reply status 00, data 39 01' });
    expect(describeRxFrame('qrscanner', code)).toEqual({ length: 21, hex: '', summary: 'code GDID1.… (21 B)' });
  });

  it('codeScanned carries the preview and length, not the code', () => {
    const bytes = new TextEncoder().encode('GDID1.eyJ2IjoxfQ.c2ln');
    const e = toCodeScannedEvent({ deviceId: 's', bytes, text: 'GDID1.eyJ2IjoxfQ.c2ln', encoding: 'utf8', at: 1, seq: 3 });
    expect(e).toEqual({ deviceId: 's', seq: 3, length: 21, preview: 'GDID1.… (21 B)', encoding: 'utf8', at: 1 });
    expect(JSON.stringify(e)).not.toContain('eyJ2');
  });
});
