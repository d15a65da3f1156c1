/**
 * Technician console contract (README "For technicians: the console", with its access rules): who
 * is logged in, the per-device frame log the bridge keeps, and what `/api/tech/devices` returns.
 * Plain types only (the browser imports them).
 */
import type { DeviceStatus } from './status.ts';

/**
 * Roles of the people who log in (README "For technicians: the console", access: users with roles
 * manager and technician; README "Running a district": the district manager, read-only over every hall of the
 * database).
 */
export const STAFF_ROLES = ['manager', 'technician', 'clerk', 'district'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** `GET /api/me` and the body of a successful `POST /api/login`. */
export interface StaffSession {
  user: string;
  role: StaffRole;
  /**
   * Whether this session may run device actions and simulator controls on `/tech`. Technicians act; managers
   * may look at the console but not act (documented decision: acting on devices is the technician's job).
   */
  canAct: boolean;
  /** Epoch ms: the session ends at the latest then (absolute lifetime). */
  expiresAt: number;
  /** Idle limit in ms: a session unused this long ends. */
  idleMs: number;
}

/** `rx`: a frame the bridge decoded from the device; `tx`: bytes the bridge wrote to it. */
export type DeviceFrameDirection = 'rx' | 'tx';

/**
 * One entry of a device's frame log (a bounded ring of the last frames). Never holds personal data: the ID reader's
 * read replies keep only SW3 and lengths, print jobs only their size and first bytes.
 */
export interface DeviceFrameEntry {
  /** Increases by one per entry of this device since the bridge started; a client asks for entries after it. */
  seq: number;
  /** Epoch ms. */
  at: number;
  dir: DeviceFrameDirection;
  /** Frame length in bytes on the wire. */
  length: number;
  /** Hex of the frame (masked or shortened where it would carry personal data or be long), e.g. `AA AA AA 96 69 …`. */
  hex: string;
  /** One decoded line, e.g. `find card (20 01)` or `SW3 90 success, text 256 B, photo 1024 B (masked)`. */
  summary: string;
}

/** `deviceFrames` on `/tech`: new entries of one device since the last such event. */
export interface DeviceFramesEvent {
  deviceId: string;
  entries: DeviceFrameEntry[];
}

/** A driver action as the console offers it (self-tests: SAM status, print a test page, identify a terminal). */
export interface TechDeviceAction {
  name: string;
  help: string;
  args: string[];
}

/** `GET /api/tech/devices`: every device with its actions and its frame log. */
export interface TechDeviceInfo {
  status: DeviceStatus;
  actions: TechDeviceAction[];
  frames: DeviceFrameEntry[];
}
