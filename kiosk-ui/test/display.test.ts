// Hall display logic without a browser: which calls are spoken (once per callId, remembered across a reload through
// the tab's storage, catch-up only for recent calls) and how the calls list merges a board with live calls.
import type { HallCallEvent } from '@onedoor/protocol';
import { describe, expect, it } from 'vitest';
import { mergeCalls } from '../src/display/displaySocket.ts';
import { hallTimeOf } from '../src/display/DisplayRoute.tsx';
import { CATCH_UP_MS, SPOKEN_KEPT, SPOKEN_KEY, SpokenCalls, callsToCatchUp } from '../src/display/spokenCalls.ts';

class MemoryStorage {
  readonly data = new Map<string, string>();
  getItem(k: string): string | null {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.data.set(k, v);
  }
}

const call = (callId: string, at: number, recall = 0): HallCallEvent => ({
  callId, at, recall, ticketNumber: 'A001', window: 3, text: '请A001号到3号窗口办理',
});

describe('SpokenCalls', () => {
  it('claims a callId once, also after a reload of the page (same tab storage)', () => {
    const tab = new MemoryStorage();
    const first = new SpokenCalls(tab);
    expect(first.claim('c1')).toBe(true);
    expect(first.claim('c1')).toBe(false);
    const reloaded = new SpokenCalls(tab);
    expect(reloaded.has('c1')).toBe(true);
    expect(reloaded.claim('c1')).toBe(false);
    expect(reloaded.claim('c2')).toBe(true);
    expect(new SpokenCalls(new MemoryStorage()).has('c1')).toBe(false); // another tab starts fresh
  });

  it('survives garbage in storage and keeps only the latest ids', () => {
    const tab = new MemoryStorage();
    tab.setItem(SPOKEN_KEY, '{not json');
    const s = new SpokenCalls(tab);
    for (let i = 0; i < SPOKEN_KEPT + 5; i++) s.claim(`c${i}`);
    const kept = JSON.parse(tab.getItem(SPOKEN_KEY)!) as string[];
    expect(kept).toHaveLength(SPOKEN_KEPT);
    expect(kept[0]).toBe('c5');
    expect(new SpokenCalls(tab).has('c4')).toBe(false);
  });

  it('catches up only on unspoken calls of the last minute, oldest first', () => {
    const s = new SpokenCalls(new MemoryStorage());
    const now = 10_000_000;
    s.claim('spoken');
    const board = [call('new', now - 1000), call('spoken', now - 2000), call('older', now - 5000), call('stale', now - CATCH_UP_MS - 1)];
    expect(callsToCatchUp(board, now, s).map((c) => c.callId)).toEqual(['older', 'new']);
  });
});

describe('mergeCalls', () => {
  it('keeps one entry per callId, newest first, bounded', () => {
    const merged = mergeCalls([call('a', 1), call('b', 2)], [call('b', 2), call('c', 3), call('d', 4)], 3);
    expect(merged.map((c) => c.callId)).toEqual(['d', 'c', 'b']);
  });
});

describe('display clock', () => {
  it('shows the hall\'s time from its UTC offset, whatever the browser\'s zone', () => {
    const at = Date.UTC(2026, 11, 4, 17, 5); // 01:05 next day in Guangzhou
    expect(hallTimeOf(at, 480)).toBe('01:05');
    expect(hallTimeOf(at, 0)).toBe('17:05');
  });
});


describe('counter-top screen address', () => {
  it('reads ?window=N (1-999) and ignores anything else', async () => {
    const { windowParam } = await import('../src/display/WindowDisplay.tsx');
    expect(windowParam('?window=3')).toBe(3);
    expect(windowParam('')).toBeNull();
    expect(windowParam('?window=0')).toBeNull();
    expect(windowParam('?window=abc')).toBeNull();
    expect(windowParam('?window=1000')).toBeNull();
  });
});
