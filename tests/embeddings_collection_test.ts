import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { Collection } from "../lib/embeddings/collection.ts";
import { cosineSimilarity, decode } from "../lib/embeddings/codec.ts";
import { openEmbeddingsDb } from "../lib/embeddings/db.ts";
import { type EmbeddingInput, EmbeddingModel } from "../lib/embeddings/embedding_model.ts";
import {
  CollectionModelMismatchError,
  CollectionNotFoundError,
  EmbeddingIdNotFoundError,
  EmbedMultiError,
  NoDefaultEmbeddingModelError,
} from "../lib/embeddings/errors.ts";
import { registerEmbeddingModel } from "../lib/embeddings/registry.ts";
import { md5 } from "../lib/compat/md5.ts";
import { fakeEmbedding, startEmbeddingsServer } from "./support/embeddings_server.ts";
import { tempUserDir } from "./support/env.ts";

const DOCS: [string, string][] = [
  ["cats", "Cats are furry pets that purr"],
  ["dogs", "Dogs are loyal pets that bark"],
  ["cars", "Cars have four wheels and an engine"],
  ["bikes", "Bikes have two wheels"],
  ["Cat-food", "Food for furry cats"],
  ["trains", "Trains run on rails"],
];

async function setup(options: { failAt?: Record<number, number> } = {}) {
  const server = await startEmbeddingsServer(options);
  const dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
  return {
    server,
    dir,
    db: `${dir.path}/embeddings.db`,
    async [Symbol.asyncDispose]() {
      await dir[Symbol.asyncDispose]();
      await server.close();
    },
  };
}

Deno.test("Collection: create with an alias, embed with store and metadata, count, exists, content hashes", async () => {
  await using t = await setup();
  const docs = await Collection.open("docs", { db: t.db, modelId: "3-small" });
  assert.equal(docs.modelId, "text-embedding-3-small");
  assert.equal(Collection.exists(t.db, "docs"), true);
  assert.equal(Collection.exists(t.db, "other"), false);
  await docs.embed("cats", "Cats are furry", { store: true, metadata: { kind: "pet", "é": 1 } });
  await docs.embed("plain", "Not stored", { metadata: {} });
  assert.equal(docs.count(), 2);
  assert.deepEqual(Collection.contentHash("Cats are furry"), md5("Cats are furry"));
  assert.deepEqual(
    docs.embeddingOf("cats"),
    Array.from(new Float32Array(fakeEmbedding("Cats are furry", 16))),
  );
  docs.close();

  const raw = new DatabaseSync(t.db, { readOnly: true });
  const rows = raw.prepare(
    "SELECT id, content, content_blob, content_hash, metadata, updated FROM embeddings ORDER BY id",
  )
    .all() as Record<string, unknown>[];
  raw.close();
  assert.equal(rows[0].content, "Cats are furry");
  assert.equal(rows[0].metadata, '{"kind": "pet", "\\u00e9": 1}', "json.dumps with Python's separators");
  assert.deepEqual(rows[0].content_hash, md5("Cats are furry"));
  assert.equal(rows[1].content, null, "not stored without store");
  assert.equal(rows[1].metadata, null, "an empty object is stored as NULL, as Python does");
  assert.ok(Math.abs(Number(rows[0].updated) - Date.now() / 1000) < 60);
});

Deno.test("Collection: unchanged content is not embedded again; changed content and new IDs are", async () => {
  await using t = await setup();
  const docs = await Collection.open("docs", { db: t.db, modelId: "ada" });
  await docs.embedMulti(DOCS, { store: true });
  assert.equal(t.server.inputs().length, 1);
  await docs.embed("cats", "Cats are furry pets that purr");
  await docs.embedMulti(DOCS);
  assert.equal(t.server.inputs().length, 1, "nothing new was sent");
  await docs.embedMulti([["cats", "Cats sleep all day"], ["dogs", DOCS[1][1]], ["copy", DOCS[1][1]]]);
  assert.deepEqual(t.server.inputs()[1], ["Cats sleep all day", DOCS[1][1]]);
  assert.equal(docs.count(), 7);
  assert.deepEqual(
    docs.embeddingOf("cats"),
    Array.from(new Float32Array(fakeEmbedding("Cats sleep all day", 16))),
  );
  docs.close();
});

Deno.test("Collection: batches, progress, metadata per item, and an HTTP error half-way that a re-run resumes", async () => {
  await using t = await setup({ failAt: { 3: 500 } });
  const docs = await Collection.open("docs", { db: t.db, modelId: "3-small" });
  const progress: number[] = [];
  await assert.rejects(
    () =>
      docs.embedMultiWithMetadata(DOCS.map(([id, text], i) => [id, text, { n: i }]), {
        batchSize: 2,
        onProgress: (n) => progress.push(n),
      }),
    (error) => {
      assert.ok(error instanceof EmbedMultiError);
      assert.equal(error.stored, 4);
      assert.equal(
        error.message,
        "Embedding stopped after 4 items (those are stored): API error 500: Scripted failure of request 3; " +
          "the server failed: try again later. Embedding the same items again skips those already stored",
      );
      return true;
    },
  );
  assert.deepEqual(progress, [2, 4]);
  assert.equal(docs.count(), 4, "the batches before the failure stay stored");
  const handled = await docs.embedMultiWithMetadata(DOCS.map(([id, text], i) => [id, text, { n: i }]), {
    batchSize: 2,
  });
  assert.equal(handled, 6);
  assert.equal(docs.count(), 6);
  const inputs = t.server.inputs();
  assert.deepEqual(inputs.slice(-1), [[DOCS[4][1], DOCS[5][1]]], "the re-run sent only what was missing");
  const hits = await docs.similarByVector(docs.embeddingOf("cats")!, { number: 1 });
  assert.deepEqual(hits[0], { id: "cats", score: hits[0].score, content: null, metadata: { n: 0 } });
  docs.close();
});

Deno.test("Collection: similar, similarById, similarByVector, prefix and number, exact scores, both engines", async () => {
  await using t = await setup();
  const docs = await Collection.open("docs", { db: t.db, modelId: "3-small" });
  await docs.embedMulti(DOCS, { store: true });
  const stored = new Map(DOCS.map(([id]) => [id, docs.embeddingOf(id)!]));
  const query = fakeEmbedding("furry cats", 16);
  const Float32Query = Array.from(new Float32Array(query)); // a base64 answer carries float32 values
  const expected = [...stored].map(([id, v]) => ({ id, score: cosineSimilarity(v, Float32Query) }))
    .sort((a, b) => b.score - a.score);
  for (const engine of ["sqlite-vec", "scan"] as const) {
    const found = await docs.similar("furry cats", { engine });
    assert.deepEqual(found.map(({ id, score }) => ({ id, score })), expected, engine);
    assert.equal(found.find((e) => e.id === "cats")!.content, DOCS[0][1]);

    const byId = await docs.similarById("cats", { number: 3, engine });
    assert.equal(byId.length, 3);
    assert.ok(!byId.some((e) => e.id === "cats"), "the item itself is left out");
    const catsVector = stored.get("cats")!;
    assert.deepEqual(
      byId.map((e) => e.id),
      [...stored].filter(([id]) => id !== "cats").map(([id, v]) => ({
        id,
        s: cosineSimilarity(v, catsVector),
      }))
        .sort((a, b) => b.s - a.s).slice(0, 3).map((e) => e.id),
    );
    // LIKE prefix: case-insensitive for ASCII, as in Python's SQL.
    const prefixed = await docs.similarByVector(query, { prefix: "ca", engine });
    assert.deepEqual(prefixed.map((e) => e.id).sort(), ["Cat-food", "cars", "cats"]);
    assert.deepEqual(await docs.similarByVector(query, { number: 0, engine }), []);
  }
  await assert.rejects(() => docs.similarById("nope"), EmbeddingIdNotFoundError);
  docs.close();
});

Deno.test("Collection: another model for an existing collection, a missing one, no default, delete", async () => {
  await using t = await setup();
  const docs = await Collection.open("docs", { db: t.db, modelId: "3-small" });
  await docs.embed("a", "alpha");
  docs.close();
  await assert.rejects(() => Collection.open("docs", { db: t.db, modelId: "ada" }), (error) => {
    assert.ok(error instanceof CollectionModelMismatchError);
    assert.match(
      error.message,
      /^Collection 'docs' was created with embedding model 'text-embedding-3-small', not /,
    );
    return true;
  });
  const same = await Collection.open("docs", { db: t.db, modelId: "text-embedding-3-small" });
  assert.equal(same.count(), 1);
  same.close();
  await assert.rejects(
    () => Collection.open("missing", { db: t.db, create: false }),
    CollectionNotFoundError,
  );
  await assert.rejects(() => Collection.open("new", { db: t.db }), NoDefaultEmbeddingModelError);

  const db = openEmbeddingsDb(t.db);
  const existing = await Collection.open("docs", { db });
  existing.delete();
  assert.equal(Collection.exists(db, "docs"), false);
  assert.equal((db.prepare("SELECT count(*) AS n FROM embeddings").get() as { n: number }).n, 0);
  db.close();
});

class Bytes extends EmbeddingModel {
  constructor() {
    super("bytes-model", { supportsBinary: true });
  }
  override embedBatch(items: EmbeddingInput[]): Promise<number[][]> {
    return Promise.resolve(items.map((item) => [item.length, 1]));
  }
}

Deno.test("Collection: binary content is stored in content_blob, keyed by the MD5 of its bytes", async () => {
  await using t = await setup();
  registerEmbeddingModel(new Bytes());
  const images = await Collection.open("images", { db: t.db, modelId: "bytes-model" });
  const bytes = new Uint8Array([137, 80, 78, 71, 0, 1]);
  await images.embed("img", bytes, { store: true });
  const row = images.db.prepare("SELECT content, content_blob, content_hash, embedding FROM embeddings")
    .get() as {
      content: null;
      content_blob: Uint8Array;
      content_hash: Uint8Array;
      embedding: Uint8Array;
    };
  assert.equal(row.content, null);
  assert.deepEqual(row.content_blob, bytes);
  assert.deepEqual(row.content_hash, md5(bytes));
  assert.deepEqual(decode(row.embedding), [6, 1]);
  images.close();
});
