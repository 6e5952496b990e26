/**
 * Candidates from the `sqlite-vec` extension: `vec_distance_cosine` over the stored BLOBs (they are already
 * the little-endian float32 vectors sqlite-vec reads), sorted and cut inside SQLite, on a read-only
 * connection of its own that is allowed to load extensions. A large table is split into rowid ranges scanned
 * at once by this thread and workers (`_search_parts.ts`). sqlite-vec works in float32, so a few more
 * candidates than asked for are taken and scored exactly; if the float32 distances leave any doubt about the
 * last place, more are taken.
 *
 * The connection reads the file memory-mapped (see `_search_parts.ts`) and keeps SQLite's default
 * `cache_size`: each search reads every page once on a new connection, where a larger page cache only adds
 * allocations (bench/embeddings_steps.ts measures both).
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { type SqliteVecLibrary, sqliteVecLibrary } from "./sqlite_vec_library.ts";
import { encode } from "./codec.ts";
import { type Candidate, type EngineResult, rescore, type SearchQuery, whereClause } from "./search.ts";
import {
  mapFile,
  type PartWorker,
  rowidParts,
  type RowidRange,
  runParts,
  startWorkers,
} from "./_search_parts.ts";

/** Opens `path` read-only and memory-mapped on a connection allowed to load extensions (none loaded yet). */
export function openForExtensions(path: string): DatabaseSync {
  let conn: DatabaseSync;
  try {
    conn = new DatabaseSync(path, {
      readOnly: true,
      allowExtension: true,
      enableForeignKeyConstraints: false,
    });
  } catch (error) {
    throw new Error(`SQLite refused to allow extensions (${(error as Error).message})`, { cause: error });
  }
  conn.exec("PRAGMA busy_timeout = 5000");
  return mapFile(conn);
}

/** Loads the sqlite-vec library at `extension` into `conn`; closes `conn` when that fails. */
export function loadSqliteVecInto(conn: DatabaseSync, extension: string): DatabaseSync {
  try {
    conn.loadExtension(extension);
    return conn;
  } catch (error) {
    conn.close();
    throw new Error(`sqlite-vec could not be loaded (${(error as Error).message})`, { cause: error });
  }
}

/**
 * Loads sqlite-vec into `conn` and returns the library's path. A remembered path that does not load is
 * forgotten: the package names the file again. Closes `conn` when loading fails.
 */
export async function loadSqliteVecLibrary(conn: DatabaseSync): Promise<string> {
  let library: SqliteVecLibrary;
  try {
    library = await sqliteVecLibrary();
    if (library.remembered) {
      if (loads(conn, library.path)) return library.path;
      library = await sqliteVecLibrary({ fresh: true });
    }
  } catch (error) {
    conn.close();
    throw error;
  }
  loadSqliteVecInto(conn, library.path);
  return library.path;
}

/** Whether the library at `path` loads into `conn` (it is then loaded). */
function loads(conn: DatabaseSync, path: string): boolean {
  try {
    conn.loadExtension(path);
    return true;
  } catch {
    return false;
  }
}

/** Opens `path` read-only with sqlite-vec loaded. */
export async function openWithSqliteVec(path: string): Promise<DatabaseSync> {
  const conn = openForExtensions(path);
  await loadSqliteVecLibrary(conn);
  return conn;
}

/** Candidates by float32 distance: the best `limit`, whether every row was seen, and the bound on the rest. */
interface CandidateSet {
  rows: Candidate[];
  exhausted: boolean;
  /** Every row not returned is at least this far. */
  bound: number;
}

/** The best `limit` candidates by sqlite-vec's distance, the table split across workers when large. */
async function candidates(
  conn: DatabaseSync,
  path: string,
  extension: string,
  parts: RowidRange[],
  workers: PartWorker[],
  query: SearchQuery,
  limit: number,
): Promise<CandidateSet> {
  const { sql, args } = whereClause(query);
  const text = `SELECT rowid, vec_distance_cosine(embedding, ?) AS distance FROM embeddings WHERE ${sql} ` +
    "AND rowid BETWEEN ? AND ? ORDER BY distance LIMIT ?";
  const blob = encode(query.vector);
  const params = (range: RowidRange) => [blob, ...args, range[0], range[1], limit];
  const results = await runParts(
    parts,
    workers,
    (range) => ({ engine: "sqlite-vec", path, extension, sql: text, params: params(range) }),
    (range) => conn.prepare(text).all(...params(range)) as unknown as Candidate[],
  );
  const full = results.filter((rows) => rows.length >= limit);
  const rows = results.flat().sort((a, b) => a.distance - b.distance).slice(0, limit);
  return {
    rows,
    exhausted: full.length === 0,
    bound: Math.min(...full.map((r) => r[r.length - 1].distance)),
  };
}

/** The exact top `query.number` hits, with sqlite-vec finding the candidates, and the number of parts. */
export async function searchWithSqliteVec(path: string, query: SearchQuery): Promise<EngineResult> {
  const conn = openForExtensions(path);
  let workers: PartWorker[] = [];
  try {
    const parts = rowidParts(conn);
    // The workers start up while this thread loads sqlite-vec; they get its path rather than importing it.
    workers = startWorkers(parts);
    const extension = await loadSqliteVecLibrary(conn);
    // Worst-case error of a float32 cosine over n dimensions, summed in order: about n units in the last place.
    const slack = 2 * query.vector.length * 2 ** -24 + 1e-7;
    let limit = query.number + Math.max(query.number, 10);
    while (true) {
      const found = await candidates(conn, path, extension, parts, workers, query, limit);
      const hits = rescore(conn, found.rows, query);
      if (found.exhausted || hits.length === 0) return { hits, parts: parts.length };
      const last = hits.at(-1)!;
      const lastDistance = found.rows.find((r) => r.rowid === last.rowid)!.distance;
      // Every row not fetched is at least `bound` away; past the slack it cannot take a place.
      if (found.bound - lastDistance > slack) return { hits, parts: parts.length };
      limit *= 4;
    }
  } finally {
    for (const worker of workers) worker.close();
    if (conn.isOpen) conn.close();
  }
}
