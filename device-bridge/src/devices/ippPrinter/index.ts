// The A4 document printer driver (IPP), registered for kind `docprinter`. Importing this module registers it.
import { driverRegistry } from '../registry.ts';
import { DocPrinterDriver } from './docPrinterDriver.ts';

driverRegistry.register('docprinter', (spec, ctx) => new DocPrinterDriver(spec, ctx));

export { DocPrinterDriver, type DocPrintRecipe, type DocPrintJobResult, type DocPrintJobSummary } from './docPrinterDriver.ts';
export { COPY_PURPOSES, renderA4CertificateCopy, printingMark, MISSING_MARK, type CopyPurpose, type A4CopyInput } from './certificatePdf.ts';
export { docPrinterCondition } from './ippStatus.ts';
export { IppClient, IppClientError } from './ippClient.ts';
