/**
 * Where `llm similar`'s time goes, step by step, measured inside one process on the benchmark's
 * embeddings.db: opening it, SQLite reading the rows without and with their BLOBs (a page at a time and
 * memory-mapped), sqlite-vec's distance, the typed-array scan, the whole search on one thread and in parallel
 * parts, a larger `cache_size`, and the
 * floors any exact search over this file has on this machine (reading the file in large and in page-sized
 * reads, and the arithmetic of 100,000 cosines in JavaScript). Each run opens a new connection, so SQLite's
 * page cache starts empty as in a new `llm` process while the operating system's stays warm.
 *
 * ```sh
 * deno run -A bench/embeddings_steps.ts PATH/TO/embeddings.db [--runs=5]
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { DatabaseSync } from "node:sqlite";
import { Collection } from "../lib/embeddings/collection.ts";
import { openEmbeddingsDb } from "../lib/embeddings/db.ts";
import { encode } from "../lib/embeddings/codec.ts";
import { searchSimilar } from "../lib/embeddings/search.ts";
import { scanRange } from "../lib/embeddings/search_scan.ts";
import { openWithSqliteVec } from "../lib/embeddings/search_vec.ts";
import { ALL_ROWS, MMAP_BYTES } from "../lib/embeddings/_search_parts.ts";
import { measureInProcess, type Measurement } from "./measure.ts";
import { type Group, groupText } from "./report.ts";

/** The ID the benchmark searches by (as `llm similar bench item-123`). */
const QUERY_ID = "item-123";

function readOnly(path: string): DatabaseSync {
  return new DatabaseSync(path, { readOnly: true });
}

/** Reads all of `path` with reads of `size` bytes; returns the bytes read. */
function readWhole(path: string, size: number): number {
  const file = Deno.openSync(path, { read: true });
  try {
    const buffer = new Uint8Array(size);
    let total = 0;
    while (true) {
      const n = file.readSync(buffer);
      if (n === null) return total;
      total += n;
    }
  } finally {
    file.close();
  }
}

/** `comparisons` cosines of `dims` float32 values against a double query, as the scan computes them. */
function cosineFloor(comparisons: number, dims: number): () => number {
  // 10,000 vectors in memory, compared 10 times over: the arithmetic, not the memory, is measured here.
  const resident = Math.min(comparisons, 10_000);
  const data = new Float32Array(resident * dims).map((_, i) => Math.sin(i));
  const q = new Float64Array(dims).map((_, i) => Math.cos(i));
  return () => {
    let best = -Infinity;
    for (let c = 0; c < comparisons; c++) {
      const base = (c % resident) * dims;
      let d0 = 0, d1 = 0, s0 = 0, s1 = 0;
      for (let i = 0; i < dims; i += 2) {
        const a = data[base + i], b = data[base + i + 1];
        d0 += a * q[i];
        d1 += b * q[i + 1];
        s0 += a * a;
        s1 += b * b;
      }
      best = Math.max(best, (d0 + d1) / Math.sqrt(s0 + s1));
    }
    return best;
  };
}

/** The step-by-step group for the database at `path` (collection `bench`, vectors of `dims` values). */
export async function similarStepsGroup(runs: number, path: string, dims: number): Promise<Group> {
  const bytes = (await Deno.stat(path)).size;
  const setup = openEmbeddingsDb(path, { require: "embeddings" });
  const rows = Number((setup.prepare("SELECT count(*) AS n FROM embeddings").get() as { n: number }).n);
  setup.close();
  let vector: number[] = [];
  let collectionId = 1;
  const blob = () => encode(vector);
  const where = "+collection_id = ? AND id != ?";
  const vecSql = `SELECT sum(vec_distance_cosine(embedding, ?)) AS s FROM embeddings WHERE ${where}`;
  const sum = (conn: DatabaseSync, sql: string, ...args: (number | string | Uint8Array)[]) =>
    conn.prepare(sql).get(...args);
  const withVec = async (pragma: string | undefined, work: (conn: DatabaseSync) => unknown) => {
    const conn = await openWithSqliteVec(path);
    try {
      if (pragma) conn.exec(pragma);
      return work(conn);
    } finally {
      conn.close();
    }
  };
  let kept: DatabaseSync | undefined;
  const measurements: Measurement[] = [];
  const step = async (name: string, fn: () => unknown) => {
    measurements.push(await measureInProcess(name, runs, fn));
  };
  const oneThread = (fn: () => Promise<unknown>) => async () => {
    const cores = navigator.hardwareConcurrency;
    Object.defineProperty(navigator, "hardwareConcurrency", { value: 1, configurable: true });
    try {
      return await fn();
    } finally {
      Object.defineProperty(navigator, "hardwareConcurrency", { value: cores, configurable: true });
    }
  };
  const search = (engine: "sqlite-vec" | "scan") => async () => {
    const db = readOnly(path);
    try {
      return await searchSimilar(db, path, { collectionId, vector, number: 10, skipId: QUERY_ID }, engine);
    } finally {
      db.close();
    }
  };

  await step(`open embeddings.db, the collection, the vector of ${QUERY_ID}`, async () => {
    const db = openEmbeddingsDb(path, { require: "embeddings" });
    try {
      const collection = await Collection.open("bench", { db, create: false });
      collectionId = collection.id;
      vector = collection.embeddingOf(QUERY_ID) ?? [];
    } finally {
      db.close();
    }
  });
  const UNMAPPED = "PRAGMA mmap_size = 0";
  const MAPPED = `PRAGMA mmap_size = ${MMAP_BYTES}`;
  const plain = (pragma: string, work: (conn: DatabaseSync) => unknown) => () => {
    const conn = readOnly(path);
    try {
      conn.exec(pragma);
      return work(conn);
    } finally {
      conn.close();
    }
  };
  const leaves = `SELECT sum(length(embedding)) AS s FROM embeddings WHERE ${where}`;
  const blobs = `SELECT sum(length(substr(embedding, 2))) AS s FROM embeddings WHERE ${where}`;
  for (const [label, pragma] of [["read a page at a time", UNMAPPED], ["memory-mapped", MAPPED]]) {
    await step(
      `SQLite, ${label}: every row, no BLOB read (the leaf pages)`,
      plain(pragma, (conn) => sum(conn, leaves, collectionId, QUERY_ID)),
    );
    await step(
      `SQLite, ${label}: every BLOB read (leaf and overflow pages)`,
      plain(pragma, (conn) => sum(conn, blobs, collectionId, QUERY_ID)),
    );
  }
  const distances = (conn: DatabaseSync) => sum(conn, vecSql, blob(), collectionId, QUERY_ID);
  await step(
    "sqlite-vec: vec_distance_cosine of every row, one thread, a page at a time (before)",
    () => withVec(UNMAPPED, distances),
  );
  await step(
    "  the same, memory-mapped (what the engines do now), new connection",
    () => withVec(MAPPED, distances),
  );
  await step("  the same, memory-mapped, the same connection again", async () => {
    kept ??= await openWithSqliteVec(path);
    kept.exec(MAPPED);
    return distances(kept);
  });
  kept?.close();
  await step(
    "  the same, a page at a time, PRAGMA cache_size = -204800 (200 MiB)",
    () => withVec(`${UNMAPPED}; PRAGMA cache_size = -204800`, distances),
  );
  const scan = (conn: DatabaseSync) =>
    scanRange(conn, where, [collectionId, QUERY_ID], Float64Array.from(vector), ALL_ROWS, 20);
  await step("typed-array scan of every row, one thread, a page at a time (before)", plain(UNMAPPED, scan));
  await step("  the same, memory-mapped (now)", plain(MAPPED, scan));
  await step("searchSimilar, sqlite-vec, one thread", oneThread(search("sqlite-vec")));
  await step(
    `searchSimilar, sqlite-vec, ${Math.min(4, navigator.hardwareConcurrency)} parts`,
    search("sqlite-vec"),
  );
  await step("searchSimilar, typed-array scan, one thread", oneThread(search("scan")));
  await step(
    `searchSimilar, typed-array scan, ${Math.min(4, navigator.hardwareConcurrency)} parts`,
    search("scan"),
  );
  await step(
    "floor: read the whole file in 4 KiB reads (a page a read, as SQLite reads)",
    () => readWhole(path, 4096),
  );
  await step("floor: read the whole file in 1 MiB reads", () => readWhole(path, 1 << 20));
  await step(
    `floor: ${rows.toLocaleString("en")} cosines of ${dims} float32 values in JavaScript, in memory`,
    cosineFloor(rows, dims),
  );
  const mib = (bytes / 1024 / 1024).toFixed(0);
  return {
    title: "Embeddings: where llm similar's time goes (in process)",
    description:
      `Steps of a search of the ${rows.toLocaleString("en")} vectors (${mib} MiB file, 4 KiB pages), each ` +
      "timed inside one process on a new connection (SQLite's page cache empty, the operating system's " +
      "warm). A row of 1,536 float32 values does not fit in a 4 KiB page: each row is a leaf page holding " +
      "its first ~2 KB and one overflow page holding the rest, so SQLite makes two page reads a row, " +
      `${(2 * rows).toLocaleString("en")} in all. A page at a time is SQLite's default: a \`pread\` a page ` +
      "into its own page cache (the engines read so before they mapped the file); memory-mapped " +
      "(`PRAGMA mmap_size`), SQLite reads each page where it lies in the operating system's page cache. " +
      "The floors are what any exact search over this file " +
      "costs here: reading it with page-sized reads (as SQLite must) and with large ones, and the cosines' " +
      "arithmetic. The whole command adds Deno's start-up and the CLI's (see the table above).",
    measurements,
    targets: {},
    noRatio: true,
  };
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { runs: { type: "string", default: "5" }, dims: { type: "string", default: "1536" } },
    allowPositionals: true,
  });
  if (!positionals[0]) {
    console.error("Usage: deno run -A bench/embeddings_steps.ts EMBEDDINGS_DB [--runs=N]");
    Deno.exit(2);
  }
  console.log(groupText(await similarStepsGroup(Number(values.runs), positionals[0], Number(values.dims))));
}
