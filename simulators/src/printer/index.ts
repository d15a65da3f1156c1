// The simulated ESC/POS ticket printer (escpos.md): behaviour model, ticket composer and renderers.
export { PrinterSim, type PrinterSimOptions, type PrintedTicket, type PrinterLogEntry } from './printer-sim.ts';
export { TicketComposer } from './composer.ts';
export { ticketToText } from './ticket-text.ts';
export { renderTicketPng, renderTicketBits, CJK_FONT_PATH } from './ticket-png.ts';
export { encodePng1Bit, type BitImage } from './png-1bit.ts';
export { buildCode128, type Code128Symbol } from './code128.ts';
export type { PaperBlock, Glyph, GlyphStyle, PaperAlign } from './paper.ts';
