/**
 * What using sqlite-vec costs a process: importing the npm package and loading the extension into an
 * in-memory database (the benchmark compares this script with `empty.ts`).
 * @module
 */
import { sqliteVecVersion } from "../lib/embeddings/search_vec.ts";

console.log(await sqliteVecVersion());
