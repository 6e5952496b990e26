/**
 * Exact nearest-neighbour search over a collection, ranked by cosine similarity as Python `llm similar`
 * ranks (brute force, every vector compared). Two engines find the candidates: the `sqlite-vec` extension's
 * `vec_distance_cosine`, run inside SQLite over the float32 BLOBs as Python stores them
 * (`search_vec.ts`), or a typed-array scan in JavaScript where the extension cannot load (`search_scan.ts`).
 * Either way the candidates are scored again here in double precision, summed in order, so the scores and
 * their order are the ones Python prints.
 *
 * Which engine ran is never a secret: `LLM_EMBEDDINGS_DEBUG=1` prints it (and why sqlite-vec was not used)
 * on stderr, and with `LLM_RAISE_ERRORS` set a sqlite-vec that fails to load is an error, not a fallback.
 * `LLM_SQLITE_VEC=0` turns the extension off.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { lazyImport } from "../lazy_import.ts";
import { cosineSimilarity, decodeFloat32 } from "./codec.ts";

/** Which engine finds the candidates: `auto` tries sqlite-vec, then scans. */
export type SearchEngine = "auto" | "sqlite-vec" | "scan";

/** What to search for. */
export interface SearchQuery {
  /** The collection's row id. */
  collectionId: number;
  /** The vector to compare with (doubles, as the model returned it or decoded from a BLOB). */
  vector: ArrayLike<number>;
  /** How many results. */
  number: number;
  /** Leave out the item with this ID (searching by ID). */
  skipId?: string;
  /** Only IDs starting with this (SQL `LIKE prefix || '%'`, as Python does). */
  prefix?: string;
}

/** One result: the row, its ID and its cosine similarity. */
export interface SearchHit {
  /** The row's rowid. */
  rowid: number;
  /** The item's ID. */
  id: string;
  /** Cosine similarity to the query. */
  score: number;
}

/** What a search found, and which engine found it. */
export interface SearchResult {
  /** The hits, best first. */
  hits: SearchHit[];
  /** The engine that found the candidates. */
  engine: "sqlite-vec" | "scan";
  /** Why sqlite-vec was not used, when it was not. */
  fallbackReason?: string;
  /** Into how many rowid ranges the table was split, scanned at once (1: not split). */
  parts: number;
}

/** What an engine found: the hits and the number of parts it scanned at once. */
export interface EngineResult {
  /** The hits, best first. */
  hits: SearchHit[];
  /** The number of parts. */
  parts: number;
}

/** A candidate an engine proposes: its row and an approximate distance (smaller is closer). */
export interface Candidate {
  /** The row's rowid. */
  rowid: number;
  /** Approximate cosine distance (1 - similarity) from the engine. */
  distance: number;
}

/** The `WHERE` clause and its arguments for a query (`?1` is the collection id). */
export function whereClause(query: SearchQuery): { sql: string; args: (string | number)[] } {
  // `+collection_id` reads the table in storage order instead of hopping through the primary-key index:
  // every row is read anyway, and sequential pages read faster.
  const bits = ["+collection_id = ?"];
  const args: (string | number)[] = [query.collectionId];
  if (query.prefix) {
    bits.push("id LIKE ? || '%'");
    args.push(query.prefix);
  }
  if (query.skipId !== undefined && query.skipId !== "") {
    bits.push("id != ?");
    args.push(query.skipId);
  }
  return { sql: bits.join(" AND "), args };
}

/**
 * Scores `candidates` exactly (Python's cosine similarity over the stored float32 values) and returns the best
 * `number` with their IDs, ties in candidate order.
 */
export function rescore(db: DatabaseSync, candidates: Candidate[], query: SearchQuery): SearchHit[] {
  const select = db.prepare("SELECT id, embedding FROM embeddings WHERE rowid = ?");
  const hits = candidates.map((c, order) => {
    const row = select.get(c.rowid) as { id: string; embedding: Uint8Array | null } | undefined;
    const stored = row?.embedding ? decodeFloat32(row.embedding) : new Float32Array(0);
    return { rowid: c.rowid, id: row?.id as string, score: cosineSimilarity(stored, query.vector), order };
  });
  hits.sort((a, b) => b.score - a.score || a.order - b.order);
  return hits.slice(0, query.number).map(({ rowid, id, score }) => ({ rowid, id, score }));
}

function debug(message: string): void {
  const flag = Deno.env.get("LLM_EMBEDDINGS_DEBUG");
  if (flag && flag !== "0") console.error(`llm embeddings: ${message}`);
}

function raiseErrors(): boolean {
  const raise = Deno.env.get("LLM_RAISE_ERRORS");
  return Boolean(raise && raise !== "0");
}

/**
 * The `number` items of the collection closest to `query.vector`. `path` is the database file (sqlite-vec
 * opens its own read-only connection to it; an in-memory database is always scanned).
 */
export async function searchSimilar(
  db: DatabaseSync,
  path: string | undefined,
  query: SearchQuery,
  engine: SearchEngine = "auto",
): Promise<SearchResult> {
  if (query.number <= 0) return { hits: [], engine: "scan", parts: 0 };
  let fallbackReason: string | undefined;
  const disabled = Deno.env.get("LLM_SQLITE_VEC") === "0";
  if (engine !== "scan" && !(engine === "auto" && disabled)) {
    const { searchWithSqliteVec } = await lazyImport<typeof import("./search_vec.ts")>(
      "./search_vec.ts",
      import.meta.url,
    );
    try {
      if (!path || path === ":memory:") throw new Error("the database is in memory");
      const { hits, parts } = await searchWithSqliteVec(path, query);
      debug(`similar ran with sqlite-vec`);
      return { hits, engine: "sqlite-vec", parts };
    } catch (error) {
      if (engine === "sqlite-vec" || raiseErrors()) throw error;
      fallbackReason = error instanceof Error ? error.message : String(error);
    }
  } else {
    fallbackReason = engine === "scan" ? "the scan engine was asked for" : "LLM_SQLITE_VEC=0";
  }
  const { searchWithScan } = await lazyImport<typeof import("./search_scan.ts")>(
    "./search_scan.ts",
    import.meta.url,
  );
  debug(`similar ran with the typed-array scan (sqlite-vec not used: ${fallbackReason})`);
  const { hits, parts } = await searchWithScan(db, path, query);
  return { hits, engine: "scan", fallbackReason, parts };
}
