// Electronic certificate identifiers (hall-rules.md "Electronic certificates").
export * from './iso7064.ts';
export * from './identifier.ts';
