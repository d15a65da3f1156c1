// @onedoor/simulators: simulated devices behind PTY/TCP links, with control surfaces.
export * from './core/device.ts';
export * from './link/index.ts';
export * from './hub.ts';
export * from './control/index.ts';
// The device models (each also loadable on its own by the hub).
export * from './idreader/index.ts';
export * from './printer/index.ts';
export * from './counterbus/index.ts';
export * from './qrscanner/index.ts';
export * from './ippPrinter/index.ts';
// Replay of device-traffic recordings.
export * from './replay/index.ts';
