import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type EmbeddingInput, EmbeddingModel } from "../lib/embeddings/embedding_model.ts";
import {
  NoDefaultEmbeddingModelError,
  UnknownEmbeddingModelError,
  UnsupportedEmbeddingInputError,
} from "../lib/embeddings/errors.ts";
import { OpenAIEmbeddingModel } from "../lib/embeddings/openai_embedding_models.ts";
import {
  getDefaultEmbeddingModel,
  getEmbeddingModel,
  getEmbeddingModelAliases,
  getEmbeddingModelsWithAliases,
  registerEmbeddingModel,
  setDefaultEmbeddingModel,
} from "../lib/embeddings/registry.ts";
import { ModelError, NeedsKeyError } from "../lib/models/errors.ts";
import { loadPlugins } from "../lib/plugins/activate.ts";
import { unloadPlugin } from "../lib/plugins/runtime.ts";
import { registry } from "../lib/default_registry.ts";
import { fakeEmbedding, startEmbeddingsServer } from "./support/embeddings_server.ts";
import { tempUserDir } from "./support/env.ts";

const PLUGIN = fileURLToPath(new URL("./fixtures/plugins/embed_bytes.ts", import.meta.url));

/** `fakeEmbedding` rounded to float32, as a base64 answer carries it. */
const asFloat32 = (values: number[]) => Array.from(new Float32Array(values));

Deno.test("the built-in OpenAI embedding models and aliases are Python llm 0.32's", async () => {
  await using _dir = await tempUserDir();
  const listed = (await getEmbeddingModelsWithAliases()).map(({ model, aliases }) =>
    `${model.label} (aliases: ${aliases.join(", ")})`
  );
  assert.deepEqual(listed, [
    "OpenAIEmbeddingModel: text-embedding-ada-002 (aliases: ada, ada-002)",
    "OpenAIEmbeddingModel: text-embedding-3-small (aliases: 3-small)",
    "OpenAIEmbeddingModel: text-embedding-3-large (aliases: 3-large)",
    "OpenAIEmbeddingModel: text-embedding-3-small-512 (aliases: 3-small-512)",
    "OpenAIEmbeddingModel: text-embedding-3-large-256 (aliases: 3-large-256)",
    "OpenAIEmbeddingModel: text-embedding-3-large-1024 (aliases: 3-large-1024)",
  ]);
  const small = await getEmbeddingModel("3-small");
  assert.ok(small instanceof OpenAIEmbeddingModel);
  assert.equal(small.id, "text-embedding-3-small");
  assert.equal(small.batchSize, 100);
  assert.equal(small.needsKey, "openai");
  assert.equal(small.keyEnvVar, "OPENAI_API_KEY");
  assert.equal(small.supportsBinary, false);
  const reduced = await getEmbeddingModel("3-large-256") as OpenAIEmbeddingModel;
  assert.deepEqual(reduced.config, { modelName: "text-embedding-3-large", dimensions: 256 });
});

Deno.test("user aliases join the registry; unknown names suggest close ones; the default lives in its file", async () => {
  await using dir = await tempUserDir();
  await Deno.writeTextFile(`${dir.path}/aliases.json`, JSON.stringify({ small: "text-embedding-3-small" }));
  assert.equal((await getEmbeddingModel("small")).id, "text-embedding-3-small");
  assert.ok((await getEmbeddingModelAliases()).has("small"));
  const entry = (await getEmbeddingModelsWithAliases()).find((e) => e.model.id === "text-embedding-3-small")!;
  assert.deepEqual(entry.aliases, ["3-small", "small"]);

  await assert.rejects(() => getEmbeddingModel("3-smal"), (error) => {
    assert.ok(error instanceof UnknownEmbeddingModelError);
    assert.equal(
      error.message,
      "Unknown embedding model '3-smal'. Did you mean '3-small', '3-small-512' or 'text-embedding-3-small'? " +
        "Run 'llm embed-models' to list embedding models",
    );
    return true;
  });

  assert.equal(getDefaultEmbeddingModel(), undefined);
  await assert.rejects(() => getEmbeddingModel(), NoDefaultEmbeddingModelError);
  await setDefaultEmbeddingModel("ada");
  assert.equal(await Deno.readTextFile(`${dir.path}/default_embedding_model.txt`), "text-embedding-ada-002");
  assert.equal((await getEmbeddingModel()).id, "text-embedding-ada-002");
  await assert.rejects(() => setDefaultEmbeddingModel("nope"), UnknownEmbeddingModelError);
  await setDefaultEmbeddingModel(null);
  assert.equal(getDefaultEmbeddingModel(), undefined);
});

Deno.test("OpenAI embeddings: the request Python's SDK sends, base64 and float answers, batches of 100", async () => {
  for (const encoding of ["base64", "float"] as const) {
    await using server = await startEmbeddingsServer({ encoding });
    await using _dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
    const model = await getEmbeddingModel("3-small-512");
    const vector = await model.embed("hello world");
    const exact = fakeEmbedding("hello world", 512);
    assert.deepEqual(vector, encoding === "base64" ? asFloat32(exact) : exact, encoding);
    const [request] = server.requests;
    assert.equal(request.path, "/v1/embeddings");
    assert.equal(request.headers.authorization, "Bearer sk-test");
    assert.deepEqual(Object.keys(request.body), ["input", "model", "dimensions", "encoding_format"]);
    assert.deepEqual(request.body, {
      input: ["hello world"],
      model: "text-embedding-3-small",
      dimensions: 512,
      encoding_format: "base64",
    });

    // 250 texts: three requests of 100, 100 and 50, and the vectors stream out in order as batches return.
    const texts = Array.from({ length: 250 }, (_, i) => `text number ${i}`);
    const seen: number[] = [];
    let i = 0;
    for await (const v of (await getEmbeddingModel("ada")).embedMulti(texts)) {
      seen.push(server.inputs().length);
      const exactVector = fakeEmbedding(texts[i++], 16);
      assert.deepEqual(v, encoding === "base64" ? asFloat32(exactVector) : exactVector);
    }
    assert.equal(i, 250);
    assert.deepEqual(server.inputs().slice(1).map((batch) => batch.length), [100, 100, 50]);
    assert.equal(seen[0], 2, "the first vector arrives before the second batch is sent");
    assert.deepEqual(
      [...new Set(seen)],
      [2, 3, 4],
    );
    // An explicit batch size wins.
    const before = server.inputs().length;
    let n = 0;
    for await (const _ of model.embedMulti(["a", "b", "c"], { batchSize: 2 })) n++;
    assert.equal(n, 3);
    assert.deepEqual(server.inputs().slice(before).map((b) => b.length), [2, 1]);
  }
});

Deno.test("OpenAI embeddings: bytes are refused, a missing key and HTTP errors are ModelErrors", async () => {
  await using server = await startEmbeddingsServer({ failAt: { 1: 500, 2: 401 } });
  await using _dir = await tempUserDir({ OPENAI_BASE_URL: server.url });
  const model = await getEmbeddingModel("3-small");
  await assert.rejects(() => model.embed("hi"), NeedsKeyError);
  await assert.rejects(() => model.embed(new Uint8Array([1, 2])), UnsupportedEmbeddingInputError);
  Deno.env.set("OPENAI_API_KEY", "sk-test");
  try {
    await assert.rejects(() => model.embed("hi"), (error) => {
      assert.ok(error instanceof ModelError);
      assert.equal(error.status, 500);
      assert.equal(
        error.message,
        "API error 500: Scripted failure of request 1; the server failed: try again later",
      );
      return true;
    });
    await assert.rejects(
      () => model.embed("hi"),
      /API error 401: .*check the key set with 'llm keys set openai'/,
    );
    assert.equal(server.inputs().length, 2, "nothing was sent for the refused input");
  } finally {
    Deno.env.delete("OPENAI_API_KEY");
  }
  const nothing = await startEmbeddingsServer();
  const url = nothing.url;
  await nothing.close();
  Deno.env.set("OPENAI_BASE_URL", url);
  Deno.env.set("OPENAI_API_KEY", "sk-test");
  Deno.env.set("LLM_OPENAI_MAX_RETRIES", "0");
  try {
    await assert.rejects(
      () => model.embed("hi"),
      /Could not connect to http:\/\/127\.0\.0\.1:\d+\/v1: .*server is running/,
    );
  } finally {
    Deno.env.delete("OPENAI_API_KEY");
  }
});

class Lengths extends EmbeddingModel {
  batches: number[] = [];
  constructor() {
    super("lengths", { batchSize: 3, supportsBinary: true });
  }
  override embedBatch(items: EmbeddingInput[]): Promise<number[][]> {
    this.batches.push(items.length);
    return Promise.resolve(items.map((item) => [item.length, typeof item === "string" ? 0 : 1]));
  }
}

Deno.test("EmbeddingModel: embed, batched embedMulti over async sources, input checks, registration", async () => {
  await using _dir = await tempUserDir();
  const model = new Lengths();
  assert.equal(model.label, "Lengths: lengths");
  assert.deepEqual(await model.embed("four"), [4, 0]);
  assert.deepEqual(await model.embed(new Uint8Array(7)), [7, 1]);
  async function* source() {
    for (const s of ["a", "bb", "ccc", "dddd", "eeeee"]) yield s;
  }
  const out: number[][] = [];
  for await (const v of model.embedMulti(source())) out.push(v);
  assert.deepEqual(out, [[1, 0], [2, 0], [3, 0], [4, 0], [5, 0]]);
  assert.deepEqual(model.batches.slice(2), [3, 2]);

  const textOnly = new (class extends Lengths {
    constructor() {
      super();
      this.supportsBinary = false;
    }
  })();
  await assert.rejects(
    () => textOnly.embed(new Uint8Array(1)),
    /Embedding model 'lengths' does not support binary data, only text strings/,
  );

  registerEmbeddingModel(model, { aliases: ["len"] });
  assert.equal(await getEmbeddingModel("len"), model);
  // A second registration of the same id keeps the first, and says so once.
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (m: string) => warnings.push(m);
  try {
    registerEmbeddingModel({ id: "lengths", embedBatch: () => Promise.resolve([]) });
    assert.equal(await getEmbeddingModel("lengths"), model);
    await getEmbeddingModel("lengths");
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings, [
    "Warning: Embedding model 'lengths' from code is already registered by code; the first one is kept",
  ]);
});

Deno.test("a plugin's embedding model (a plain object) joins the registry, wrapped; bad registrations are reported", async () => {
  const warnings: string[] = [];
  const original = registry.onWarning;
  registry.onWarning = (m) => warnings.push(m);
  await using _dir = await tempUserDir();
  try {
    await loadPlugins([PLUGIN]);
    const model = await getEmbeddingModel("bytes");
    assert.ok(model instanceof EmbeddingModel);
    assert.equal(model.id, "byte-counter");
    assert.equal(model.label, "ByteCounter: byte-counter");
    assert.equal(model.batchSize, 2);
    assert.deepEqual(await model.embed(new Uint8Array([0, 1, 0])), [3, 2, 1]);
    const all: number[][] = [];
    for await (const v of model.embedMulti(["ab", "cde", "f"])) all.push(v);
    assert.deepEqual(all, [[2, 0, 1], [3, 0, 1], [1, 0, 1]]);
    const listed = (await getEmbeddingModelsWithAliases()).map((e) => e.model.id);
    assert.ok(listed.includes("byte-counter") && !listed.includes("not-a-model"));
    assert.equal(
      warnings.filter((w) => w.includes("registerEmbeddingModels registered something that is not")).length,
      1,
    );
  } finally {
    registry.onWarning = original;
    unloadPlugin("llm-embed-bytes");
  }
});
