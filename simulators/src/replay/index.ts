// Replay of a device-traffic recording through the simulators (README "Record and replay").
export * from './replayScript.ts';
export * from './replayDevice.ts';
