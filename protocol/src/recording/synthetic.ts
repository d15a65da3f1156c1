/**
 * Same-length synthetic stand-ins for personal data in a recording (docs/recording-format.md "Masking"). A synthetic
 * holder keeps what decides the bridge's behaviour (card type, validity dates, whether the ID number checks out and
 * why not) and nothing that identifies the person (name, number, birth date, address, issuer, photo).
 */
import {
  buildTextBlock,
  ID_CARD_TEXT_BYTES,
  idNumberCheckChar,
  parseTextBlock,
  validateIdNumber,
  type Holder,
  type IdNumberProblem,
} from '../idcard/index.ts';

const SYNTHETIC_BIRTH = '1985-06-15';
const SYNTHETIC_NAME = '样例测试';
const SYNTHETIC_ADDRESS = '测试省测试市样例路1号';
const SYNTHETIC_ISSUER = '测试市公安局';

/** An 18-character number with a valid check character, or failing the check the way the original did. */
function syntheticIdNumber(prefix6: string, problem: IdNumberProblem | null): string {
  const birth = SYNTHETIC_BIRTH.replace(/-/g, '');
  const body = `${prefix6}${problem === 'birthDate' ? '19850231' : problem === 'birthMismatch' ? '19850616' : birth}001`;
  const check = idNumberCheckChar(body);
  switch (problem) {
    case 'length':
      return body.slice(0, 16);
    case 'characters':
      return `${body.slice(0, 16)}A${check}`;
    case 'checkChar':
      return body + (check === '0' ? '1' : '0');
    default:
      return body + check;
  }
}

function problemOf(number: string, birthDate: string): IdNumberProblem | null {
  const v = validateIdNumber(number, { birthDate });
  return v.ok ? null : v.reason;
}

export function syntheticHolder(original: Holder): Holder {
  const dates = { validFrom: original.validFrom, validUntil: original.validUntil };
  switch (original.cardType) {
    case 'resident':
    case 'hkMacauTaiwanPermit': {
      const problem = problemOf(original.idNumber, original.birthDate);
      const common = {
        name: SYNTHETIC_NAME,
        sex: '1',
        birthDate: SYNTHETIC_BIRTH,
        address: SYNTHETIC_ADDRESS,
        issuer: SYNTHETIC_ISSUER,
        ...dates,
      };
      if (original.cardType === 'resident') {
        return { cardType: 'resident', ...common, nation: '01', idNumber: syntheticIdNumber('110101', problem) };
      }
      return { cardType: 'hkMacauTaiwanPermit', ...common, idNumber: syntheticIdNumber('810000', problem), passNumber: 'H00000000', issueCount: '01' };
    }
    case 'foreignPermanentOld':
      return {
        cardType: 'foreignPermanentOld',
        englishName: 'TEST PERSON',
        chineseName: '测试',
        sex: '1',
        permitNumber: 'ZZZ850615000001',
        nationality: 'ZZZ',
        birthDate: SYNTHETIC_BIRTH,
        cardVersion: original.cardVersion,
        issuerCode: original.issuerCode,
        ...dates,
      };
    case 'foreignPermanent2023':
      return {
        cardType: 'foreignPermanent2023',
        chineseName: '测试',
        englishName: 'TEST PERSON',
        sex: '1',
        renewalCount: '00',
        birthDate: SYNTHETIC_BIRTH,
        idNumber: syntheticIdNumber('911000', problemOf(original.idNumber, original.birthDate)),
        nationality: 'ZZZ',
        previousCardLink: '',
        ...dates,
      };
  }
}

/** A synthetic 256-byte text block standing for `original` (which may be cut short: it is read as padded). */
export function syntheticTextBlock(original: Uint8Array): Uint8Array {
  const padded = new Uint8Array(ID_CARD_TEXT_BYTES).fill(0x20);
  for (let i = 1; i < ID_CARD_TEXT_BYTES; i += 2) padded[i] = 0;
  padded.set(original.subarray(0, ID_CARD_TEXT_BYTES));
  try {
    return buildTextBlock(syntheticHolder(parseTextBlock(padded)));
  } catch {
    // Dates that do not fit the layout (a damaged block): a plain synthetic resident with the dates dropped.
    return buildTextBlock(syntheticHolder({ ...parseTextBlock(new Uint8Array(0)), cardType: 'resident' } as Holder));
  }
}

/**
 * Deterministic noise of `length` bytes (xorshift32; `salt` varies it per block kind), standing for photo,
 * fingerprint, card serial or print data. Deterministic so the same recording masks the same way twice.
 */
export function syntheticFiller(length: number, salt = 0): Uint8Array {
  const out = new Uint8Array(length);
  let x = (0x9e3779b9 ^ (salt * 0x85ebca6b) ^ length) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
