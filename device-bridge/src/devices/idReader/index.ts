// The ID card reader driver: registers itself for kind `idreader` (listed in ../builtin.ts).
import { driverRegistry } from '../registry.ts';
import { IdReaderDriver } from './driver.ts';

driverRegistry.register('idreader', (spec, ctx) => new IdReaderDriver(spec, ctx));

export { IdReaderDriver, type IdReaderDeps } from './driver.ts';
export { forwardCardEvents, toCardReadEvent, type CardEventSink, type IdCardReadout } from './events.ts';
export { assessCard, cardHolderViewOf, hallIsoDate } from './cardView.ts';
export { idReaderOptionsSchema, idReaderTimeouts, parseIdReaderOptions, serialWireMs, type IdReaderOptions, type IdReaderTimeouts } from './options.ts';
