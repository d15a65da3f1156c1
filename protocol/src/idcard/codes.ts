/**
 * Code tables printed on the card (id-reader-sam.md, "Sex codes" and "Nation codes (GB 3304)").
 */

export interface CodeName {
  zh: string;
  en: string;
}

/** Sex codes (GB/T 2261.1): 0 unknown, 1 male, 2 female, 9 unspecified. */
export const ID_CARD_SEX_CODES: Readonly<Record<string, CodeName>> = {
  '0': { zh: '未知', en: 'unknown' },
  '1': { zh: '男', en: 'male' },
  '2': { zh: '女', en: 'female' },
  '9': { zh: '未说明', en: 'unspecified' },
};

/** GB 3304 nation codes with their names, as listed in the spec. */
export const ID_CARD_NATION_CODES: Readonly<Record<string, string>> = {
  '01': '汉', '02': '蒙古', '03': '回', '04': '藏', '05': '维吾尔', '06': '苗', '07': '彝', '08': '壮', '09': '布依',
  '10': '朝鲜', '11': '满', '12': '侗', '13': '瑶', '14': '白', '15': '土家', '16': '哈尼', '17': '哈萨克', '18': '傣',
  '19': '黎', '20': '傈僳', '21': '佤', '22': '畲', '23': '高山', '24': '拉祜', '25': '水', '26': '东乡', '27': '纳西',
  '28': '景颇', '29': '柯尔克孜', '30': '土', '31': '达斡尔', '32': '仫佬', '33': '羌', '34': '布朗', '35': '撒拉',
  '36': '毛南', '37': '仡佬', '38': '锡伯', '39': '阿昌', '40': '普米', '41': '塔吉克', '42': '怒', '43': '乌孜别克',
  '44': '俄罗斯', '45': '鄂温克', '46': '德昂', '47': '保安', '48': '裕固', '49': '京', '50': '塔塔尔', '51': '独龙',
  '52': '鄂伦春', '53': '赫哲', '54': '门巴', '55': '珞巴', '56': '基诺', '97': '其他', '98': '外国血统中国籍人士',
};

/** Sex name for a card's sex code; unknown codes come back as `未知代码 x` / `unknown code x`, never thrown. */
export function idCardSexName(code: string): CodeName & { known: boolean } {
  const e = ID_CARD_SEX_CODES[code];
  return e ? { ...e, known: true } : { zh: `未知代码 ${code}`, en: `unknown code ${code}`, known: false };
}

/** Nation name (民族) for a GB 3304 code, without the 族 suffix. Unknown codes are reported, never thrown. */
export function idCardNationName(code: string): { zh: string; known: boolean } {
  const n = ID_CARD_NATION_CODES[code];
  return n ? { zh: n, known: true } : { zh: `未知代码 ${code}`, known: false };
}
