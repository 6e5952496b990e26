/**
 * The Gemini plugin's embedding models through the real CLI in subprocesses, after `llm install` of the
 * plugin, against the loopback replay of the recorded `batchEmbedContents` traffic: `llm embed-models` lists
 * the models as Python's `llm-gemini` does, `llm embed -m ... -c ...` prints what Python printed for the
 * same answers, `llm embed-multi` stores the rows Python stored (tests/fixtures/gemini-python/embeddings.db),
 * `llm embed-multi` of 45 rows sends three requests of 20, 20 and 5 texts, and HTTP 400 and 403 answers are
 * one-line errors.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decode } from "../lib/embeddings/codec.ts";
import { runCli } from "./support/run_cli.ts";
import { tempUserDir } from "./support/env.ts";
import { type GeminiServer, startGeminiServer } from "./support/gemini_server.ts";
import { geminiPythonPath } from "./support/gemini_python.ts";

const repoDir = fileURLToPath(new URL("../", import.meta.url));
const pluginPath = join(repoDir, "plugins/gemini/mod.ts");
const KEY = "test-key";
const TEXT = "Some text goes here";

const python = (name: string) => Deno.readTextFileSync(geminiPythonPath(name));

/** Runs `fn` with the replay server and a fresh user directory where the plugin is installed. */
async function withInstalled(fn: (gemini: GeminiServer, userDir: string) => Promise<void>): Promise<void> {
  await using gemini = await startGeminiServer();
  await using dir = await tempUserDir({ LLM_GEMINI_BASE_URL: gemini.url, LLM_GEMINI_KEY: KEY });
  const install = await runCli(["install", pluginPath]);
  assert.equal(install.code, 0, install.stderr);
  await fn(gemini, dir.path);
}

type Row = Record<string, unknown>;

function rowsOf(path: string): { collections: Row[]; embeddings: Row[] } {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return {
      collections: db.prepare("select id, name, model from collections").all() as Row[],
      embeddings: db.prepare(
        "select collection_id, id, embedding, content, content_blob, content_hash, metadata " +
          "from embeddings order by id",
      ).all() as Row[],
    };
  } finally {
    db.close();
  }
}

Deno.test("llm embed-models lists the Gemini embedding models as Python's llm-gemini does, sending nothing", () =>
  withInstalled(async (gemini) => {
    const listed = await runCli(["embed-models"]);
    assert.equal(listed.code, 0, listed.stderr);
    const ours = listed.stdout.split("\n").filter((line) => line.startsWith("GeminiEmbeddingModel: "));
    assert.deepEqual(ours, python("embed-models-gemini.txt").trimEnd().split("\n"));
    assert.match(listed.stdout, /^OpenAIEmbeddingModel: text-embedding-ada-002 /, "the built-in ones first");
    const query = await runCli(["embed-models", "-q", "001"]);
    assert.deepEqual(query.stdout.trimEnd().split("\n"), [
      "GeminiEmbeddingModel: gemini-embedding-001",
      "GeminiEmbeddingModel: gemini-embedding-001-768",
      "GeminiEmbeddingModel: gemini-embedding-001-1536",
    ]);
    assert.equal(gemini.requests.length, 0);
  }));

Deno.test("llm embed -m gemini-embedding-001 (and -001-768, -2-768) -c prints the vector Python printed", () =>
  withInstalled(async (gemini) => {
    const cases: [string, string][] = [
      ["gemini-embedding-001", "cli-embed-001.stdout"],
      ["gemini-embedding-001-768", "cli-embed-001-768.stdout"],
      ["gemini-embedding-2-768", "cli-embed-2-768.stdout"],
    ];
    for (const [id, expected] of cases) {
      const [exchange] = gemini.enqueueRecording(`embedding-${id}`);
      const result = await runCli(["embed", "-m", id, "-c", TEXT]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, python(expected), id);
      const request = gemini.requests.at(-1)!;
      assert.deepEqual([request.path, request.apiKey, request.body], [
        exchange.request.path,
        KEY,
        exchange.request.body,
      ]);
    }
    assert.equal(gemini.requests.length, 3);
  }));

Deno.test("llm embed-multi with a Gemini model stores the rows Python's llm-gemini stored, in one request", () =>
  withInstalled(async (gemini, userDir) => {
    const csv = join(userDir, "batch.csv");
    Deno.writeTextFileSync(csv, "id,text\n1,First text\n2,Second text\n");
    const db = join(userDir, "embeddings.db");
    const [exchange] = gemini.enqueueRecording("embedding-batch");
    const result = await runCli(["embed-multi", "texts", "-m", "gemini-embedding-2-768", csv, "-d", db]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(gemini.requests.length, 1);
    assert.deepEqual(gemini.requests[0].body, exchange.request.body);
    assert.deepEqual(rowsOf(db), rowsOf(geminiPythonPath("embeddings.db")));
  }));

Deno.test("llm embed-multi of 45 rows sends requests of 20, 20 and 5 texts; each row gets its own vector", async () => {
  // A server that answers each text "row N" with the vector [N, 1], so a vector sent back for the wrong row
  // shows, whatever order the requests arrive in.
  const batches: string[][] = [];
  const paths: string[] = [];
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = await req.json() as { requests: { content: { parts: { text: string }[] } }[] };
    const texts = body.requests.map((entry) => entry.content.parts[0].text);
    batches.push(texts);
    paths.push(new URL(req.url).pathname);
    return Response.json({ embeddings: texts.map((text) => ({ values: [Number(text.split(" ")[1]), 1] })) });
  });
  await using dir = await tempUserDir({
    LLM_GEMINI_BASE_URL: `http://127.0.0.1:${server.addr.port}`,
    LLM_GEMINI_KEY: KEY,
  });
  assert.equal((await runCli(["install", pluginPath])).code, 0);
  const csv = join(dir.path, "rows.csv");
  const rows = Array.from({ length: 45 }, (_, i) => `r${i},row ${i}`);
  Deno.writeTextFileSync(csv, ["id,text", ...rows].join("\n") + "\n");
  const db = join(dir.path, "embeddings.db");
  const result = await runCli(["embed-multi", "rows", "-m", "gemini-embedding-2", csv, "-d", db]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(paths, Array(3).fill("/v1beta/models/gemini-embedding-2:batchEmbedContents"));
  const texts = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `row ${from + i}`);
  assert.deepEqual(batches.toSorted((a, b) => a[0].localeCompare(b[0], "en", { numeric: true })), [
    texts(0, 20),
    texts(20, 40),
    texts(40, 45),
  ]);
  const stored = rowsOf(db).embeddings.map((row) => [row.id, decode(row.embedding as Uint8Array)]);
  assert.deepEqual(
    stored.toSorted((a, b) => Number(String(a[0]).slice(1)) - Number(String(b[0]).slice(1))),
    rows.map((_, i) => [`r${i}`, [i, 1]]),
  );
});

Deno.test("llm embed with a Gemini model: HTTP 400 and 403 are one-line errors, exit 1", () =>
  withInstalled(async (gemini) => {
    const cases: [number, Record<string, unknown>, RegExp][] = [
      [
        400,
        { code: 400, message: "Request contains an invalid argument.", status: "INVALID_ARGUMENT" },
        /^Error: Gemini API error for gemini-embedding-001 \(HTTP 400 INVALID_ARGUMENT\): Request contains an invalid argument; check the texts: .+\n$/,
      ],
      [
        403,
        {
          code: 403,
          message: "The caller does not have permission",
          status: "PERMISSION_DENIED",
        },
        /^Error: Gemini API error for gemini-embedding-001 \(HTTP 403 PERMISSION_DENIED\): The caller does not have permission; the key cannot use this model or API: .+\n$/,
      ],
    ];
    for (const [status, error, expected] of cases) {
      gemini.enqueue({ kind: "body", status, body: JSON.stringify({ error }) });
      const result = await runCli(["embed", "-m", "gemini-embedding-001", "-c", "hello"]);
      assert.equal(result.code, 1);
      assert.equal(result.stdout, "");
      assert.match(result.stderr, expected);
      assert.equal(result.stderr.split("\n").length, 2, "one line");
    }
    assert.deepEqual(gemini.requests.map((r) => r.body.requests[0].content.parts[0].text), [
      "hello",
      "hello",
    ]);

    const noKey = await runCli(["embed", "-m", "gemini-embedding-001", "-c", "hello"], {
      env: { LLM_GEMINI_KEY: "" },
    });
    assert.equal(noKey.code, 1);
    assert.equal(
      noKey.stderr,
      "Error: No key found - add one using 'llm keys set gemini' or set the LLM_GEMINI_KEY environment variable\n",
    );
    assert.equal(gemini.requests.length, 2);
  }));
