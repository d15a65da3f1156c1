/**
 * The scanner driver's events, typed on the bridge's `DeviceDriverEventMap` by declaration merging, and the one
 * function that turns a scanned code into what may leave the bridge. A code can be a bearer token (a mobile identity
 * code, a hand-off link): its bytes stay in the bridge (`codeRead`), and sockets get `codeScanned`, a short preview
 * and the length only. Whatever later gives a code meaning consumes `codeRead` and validates it like any other
 * untrusted input (qr-scanner.md "What a bridge does with it").
 */
import type { CodeScannedEvent, QrCodeEncoding } from '@onedoor/protocol';
import { qrCodePreview } from '@onedoor/protocol';
import type { DeviceDriver } from '../driver.ts';

export interface ScannedCode {
  deviceId: string;
  /** The code's bytes as read (bridge-internal: never log or send them whole). */
  bytes: Uint8Array;
  /** The code as text (UTF-8, or GB18030 for a GBK code). */
  text: string;
  encoding: QrCodeEncoding;
  /** Epoch ms when its last byte was decoded. */
  at: number;
  /** Per driver, from 1: tells two equal codes apart. */
  seq: number;
}

declare module '../driver.ts' {
  interface DeviceDriverEventMap {
    /** QR scanners: a code was read (once per presentation). Carries the whole code: see `ScannedCode`. */
    codeRead: [code: ScannedCode];
  }
}

/** The `/kiosk` and `/tech` `codeScanned` payload: preview and length, never the whole code. */
export function toCodeScannedEvent(code: ScannedCode): CodeScannedEvent {
  return { deviceId: code.deviceId, seq: code.seq, length: code.bytes.length, preview: qrCodePreview(code.bytes), encoding: code.encoding, at: code.at };
}

export interface ScannerEventSink {
  codeScanned(event: CodeScannedEvent): void;
}

/** Forwards every driver's codes to `sink` as `codeScanned`; drivers that never read codes cost nothing. */
export function forwardScannerEvents(drivers: Iterable<DeviceDriver>, sink: ScannerEventSink): () => void {
  return onScannedCodes(drivers, (c) => sink.codeScanned(toCodeScannedEvent(c)));
}

/** Hands every driver's whole codes to `consume` (bridge-internal: api/scannedCodes.ts gives them meaning). */
export function onScannedCodes(drivers: Iterable<DeviceDriver>, consume: (code: ScannedCode) => void): () => void {
  const offs: Array<() => void> = [];
  for (const d of drivers) {
    d.on('codeRead', consume);
    offs.push(() => d.off('codeRead', consume));
  }
  return () => {
    for (const off of offs.splice(0)) off();
  };
}
