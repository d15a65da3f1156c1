// printer-state / printer-state-reasons -> the device status model, whatever the severity suffix.
import { describe, expect, it } from 'vitest';
import { docPrinterCondition } from '../../src/devices/ippPrinter/ippStatus.ts';

describe('docPrinterCondition', () => {
  it('idle with none is online, paper full', () => {
    expect(docPrinterCondition(3, ['none'])).toMatchObject({ state: 'online', paper: 'full', canPrint: true, detail: 'ready' });
  });
  it('media-empty (report, warning or error) is paper out, a userError that stops printing', () => {
    for (const r of ['media-empty', 'media-empty-report', 'media-empty-error', 'media-needed-warning']) {
      expect(docPrinterCondition(3, [r])).toMatchObject({ state: 'userError', paper: 'out', canPrint: false, detail: expect.stringContaining('缺纸') });
    }
  });
  it('door open and paper out together name both; toner low alone still prints', () => {
    const c = docPrinterCondition(5, ['door-open-error', 'media-empty-error', 'toner-low-report']);
    expect(c.state).toBe('userError');
    for (const w of ['paper out', 'door open', 'toner low']) expect(c.detail).toContain(w);
    expect(docPrinterCondition(3, ['toner-low-report', 'media-low-report'])).toMatchObject({ state: 'online', paper: 'low', canPrint: true });
  });
  it('offline or stopped with no reason named is a hardwareError', () => {
    expect(docPrinterCondition(3, ['offline-report'])).toMatchObject({ state: 'hardwareError', canPrint: false });
    expect(docPrinterCondition(5, ['none'])).toMatchObject({ state: 'hardwareError', detail: expect.stringContaining('stopped') });
  });
});
