/**
 * Candidates from the `sqlite-vec` extension: `vec_distance_cosine` over the stored BLOBs (they are already
 * the little-endian float32 vectors sqlite-vec reads), sorted and cut inside SQLite, on a read-only
 * connection of its own that is allowed to load extensions. sqlite-vec works in float32, so a few more
 * candidates than asked for are taken and scored exactly; if the float32 distances leave any doubt about the
 * last place, more are taken.
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { lazyImport } from "../lazy_import.ts";
import { encode } from "./codec.ts";
import { type Candidate, rescore, type SearchHit, type SearchQuery, whereClause } from "./search.ts";

/** Opens `path` read-only with sqlite-vec loaded. */
export async function openWithSqliteVec(path: string): Promise<DatabaseSync> {
  const { loadSqliteVec } = await lazyImport<typeof import("../deps/sqlite_vec.ts")>(
    "../deps/sqlite_vec.ts",
    import.meta.url,
  );
  const vec = await loadSqliteVec();
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
  try {
    conn.loadExtension(vec.getLoadablePath());
    conn.exec("PRAGMA busy_timeout = 5000");
    return conn;
  } catch (error) {
    conn.close();
    throw new Error(`sqlite-vec could not be loaded (${(error as Error).message})`, { cause: error });
  }
}

/** The version sqlite-vec reports, e.g. `v0.1.9` (loads it). */
export async function sqliteVecVersion(): Promise<string> {
  const conn = await openWithSqliteVec(":memory:");
  try {
    return String((conn.prepare("SELECT vec_version() AS v").get() as { v: string }).v);
  } finally {
    conn.close();
  }
}

/** The exact top `query.number` hits, with sqlite-vec finding the candidates. */
export async function searchWithSqliteVec(path: string, query: SearchQuery): Promise<SearchHit[]> {
  const conn = await openWithSqliteVec(path);
  try {
    const { sql, args } = whereClause(query);
    const statement = conn.prepare(
      `SELECT rowid, id, vec_distance_cosine(embedding, ?) AS distance FROM embeddings WHERE ${sql} ` +
        "ORDER BY distance LIMIT ?",
    );
    const blob = encode(query.vector);
    // Worst-case error of a float32 cosine over n dimensions, summed in order: about n units in the last place.
    const slack = 2 * query.vector.length * 2 ** -24 + 1e-7;
    let limit = query.number + Math.max(query.number, 10);
    while (true) {
      const rows = statement.all(blob, ...args, limit) as unknown as Candidate[];
      const hits = rescore(conn, rows, query);
      if (rows.length < limit || hits.length === 0) return hits;
      const last = hits.at(-1)!;
      const lastDistance = rows.find((r) => r.rowid === last.rowid)!.distance;
      // Every row not fetched is at least as far as the farthest fetched; past the slack it cannot win.
      if (rows[rows.length - 1].distance - lastDistance > slack) return hits;
      limit *= 4;
    }
  } finally {
    conn.close();
  }
}
