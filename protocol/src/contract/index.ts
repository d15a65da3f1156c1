// filled in by the contract codec work; see ../index.ts
export {};
