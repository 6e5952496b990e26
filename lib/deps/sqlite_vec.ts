/**
 * The one place that loads the `sqlite-vec` package (the SQLite vector extension, with its platform package
 * holding the compiled `vec0` library), lazily: only `llm similar` and `Collection.similar*` need it.
 * @module
 */

/** The `sqlite-vec` module. */
export type SqliteVecModule = typeof import("npm:sqlite-vec@^0.1.9");

let cached: Promise<SqliteVecModule> | undefined;

/** Imports the `sqlite-vec` package on first use. */
export function loadSqliteVec(): Promise<SqliteVecModule> {
  cached ??= import("npm:sqlite-vec@^0.1.9");
  return cached;
}
