// The A4 printer in the bridge config: its path is an IPP URI and only its path is; its options are checked at load.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.ts';

const problemsOf = (input: unknown): string[] => {
  try {
    parseConfig(input);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('docprinter config', () => {
  it('accepts an IPP URI with options', () => {
    expect(problemsOf({ devices: [{ id: 'a4', kind: 'docprinter', path: 'ipp://192.168.1.60:631/ipp/print', options: { pollIntervalMs: 1000 } }] })).toEqual([]);
  });
  it('refuses a port path for a docprinter, an ipp:// URI for another kind, and an unknown option', () => {
    expect(problemsOf({ devices: [
      { id: 'a4', kind: 'docprinter', path: '/dev/usb/lp0' },
      { id: 'p', kind: 'printer', path: 'ipp://h/ipp/print' },
      { id: 'b4', kind: 'docprinter', path: 'ipp://h:631/ipp/print', options: { paperSize: 'a3' } },
    ] })).toEqual([
      'devices[0].path: a docprinter path is its IPP URI (ipp://host:631/ipp/print)',
      'devices[1].path: an ipp:// URI is only for a docprinter',
      'devices[2].options.paperSize: unknown field',
    ]);
  });
});
