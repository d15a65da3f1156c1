// filled in by the idcard codec work; see ../index.ts
export {};
