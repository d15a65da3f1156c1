/**
 * `/kiosk` contract of collecting a finished application's result (README "Collecting results (领取结果)"): how the
 * citizen gets a 办结 result, chosen among the service item's ways: at a counter (a pickup ticket), by post (the
 * address, a printed slip) or electronic only (a certificate in the citizen's list). Masked numbers only.
 */
import type { KioskCertificate, KioskPrintOutcome, KioskTicket } from './kiosk.ts';

/** How a result is collected (the catalogue's `resultCollection` of the service item). */
export const RESULT_COLLECTION_MODES = ['counter', 'post', 'electronic'] as const;
export type ResultCollectionMode = (typeof RESULT_COLLECTION_MODES)[number];

/**
 * waiting: the address is taken, the parcel is still to be sent; ticketIssued: a pickup ticket waits for the counter;
 * collected: handed out at a window; posted: the parcel went out; issued: the certificate is in the citizen's list.
 */
export const RESULT_COLLECTION_STATES = ['waiting', 'ticketIssued', 'collected', 'posted', 'issued'] as const;
export type ResultCollectionState = (typeof RESULT_COLLECTION_STATES)[number];

/** One finished application whose result the citizen can collect, or has chosen how to. */
export interface KioskResultOffer {
  serial: string;
  serviceName: string;
  /** When the application reached 办结 (epoch ms) and as the hall writes it. */
  doneAt: number;
  doneAtText: string;
  /** The ways the service item offers, in the catalogue's order. */
  modes: ResultCollectionMode[];
  /** null: not chosen yet. */
  mode: ResultCollectionMode | null;
  state: ResultCollectionState | null;
  /** The pickup ticket's number (counter). */
  ticketNumber: string | null;
  /** The certificate issued (electronic): its type name. */
  certificateTypeName: string | null;
  /** For post, before it is chosen: the address and phone from the citizen's earlier forms, offered with one tap. */
  earlierAddress: string | null;
  earlierPhone: string | null;
  /** Collected at a window: when and which. */
  collectedAtText: string | null;
  window: number | null;
}

export interface KioskResultCollectResult {
  offer: KioskResultOffer;
  /** counter: the pickup ticket (printed like every ticket). */
  ticket?: KioskTicket;
  /** electronic: the certificate now in the citizen's list. */
  certificate?: KioskCertificate;
  /** counter: the ticket; post: the posting slip. Absent for electronic. */
  print?: KioskPrintOutcome;
}

/** A parcel to send (post chosen, not posted yet): what the clerk writes on it. Staff only (hall role). */
export interface HallResultParcel {
  serial: string;
  serviceName: string;
  maskedNumber: string;
  recipient: string;
  address: string;
  phone: string;
  chosenAtText: string;
}

/** A finished application whose result nobody collected after `afterDays` days. */
export interface HallUncollectedResult {
  serial: string;
  serviceName: string;
  maskedNumber: string;
  doneAtText: string;
  /** Whole days since it was finished. */
  days: number;
  mode: ResultCollectionMode | null;
  state: ResultCollectionState | null;
  ticketNumber: string | null;
}

/** `GET /api/hall/results` (managers): parcels to send and uncollected results, counted. */
export interface HallResultsBoard {
  afterDays: number;
  parcels: HallResultParcel[];
  uncollected: HallUncollectedResult[];
  counts: { parcelsToSend: number; uncollected: number };
}

/** `POST /api/hall/results/:serial/collected` {window} and `.../posted`: the record as it now stands. */
export interface HallResultRecorded {
  serial: string;
  mode: ResultCollectionMode;
  state: ResultCollectionState;
  window: number | null;
  finishedAtText: string | null;
}
