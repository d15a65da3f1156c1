// @onedoor/device-bridge: the Node service. Public surface for the demo launcher, tests and later issues.
export { startBridge, runCli, type BridgeHandle, type StartBridgeOptions } from './main.ts';
export * from './config/index.ts';
export * from './transport/index.ts';
export * from './devices/actor.ts';
export * from './devices/driver.ts';
export * from './devices/errors.ts';
export * from './devices/registry.ts';
export * from './devices/deviceSet.ts';
export * from './api/index.ts';
export { createLogger, silentLogger, censorPersonalField, REDACTED_LOG_PATHS, type LoggerOptions } from './log.ts';
export * from './auth/index.ts';
// The built-in drivers (each registers itself with the driver registry when imported).
export * from './devices/idReader/index.ts';
export * from './devices/printer/index.ts';
export * from './devices/counterBus/index.ts';
