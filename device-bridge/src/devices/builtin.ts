// The drivers the bridge ships with. Importing a driver module registers it in `driverRegistry` (see registry.ts).
// Each driver adds one import line here, e.g. `import './idReader/index.ts';`.
import './idReader/index.ts';
import './printer/index.ts';
import './counterBus/index.ts';
import './qrScanner/index.ts';
import './ippPrinter/index.ts';
export {};
