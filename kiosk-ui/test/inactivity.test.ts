import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_INACTIVITY,
  INACTIVITY_OFF,
  MIN_EXTENSIONS,
  canExtend,
  nextInactivity,
  secondsLeft,
  validateInactivityConfig,
  type InactivityEvent,
  type InactivityState,
} from '../src/kiosk/inactivity.ts';

const config = DEFAULT_INACTIVITY;
const run = (events: InactivityEvent[], from: InactivityState = INACTIVITY_OFF) =>
  events.reduce((state, event) => nextInactivity(state, event, config), from);

describe('inactivity state machine (hall-rules.md: 60 s, countdown 20 s before, >= 10 extensions)', () => {
  it('uses the hall defaults: 60 s timeout, countdown from 40 s', () => {
    expect(config.timeoutMs).toBe(60_000);
    expect(config.warnBeforeMs).toBe(20_000);
    expect(config.maxExtensions).toBeGreaterThanOrEqual(MIN_EXTENSIONS);
  });

  it('stays active before 40 s, warns from 40 s, expires at 60 s', () => {
    const started = run([{ type: 'start', now: 1_000 }]);
    expect(run([{ type: 'tick', now: 40_999 }], started).phase).toBe('active');
    const warned = run([{ type: 'tick', now: 41_000 }], started);
    expect(warned.phase).toBe('warning');
    expect(secondsLeft(warned, 41_000, config)).toBe(20);
    expect(run([{ type: 'tick', now: 60_999 }], warned).phase).toBe('warning');
    expect(run([{ type: 'tick', now: 61_000 }], warned).phase).toBe('expired');
  });

  it('expires directly when ticks were missed (a throttled tab)', () => {
    expect(run([{ type: 'start', now: 0 }, { type: 'tick', now: 90_000 }]).phase).toBe('expired');
  });

  it('a touch while active restarts the minute without counting an extension', () => {
    const state = run([
      { type: 'start', now: 0 },
      { type: 'activity', now: 30_000 },
      { type: 'tick', now: 69_000 },
    ]);
    expect(state).toEqual({ phase: 'active', lastActivity: 30_000, extensions: 0 });
  });

  it('allows at least 10 extensions, each giving a full minute again', () => {
    let state = run([{ type: 'start', now: 0 }]);
    let now = 0;
    for (let i = 1; i <= MIN_EXTENSIONS; i++) {
      now += 45_000;
      state = nextInactivity(state, { type: 'tick', now }, config);
      expect(state.phase).toBe('warning');
      expect(canExtend(state, config)).toBe(true);
      state = nextInactivity(state, { type: 'extend', now }, config);
      expect(state).toEqual({ phase: 'active', lastActivity: now, extensions: i });
    }
  });

  it('after the last allowed extension the countdown cannot be extended and the session ends', () => {
    const small = validateInactivityConfig({ timeoutMs: 1_000, warnBeforeMs: 500, maxExtensions: 10 });
    let state: InactivityState = nextInactivity(INACTIVITY_OFF, { type: 'start', now: 0 }, small);
    let now = 0;
    for (let i = 0; i < 10; i++) {
      now += 600;
      state = nextInactivity(nextInactivity(state, { type: 'tick', now }, small), { type: 'extend', now }, small);
    }
    now += 600;
    state = nextInactivity(state, { type: 'tick', now }, small);
    expect(state.phase).toBe('warning');
    expect(canExtend(state, small)).toBe(false);
    expect(nextInactivity(state, { type: 'extend', now }, small)).toBe(state);
    expect(nextInactivity(state, { type: 'tick', now: now + 400 }, small).phase).toBe('expired');
  });

  it('off and expired ignore touches and ticks; stop always turns it off', () => {
    expect(run([{ type: 'activity', now: 5 }, { type: 'tick', now: 999_999 }])).toBe(INACTIVITY_OFF);
    const expired = run([{ type: 'start', now: 0 }, { type: 'tick', now: 60_000 }]);
    expect(run([{ type: 'activity', now: 60_001 }], expired)).toBe(expired);
    expect(run([{ type: 'stop' }], expired)).toBe(INACTIVITY_OFF);
  });

  it('never expires while touches come more often than the timeout, up to the extension cap (property)', () => {
    // At most maxExtensions touches: even if every one falls in a countdown, each may still extend.
    const touches = fc.array(fc.integer({ min: 1, max: config.timeoutMs - 1 }), { maxLength: config.maxExtensions });
    fc.assert(
      fc.property(touches, (gaps) => {
        let now = 0;
        let state = run([{ type: 'start', now }]);
        for (const gap of gaps) {
          now += gap;
          state = nextInactivity(state, { type: 'tick', now }, config);
          state = nextInactivity(state, { type: 'activity', now }, config);
        }
        expect(state.phase).toBe('active');
      }),
    );
  });

  it('refuses configs that break the rules, naming the field', () => {
    expect(() => validateInactivityConfig({ ...config, maxExtensions: 9 })).toThrow(/maxExtensions.*>= 10/);
    expect(() => validateInactivityConfig({ ...config, warnBeforeMs: 60_000 })).toThrow(/warnBeforeMs/);
    expect(() => validateInactivityConfig({ ...config, timeoutMs: Number.NaN })).toThrow(/timeoutMs/);
  });
});
