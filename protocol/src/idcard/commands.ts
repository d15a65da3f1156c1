/**
 * Named builders for every host command in id-reader-sam.md, "Commands", and the reverse lookup the simulator
 * uses to recognise a received command.
 */
import { buildSamCommand, type SamCommand } from './frame.ts';

/** CMD PARA of each command (spec "Commands" table). `setBaud` uses PARA as the rate code. */
export const SAM_COMMAND_CODES = {
  reset: { cmd: 0x10, para: 0xff },
  status: { cmd: 0x11, para: 0xff },
  samId: { cmd: 0x12, para: 0xff },
  find: { cmd: 0x20, para: 0x01 },
  select: { cmd: 0x20, para: 0x02 },
  readBase: { cmd: 0x30, para: 0x01 },
  readBaseFingerprint: { cmd: 0x30, para: 0x10 },
  readAppendedAddress: { cmd: 0x30, para: 0x03 },
  setMaxRfBytes: { cmd: 0x61, para: 0xff },
  setBaud: { cmd: 0x60, para: 0x00 },
} as const;

export type SamCommandName = keyof typeof SAM_COMMAND_CODES;

/** Rate codes of `60 nn` (spec: "00=115200 01=57600 02=38400 03=19200 04=9600 (one source only)"). */
export const SAM_BAUD_CODES: Readonly<Record<number, number>> = {
  115200: 0x00,
  57600: 0x01,
  38400: 0x02,
  19200: 0x03,
  9600: 0x04,
};

/** Baud rate for a `60 nn` rate code, or undefined for a code the spec does not list. */
export function samBaudForCode(code: number): number | undefined {
  for (const [baud, c] of Object.entries(SAM_BAUD_CODES)) if (c === code) return Number(baud);
  return undefined;
}

function build(name: Exclude<SamCommandName, 'setBaud' | 'setMaxRfBytes'>): Uint8Array {
  const { cmd, para } = SAM_COMMAND_CODES[name];
  return buildSamCommand(cmd, para);
}

/** 10 FF: reset the SAM. */
export const buildSamReset = (): Uint8Array => build('reset');
/** 11 FF: SAM status / self-test (90 ok, 60 self-test failed). */
export const buildSamStatus = (): Uint8Array => build('status');
/** 12 FF: read the 16-byte SAM ID. */
export const buildSamReadId = (): Uint8Array => build('samId');
/** 20 01: find a card (9F found, 80 no card). */
export const buildSamFindCard = (): Uint8Array => build('find');
/** 20 02: select the found card (90 ok, 81 failed). */
export const buildSamSelectCard = (): Uint8Array => build('select');
/** 30 01: read text + photo. */
export const buildSamReadBase = (): Uint8Array => build('readBase');
/** 30 10: read text + photo + fingerprint. */
export const buildSamReadBaseFingerprint = (): Uint8Array => build('readBaseFingerprint');
/** 30 03: read the appended address (追加住址). */
export const buildSamReadAppendedAddress = (): Uint8Array => build('readAppendedAddress');

/** 61 FF nn: largest RF frame the SAM may use (commonly 0x50 = 80, the `set_max_rf_bytes_80` vector). */
export function buildSamSetMaxRfBytes(maxBytes: number): Uint8Array {
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > 0xff) {
    throw new Error(`max RF bytes must be an integer 1..255, got ${String(maxBytes)}`);
  }
  const { cmd, para } = SAM_COMMAND_CODES.setMaxRfBytes;
  return buildSamCommand(cmd, para, Uint8Array.of(maxBytes));
}

/** 60 nn: change the SAM's line rate. Only the rates in SAM_BAUD_CODES exist. */
export function buildSamSetBaud(baud: number): Uint8Array {
  const code = SAM_BAUD_CODES[baud];
  if (code === undefined) {
    throw new Error(`SAM baud rate must be one of ${Object.keys(SAM_BAUD_CODES).join(', ')}, got ${String(baud)}`);
  }
  return buildSamCommand(SAM_COMMAND_CODES.setBaud.cmd, code);
}

/** Which command a received CMD PARA is, or undefined for one the spec does not list. */
export function identifySamCommand(c: Pick<SamCommand, 'cmd' | 'para'>): SamCommandName | undefined {
  if (c.cmd === SAM_COMMAND_CODES.setBaud.cmd) return 'setBaud';
  for (const [name, code] of Object.entries(SAM_COMMAND_CODES) as [SamCommandName, { cmd: number; para: number }][]) {
    if (code.cmd === c.cmd && code.para === c.para) return name;
  }
  return undefined;
}
