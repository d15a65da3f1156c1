// @onedoor/protocol: pure codecs (no I/O, browser-safe). Each codec family lives in its own folder; exported
// names are unique across folders (prefixed where a plain name would clash, e.g. `samFrameDecoder`, `modbusCrc16`).
export * from './stream.ts';
export * from './hex.ts';
export * from './idcard/index.ts';
export * from './escpos/index.ts';
export * from './counterbus/index.ts';
export * from './qrscanner/index.ts';
export * from './certificate/index.ts';
export * from './ipp/index.ts';
export * from './recording/index.ts';
export * from './contract/index.ts';
