/**
 * Candidates from the `sqlite-vec` extension: `vec_distance_cosine` over the stored BLOBs (they are already
 * the little-endian float32 vectors sqlite-vec reads), sorted and cut inside SQLite, on a read-only
 * connection of its own that is allowed to load extensions. A table of 20,000 rows or more is split into
 * rowid ranges scanned at once, one a core (up to four), by this thread and workers. sqlite-vec works in
 * float32, so a few more candidates than asked for are taken and scored exactly; if the float32 distances
 * leave any doubt about the last place, more are taken.
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

/** Collections of at least this many rows are scanned in parallel parts. */
const PARALLEL_ROWS = 20_000;

/** Candidates by float32 distance: the best `limit`, whether every row was seen, and the bound on the rest. */
interface CandidateSet {
  rows: Candidate[];
  exhausted: boolean;
  /** Every row not returned is at least this far. */
  bound: number;
}

/** The rowid ranges to scan in parallel: one a core (at most four), or one range for small tables. */
function rowidParts(conn: DatabaseSync): [number, number][] {
  const { lo, hi } = conn.prepare("SELECT min(rowid) AS lo, max(rowid) AS hi FROM embeddings").get() as {
    lo: number | null;
    hi: number | null;
  };
  const cores = Math.min(4, navigator.hardwareConcurrency || 1);
  if (lo === null || hi === null || hi - lo + 1 < PARALLEL_ROWS || cores < 2) {
    return [[-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]];
  }
  const size = Math.ceil((hi - lo + 1) / cores);
  return Array.from(
    { length: cores },
    (_, i) => [lo + i * size, i === cores - 1 ? hi : lo + (i + 1) * size - 1],
  );
}

/** Runs one part in a worker (async, so that a worker that cannot even be created is a rejection too). */
async function inWorker(
  path: string,
  sql: string,
  params: (string | number | Uint8Array)[],
): Promise<Candidate[]> {
  const worker = new Worker(new URL("./_search_worker.ts", import.meta.url).href, { type: "module" });
  return await new Promise<Candidate[]>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<{ rows?: Candidate[]; error?: string }>) => {
      if (event.data.error !== undefined) reject(new Error(event.data.error));
      else resolve(event.data.rows ?? []);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(event.message));
    };
    worker.postMessage({ path, sql, params });
  }).finally(() => worker.terminate());
}

/** The best `limit` candidates by sqlite-vec's distance, the table split across workers when large. */
async function candidates(
  conn: DatabaseSync,
  path: string,
  parts: [number, number][],
  query: SearchQuery,
  limit: number,
): Promise<CandidateSet> {
  const { sql, args } = whereClause(query);
  const text =
    `SELECT rowid, id, vec_distance_cosine(embedding, ?) AS distance FROM embeddings WHERE ${sql} ` +
    "AND rowid BETWEEN ? AND ? ORDER BY distance LIMIT ?";
  const blob = encode(query.vector);
  const params = (part: [number, number]) => [blob, ...args, part[0], part[1], limit];
  const [mine, ...others] = parts;
  // A part whose worker cannot start (a sandbox without workers, say) is scanned here afterwards.
  const pending = others.map((part) =>
    inWorker(path, text, params(part)).catch(() =>
      conn.prepare(text).all(...params(part)) as unknown as Candidate[]
    )
  );
  // This thread scans the first part while the workers scan the others.
  const results = [
    conn.prepare(text).all(...params(mine)) as unknown as Candidate[],
    ...await Promise.all(pending),
  ];
  const full = results.filter((rows) => rows.length >= limit);
  const rows = results.flat().sort((a, b) => a.distance - b.distance).slice(0, limit);
  return {
    rows,
    exhausted: full.length === 0,
    bound: Math.min(...full.map((r) => r[r.length - 1].distance)),
  };
}

/** The exact top `query.number` hits, with sqlite-vec finding the candidates. */
export async function searchWithSqliteVec(path: string, query: SearchQuery): Promise<SearchHit[]> {
  const conn = await openWithSqliteVec(path);
  try {
    const parts = rowidParts(conn);
    // Worst-case error of a float32 cosine over n dimensions, summed in order: about n units in the last place.
    const slack = 2 * query.vector.length * 2 ** -24 + 1e-7;
    let limit = query.number + Math.max(query.number, 10);
    while (true) {
      const found = await candidates(conn, path, parts, query, limit);
      const hits = rescore(conn, found.rows, query);
      if (found.exhausted || hits.length === 0) return hits;
      const last = hits.at(-1)!;
      const lastDistance = found.rows.find((r) => r.rowid === last.rowid)!.distance;
      // Every row not fetched is at least `bound` away; past the slack it cannot take a place.
      if (found.bound - lastDistance > slack) return hits;
      limit *= 4;
    }
  } finally {
    conn.close();
  }
}
