// The A4 document printer simulator: CUPS's ippeveprinter, a real IPP printer.
export * from './ippEvePrinter.ts';
