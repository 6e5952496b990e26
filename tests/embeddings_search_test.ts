import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { cosineSimilarity, decode, encode } from "../lib/embeddings/codec.ts";
import { openEmbeddingsDb } from "../lib/embeddings/db.ts";
import { searchSimilar } from "../lib/embeddings/search.ts";
import { openForExtensions } from "../lib/embeddings/search_vec.ts";
import { MMAP_BYTES, openScanConnection } from "../lib/embeddings/_search_parts.ts";
import { tempUserDir } from "./support/env.ts";
import { cliPath } from "./support/run_cli.ts";

const FIXTURE_DB = fileURLToPath(new URL("./fixtures/embeddings/python-0.32.db", import.meta.url));

/** A deterministic pseudo-random generator (so failures reproduce). */
function random(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
}

/** Fills a collection with `n` vectors of `dims` values; `cluster` of them nearly equal, to test close ties. */
function fill(path: string, n: number, dims: number, cluster = 0): void {
  const db = openEmbeddingsDb(path);
  const next = random(42);
  db.prepare("INSERT INTO collections (name, model) VALUES ('c', 'm')").run();
  const insert = db.prepare("INSERT INTO embeddings (collection_id, id, embedding) VALUES (1, ?, ?)");
  const base = Array.from({ length: dims }, next);
  db.exec("BEGIN");
  for (let i = 0; i < n; i++) {
    const v = i < cluster ? base.map((x) => x + next() * 1e-6) : Array.from({ length: dims }, next);
    insert.run(`item-${i}`, encode(v));
  }
  db.exec("COMMIT");
  db.close();
}

/** The reference answer: every stored vector scored with Python's formula, best first. */
function bruteForce(path: string, query: number[], number: number, skipId?: string) {
  const db = openEmbeddingsDb(path);
  const rows = db.prepare("SELECT id, embedding FROM embeddings WHERE collection_id = 1").all() as {
    id: string;
    embedding: Uint8Array;
  }[];
  db.close();
  return rows.filter((r) => r.id !== skipId).map((r) => ({
    id: r.id,
    score: cosineSimilarity(decode(r.embedding), query),
  })).sort((a, b) => b.score - a.score).slice(0, number);
}

Deno.test("sqlite-vec and the typed-array scan both give the exact top N, with Python's scores", async () => {
  await using dir = await tempUserDir();
  const path = `${dir.path}/random.db`;
  fill(path, 3000, 96, 40);
  const db = openEmbeddingsDb(path);
  const next = random(7);
  try {
    const queries = [
      Array.from({ length: 96 }, next),
      Array.from({ length: 96 }, next),
      decode(encode(Array.from({ length: 96 }, next))),
    ];
    // A query right next to the cluster of 40 near-equal vectors: float32 distances there differ in the last
    // bits, so sqlite-vec must fetch more candidates to get the order right.
    const clusterRow = db.prepare("SELECT embedding FROM embeddings WHERE id = 'item-0'").get() as {
      embedding: Uint8Array;
    };
    queries.push(decode(clusterRow.embedding).map((x) => x + 1e-3));
    for (const [i, vector] of queries.entries()) {
      for (const number of [1, 10, 25]) {
        const expected = bruteForce(path, vector, number);
        for (const engine of ["sqlite-vec", "scan"] as const) {
          const result = await searchSimilar(db, path, { collectionId: 1, vector, number }, engine);
          assert.equal(result.engine, engine);
          assert.deepEqual(
            result.hits.map(({ id, score }) => ({ id, score })),
            expected,
            `query ${i} n=${number} ${engine}`,
          );
        }
      }
    }
    const skip = await searchSimilar(db, path, {
      collectionId: 1,
      vector: queries[0],
      number: 5,
      skipId: "item-7",
    });
    assert.deepEqual(skip.hits.map((h) => h.id), bruteForce(path, queries[0], 5, "item-7").map((h) => h.id));
  } finally {
    db.close();
  }
});

Deno.test("a table of 20,000 rows or more is searched in parallel parts, with the same exact answer", async () => {
  await using dir = await tempUserDir();
  const path = `${dir.path}/large.db`;
  fill(path, 24_000, 16, 30);
  const db = openEmbeddingsDb(path);
  const next = random(99);
  const cores = Math.min(4, navigator.hardwareConcurrency);
  try {
    const clusterRow = db.prepare("SELECT embedding FROM embeddings WHERE id = 'item-0'").get() as {
      embedding: Uint8Array;
    };
    for (
      const vector of [
        Array.from({ length: 16 }, next),
        decode(clusterRow.embedding).map((x) => x + 1e-4),
      ]
    ) {
      const expected = bruteForce(path, vector, 12);
      // The best of the IDs starting with "item-1", but for the best of them, which is skipped.
      const [best, ...rest] = bruteForce(path, vector, 24_000).filter((h) => h.id.startsWith("item-1"));
      for (const engine of ["sqlite-vec", "scan"] as const) {
        const result = await searchSimilar(db, path, { collectionId: 1, vector, number: 12 }, engine);
        assert.equal(result.parts, cores, engine);
        assert.deepEqual(result.hits.map(({ id, score }) => ({ id, score })), expected, engine);
        // The WHERE clause (prefix, skipped ID) applies in every part.
        const filtered = await searchSimilar(db, path, {
          collectionId: 1,
          vector,
          number: 4,
          prefix: "item-1",
          skipId: best.id,
        }, engine);
        assert.deepEqual(filtered.hits.map(({ id, score }) => ({ id, score })), rest.slice(0, 4), engine);
      }
    }
  } finally {
    db.close();
  }
});

Deno.test("the scan inside a transaction stays on its connection and sees the rows written in it", async () => {
  await using dir = await tempUserDir();
  const path = `${dir.path}/large.db`;
  fill(path, 24_000, 16);
  const db = openEmbeddingsDb(path);
  try {
    const vector = Array.from({ length: 16 }, (_, i) => i + 1);
    db.exec("BEGIN");
    db.prepare("INSERT INTO embeddings (collection_id, id, embedding) VALUES (1, 'uncommitted', ?)").run(
      encode(vector),
    );
    const result = await searchSimilar(db, path, { collectionId: 1, vector, number: 3 }, "scan");
    db.exec("ROLLBACK");
    assert.equal(result.parts, 1);
    assert.equal(result.hits[0].id, "uncommitted");
    assert.equal(result.hits[0].score, cosineSimilarity(decode(encode(vector)), vector));
  } finally {
    db.close();
  }
});

Deno.test("auto uses sqlite-vec for a file, the scan in memory or with LLM_SQLITE_VEC=0, and says why", async () => {
  await using dir = await tempUserDir({ LLM_SQLITE_VEC: undefined });
  const path = `${dir.path}/random.db`;
  fill(path, 50, 8);
  const vector = [1, 0, 0, 0, 0, 0, 0, 0];
  const db = openEmbeddingsDb(path);
  try {
    assert.equal(
      (await searchSimilar(db, path, { collectionId: 1, vector, number: 3 })).engine,
      "sqlite-vec",
    );
    const memory = await searchSimilar(db, undefined, { collectionId: 1, vector, number: 3 });
    assert.deepEqual([memory.engine, memory.fallbackReason], ["scan", "the database is in memory"]);
    Deno.env.set("LLM_SQLITE_VEC", "0");
    const off = await searchSimilar(db, path, { collectionId: 1, vector, number: 3 });
    assert.deepEqual([off.engine, off.fallbackReason], ["scan", "LLM_SQLITE_VEC=0"]);
  } finally {
    Deno.env.delete("LLM_SQLITE_VEC");
    db.close();
  }
});

/** Runs `llm similar` on the fixture database with exactly `permissions` (no --allow-ffi: no extensions). */
async function similarWith(permissions: string[], env: Record<string, string>) {
  await using dir = await tempUserDir();
  const db = `${dir.path}/python.db`;
  await Deno.copyFile(FIXTURE_DB, db);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, cliPath, "similar", "docs", "1", "-n", "2", "-d", db],
    env: { LLM_USER_PATH: dir.path, NO_COLOR: "1", LLM_EMBEDDINGS_DEBUG: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("llm similar: LLM_EMBEDDINGS_DEBUG says which engine ran; without --allow-ffi it scans, same output", async () => {
  const all = await similarWith(["-A"], {});
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.stderr, "llm embeddings: similar ran with sqlite-vec\n");
  const noFfi = await similarWith([
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-net",
    "--allow-sys",
  ], {});
  assert.equal(noFfi.code, 0, noFfi.stderr);
  assert.match(
    noFfi.stderr,
    /^llm embeddings: similar ran with the typed-array scan \(sqlite-vec not used: .+\)\n$/,
  );
  assert.equal(noFfi.stdout, all.stdout);
  assert.equal(all.stdout.trimEnd().split("\n").length, 2);
  // With LLM_RAISE_ERRORS the failure to load sqlite-vec is an error, not a silent fallback.
  const raised = await similarWith([
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-net",
    "--allow-sys",
  ], {
    LLM_RAISE_ERRORS: "1",
  });
  assert.notEqual(raised.code, 0);
  assert.match(raised.stderr, /SQLite refused to allow extensions|ffi/i);
});

Deno.test("the search connections read the file memory-mapped and read-only; results match the caller's connection", async () => {
  await using dir = await tempUserDir();
  const path = `${dir.path}/mapped.db`;
  fill(path, 200, 8);
  for (const conn of [openScanConnection(path), openForExtensions(path)]) {
    try {
      assert.deepEqual(Object.values(conn.prepare("PRAGMA mmap_size").get()!), [MMAP_BYTES]);
      assert.throws(() => conn.exec("DELETE FROM embeddings"), /readonly/);
    } finally {
      conn.close();
    }
  }
  // The same answer as scoring every row on the caller's (unmapped) connection, for both engines.
  const db = openEmbeddingsDb(path);
  try {
    const vector = [1, 2, 3, 4, 5, 6, 7, 8];
    for (const engine of ["sqlite-vec", "scan"] as const) {
      const result = await searchSimilar(db, path, { collectionId: 1, vector, number: 7 }, engine);
      assert.deepEqual(
        result.hits.map(({ id, score }) => ({ id, score })),
        bruteForce(path, vector, 7),
        engine,
      );
    }
  } finally {
    db.close();
  }
});
