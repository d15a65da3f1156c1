// HTTP (express) and socket.io interface of the bridge.
export * from './http.ts';
export * from './socket.ts';
export * from './origins.ts';
export * from './completions.ts';
export * from './validation.ts';
