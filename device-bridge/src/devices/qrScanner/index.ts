// The QR scanner driver: registers itself for kind `qrscanner` (listed in ../builtin.ts).
import { driverRegistry } from '../registry.ts';
import { QrScannerDriver } from './driver.ts';

driverRegistry.register('qrscanner', (spec, ctx) => new QrScannerDriver(spec, ctx));

export { QrScannerDriver } from './driver.ts';
export { forwardScannerEvents, onScannedCodes, toCodeScannedEvent, type ScannedCode, type ScannerEventSink } from './events.ts';
export { parseQrScannerOptions, qrScannerOptionProblems, qrScannerOptionsSchema, type QrScannerOptions } from './options.ts';
