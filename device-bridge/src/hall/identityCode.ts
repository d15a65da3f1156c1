/**
 * The mobile identity code (docs/mobile-codes.md): a short-lived code a citizen's government app (粤省事-style)
 * shows, which the kiosk's QR scanner reads to start a session exactly as a card read does (hall-rules.md "One
 * authentication": one authentication across channels).
 *
 *   `ODI1.<claims>.<signature>`
 * - `claims` = base64url of the JSON `{"iss","kid","iat","exp","jti","sub":{"n","nm","s","b","f","u"}}` (issuer id,
 *   its key id, issued and expiry in epoch seconds, a unique id, and the holder: number, name, sex code, birth date,
 *   card valid from / until as YYYYMMDD or 长期);
 * - `signature` = base64url Ed25519 over the ASCII bytes `ODI1.<claims>` with the issuer's key; the hall knows each
 *   issuer's public key (config `identityIssuers`) and checks it offline.
 * A code lives at most `MAX_LIFETIME_S` (60 s) and is accepted once (`IdentityCodeReplays`); the holder inside is then
 * checked like a card's (number, birth date, card expiry on the hall clock).
 */
import { createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { ResidentHolder } from '@onedoor/protocol';

export const IDENTITY_CODE_TAG = 'ODI1';
/** The longest lifetime a code may claim (exp - iat). */
export const MAX_LIFETIME_S = 60;
/** Clock difference tolerated between the issuer and the hall. */
export const CLOCK_SKEW_S = 30;
/** The longest code read as an identity code: bounds the work before the signature check. */
export const MAX_IDENTITY_CODE_LENGTH = 1024;

const ymd = z.string().regex(/^\d{8}$/);
const claimsSchema = z.object({
  iss: z.string().regex(/^[a-z0-9-]{1,32}$/),
  kid: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  iat: z.number().int().nonnegative(),
  exp: z.number().int().nonnegative(),
  jti: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  sub: z.object({
    n: z.string().regex(/^\d{17}[\dX]$/),
    nm: z.string().min(1).max(30),
    s: z.enum(['0', '1', '2', '9']),
    b: ymd,
    f: ymd,
    u: z.union([ymd, z.literal('长期')]),
  }).strict(),
}).strict();

export type IdentityCodeClaims = z.infer<typeof claimsSchema>;

export interface IdentityIssuer {
  id: string;
  name: string;
  keyId: string;
  publicKey: KeyObject;
}

export function identityIssuerOf(config: { id: string; name: string; keyId: string; publicKeyPem: string }): IdentityIssuer {
  return { id: config.id, name: config.name, keyId: config.keyId, publicKey: createPublicKey(config.publicKeyPem) };
}

export type IdentityCodeRefusal = 'malformed' | 'unknownIssuer' | 'forged' | 'expired' | 'notYetValid' | 'tooLong' | 'replayed';

export type IdentityCodeCheck = { ok: true; claims: IdentityCodeClaims; holder: ResidentHolder; issuer: IdentityIssuer } | { ok: false; reason: IdentityCodeRefusal };

/** True for text that claims to be an identity code (the tag); whether it is one is `checkIdentityCode`'s answer. */
export function looksLikeIdentityCode(text: string): boolean {
  return text.startsWith(`${IDENTITY_CODE_TAG}.`);
}

/** The issuer's side (the phone app's platform; tests and the demo): a signed code for `claims`. */
export function signIdentityCode(claims: IdentityCodeClaims, privateKey: KeyObject): string {
  const body = `${IDENTITY_CODE_TAG}.${Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')}`;
  return `${body}.${sign(null, Buffer.from(body, 'ascii'), privateKey).toString('base64url')}`;
}

/** Remembers accepted codes until they expire, so each is accepted once (per bridge: see docs/mobile-codes.md). */
export class IdentityCodeReplays {
  private readonly seen = new Map<string, number>();

  /** False when `jti` of `iss` was accepted before; else remembers it until `exp`. */
  accept(iss: string, jti: string, exp: number, nowS: number): boolean {
    for (const [k, until] of this.seen) if (until < nowS - CLOCK_SKEW_S) this.seen.delete(k);
    const key = `${iss}/${jti}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, exp);
    return true;
  }
}

/** Checks shape, issuer, signature, lifetime and single use, in that order; the holder is checked by the session. */
export function checkIdentityCode(text: string, issuers: readonly IdentityIssuer[], nowMs: number, replays: IdentityCodeReplays): IdentityCodeCheck {
  if (text.length > MAX_IDENTITY_CODE_LENGTH) return { ok: false, reason: 'tooLong' };
  const parts = text.split('.');
  if (parts.length !== 3 || parts[0] !== IDENTITY_CODE_TAG || !/^[A-Za-z0-9_-]+$/.test(parts[1]!) || !/^[A-Za-z0-9_-]{86}$/.test(parts[2]!)) {
    return { ok: false, reason: 'malformed' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = claimsSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const claims = parsed.data;
  const issuer = issuers.find((i) => i.id === claims.iss && i.keyId === claims.kid);
  if (!issuer) return { ok: false, reason: 'unknownIssuer' };
  const signature = Buffer.from(parts[2]!, 'base64url');
  // Canonical text only: the signature's base64url must re-encode to what was scanned.
  if (signature.toString('base64url') !== parts[2] || !verify(null, Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii'), issuer.publicKey, signature)) {
    return { ok: false, reason: 'forged' };
  }
  const nowS = Math.floor(nowMs / 1000);
  if (claims.exp - claims.iat > MAX_LIFETIME_S || claims.exp <= claims.iat) return { ok: false, reason: 'malformed' };
  if (claims.iat > nowS + CLOCK_SKEW_S) return { ok: false, reason: 'notYetValid' };
  if (claims.exp < nowS - CLOCK_SKEW_S) return { ok: false, reason: 'expired' };
  if (!replays.accept(claims.iss, claims.jti, claims.exp, nowS)) return { ok: false, reason: 'replayed' };
  const s = claims.sub;
  const date = (d: string) => (d === '长期' ? d : `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`);
  const holder: ResidentHolder = {
    cardType: 'resident', name: s.nm, sex: s.s, nation: '', birthDate: date(s.b), address: '', idNumber: s.n,
    issuer: issuer.name, validFrom: date(s.f), validUntil: date(s.u),
  };
  return { ok: true, claims, holder, issuer };
}

/**
 * The hall as an issuer (docs/mobile-codes.md "Codes the hall issues"): a citizen signed in on the phone page shows a
 * code signed with the hall's own Ed25519 key, which the kiosks of the same hall trust without configuration.
 */
export const HALL_ISSUER_ID = 'onedoor-hall';

export function hallIdentityIssuer(keys: { keyId: string; publicKey: KeyObject }, hallName: string): IdentityIssuer {
  return { id: HALL_ISSUER_ID, name: hallName, keyId: keys.keyId, publicKey: keys.publicKey };
}

/**
 * A code for the phone session's citizen: 60 s, a fresh `jti`. The hall keeps only what its services need of the card
 * (hall/citizen.ts), so `s` is 9 (not stated) and `f` repeats the birth date; neither is checked at the kiosk.
 */
export function hallIdentityCodeFor(citizen: { number: string; name: string; birthDate: string; validUntil?: string },
  keys: { keyId: string; privateKey: KeyObject }, nowMs: number): { code: string; expiresAt: number } {
  const iat = Math.floor(nowMs / 1000);
  const compact = (d: string) => d.replace(/-/g, '');
  const b = compact(citizen.birthDate);
  const claims: IdentityCodeClaims = {
    iss: HALL_ISSUER_ID, kid: keys.keyId, iat, exp: iat + MAX_LIFETIME_S, jti: randomBytes(16).toString('base64url'),
    sub: { n: citizen.number, nm: citizen.name, s: '9', b, f: b, u: !citizen.validUntil || citizen.validUntil === '长期' ? '长期' : compact(citizen.validUntil) },
  };
  return { code: signIdentityCode(claims, keys.privateKey), expiresAt: (iat + MAX_LIFETIME_S) * 1000 };
}
