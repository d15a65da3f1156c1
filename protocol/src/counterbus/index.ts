// filled in by the counterbus codec work; see ../index.ts
export {};
