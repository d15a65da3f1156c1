/**
 * `/kiosk` contract of 接件受理 (README "Applying at the kiosk (接件受理)"): the self-service items, the form as the
 * kiosk opens it, a signed commitment and a submitted application. Masked numbers only.
 */
import type { KioskPrintOutcome } from './kiosk.ts';

export type KioskIntakeMaterialKind = 'shared' | 'commitment' | 'bring';

export interface KioskIntakeMaterial {
  name: string;
  kind: KioskIntakeMaterialKind;
  source: string | null;
  commitmentText: string | null;
  commitmentVersion: string | null;
}

export interface KioskIntakeItem {
  serviceId: string;
  serviceName: string;
  timeLimitDays: number;
  estimatedMinutes: number;
  materials: KioskIntakeMaterial[];
}

export interface KioskIntakeField {
  key: string;
  label: string;
  type: 'text' | 'digits' | 'choice' | 'date';
  required: boolean;
  minLength?: number;
  maxLength: number;
  choices?: string[];
  fromCard?: 'name' | 'maskedNumber' | 'birthDate' | 'sex';
  reuse?: boolean;
  value: string;
  origin: 'card' | 'earlier' | null;
  offered: string | null;
}

export interface KioskIntakeDraft {
  item: KioskIntakeItem;
  fields: KioskIntakeField[];
}

export interface KioskIntakeSigned {
  serviceId: string;
  material: string;
  textVersion: string;
  signedAt: number;
  signedAtText: string;
}

export interface KioskIntakeMaterialOutcome {
  name: string;
  how: KioskIntakeMaterialKind;
  source?: string;
  ticket?: string;
  slot?: string;
}

export interface KioskIntakeApplication {
  serial: string;
  serviceId: string;
  serviceName: string;
  state: 'pending' | 'accepted' | 'returned' | 'rejected';
  stateName: string;
  maskedNumber: string;
  submittedAt: number;
  submittedAtText: string;
  materials: KioskIntakeMaterialOutcome[];
  commitments: Array<{ material: string; textVersion: string; signedAtText: string }>;
  timeLimitDays: number;
  nextStep: string;
  reason: string | null;
  repeated: boolean;
}

export interface KioskIntakeSubmitResult {
  application: KioskIntakeApplication;
  /** The application receipt (申请回执) on the kiosk's printer. */
  print: KioskPrintOutcome;
}
