/**
 * The one place that loads `node:sqlite`, on first use rather than with the library: importing it costs a
 * Deno process about a tenth of an empty `deno run` (it loads part of Deno's Node compatibility layer and
 * allocates enough to bring on a garbage collection), which a script that imports mod.ts only to list models
 * or prompt one should not pay.
 *
 * Asynchronous paths call {@link loadSqlite} before they open a database (the CLI's commands import
 * `sqlite_ready.ts`, which does it as they load). A synchronous first use ({@link sqlite}, e.g. `LogStore.open()`
 * before anything else touched SQLite) still works, through `process.getBuiltinModule`, which costs more once.
 * @module
 */
import type * as SqliteModule from "node:sqlite";

/** The `node:sqlite` module. */
export type Sqlite = typeof SqliteModule;

let loaded: Sqlite | undefined;

/** Imports `node:sqlite` (once) and returns it. */
export async function loadSqlite(): Promise<Sqlite> {
  loaded ??= await import("node:sqlite");
  return loaded;
}

/** `node:sqlite`, loaded synchronously if no {@link loadSqlite} came first. */
export function sqlite(): Sqlite {
  loaded ??= (globalThis as unknown as { process: { getBuiltinModule(id: string): Sqlite } }).process
    .getBuiltinModule("node:sqlite");
  return loaded;
}
