export { WirePacer, byteWireMs, checkBaud, type WirePacerOptions } from './wire-pacer.ts';
export { TcpLink, type TcpLinkOptions } from './tcp-link.ts';
export { PtyLink, DEFAULT_PTY_DIR, type PtyLinkOptions } from './pty-link.ts';
export { SocatMissingError, findOnPath, requireSocat } from './socat.ts';
export {
  startSimulator,
  createLink,
  type StartSimulatorOptions,
  type RunningSimulator,
} from './start-simulator.ts';
export type { LinkKind, LinkSnapshot, SimLink, LinkLogEntry } from './types.ts';
