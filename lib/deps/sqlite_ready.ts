/**
 * Importing this module loads `node:sqlite` first (see `sqlite.ts`): the CLI's commands that open logs.db or
 * embeddings.db import it, so their synchronous opens never take the slower path.
 * @module
 */
import { loadSqlite } from "./sqlite.ts";

await loadSqlite();
