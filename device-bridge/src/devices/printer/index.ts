// The ticket printer driver (escpos.md), registered for kind `printer`. Importing this module registers it.
import { driverRegistry } from '../registry.ts';
import { PrinterDriver } from './printerDriver.ts';

driverRegistry.register('printer', (spec, ctx) => new PrinterDriver(spec, ctx));

export { PrinterDriver, type PrintJobResult, type PrintJobSummary, type PrinterDriverDeps } from './printerDriver.ts';
export {
  PRINT_REPRINT_MARK,
  buildTicketJob,
  buildTestPageJob,
  renderPrintJob,
  parsePrintRecipe,
  type PrintRecipe,
  type PrintJobRequest,
  type TicketJobData,
} from './printJobRender.ts';
export { printerCondition, type PrinterCondition } from './printerStatus.ts';
export { parsePrinterOptions, type PrinterOptions } from './printerOptions.ts';
