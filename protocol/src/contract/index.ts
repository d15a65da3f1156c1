// The typed bridge/UI contract: device status, the command/completion model and the socket.io event maps.
// Browser-safe plain types and constant lists; validation (zod) lives in the bridge.
export * from './status.ts';
export * from './command.ts';
export * from './events.ts';
export * from './counterBus.ts';
export * from './tech.ts';
export * from './kiosk.ts';
export * from './kioskIntake.ts';
export * from './kioskResults.ts';
export * from './hallDisplay.ts';
export * from './hallDashboard.ts';
export * from './kioskLink.ts';
export * from './accessAudit.ts';
export * from './district.ts';
export * from './phone.ts';
export * from './scannedCodes.ts';
export * from './visit.ts';
