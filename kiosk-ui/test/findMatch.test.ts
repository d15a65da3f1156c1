// Search by characters, full pinyin and initials (README "Finding a service"), with the matched characters marked.
import { describe, expect, it } from 'vitest';
import type { KioskFinderService } from '@onedoor/protocol';
import { matchName, normaliseQuery, searchServices } from '../src/kiosk/find/match.ts';

const service = (id: string, name: string, namePinyin: string[], categoryName: string, categoryPinyin: string[]): KioskFinderService => ({
  id, name, namePinyin, categoryName, categoryPinyin, departmentId: 1, departmentName: '部门', category: 'A', timeLimitDays: 5,
  materials: [], toBring: 0,
});

const HUKOU = service('GA-1', '户口迁移（投靠）', ['hu', 'kou', 'qian', 'yi', '（', 'tou', 'kao', '）'], '户政出入境', ['hu', 'zheng', 'chu', 'ru', 'jing']);
const SHEBAOKA = service('RS-1', '社会保障卡补换', ['she', 'hui', 'bao', 'zhang', 'ka', 'bu', 'huan'], '社保医保', ['she', 'bao', 'yi', 'bao']);
const ID_CARD = service('GA-2', '居民身份证换领', ['ju', 'min', 'shen', 'fen', 'zheng', 'huan', 'ling'], '户政出入境', ['hu', 'zheng', 'chu', 'ru', 'jing']);
const ALL = [HUKOU, SHEBAOKA, ID_CARD];

describe('search', () => {
  it('finds by initials and by full pinyin, marking the characters matched', () => {
    expect(matchName(ID_CARD.name, ID_CARD.namePinyin, 'sfz')?.marks).toEqual([false, false, true, true, true, false, false]);
    expect(matchName(ID_CARD.name, ID_CARD.namePinyin, 'shenfenzheng')?.marks).toEqual([false, false, true, true, true, false, false]);
    // A syllable typed only in part still marks its character.
    expect(matchName(HUKOU.name, HUKOU.namePinyin, 'hukouq')?.marks.slice(0, 4)).toEqual([true, true, true, false]);
    expect(searchServices(ALL, 'sfz').map((m) => m.service.id)).toEqual(['GA-2']);
  });

  it('sb, shebao and 社保 all find the 社保 items (here through their queue category)', () => {
    for (const q of ['sb', 'shebao', '社保', 'SheBao', 'she bao']) {
      const found = searchServices(ALL, q);
      expect(found.map((m) => m.service.id), q).toEqual(['RS-1']);
      expect(found[0].category?.marks, q).toEqual([true, true, false, false]);
    }
  });

  it('finds by Chinese characters in the name; a name match ranks before a category match', () => {
    expect(searchServices(ALL, '户口')[0]).toMatchObject({ service: { id: 'GA-1' }, name: { at: 0 } });
    // hz: 户政 is every 户政 item's category; no name has h-z initials.
    expect(searchServices(ALL, 'hz').map((m) => m.service.id)).toEqual(['GA-1', 'GA-2']);
    expect(searchServices(ALL, 'hk').map((m) => m.service.id)).toEqual(['GA-1']);
  });

  it('nothing typed finds nothing; nonsense finds nothing', () => {
    expect(searchServices(ALL, '')).toEqual([]);
    expect(searchServices(ALL, 'qqqq')).toEqual([]);
    expect(normaliseQuery("Xi'an Lü")).toBe('xianlv');
  });
});
