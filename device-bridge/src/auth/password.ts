/**
 * Staff passwords stored as scrypt hashes (README "For technicians: the console", access: passwords
 * stored as scrypt hashes), in the config as `scrypt$N$r$p$salt$hash` (salt and hash base64url, no
 * padding). `node:crypto` scrypt runs on the libuv thread pool, so verifying a login does not block
 * the event loop.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** 2^14, r 8, p 1: the parameters RFC 7914 / OWASP name for interactive logins (about 16 MB, tens of ms). */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 16384, r: 8, p: 1 });
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Hashes with a larger cost are refused (a config typo must not make every login take minutes). */
const MAX_N = 1 << 20;

/** The stored form, checked without computing anything (config validation). */
export const PASSWORD_HASH_PATTERN = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/;

export interface ParsedPasswordHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

/** Parses `scrypt$N$r$p$salt$hash`; throws an Error saying which part is wrong. */
export function parsePasswordHash(stored: string): ParsedPasswordHash {
  const m = PASSWORD_HASH_PATTERN.exec(stored);
  if (!m) throw new Error('password hash must look like scrypt$N$r$p$salt$hash (make one with: tsx device-bridge/src/auth/hash-password.ts)');
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N < 2 || N > MAX_N || (N & (N - 1)) !== 0) throw new Error(`scrypt N must be a power of two between 2 and ${MAX_N}, got ${N}`);
  if (r < 1 || p < 1) throw new Error('scrypt r and p must be at least 1');
  const salt = Buffer.from(m[4], 'base64url');
  const hash = Buffer.from(m[5], 'base64url');
  return { N, r, p, salt, hash };
}

/** Whether `stored` is a well-formed hash (for zod refinements). */
export function isPasswordHash(stored: string): boolean {
  try {
    parsePasswordHash(stored);
    return true;
  } catch {
    return false;
  }
}

function scryptAsync(password: string, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
  // maxmem: scrypt needs about 128 * N * r bytes; Node's default cap (32 MB) would refuse larger N.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** A new hash with a fresh random salt. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  if (typeof password !== 'string' || password.length === 0) throw new Error('password must be a non-empty string');
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password, salt, KEY_BYTES, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True when `password` matches `stored`; false for a wrong password or a malformed hash (never throws for those). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  let parsed: ParsedPasswordHash;
  try {
    parsed = parsePasswordHash(stored);
  } catch {
    return false;
  }
  const key = await scryptAsync(String(password), parsed.salt, parsed.hash.length, parsed);
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
}
