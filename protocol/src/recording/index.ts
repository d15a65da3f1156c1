// Device-traffic recordings (docs/recording-format.md): the format's encoder, its reader and the CRC it uses.
export * from './crc32.ts';
export * from './format.ts';
export * from './reader.ts';
export * from './samReplyMasker.ts';
export * from './printDataMasker.ts';
export * from './scannedCodeMasker.ts';
export * from './synthetic.ts';
