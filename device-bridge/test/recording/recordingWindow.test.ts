import pino from 'pino';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Recorder } from '../../src/recording/recorder.ts';
import { insideWindow, scheduleRecordingWindow } from '../../src/recording/recordingWindow.ts';

describe('recording window (config recording.window)', () => {
  it('is inside from `from` up to but not including `to`, over midnight when to < from', () => {
    expect(insideWindow('08:29', '08:30', '10:00')).toBe(false);
    expect(insideWindow('08:30', '08:30', '10:00')).toBe(true);
    expect(insideWindow('09:59', '08:30', '10:00')).toBe(true);
    expect(insideWindow('10:00', '08:30', '10:00')).toBe(false);
    expect(insideWindow('23:30', '22:00', '02:00')).toBe(true);
    expect(insideWindow('01:59', '22:00', '02:00')).toBe(true);
    expect(insideWindow('12:00', '22:00', '02:00')).toBe(false);
  });

  it('starts a session when the window opens and stops only its own session when it closes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rec-window-'));
    try {
      const rec = new Recorder({ dir, maxFileBytes: 1 << 20, maxSessionBytes: 1 << 22, log: pino({ level: 'silent' }) });
      let now = '08:00';
      const w = scheduleRecordingWindow(rec, { from: '08:30', to: '10:00' }, { timeOf: () => now }, pino({ level: 'silent' }));
      expect(rec.recording).toBe(false);
      now = '08:30';
      w.check();
      expect(rec.status()).toMatchObject({ recording: true, startedBy: 'window' });
      now = '10:00';
      w.check();
      expect(rec.recording).toBe(false);
      // A technician's session outside the window is left alone.
      rec.start('technician');
      w.check();
      expect(rec.status()).toMatchObject({ recording: true, startedBy: 'technician' });
      rec.stop();
      w.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
