// The counter bus driver: registers itself for kind `counterbus` when imported (see ../builtin.ts).
import { driverRegistry } from '../registry.ts';
import { CounterBusDriver } from './driver.ts';

driverRegistry.register('counterbus', (spec, ctx) => new CounterBusDriver(spec, ctx));

export { CounterBusDriver, type CounterBusDriverEvents, type CounterIdentifyResult, type CounterWriteOptions } from './driver.ts';
export { counterBusOptionsSchema, parseCounterBusOptions, counterBusTiming, type CounterBusOptions, type CounterBusTiming } from './options.ts';
export { CounterTerminalBook } from './terminalBook.ts';
export { forwardCounterBusEvents, type CounterBusSink } from './forward.ts';
