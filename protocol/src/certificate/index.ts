// filled in by the certificate codec work; see ../index.ts
export {};
