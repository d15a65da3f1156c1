// Simulated ID card reader (GA 467 SAM in transparent mode). See reader-sim.ts for behaviour and actions.
export { IdReaderSim, SAM_STATES, type SamState, type CardPhase, type IdReaderSimOptions, type IdReaderReadEvent } from './reader-sim.ts';
export { loadCardLibrary, parseCardFile, simulatedPhoto, simulatedFingerprint, DEFAULT_CARDS_PATH, type CardEntry, type CardLibrary } from './library.ts';
export {
  ID_READER_TYPICAL_TIMING,
  ID_READER_FAST_TIMING,
  resolveIdReaderTiming,
  type IdReaderTiming,
  type DelayMs,
} from './timing.ts';
export { ID_READER_FAULT_KINDS, ID_READER_FAULT_HELP, ID_READER_GARBAGE, type IdReaderFaultKind } from './faults.ts';
