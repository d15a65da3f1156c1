// Bridge configuration: the zod schema of the JSON file and its loader.
export * from './schema.ts';
export * from './load.ts';
export * from './site.ts';
