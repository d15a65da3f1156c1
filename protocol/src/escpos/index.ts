// filled in by the escpos codec work; see ../index.ts
export {};
