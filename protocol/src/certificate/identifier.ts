/**
 * Electronic certificate identifiers in GB/T 36904 form (hall-rules.md "Electronic certificates"):
 * `1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version>.<check>`, with a type code of 21 characters
 * (18-character unified social credit code + 3-character sequence), an issuer code of 18, a serial of 6-32, a
 * 3-digit version and an ISO/IEC 7064 MOD 37,36 check character over type+issuer+serial+version.
 *
 * We generate identifiers with the check; identifiers from elsewhere with a wrong check are accepted with a warning
 * (the rule says warn, do not reject), while a malformed structure is an error naming the part.
 */
import { iso7064Mod37_36 } from './iso7064.ts';

/** OID arc of electronic certificates (GB/T 36904): iso(1).member-body(2).cn(156).3005.2. */
export const CERTIFICATE_ID_PREFIX = '1.2.156.3005.2';

export interface CertificateIdParts {
  typeCode: string;
  issuerCode: string;
  serial: string;
  /** Three digits, e.g. "002" (a number is zero-padded). */
  version: string;
}

export type CertificateIdPart = 'prefix' | keyof CertificateIdParts | 'check';

/** A structural error in an identifier; `part` names the piece that is wrong. */
export class CertificateIdError extends Error {
  constructor(readonly part: CertificateIdPart, message: string) {
    super(message);
    this.name = 'CertificateIdError';
  }
}

const RULES: Record<keyof CertificateIdParts, { re: RegExp; what: string }> = {
  typeCode: { re: /^[0-9A-Z]{21}$/, what: '21 characters 0-9 A-Z (credit code + 3-character sequence)' },
  issuerCode: { re: /^[0-9A-Z]{18}$/, what: '18 characters 0-9 A-Z (unified social credit code)' },
  serial: { re: /^[0-9A-Z]{6,32}$/, what: '6-32 characters 0-9 A-Z' },
  version: { re: /^[0-9]{3}$/, what: '3 digits' },
};

function checkParts(parts: CertificateIdParts): void {
  for (const key of Object.keys(RULES) as (keyof CertificateIdParts)[]) {
    const v = parts[key];
    if (typeof v !== 'string' || !RULES[key].re.test(v)) {
      throw new CertificateIdError(key, `certificate ${key} must be ${RULES[key].what}, got "${String(v)}"`);
    }
  }
}

function normaliseVersion(version: string | number): string {
  return typeof version === 'number' && Number.isInteger(version) && version >= 0 ? String(version).padStart(3, '0') : String(version);
}

/** The check character for the parts (MOD 37,36 over type+issuer+serial+version, dots removed). */
export function certificateIdCheck(parts: CertificateIdParts): string {
  checkParts(parts);
  return iso7064Mod37_36(parts.typeCode + parts.issuerCode + parts.serial + parts.version);
}

/** A new identifier with its check character. Throws `CertificateIdError` naming a malformed part. */
export function buildCertificateId(parts: Omit<CertificateIdParts, 'version'> & { version: string | number }): string {
  const p: CertificateIdParts = { ...parts, version: normaliseVersion(parts.version) };
  const check = certificateIdCheck(p);
  return [CERTIFICATE_ID_PREFIX, p.typeCode, p.issuerCode, p.serial, p.version, check].join('.');
}

export interface CertificateIdVerdict {
  parts: CertificateIdParts;
  /** The check character as written. */
  check: string;
  /** The check character the parts call for. */
  expectedCheck: string;
  checkOk: boolean;
  /** Set when the check character is wrong: shown to staff, the identifier is still accepted. */
  warning: string | null;
}

/**
 * Splits and checks an identifier. Structure errors throw `CertificateIdError` (with `part`); a wrong check
 * character only yields `checkOk: false` and a warning.
 */
export function verifyCertificateId(id: string): CertificateIdVerdict {
  if (typeof id !== 'string') throw new CertificateIdError('prefix', `certificate identifier must be a string, got ${typeof id}`);
  const trimmed = id.trim();
  if (!trimmed.startsWith(CERTIFICATE_ID_PREFIX + '.')) {
    throw new CertificateIdError('prefix', `certificate identifier must start with ${CERTIFICATE_ID_PREFIX}., got "${trimmed.slice(0, 20)}"`);
  }
  const fields = trimmed.slice(CERTIFICATE_ID_PREFIX.length + 1).split('.');
  const names: CertificateIdPart[] = ['typeCode', 'issuerCode', 'serial', 'version', 'check'];
  if (fields.length !== names.length) {
    const part = names[Math.min(fields.length, names.length - 1)];
    throw new CertificateIdError(part, `certificate identifier has ${fields.length} fields after the prefix, expected 5 (type.issuer.serial.version.check)`);
  }
  const [typeCode, issuerCode, serial, version, check] = fields;
  const parts: CertificateIdParts = { typeCode, issuerCode, serial, version };
  const expectedCheck = certificateIdCheck(parts);
  if (!/^[0-9A-Z]$/.test(check)) throw new CertificateIdError('check', `certificate check must be 1 character 0-9 A-Z, got "${check}"`);
  const checkOk = check === expectedCheck;
  return {
    parts,
    check,
    expectedCheck,
    checkOk,
    warning: checkOk ? null : `check character is ${check} but the identifier calls for ${expectedCheck}: it may be mistyped`,
  };
}
