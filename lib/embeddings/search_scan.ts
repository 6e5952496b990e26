/**
 * Candidates from a scan in JavaScript, for when sqlite-vec cannot load (no `--allow-ffi`, an unsupported
 * platform, a database in memory): every BLOB is read as a float32 view and compared with the query in
 * double precision, four sums at a time, keeping the best few in a small heap; those are then scored exactly
 * in Python's order of summation.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { decodeFloat32 } from "./codec.ts";
import { type Candidate, rescore, type SearchHit, type SearchQuery, whereClause } from "./search.ts";

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
  readonly #items: { score: number; rowid: number; id: string; seq: number }[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  /** The score a candidate must beat to get in (while full). */
  get threshold(): number {
    return this.#items.length < this.#size ? -Infinity : this.#items[0].score;
  }

  push(item: { score: number; rowid: number; id: string; seq: number }): void {
    const heap = this.#items;
    if (heap.length < this.#size) {
      heap.push(item);
      this.#up(heap.length - 1);
    } else if (item.score > heap[0].score) {
      heap[0] = item;
      this.#down(0);
    }
  }

  sorted(): { score: number; rowid: number; id: string; seq: number }[] {
    return [...this.#items].sort((a, b) => b.score - a.score || a.seq - b.seq);
  }

  #less(i: number, j: number): boolean {
    const a = this.#items[i], b = this.#items[j];
    return a.score < b.score || (a.score === b.score && a.seq > b.seq);
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

/** The exact top `query.number` hits, found by scanning every vector of the collection. */
export function searchWithScan(db: DatabaseSync, query: SearchQuery): SearchHit[] {
  const q = Float64Array.from(query.vector);
  let qq = 0;
  for (let i = 0; i < q.length; i++) qq += q[i] * q[i];
  const { sql, args } = whereClause(query);
  const statement = db.prepare(`SELECT rowid, id, embedding FROM embeddings WHERE ${sql}`);
  // Sums in another order differ only in the last bits: a few extra candidates settle the last places.
  const top = new TopK(query.number + Math.max(query.number, 10));
  let seq = 0;
  for (
    const row of statement.iterate(...args) as Iterable<{ rowid: number; id: string; embedding: Uint8Array }>
  ) {
    const score = row.embedding ? fastCosine(decodeFloat32(row.embedding), q, qq) : NaN;
    const s = Number.isNaN(score) ? -Infinity : score;
    if (s > top.threshold) top.push({ score: s, rowid: row.rowid, id: row.id, seq });
    seq++;
  }
  const candidates: Candidate[] = top.sorted().map(({ rowid, id, score }) => ({
    rowid,
    id,
    distance: 1 - score,
  }));
  return rescore(db, candidates, query);
}
