// @onedoor/simulators: simulated devices behind PTY/TCP links, with control surfaces.
export * from './core/device.ts';
export * from './link/index.ts';
export * from './hub.ts';
export * from './control/index.ts';
