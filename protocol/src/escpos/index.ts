// ESC/POS codec (escpos.md). A plain list of `export *` lines; exported names are unique across folders.
export * from './gb18030.ts';
export * from './encoder.ts';
export * from './status-decoder.ts';
export * from './ticket.ts';
export * from './command-decoder.ts';
export * from './status-encoder.ts';
