/**
 * Mobile identity codes (docs/mobile-codes.md): a code signed by a configured issuer, within its 60 s, used once,
 * gives the holder it carries; another key, a changed byte, an expired or not-yet-valid code, a second use, an
 * unknown issuer or key id, a lifetime over 60 s and anything misshapen are refused with their reason.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkIdentityCode, IdentityCodeReplays, identityIssuerOf, signIdentityCode, type IdentityCodeClaims } from '../../src/hall/identityCode.ts';

const issuerKeys = generateKeyPairSync('ed25519');
const otherKeys = generateKeyPairSync('ed25519');
const issuer = identityIssuerOf({ id: 'yss', name: '粤省事', keyId: 'k1', publicKeyPem: issuerKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
const NOW = Date.UTC(2026, 11, 4, 2, 0, 0);
const nowS = NOW / 1000;

const claims = (over: Partial<IdentityCodeClaims> = {}): IdentityCodeClaims => ({
  iss: 'yss', kid: 'k1', iat: nowS - 5, exp: nowS + 55, jti: randomBytes(16).toString('base64url'),
  sub: { n: '11010519491231002X', nm: '张三', s: '2', b: '19491231', f: '20200101', u: '长期' }, ...over,
});
const check = (code: string, replays = new IdentityCodeReplays(), at = NOW) => checkIdentityCode(code, [issuer], at, replays);

describe('mobile identity codes', () => {
  it('a genuine code gives its holder, with the issuer as the card issuer', () => {
    const r = check(signIdentityCode(claims(), issuerKeys.privateKey));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.holder).toMatchObject({ cardType: 'resident', name: '张三', idNumber: '11010519491231002X', birthDate: '1949-12-31', validUntil: '长期', issuer: '粤省事' });
  });

  it('is accepted once: the same code again is a replay', () => {
    const replays = new IdentityCodeReplays();
    const code = signIdentityCode(claims(), issuerKeys.privateKey);
    expect(check(code, replays).ok).toBe(true);
    expect(check(code, replays)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('refuses a code signed by another key, or with any claim byte changed', () => {
    expect(check(signIdentityCode(claims(), otherKeys.privateKey))).toEqual({ ok: false, reason: 'forged' });
    const code = signIdentityCode(claims(), issuerKeys.privateKey);
    const [tag, body, sig] = code.split('.') as [string, string, string];
    const json = Buffer.from(body, 'base64url').toString('utf8').replace('张三', '李四');
    expect(check([tag, Buffer.from(json).toString('base64url'), sig].join('.'))).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses expired and not-yet-valid codes, and a lifetime over 60 s', () => {
    expect(check(signIdentityCode(claims({ iat: nowS - 200, exp: nowS - 140 }), issuerKeys.privateKey))).toEqual({ ok: false, reason: 'expired' });
    expect(check(signIdentityCode(claims({ iat: nowS + 120, exp: nowS + 170 }), issuerKeys.privateKey))).toEqual({ ok: false, reason: 'notYetValid' });
    expect(check(signIdentityCode(claims({ exp: nowS + 3600 }), issuerKeys.privateKey))).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses an unknown issuer or key id', () => {
    expect(check(signIdentityCode(claims({ iss: 'other' }), issuerKeys.privateKey))).toEqual({ ok: false, reason: 'unknownIssuer' });
    expect(check(signIdentityCode(claims({ kid: 'k2' }), issuerKeys.privateKey))).toEqual({ ok: false, reason: 'unknownIssuer' });
  });

  it('calls misshapen text malformed and over-long text too long, never throwing', () => {
    for (const bad of ['ODI1.', 'ODI1.x.y', 'ODI1.e30.' + 'A'.repeat(86), `ODI1.${Buffer.from('{"iss":1}').toString('base64url')}.${'A'.repeat(86)}`,
      `ODI1.${Buffer.from('not json').toString('base64url')}.${'A'.repeat(86)}`]) {
      expect(check(bad)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(check(`ODI1.${'A'.repeat(2000)}.x`)).toEqual({ ok: false, reason: 'tooLong' });
  });
});
