/**
 * Records of 接件受理 at the kiosk (README "Applying at the kiosk (接件受理)", migration 9): what a service item
 * asks on its form, the applications the kiosk submits for the clerk's pre-review (待预审), and the written
 * commitments (告知承诺) with their post-hoc checks (事后核查). The form data and the applicant's number are personal
 * data: retention masks them with the closed applications (hall-rules.md "Privacy").
 */
import type { HallDay } from './hallStore.ts';

/** text: free short text; digits: 0-9 only (phone, postcode); choice: one of `choices`; date: YYYY-MM-DD. */
export type IntakeFieldType = 'text' | 'digits' | 'choice' | 'date';

/** What the card gives (the session's citizen: number, name, birth date; sex from the number's 17th digit). */
export type IntakeCardSource = 'name' | 'maskedNumber' | 'birthDate' | 'sex';

/** One form field of a self-service item (catalogue `fields`). */
export interface IntakeField {
  /** Stable key: the same key in two items' forms is the same fact (offered for reuse across applications). */
  key: string;
  label: string;
  type: IntakeFieldType;
  required: boolean;
  /** Length bounds in characters (text, digits). */
  minLength?: number;
  maxLength: number;
  /** choice: the options shown as buttons. */
  choices?: string[];
  /** Filled from the card (read-only on the form). */
  fromCard?: IntakeCardSource;
  /** Offered from the citizen's earlier applications with one tap (address, phone, work unit). */
  reuse?: boolean;
}

/** How a required material is satisfied (申请材料). */
export type MaterialKind = 'shared' | 'commitment' | 'bring';

/** How the citizen satisfied one material on a submitted application. */
export interface IntakeMaterialOutcome {
  name: string;
  /** shared: 已由系统获取 (`source`); commitment: 告知承诺 signed; bring: 需提交 at a counter (`ticket` or `slot`). */
  how: MaterialKind;
  source?: string;
  ticket?: string;
  /** `YYYY-MM-DD HH:MM` of the booked counter slot. */
  slot?: string;
}

/** 待预审 -> 受理 (accepted) | 退回 (returned, with what to fix) | 不予受理 (rejected, with the legal reason). */
export type IntakeState = 'pending' | 'accepted' | 'returned' | 'rejected';

export interface IntakeRecord {
  /** 申办流水号 (same numbering as applications: the accepted application keeps it). */
  serial: string;
  /** The hall it was submitted at (config site.hallId); a clerk of another hall may not decide it. */
  hallId: string;
  /** The kiosk's requestId of the submit: one application per (kiosk, requestId). */
  requestId: string;
  kioskId: string;
  serviceId: string;
  applicantNumber: string;
  state: IntakeState;
  /** Field key -> value as the citizen confirmed it on the review screen. */
  form: Record<string, string>;
  materials: IntakeMaterialOutcome[];
  /** The applicant has a commitment found false: their commitments go to manual review (事后核查 consequence). */
  commitmentReview: boolean;
  submittedAt: number;
  submittedDay: HallDay;
  decidedAt: number | null;
  /** Staff user name of the clerk who decided. */
  decidedBy: string | null;
  /** What to fix (退回) or the legal reason (不予受理). */
  reason: string | null;
}

export type CommitmentCheckState = 'open' | 'confirmed' | 'false';

/** A signed written commitment and its post-hoc check item. */
export interface CommitmentRecord {
  id: number;
  serial: string;
  material: string;
  applicantNumber: string;
  signedAt: number;
  kioskId: string;
  /** Version of the commitment text shown (catalogue `commitmentVersion`). */
  textVersion: string;
  /** The confirming card, masked (the same number as the applicant's: a different card is refused). */
  cardMasked: string;
  /** The check is due by this day. */
  dueDay: HallDay;
  checkState: CommitmentCheckState;
  checkedAt: number | null;
  checkedBy: string | null;
  checkNote: string | null;
}

export type NewCommitment = Omit<CommitmentRecord, 'id' | 'checkState' | 'checkedAt' | 'checkedBy' | 'checkNote'>;

export interface IntakeDecision {
  state: Exclude<IntakeState, 'pending'>;
  decidedAt: number;
  decidedBy: string;
  reason: string | null;
}

export interface CommitmentCheckResult {
  state: Exclude<CommitmentCheckState, 'open'>;
  checkedAt: number;
  checkedBy: string;
  note: string | null;
}
