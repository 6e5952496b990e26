/**
 * What using sqlite-vec costs a process (the benchmark compares this script with `empty.ts`): finding the
 * library, then loading it into an in-memory database and asking its version. With `fresh` the library is
 * found by importing the npm package (a first search); without, through the path remembered in the user
 * directory (every later search).
 *
 * ```sh
 * deno run -A bench/sqlite_vec_load.ts [fresh]
 * ```
 * @module
 */
import { loadSqliteVecInto, openForExtensions } from "../lib/embeddings/search_vec.ts";
import { sqliteVecLibrary } from "../lib/embeddings/sqlite_vec_library.ts";

const { path } = await sqliteVecLibrary({ fresh: Deno.args[0] === "fresh" });
const conn = loadSqliteVecInto(openForExtensions(":memory:"), path);
console.log((conn.prepare("SELECT vec_version() AS v").get() as { v: string }).v);
conn.close();
