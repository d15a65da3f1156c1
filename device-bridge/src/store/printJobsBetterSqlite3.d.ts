// The slice of better-sqlite3 12 the print job store uses (the package ships no types and @types/better-sqlite3 is
// not installed). Kept minimal: add members here when a store needs them.
declare module 'better-sqlite3' {
  export interface RunResult {
    changes: number;
    lastInsertRowid: number | bigint;
  }
  export interface Statement {
    run(...params: unknown[]): RunResult;
    get(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
  }
  export interface DatabaseOptions {
    readonly?: boolean;
    fileMustExist?: boolean;
    /** ms to wait on a locked database. */
    timeout?: number;
  }
  class Database {
    constructor(filename: string, options?: DatabaseOptions);
    readonly open: boolean;
    pragma(source: string, options?: { simple?: boolean }): unknown;
    exec(source: string): this;
    prepare(source: string): Statement;
    transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
    /** A SQL function implemented in JavaScript (the hall store's masking for retention). */
    function(name: string, options: { deterministic?: boolean }, fn: (...args: unknown[]) => unknown): this;
    /** SQLite's online backup API into `destination` (the hall's scheduled backups, store/hallBackup.ts). */
    backup(destination: string, options?: { attached?: string; progress?: (info: { totalPages: number; remainingPages: number }) => number }): Promise<{ totalPages: number; remainingPages: number }>;
    close(): this;
  }
  export default Database;
}
