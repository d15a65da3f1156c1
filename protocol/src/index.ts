// @onedoor/protocol: pure codecs (no I/O, browser-safe). Each codec family lives in its own folder.
export * from './stream.ts';
export * from './hex.ts';
