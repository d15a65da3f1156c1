/**
 * Electronic certificates (hall-rules.md "Electronic certificates"): the holder's certificates from
 * the library, a printable copy with the statutory sentence, identifier, holder name, masked
 * number, dates and the signed verification payload (signing.ts), verification of a scanned
 * payload, and a print log entry per copy (masked number only).
 */
import { buildCertificateId, maskIdNumber, type CertificateVerifyDetails, type KioskCertificate, type KioskCertificateCopy,
  type KioskCertificateState } from '@onedoor/protocol';
import type { CertificateRecord, HallDay, HallRepository, HallStore } from '../store/hallStore.ts';
import type { Citizen } from './citizen.ts';
import { HallClock, addDays, chineseDate } from './clock.ts';
import { HallRuleError, refuse } from './errors.ts';
import { recordPrint } from './printLog.ts';
import { holderHashOf, signCertificateCopy, verifyCertificatePayload, type CertificatePayloadVerdict,
  type HallSigningKeys } from './signing.ts';

export interface CertificateOptions {
  /** Validity of a printed copy (hall-rules.md: default 90 days). */
  copyValidityDays?: number;
  /** A certificate expiring within this many days is shown as `expiring`. */
  expiringWithinDays?: number;
}

export type CertificateState = KioskCertificateState;

/** The /kiosk contract's KioskCertificate: masked number only. */
export type CertificateView = KioskCertificate;

/** Everything a printed copy shows, no full number (the /kiosk contract's KioskCertificateCopy). */
export type CertificateCopy = KioskCertificateCopy;

export interface IssueCertificateInput {
  typeName: string;
  /** 21 characters: the defining authority's 18-character credit code + 3-character sequence. */
  typeCode: string;
  issuerName: string;
  /** The issuing authority's 18-character unified social credit code. */
  issuerCode: string;
  holderNumber: string;
  holderName: string;
  issuedOn: HallDay;
  expiresOn: HallDay | null;
  version?: number;
}

export function statutoryCopySentence(issuerName: string, copyExpires: HallDay): string {
  return `此件由${issuerName}提供，仅供办理政务服务事项时使用，有效期至${chineseDate(copyExpires)}`;
}

/**
 * Adds a certificate to the library with a new identifier: serial = issue date + 4-digit sequence from the store's
 * counter; MOD 37,36 check character by protocol's buildCertificateId (hall-rules.md "Generate with this algorithm").
 */
export async function issueCertificateRecord(store: HallRepository, input: IssueCertificateInput): Promise<CertificateRecord> {
  const seq = await store.nextCounterValue('certificate-serial');
  const serial = `${input.issuedOn.replace(/-/g, '')}${String(seq).padStart(4, '0')}`;
  const identifier = buildCertificateId({ typeCode: input.typeCode, issuerCode: input.issuerCode, serial, version: input.version ?? 1 });
  const rec: CertificateRecord = {
    identifier,
    typeName: input.typeName,
    issuerName: input.issuerName,
    holderNumber: input.holderNumber,
    holderName: input.holderName,
    issuedOn: input.issuedOn,
    expiresOn: input.expiresOn,
    revokedAt: null,
    revokeReason: null,
  };
  await store.insertCertificate(rec);
  return rec;
}

export class CertificateService {
  private readonly copyValidityDays: number;
  private readonly expiringWithinDays: number;

  constructor(
    private readonly store: HallStore,
    private readonly keys: HallSigningKeys,
    private readonly clock: HallClock = new HallClock(),
    opts: CertificateOptions = {},
  ) {
    this.copyValidityDays = opts.copyValidityDays ?? 90;
    this.expiringWithinDays = opts.expiringWithinDays ?? 30;
  }

  /** Adds a certificate to the library (see `issueCertificateRecord`). */
  async issue(input: IssueCertificateInput): Promise<CertificateRecord> {
    return issueCertificateRecord(this.store, input);
  }

  async revoke(identifier: string, reason: string): Promise<void> {
    await this.store.revokeCertificate(identifier, this.clock.now(), reason);
  }

  private stateOf(c: CertificateRecord, today: HallDay): CertificateState {
    if (c.revokedAt !== null) return 'revoked';
    if (c.expiresOn !== null && c.expiresOn < today) return 'expired';
    if (c.expiresOn !== null && c.expiresOn <= addDays(today, this.expiringWithinDays)) return 'expiring';
    return 'valid';
  }

  private view(c: CertificateRecord, today: HallDay): CertificateView {
    const state = this.stateOf(c, today);
    return {
      identifier: c.identifier, typeName: c.typeName, issuerName: c.issuerName, holderName: c.holderName,
      maskedNumber: maskIdNumber(c.holderNumber), issuedOn: c.issuedOn, expiresOn: c.expiresOn, state,
      printable: state === 'valid' || state === 'expiring',
    };
  }

  /** The holder's certificates (newest first), masked. */
  async list(citizen: Citizen): Promise<CertificateView[]> {
    const today = this.clock.today();
    return (await this.store.listCertificatesOfHolder(citizen.number)).map((c) => this.view(c, today));
  }

  /**
   * A copy to print of one of the holder's certificates: valid for 90 days from today, never beyond the
   * certificate's own expiry. Refused for a revoked or expired certificate. Logged with the masked number.
   */
  async printCopy(citizen: Citizen, identifier: string): Promise<CertificateCopy> {
    const c = await this.store.getCertificate(identifier);
    if (!c || c.holderNumber !== citizen.number) {
      throw new HallRuleError('unknownCertificate', '未找到您的这份证照', 'no such certificate of yours');
    }
    const now = this.clock.now();
    const today = this.clock.dayOf(now);
    const state = this.stateOf(c, today);
    if (state === 'revoked') refuse('certificateRevoked', '该证照已注销，不能打印', 'the certificate has been revoked and cannot be printed');
    if (state === 'expired') refuse('certificateExpired', '该证照已过有效期，不能打印', 'the certificate has expired and cannot be printed');
    let copyExpires = addDays(today, this.copyValidityDays);
    if (c.expiresOn !== null && c.expiresOn < copyExpires) copyExpires = c.expiresOn;
    const printedAt = Math.floor(now / 1000);
    const payload = signCertificateCopy({
      identifier: c.identifier,
      holderHash: holderHashOf(this.keys.salt, c.holderNumber),
      printedAt,
      copyExpires,
      keyId: this.keys.keyId,
    }, this.keys);
    const maskedNumber = maskIdNumber(c.holderNumber);
    await recordPrint(this.store, { at: now, kind: 'certificateCopy', ref: c.identifier, maskedNumber, detail: `copy valid until ${copyExpires}` });
    return {
      identifier: c.identifier, typeName: c.typeName, issuerName: c.issuerName, holderName: c.holderName, maskedNumber,
      issuedOn: c.issuedOn, expiresOn: c.expiresOn, printedAt: printedAt * 1000, printedAtText: this.clock.stamp(printedAt * 1000),
      copyExpires, statement: statutoryCopySentence(c.issuerName, copyExpires), payload,
    };
  }

  /** `/verify`: valid / expired / forged / revoked for a scanned payload (signature offline, revocation from the library). */
  async verifyCertificatePayload(payload: string): Promise<CertificatePayloadVerdict> {
    return verifyCertificatePayload(payload, {
      publicKey: this.keys.publicKey,
      today: this.clock.today(),
      isRevoked: async (id) => (await this.store.getCertificate(id))?.revokedAt != null,
    });
  }

  /** The library's record of a verified copy's certificate, masked for the public /verify page (null: unknown). */
  async verifyDetails(identifier: string): Promise<CertificateVerifyDetails | null> {
    const c = await this.store.getCertificate(identifier);
    if (!c) return null;
    const name = [...c.holderName];
    return {
      typeName: c.typeName,
      issuerName: c.issuerName,
      holderNameMasked: name.length === 0 ? '' : name[0] + '*'.repeat(Math.max(1, name.length - 1)),
      holderNumberMasked: maskIdNumber(c.holderNumber),
      issuedOn: c.issuedOn,
      expiresOn: c.expiresOn,
    };
  }

  /** Whether a verified payload belongs to this number (staff check with the citizen's card). */
  payloadMatchesHolder(verdict: CertificatePayloadVerdict, holderNumber: string): boolean {
    return verdict.claims !== undefined && verdict.claims.holderHash === holderHashOf(this.keys.salt, holderNumber);
  }
}
