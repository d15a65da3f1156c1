import { describe, expect, it } from 'vitest';
import { INITIAL_FLOW, nextFlow, needsInactivityTimer, type KioskFlowEvent, type KioskFlowState } from '../src/kiosk/flow.ts';
import type { SessionHolder } from '../src/kiosk/privacy.ts';

const holder: SessionHolder = {
  cardType: 'resident',
  name: '张三丰',
  idNumberMasked: '4401**********1231',
  validUntil: '2035-06-11',
  refusal: null,
};
const run = (events: KioskFlowEvent[], from: KioskFlowState = INITIAL_FLOW) => events.reduce(nextFlow, from);

describe('kiosk screen flow', () => {
  it('card read -> greeting -> home -> a function, and Back walks the same way home', () => {
    let state = run([{ type: 'cardRead', holder }]);
    expect(state.screen).toEqual({ name: 'greeting' });
    expect(state.holder).toBe(holder);
    state = run([{ type: 'continue' }, { type: 'open', feature: 'ticket' }], state);
    expect(state.screen).toEqual({ name: 'feature', feature: 'ticket' });
    state = run([{ type: 'back' }], state);
    expect(state.screen).toEqual({ name: 'home' });
    state = run([{ type: 'back' }], state);
    expect(state.screen).toEqual({ name: 'greeting' });
    expect(state.holder).toBe(holder);
  });

  it('finding a service opens from home (a life event, search, one service) and from a guide; Back returns there', () => {
    let state = run([{ type: 'cardRead', holder }, { type: 'continue' }, { type: 'find', start: { kind: 'lifeEvent', code: 'birth' } }]);
    expect(state.screen).toEqual({ name: 'find', start: { kind: 'lifeEvent', code: 'birth' } });
    expect(run([{ type: 'back' }], state).screen).toEqual({ name: 'home' });
    state = run([{ type: 'back' }, { type: 'open', feature: 'guidance' }, { type: 'find', start: { kind: 'service', id: 'D35-02', then: 'book' } }], state);
    expect(state.screen).toEqual({ name: 'find', start: { kind: 'service', id: 'D35-02', then: 'book' } });
    expect(run([{ type: 'back' }], state).screen).toEqual({ name: 'feature', feature: 'guidance' });
    // No session, no finding: the attract screen stays.
    expect(run([{ type: 'find', start: { kind: 'search' } }]).screen).toEqual({ name: 'attract' });
  });

  it('Home from anywhere in a session is the menu; Back from there is the greeting (no dead end)', () => {
    const state = run([{ type: 'cardRead', holder }, { type: 'continue' }, { type: 'open', feature: 'guidance' }, { type: 'home' }]);
    expect(state.screen).toEqual({ name: 'home' });
    expect(run([{ type: 'back' }], state).screen).toEqual({ name: 'greeting' });
  });

  it.each(['logout', 'timeout'] as const)('%s clears the holder and returns to attract', (type) => {
    const state = run([{ type: 'cardRead', holder }, { type: 'continue' }, { type: 'open', feature: 'progress' }, { type }]);
    expect(state).toEqual(INITIAL_FLOW);
    expect(state.holder).toBeNull();
  });

  it('Back from the greeting ends the session', () => {
    expect(run([{ type: 'cardRead', holder }, { type: 'back' }])).toEqual(INITIAL_FLOW);
  });

  it('an expired card is refused, never greeted', () => {
    const state = run([{ type: 'cardRead', holder: { ...holder, refusal: { code: 'expired', words: null } } }]);
    expect(state.screen).toMatchObject({ name: 'cardError', code: 'expired' });
    if (state.screen.name !== 'cardError') throw new Error('expected the refusal screen');
    expect(state.screen.message.reason.zh).toBe('此证件已过有效期');
    expect(state.holder).toBeNull();
  });

  it('a card the bridge refused shows the bridge\'s reason and sends the citizen to a counter', () => {
    const words = { zh: '证件号码校验位不正确', en: 'The ID number check digit is wrong.' };
    const state = run([{ type: 'cardRead', holder }, { type: 'cardRead', holder: { ...holder, refusal: { code: 'checkChar', words } } }]);
    expect(state.holder).toBeNull();
    if (state.screen.name !== 'cardError') throw new Error('expected the refusal screen');
    expect(state.screen.code).toBe('checkChar');
    expect(state.screen.message.reason).toEqual(words);
    expect(state.screen.message.action.zh).toBe('请到服务窗口咨询工作人员');
  });

  it('a card error ends the previous session (someone new is at the reader)', () => {
    const state = run([{ type: 'cardRead', holder }, { type: 'continue' }, { type: 'cardError', code: 'placeAgain' }]);
    expect(state).toMatchObject({ screen: { name: 'cardError', code: 'placeAgain' }, history: [], holder: null });
    if (state.screen.name !== 'cardError') throw new Error('expected the card error screen');
    expect(state.screen.message.action.zh).toBe('请取走身份证后重新放置');
    expect(run([{ type: 'back' }], state)).toEqual(INITIAL_FLOW);
    expect(run([{ type: 'home' }], state)).toEqual(INITIAL_FLOW);
  });

  it('a new card replaces the session and starts at its greeting', () => {
    const other = { ...holder, name: '李四' };
    const state = run([{ type: 'cardRead', holder }, { type: 'continue' }, { type: 'cardRead', holder: other }]);
    expect(state).toEqual({ screen: { name: 'greeting' }, history: [], holder: other });
  });

  it('functions cannot be opened without a session', () => {
    expect(run([{ type: 'open', feature: 'ticket' }, { type: 'continue' }])).toBe(INITIAL_FLOW);
  });

  it('the inactivity timer runs on every screen but the attract screen', () => {
    expect(needsInactivityTimer(INITIAL_FLOW)).toBe(false);
    expect(needsInactivityTimer(run([{ type: 'cardRead', holder }]))).toBe(true);
    expect(needsInactivityTimer(run([{ type: 'cardError', code: 'readerFault' }]))).toBe(true);
  });
});
