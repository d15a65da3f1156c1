/**
 * The verification code of a printed certificate copy (hall-rules.md "Electronic certificates": "a QR whose
 * payload is signed (Ed25519) by the hall's key over the identifier, a hash of the holder's number, the print time
 * and the copy's expiry. /verify checks it offline against the public key").
 *
 * Payload (compact text for a QR, about 300 ASCII characters, byte mode):
 *   `ODC1.<claims>.<signature>`
 * - `claims` = base64url of the JSON `{"i":identifier,"h":holderHash,"t":printSeconds,"e":"YYYY-MM-DD","k":keyId}`;
 * - `holderHash` = base64url SHA-256 of (hall salt bytes + holder number UTF-8): the number itself never appears,
 *   yet staff holding the citizen's card can confirm the copy is theirs (`holderHashOf`);
 * - `signature` = base64url Ed25519 signature over the ASCII bytes `ODC1.<claims>` (so any changed byte of the
 *   claims, or of the version tag, breaks it).
 * The hall key pair and the salt live in `<dataDir>/hall-signing-key.json` (mode 0600), created on first use.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyCertificateId } from '@onedoor/protocol';
import { restrictFileMode, securePrivateDir } from '../store/fileModes.ts';
import type { HallDay } from '../store/hallStore.ts';

export const CERTIFICATE_PAYLOAD_TAG = 'ODC1';
export const HALL_KEY_FILE = 'hall-signing-key.json';

export interface HallSigningKeys {
  /** First 8 hex digits of SHA-256 of the public key (DER), named in every payload. */
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** PEM of the public key, for a verifier elsewhere. */
  publicKeyPem: string;
  salt: Buffer;
}

interface KeyFile {
  version: 1;
  privateKeyPem: string;
  publicKeyPem: string;
  salt: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 8);
}

/** The hall's key pair and salt from the data dir, created (Ed25519, random 16-byte salt) when missing. */
export function loadOrCreateHallKeys(dataDir: string): HallSigningKeys {
  const file = join(dataDir, HALL_KEY_FILE);
  if (!existsSync(file)) {
    securePrivateDir(dataDir);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const content: KeyFile = {
      version: 1,
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      salt: randomBytes(16).toString('base64url'),
    };
    // 'wx': never overwrite a key another process wrote in the meantime.
    try {
      writeFileSync(file, JSON.stringify(content, null, 1), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  // A key file left readable by others (copied in, or written by an older bridge) is tightened to 0600.
  restrictFileMode(file);
  const k = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  if (k.version !== 1 || !k.privateKeyPem || !k.publicKeyPem || !k.salt) throw new Error(`${file}: not a hall signing key file (version 1)`);
  const privateKey = createPrivateKey(k.privateKeyPem);
  const publicKey = createPublicKey(k.publicKeyPem);
  return { keyId: keyIdOf(publicKey), privateKey, publicKey, publicKeyPem: k.publicKeyPem, salt: Buffer.from(k.salt, 'base64url') };
}

export function holderHashOf(salt: Uint8Array, holderNumber: string): string {
  return createHash('sha256').update(salt).update(holderNumber, 'utf8').digest('base64url');
}

export interface CertificateCopyClaims {
  identifier: string;
  holderHash: string;
  /** Print time, epoch seconds. */
  printedAt: number;
  /** Last day the copy is valid (hall-local). */
  copyExpires: HallDay;
  keyId: string;
}

export function signCertificateCopy(claims: CertificateCopyClaims, keys: Pick<HallSigningKeys, 'privateKey'>): string {
  const json = JSON.stringify({ i: claims.identifier, h: claims.holderHash, t: claims.printedAt, e: claims.copyExpires, k: claims.keyId });
  const signed = `${CERTIFICATE_PAYLOAD_TAG}.${Buffer.from(json, 'utf8').toString('base64url')}`;
  return `${signed}.${sign(null, Buffer.from(signed, 'ascii'), keys.privateKey).toString('base64url')}`;
}

/** `notACode`: the text is not a certificate code at all (no `ODC1.` tag): a mistake, not a forgery. */
export type CertificatePayloadStatus = 'valid' | 'expired' | 'forged' | 'revoked' | 'notACode';

export interface CertificatePayloadVerdict {
  status: CertificatePayloadStatus;
  /** Present unless forged (a forged payload's content is not repeated back). */
  claims?: CertificateCopyClaims;
  /** Why a payload is forged (for staff), or a warning about the identifier's check character. */
  detail?: string;
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/** The payload itself, also when the scan gave the verification URL (`...?p=<payload>`). */
function payloadOf(scanned: string): string {
  const t = scanned.trim();
  const m = /[?&]p=([^&#\s]+)/.exec(t);
  if (!m) return t;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

/**
 * Checks a scanned payload offline against the hall's public key: forged (malformed, wrong key, bad signature),
 * then revoked (when `isRevoked` is given: the certificate library's answer), then expired (copy expiry before
 * `today`), else valid. Accepts the payload or a URL carrying it as `p=`. Never throws on bad input.
 */
export async function verifyCertificatePayload(payload: string, opts: {
  publicKey: KeyObject | string;
  today: HallDay;
  isRevoked?: (identifier: string) => boolean | Promise<boolean>;
}): Promise<CertificatePayloadVerdict> {
  const forged = (detail: string): CertificatePayloadVerdict => ({ status: 'forged', detail });
  if (typeof payload !== 'string' || payload.length > 2000) return forged('not a payload');
  if (!payloadOf(payload).startsWith(`${CERTIFICATE_PAYLOAD_TAG}.`)) return { status: 'notACode', detail: `no ${CERTIFICATE_PAYLOAD_TAG} tag` };
  const parts = payloadOf(payload).split('.');
  if (parts.length !== 3 || parts[0] !== CERTIFICATE_PAYLOAD_TAG || !B64URL.test(parts[1]) || !B64URL.test(parts[2])) {
    return forged(`not an ${CERTIFICATE_PAYLOAD_TAG} payload`);
  }
  const key = typeof opts.publicKey === 'string' ? createPublicKey(opts.publicKey) : opts.publicKey;
  let ok = false;
  try {
    ok = verify(null, Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii'), key, Buffer.from(parts[2], 'base64url'));
  } catch {
    ok = false;
  }
  if (!ok) return forged('signature does not match the hall key');
  let raw: { i?: unknown; h?: unknown; t?: unknown; e?: unknown; k?: unknown };
  try {
    raw = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return forged('claims are not JSON');
  }
  if (typeof raw.i !== 'string' || typeof raw.h !== 'string' || typeof raw.t !== 'number' || typeof raw.e !== 'string' || typeof raw.k !== 'string') {
    return forged('claims are incomplete');
  }
  const claims: CertificateCopyClaims = { identifier: raw.i, holderHash: raw.h, printedAt: raw.t, copyExpires: raw.e, keyId: raw.k };
  if (claims.keyId !== keyIdOf(key)) return forged('signed by another key');
  let detail: string | undefined;
  try {
    detail = verifyCertificateId(claims.identifier).warning ?? undefined;
  } catch (err) {
    return forged(`identifier: ${(err as Error).message}`);
  }
  if (opts.isRevoked && (await opts.isRevoked(claims.identifier))) return { status: 'revoked', claims, detail };
  if (claims.copyExpires < opts.today) return { status: 'expired', claims, detail };
  return { status: 'valid', claims, detail };
}
