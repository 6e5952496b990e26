/**
 * Candidates from a scan in JavaScript, for when sqlite-vec cannot load (no `--allow-ffi`, an unsupported
 * platform, a database in memory): every BLOB is read as a float32 view and compared with the query in
 * double precision, four sums at a time, keeping the best few in a small heap; those are then scored exactly
 * in Python's order of summation. A table in a file is scanned on read-only, memory-mapped connections of the
 * search's own, a large one split into rowid ranges scanned at once by this thread and workers
 * (`_search_parts.ts`); inside a transaction it is scanned on the caller's connection alone, which alone sees
 * the transaction's changes.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { decodeFloat32 } from "./codec.ts";
import { type Candidate, type EngineResult, rescore, type SearchQuery, whereClause } from "./search.ts";
import {
  ALL_ROWS,
  openScanConnection,
  type PartWorker,
  rowidParts,
  type RowidRange,
  runParts,
  startWorkers,
} from "./_search_parts.ts";

/** Cosine similarity of `v` with the query `q` whose squared norm is `qq`, unrolled by four. */
function fastCosine(v: Float32Array, q: Float64Array, qq: number): number {
  const n = Math.min(v.length, q.length);
  let d0 = 0, d1 = 0, d2 = 0, d3 = 0, s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const a = v[i], b = v[i + 1], c = v[i + 2], d = v[i + 3];
    d0 += a * q[i];
    d1 += b * q[i + 1];
    d2 += c * q[i + 2];
    d3 += d * q[i + 3];
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  for (; i < n; i++) {
    d0 += v[i] * q[i];
    s0 += v[i] * v[i];
  }
  for (let j = n; j < v.length; j++) s0 += v[j] * v[j];
  return (d0 + d1 + d2 + d3) / (Math.sqrt(s0 + s1 + s2 + s3) * Math.sqrt(qq));
}

/** A bounded min-heap of the best `size` candidates by similarity. */
class TopK {
  readonly #size: number;
  readonly #items: { score: number; rowid: number }[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  /** The score a candidate must beat to get in (while full). */
  get threshold(): number {
    return this.#items.length < this.#size ? -Infinity : this.#items[0].score;
  }

  push(item: { score: number; rowid: number }): void {
    const heap = this.#items;
    if (heap.length < this.#size) {
      heap.push(item);
      this.#up(heap.length - 1);
    } else if (item.score > heap[0].score) {
      heap[0] = item;
      this.#down(0);
    }
  }

  sorted(): { score: number; rowid: number }[] {
    return [...this.#items].sort((a, b) => b.score - a.score || a.rowid - b.rowid);
  }

  #less(i: number, j: number): boolean {
    const a = this.#items[i], b = this.#items[j];
    return a.score < b.score || (a.score === b.score && a.rowid > b.rowid);
  }

  #up(i: number): void {
    const heap = this.#items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  #down(i: number): void {
    const heap = this.#items;
    while (true) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < heap.length && this.#less(l, m)) m = l;
      if (r < heap.length && this.#less(r, m)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  }
}

/**
 * The best `size` candidates among the rows of `range` matching `where` (`args` its arguments), by
 * similarity to `q`, best first and ties by rowid (the order the rows are read in). Runs in a worker too.
 */
export function scanRange(
  conn: DatabaseSync,
  where: string,
  args: (string | number)[],
  q: Float64Array,
  range: RowidRange,
  size: number,
): Candidate[] {
  let qq = 0;
  for (let i = 0; i < q.length; i++) qq += q[i] * q[i];
  const statement = conn.prepare(
    `SELECT rowid, embedding FROM embeddings WHERE ${where} AND rowid BETWEEN ? AND ?`,
  );
  const top = new TopK(size);
  // The IDs are read afterwards for the few candidates only.
  const rows = statement.iterate(...args, ...range) as Iterable<
    { rowid: number; embedding: Uint8Array | null }
  >;
  for (const { rowid, embedding } of rows) {
    const score = embedding ? fastCosine(decodeFloat32(embedding), q, qq) : NaN;
    const s = Number.isNaN(score) ? -Infinity : score;
    if (s > top.threshold) top.push({ score: s, rowid });
  }
  return top.sorted().map(({ rowid, score }) => ({ rowid, distance: 1 - score }));
}

/** A connection of the search's own to `path`, or `undefined` when one cannot be opened (the caller's is used). */
function ownConnection(path: string): DatabaseSync | undefined {
  try {
    return openScanConnection(path);
  } catch {
    return undefined;
  }
}

/**
 * The exact top `query.number` hits, found by scanning every vector of the collection on `db`; `path` is
 * its file (`undefined` or `:memory:` for one in memory, scanned on this thread only). Also says into how
 * many parts the table was split.
 */
export async function searchWithScan(
  db: DatabaseSync,
  path: string | undefined,
  query: SearchQuery,
): Promise<EngineResult> {
  const q = Float64Array.from(query.vector);
  const { sql, args } = whereClause(query);
  // Sums in another order differ only in the last bits: a few extra candidates settle the last places.
  const size = query.number + Math.max(query.number, 10);
  const own = path !== undefined && path !== "" && path !== ":memory:" && !db.isTransaction
    ? ownConnection(path)
    : undefined;
  const conn = own ?? db;
  let workers: PartWorker[] = [];
  try {
    const parts = own ? rowidParts(own) : [ALL_ROWS];
    workers = startWorkers(parts);
    const results = await runParts(
      parts,
      workers,
      (range) => ({ engine: "scan", path: path!, where: sql, args, vector: q, range, size }),
      (range) => scanRange(conn, sql, args, q, range, size),
    );
    // Every part's best go to the exact scoring (a superset of one scan's); equal scores keep rowid order.
    const candidates = results.flat().sort((a, b) => a.distance - b.distance || a.rowid - b.rowid);
    return { hits: rescore(conn, candidates, query), parts: parts.length };
  } finally {
    for (const worker of workers) worker.close();
    own?.close();
  }
}
