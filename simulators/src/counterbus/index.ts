// Counter bus simulator: counter terminals as Modbus RTU slaves on one RS-485 line (specs/counter-bus.md).
export { CounterBusSim, type CounterBusSimOptions, type CounterBusCounters } from './counterbus-sim.ts';
export { SimTerminal, SIM_TERMINAL_MODEL, SIM_TERMINAL_FIRMWARE, type TerminalFaultBit } from './terminal.ts';
