// ID card reader (GA 467 SAM, transparent mode): frames, commands, responses, text block, ID numbers.
// Spec: ../shared/specs/id-reader-sam.md. Names are unique across protocol/ folders (see ../index.ts).
export * from './frame.ts';
export * from './decoder.ts';
export * from './commands.ts';
export * from './status.ts';
export * from './responses.ts';
export * from './holder.ts';
export * from './textBlock.ts';
export * from './codes.ts';
export * from './idNumber.ts';
export * from './validateHolder.ts';
export { decodeUcs2Le, encodeUcs2LeInto, trimCardPadding } from './ucs2.ts';
