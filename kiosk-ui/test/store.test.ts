import { describe, expect, it } from 'vitest';
import { createKioskStore } from '../src/kiosk/store.ts';
import type { KioskConfig } from '../src/kiosk/kioskConfig.ts';
import type { SessionHolder } from '../src/kiosk/privacy.ts';

const config: KioskConfig = {
  inactivity: { timeoutMs: 10_000, warnBeforeMs: 4_000, maxExtensions: 10 },
  lang: 'zh',
  elderly: false,
  voice: false,
};
const holder: SessionHolder = { cardType: 'resident', name: '张三丰', idNumberMasked: '4401**********1231', validUntil: null, refusal: null };

function storeWithClock() {
  let now = 1_000;
  const store = createKioskStore(config, () => now);
  return { store, advance: (ms: number) => ((now += ms), store.tick()) };
}

describe('kiosk store: session, timer and reset', () => {
  it('a card starts the timer; inactivity shows the countdown, then ends the session and drops the holder', () => {
    const { store, advance } = storeWithClock();
    expect(store.idle.value.phase).toBe('off');
    store.dispatch({ type: 'cardRead', holder });
    expect(store.idle.value.phase).toBe('active');
    advance(6_000);
    expect(store.idle.value.phase).toBe('warning');
    expect(store.secondsLeft.value).toBe(4);
    expect(store.canExtend.value).toBe(true);
    advance(4_000);
    expect(store.flow.value.holder).toBeNull();
    expect(store.flow.value.screen.name).toBe('attract');
    expect(store.idle.value.phase).toBe('off');
  });

  it('"more time" keeps the session; a touch while active restarts the minute', () => {
    const { store, advance } = storeWithClock();
    store.dispatch({ type: 'cardRead', holder });
    advance(7_000);
    store.extend();
    advance(5_000);
    expect(store.idle.value.phase).toBe('active');
    store.activity();
    advance(5_000);
    expect(store.flow.value.holder).toEqual(holder);
    expect(store.idle.value).toMatchObject({ phase: 'active', extensions: 1 });
  });

  it('logout resets language and elderly mode for the next citizen, and stops the timer', () => {
    const { store } = storeWithClock();
    store.setLang('en');
    store.setElderly(true);
    store.dispatch({ type: 'cardRead', holder });
    expect(store.lang.value).toBe('en');
    store.dispatch({ type: 'logout' });
    expect(store.lang.value).toBe('zh');
    expect(store.elderly.value).toBe(false);
    expect(store.idle.value.phase).toBe('off');
    expect(store.flow.value.holder).toBeNull();
  });

  it('leaving by Back from the greeting also resets the modes', () => {
    const { store } = storeWithClock();
    store.dispatch({ type: 'cardRead', holder });
    store.setElderly(true);
    store.dispatch({ type: 'back' });
    expect(store.flow.value.screen.name).toBe('attract');
    expect(store.elderly.value).toBe(false);
  });

  it('a new card gives a fresh minute and a fresh count of extensions', () => {
    const { store, advance } = storeWithClock();
    store.dispatch({ type: 'cardRead', holder });
    advance(7_000);
    store.extend();
    advance(2_000);
    store.dispatch({ type: 'cardRead', holder: { ...holder, name: '李四' } });
    expect(store.idle.value).toMatchObject({ phase: 'active', extensions: 0 });
  });

  it('the card taken after a finished task: a short countdown (then the end); taken mid-task: the minute goes on', () => {
    const { store, advance } = storeWithClock();
    store.dispatch({ type: 'cardRead', holder });
    expect(store.card.value).toBe('onReader');
    store.cardRemoved(); // before any task: the hall rule (inactivity) alone decides
    expect(store.idle.value.phase).toBe('active');
    expect(store.cardGoneCountdown.value).toBe(false);

    store.dispatch({ type: 'cardRead', holder });
    store.dispatch({ type: 'continue' });
    store.markTaskDone();
    store.cardRemoved();
    expect(store.idle.value.phase).toBe('warning');
    expect(store.cardGoneCountdown.value).toBe(true);
    // Never more than the usual countdown (4 s here) nor CARD_GONE_COUNTDOWN_MS.
    expect(store.secondsLeft.value).toBe(4);
    advance(4_000);
    expect(store.flow.value.holder).toBeNull();
    expect(store.flow.value.screen.name).toBe('attract');
    expect(store.remindCard.value).toBe(false); // the card is gone: no reminder
  });

  it('a touch during the card-gone countdown keeps the session', () => {
    const { store, advance } = storeWithClock();
    store.dispatch({ type: 'cardRead', holder });
    store.markTaskDone();
    store.cardRemoved();
    advance(1_000);
    store.activity();
    expect(store.idle.value.phase).toBe('active');
    expect(store.cardGoneCountdown.value).toBe(false);
    expect(store.flow.value.holder).not.toBeNull();
  });

  it('a session from a scanned identity code leaves no card to remind anyone of at logout', () => {
    const { store } = storeWithClock();
    store.dispatch({ type: 'cardRead', holder, byCode: true });
    expect(store.flow.value.screen.name).toBe('greeting');
    store.dispatch({ type: 'logout' });
    expect(store.remindCard.value).toBe(false);
  });

  it('logout with the card still on the reader reminds the citizen to take it; its removal ends the reminder', () => {
    const { store } = storeWithClock();
    store.dispatch({ type: 'cardRead', holder });
    store.dispatch({ type: 'logout' });
    expect(store.remindCard.value).toBe(true);
    store.cardRemoved();
    expect(store.remindCard.value).toBe(false);
    store.dispatch({ type: 'cardRead', holder });
    store.cardRemoved();
    store.dispatch({ type: 'logout' });
    expect(store.remindCard.value).toBe(false);
  });
});

