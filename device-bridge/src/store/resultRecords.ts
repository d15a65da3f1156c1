/**
 * Result collection records (migration 15; README "Collecting results (领取结果)"): how the result of a finished
 * (办结) application reaches the citizen, one record per application. The post address and phone are personal data:
 * the retention policy erases them with the closed application's number (hallRetentionSql.ts).
 */
import type { ResultCollectionMode, ResultCollectionState } from '@onedoor/protocol';
import type { ApplicationRecord } from './hallStore.ts';

/** What the item issues when its result is electronic (the catalogue's `resultCertificate`). */
export interface ResultCertificateType {
  typeName: string;
  /** 21 characters: defining authority's credit code + 3-character sequence (hall-rules.md "Electronic certificates"). */
  typeCode: string;
  issuerName: string;
  /** The issuing authority's 18-character unified social credit code. */
  issuerCode: string;
  /** Validity in years from the issue day; absent: without limit. */
  validYears?: number;
}

export interface ResultCollectionRecord {
  serial: string;
  mode: ResultCollectionMode;
  state: ResultCollectionState;
  /** The applicant (the application's holder number, stored for the kiosk's check and masked by retention). */
  applicantNumber: string;
  /** Post: to whom (the card's name), where, and the phone; null otherwise, and once erased by retention. */
  recipient: string | null;
  address: string | null;
  phone: string | null;
  /** Counter: the pickup ticket. */
  ticketId: number | null;
  /** Electronic: the certificate issued. */
  certificateId: string | null;
  chosenAt: number;
  /** Collected at a window, or posted, or issued: when. */
  finishedAt: number | null;
  /** Collected: the window that handed it out. */
  window: number | null;
  /** Who recorded it (a clerk's or manager's user name, `counter` for a finished pickup ticket). */
  finishedBy: string | null;
  updatedAt: number;
}

export interface ResultCollectionPatch {
  state: ResultCollectionState;
  finishedAt: number | null;
  window?: number | null;
  finishedBy?: string | null;
  ticketId?: number | null;
  updatedAt: number;
}

export interface ResultCollectionRepository {
  getResultCollection(serial: string): Promise<ResultCollectionRecord | undefined>;
  /** Throws when the application has a record already (one per application; read it first inside the transaction). */
  insertResultCollection(r: ResultCollectionRecord): Promise<void>;
  /** Changes the record only while its state is one of `from`; false when nothing changed. */
  updateResultCollection(serial: string, from: readonly ResultCollectionState[], patch: ResultCollectionPatch): Promise<boolean>;
  /** The record whose pickup ticket this is. */
  findResultCollectionByTicket(ticketId: number): Promise<ResultCollectionRecord | undefined>;
  /** Records in these states, oldest choice first. */
  listResultCollections(states: readonly ResultCollectionState[]): Promise<ResultCollectionRecord[]>;
  /** Finished (办结) applications last changed before `at`, oldest first (the uncollected-results list). */
  listDoneApplicationsBefore(at: number): Promise<ApplicationRecord[]>;
}
