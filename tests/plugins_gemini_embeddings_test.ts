/**
 * The Gemini plugin's embedding models in the library, against a loopback replay of the recorded
 * `batchEmbedContents` traffic (tests/fixtures/gemini-recorded/embedding-*.json): the models registered (ids,
 * order, labels, batch size, key), the request each sends (path, `x-goog-api-key`, body equal to the
 * recorded one, `outputDimensionality` for truncated variants), the vectors read back (the recorded ones,
 * and for `gemini-embedding-001-768` the unit-length vector Python's `llm-gemini` printed for the same
 * answer), batches of more than 20 split into several requests in order, and the errors: HTTP 400 and 403 as
 * one line, a wrong answer, a missing key.
 */
import assert from "node:assert/strict";
import plugin from "../plugins/gemini/mod.ts";
import { GeminiEmbeddingModel } from "../plugins/gemini/embedding_model.ts";
import { getEmbeddingModel, getEmbeddingModelsWithAliases } from "../lib/embeddings/registry.ts";
import { connectPluginEmbeddingModels } from "../lib/plugins/extensions.ts";
import { loadPlugin, unloadPlugin } from "../lib/plugins/runtime.ts";
import { tempUserDir } from "./support/env.ts";
import { geminiPythonPath } from "./support/gemini_python.ts";
import { geminiRecording, type GeminiServer, startGeminiServer } from "./support/gemini_server.ts";

const KEY = "test-key";
const TEXT = "Some text goes here";

async function withGemini(fn: (gemini: GeminiServer) => Promise<void>): Promise<void> {
  await using gemini = await startGeminiServer();
  await using _dir = await tempUserDir({ LLM_GEMINI_BASE_URL: gemini.url, LLM_GEMINI_KEY: KEY });
  connectPluginEmbeddingModels();
  await loadPlugin(plugin);
  try {
    await fn(gemini);
  } finally {
    unloadPlugin("llm-gemini");
  }
}

/** The vectors of a recorded answer. */
function recordedVectors(name: string): number[][] {
  const body = geminiRecording(name)[0].response.body as { embeddings: { values: number[] }[] };
  return body.embeddings.map((embedding) => embedding.values);
}

function norm(vector: number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

/** An answer of `batchEmbedContents` with the given vectors. */
function answer(vectors: number[][]): string {
  return JSON.stringify({ embeddings: vectors.map((values) => ({ values })) });
}

Deno.test("the plugin registers llm-gemini's six embedding models, in its order, with its batch size and key", () =>
  withGemini(async () => {
    const ours = (await getEmbeddingModelsWithAliases()).filter(({ model }) =>
      model.id.startsWith("gemini-")
    );
    assert.deepEqual(ours.map(({ model, aliases }) => [model.label, aliases]), [
      ["GeminiEmbeddingModel: gemini-embedding-2", []],
      ["GeminiEmbeddingModel: gemini-embedding-2-768", []],
      ["GeminiEmbeddingModel: gemini-embedding-2-1536", []],
      ["GeminiEmbeddingModel: gemini-embedding-001", []],
      ["GeminiEmbeddingModel: gemini-embedding-001-768", []],
      ["GeminiEmbeddingModel: gemini-embedding-001-1536", []],
    ]);
    for (const { model } of ours) {
      assert.ok(model instanceof GeminiEmbeddingModel, model.id);
      assert.equal(model.batchSize, 20);
      assert.equal(model.needsKey, "gemini");
      assert.equal(model.keyEnvVar, "LLM_GEMINI_KEY");
      assert.equal(model.supportsText, true);
      assert.equal(model.supportsBinary, false);
    }
    const truncated = await getEmbeddingModel("gemini-embedding-001-1536") as GeminiEmbeddingModel;
    assert.deepEqual([truncated.geminiId, truncated.outputDimensionality, truncated.normalises], [
      "gemini-embedding-001",
      1536,
      true,
    ]);
    const two = await getEmbeddingModel("gemini-embedding-2-1536") as GeminiEmbeddingModel;
    assert.equal(two.normalises, false, "gemini-embedding-2 normalises truncated vectors itself");
  }));

Deno.test("each model sends the recorded request and reads back the recorded vector", () =>
  withGemini(async (gemini) => {
    for (const id of ["gemini-embedding-001", "gemini-embedding-2-768"]) {
      const [exchange] = gemini.enqueueRecording(`embedding-${id}`);
      const vector = await (await getEmbeddingModel(id)).embed(TEXT);
      const request = gemini.requests.at(-1)!;
      assert.equal(request.method, "POST");
      assert.equal(request.path, exchange.request.path);
      assert.equal(request.search, "", "the key is not in the URL");
      assert.equal(request.apiKey, KEY);
      assert.equal(request.contentType, "application/json");
      assert.deepEqual(request.body, exchange.request.body);
      assert.deepEqual(vector, recordedVectors(`embedding-${id}`)[0]);
    }
    const [full, two] = gemini.requests.map((r) => r.body.requests[0]);
    assert.equal("outputDimensionality" in full, false, "a full-size model asks for no dimensionality");
    assert.equal(two.outputDimensionality, 768);
  }));

Deno.test("gemini-embedding-001-768 scales Gemini's vector to length 1, to the digits Python's llm-gemini printed", () =>
  withGemini(async (gemini) => {
    const [exchange] = gemini.enqueueRecording("embedding-gemini-embedding-001-768");
    const vector = await (await getEmbeddingModel("gemini-embedding-001-768")).embed(TEXT);
    assert.deepEqual(gemini.requests[0].body, exchange.request.body);
    const raw = recordedVectors("embedding-gemini-embedding-001-768")[0];
    assert.ok(Math.abs(norm(raw) - 0.5677) < 1e-4, "Gemini sent it unnormalised");
    assert.equal(vector.length, 768);
    assert.ok(Math.abs(norm(vector) - 1) < 1e-12);
    const scale = raw[0] / vector[0];
    for (let i = 0; i < raw.length; i++) assert.ok(Math.abs(raw[i] / scale - vector[i]) < 1e-12, `at ${i}`);
    const python = JSON.parse(Deno.readTextFileSync(geminiPythonPath("cli-embed-001-768.stdout")));
    assert.deepEqual(vector, python);
  }));

Deno.test("a batch goes out as one request with one entry per text, vectors back in order", () =>
  withGemini(async (gemini) => {
    const [exchange] = gemini.enqueueRecording("embedding-batch");
    const model = await getEmbeddingModel("gemini-embedding-2-768");
    const vectors = await Array.fromAsync(model.embedMulti(["First text", "Second text"]));
    assert.equal(gemini.requests.length, 1);
    assert.deepEqual(gemini.requests[0].body, exchange.request.body);
    assert.deepEqual(vectors, recordedVectors("embedding-batch"));
  }));

Deno.test("more than 20 texts go out in requests of 20, in order, and the vectors come back in input order", () =>
  withGemini(async (gemini) => {
    const texts = Array.from({ length: 45 }, (_, i) => `text ${i}`);
    for (const [start, end] of [[0, 20], [20, 40], [40, 45]]) {
      gemini.enqueue({
        kind: "body",
        body: answer(Array.from({ length: end - start }, (_, i) => [start + i, 0.5])),
      });
    }
    const model = await getEmbeddingModel("gemini-embedding-001-768");
    const vectors = await Array.fromAsync(model.embedMulti(texts));
    assert.deepEqual(gemini.requests.map((r) => r.body.requests.length), [20, 20, 5]);
    assert.deepEqual(
      gemini.requests.flatMap((r) =>
        r.body.requests.map((e: { content: { parts: { text: string }[] } }) => e.content.parts[0].text)
      ),
      texts,
    );
    for (const request of gemini.requests) {
      assert.equal(request.path, "/v1beta/models/gemini-embedding-001:batchEmbedContents");
      for (const entry of request.body.requests) {
        assert.deepEqual(Object.keys(entry), ["model", "content", "outputDimensionality"]);
        assert.equal(entry.model, "models/gemini-embedding-001");
        assert.equal(entry.outputDimensionality, 768);
      }
    }
    // Each [i, 0.5] is scaled to length 1: the first component says which text it was.
    assert.deepEqual(vectors.map((v) => Math.round(v[0] / v[1] * 0.5)), texts.map((_, i) => i));
    assert.ok(vectors.every((v) => Math.abs(norm(v) - 1) < 1e-12));
    assert.equal(gemini.pending(), 0);
  }));

const EMBED_ERRORS: [number, Record<string, unknown>, string][] = [
  [
    400,
    {
      code: 400,
      message: "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n",
      status: "INVALID_ARGUMENT",
    },
    "Gemini API error for gemini-embedding-001 (HTTP 400 INVALID_ARGUMENT): * BatchEmbedContentsRequest." +
    "requests: at most 100 requests can be in one batch; check the texts: each must be non-empty and within " +
    "the model's input token limit",
  ],
  [
    403,
    {
      code: 403,
      message: "Generative Language API has not been used in project 1234 before or it is disabled.",
      status: "PERMISSION_DENIED",
    },
    "Gemini API error for gemini-embedding-001 (HTTP 403 PERMISSION_DENIED): Generative Language API has " +
    "not been used in project 1234 before or it is disabled; the key cannot use this model or API: check " +
    "the key's project and that the Generative Language API is enabled for it",
  ],
];

Deno.test("HTTP 400 and 403 are one-line errors with Google's message and what to do", () =>
  withGemini(async (gemini) => {
    const model = await getEmbeddingModel("gemini-embedding-001");
    for (const [status, error, expected] of EMBED_ERRORS) {
      gemini.enqueue({ kind: "body", status, body: JSON.stringify({ error }) });
      await assert.rejects(model.embed(TEXT), (thrown: Error & { kind?: string; status?: number }) => {
        assert.equal(thrown.name, "ModelError");
        assert.equal(thrown.kind, "http");
        assert.equal(thrown.status, status);
        assert.equal(thrown.message, expected);
        return true;
      });
    }
    assert.equal(gemini.requests.length, 2);
  }));

Deno.test("an answer without one vector per text, or that is not JSON, is an error that names the model", () =>
  withGemini(async (gemini) => {
    const model = await getEmbeddingModel("gemini-embedding-2");
    const bad = [
      answer([[1, 2]]),
      JSON.stringify({ embeddings: [{ values: [1, 2] }, { values: "no" }] }),
      JSON.stringify({ usageMetadata: {} }),
    ];
    for (const body of bad) {
      gemini.enqueue({ kind: "body", body });
      await assert.rejects(
        Array.fromAsync(model.embedMulti(["one", "two"])),
        /^ModelError: Gemini did not send 2 embeddings for gemini-embedding-2; try again/,
      );
    }
    gemini.enqueue({ kind: "body", body: "<html>" });
    await assert.rejects(
      model.embed("one"),
      /^ModelError: Gemini sent an embedding answer for gemini-embedding-2 that is not JSON \(.+\); try again$/,
    );
  }));

Deno.test("without a key nothing is sent and the error says how to set one; a key set on the model is used", () =>
  withGemini(async (gemini) => {
    Deno.env.delete("LLM_GEMINI_KEY");
    const model = await getEmbeddingModel("gemini-embedding-001");
    await assert.rejects(model.embed(TEXT), (error: Error) => {
      assert.equal(error.name, "NeedsKeyError");
      assert.match(error.message, /'gemini'.*LLM_GEMINI_KEY/);
      return true;
    });
    assert.equal(gemini.requests.length, 0);
    gemini.enqueueRecording("embedding-gemini-embedding-001");
    model.key = "another-key";
    await model.embed(TEXT);
    assert.equal(gemini.requests[0].apiKey, "another-key");
  }));
