/**
 * `llm embed`, `llm similar`, `llm embed-models` and `llm collections`, run in-process against the loopback
 * embeddings server, with Python llm 0.32's output and errors.
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { encode } from "../lib/embeddings/codec.ts";
import { pythonFloatRepr } from "../lib/compat/python_json.ts";
import { unloadPlugin } from "../lib/plugins/runtime.ts";
import { registry } from "../lib/default_registry.ts";
import { fakeEmbedding, startEmbeddingsServer } from "./support/embeddings_server.ts";
import { tempUserDir } from "./support/env.ts";

const PLUGIN = fileURLToPath(new URL("./fixtures/plugins/embed_bytes.ts", import.meta.url));

async function run(args: string[], stdin?: string | Uint8Array) {
  const io = memoryIo({ stdin });
  const code = await main(args, io, { dotenv: false });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

async function setup(env: Record<string, string | undefined> = {}) {
  const server = await startEmbeddingsServer();
  const dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test", ...env });
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

/** What `llm embed -c TEXT` prints for the loopback server's vector, as Python's json.dumps prints floats. */
function printedVector(text: string, dims = 16): string {
  return `[${Array.from(new Float32Array(fakeEmbedding(text, dims))).map(pythonFloatRepr).join(", ")}]\n`;
}

Deno.test("llm embed prints the vector as Python does: json (default), hex, base64, blob", async () => {
  await using t = await setup();
  // Recorded from Python llm 0.32 against this server.
  assert.deepEqual(await run(["embed", "-m", "3-small", "-c", "hello world"]), {
    code: 0,
    stdout: "[0.0, 0.0, 0.0, 0.6246950626373291, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.7808688282966614, " +
      "0.0, 0.0, 0.0, 0.0]\n",
    stderr: "",
  });
  assert.equal(
    (await run(["embed", "-m", "3-small", "-c", "hello world", "-f", "hex"])).stdout,
    "00000000000000000000000004ec1f3f0000000000000000000000000000000000000000000000000000000005e7473f" +
      "00000000000000000000000000000000\n",
  );
  const blob = encode(fakeEmbedding("hello world", 16));
  const base64 = (await run(["embed", "-m", "3-small", "-c", "hello world", "-f", "base64"])).stdout;
  assert.equal(base64, btoa(String.fromCharCode(...blob)) + "\n");
  const io = memoryIo();
  assert.equal(
    await main(["embed", "-m", "3-small", "-c", "hello world", "-f", "blob"], io, { dotenv: false }),
    0,
  );
  assert.equal(io.stdoutText(), new TextDecoder().decode(new Uint8Array([...blob, 10])));
  // The model from LLM_EMBEDDING_MODEL, then from the default file; content from a file or stdin.
  await Deno.writeTextFile(`${t.dir.path}/in.txt`, "from a file");
  Deno.env.set("LLM_EMBEDDING_MODEL", "3-large-256");
  try {
    assert.equal(
      (await run(["embed", "-i", `${t.dir.path}/in.txt`])).stdout,
      printedVector("from a file", 256),
    );
  } finally {
    Deno.env.delete("LLM_EMBEDDING_MODEL");
  }
  assert.deepEqual(await run(["embed-models", "default", "ada"]), { code: 0, stdout: "", stderr: "" });
  assert.equal((await run(["embed"], "from stdin")).stdout, printedVector("from stdin"));
  assert.equal((await run(["embed", "-i", "-"], "dash")).stdout, printedVector("dash"));
  assert.equal(t.server.requests.at(-1)?.body.model, "text-embedding-ada-002");
});

Deno.test("llm embed COLLECTION ID stores silently, --store keeps the text, --format prints the stored vector", async () => {
  await using t = await setup();
  assert.deepEqual(
    await run([
      "embed",
      "docs",
      "a",
      "-m",
      "3-small",
      "-c",
      "alpha text",
      "--store",
      "--metadata",
      '{"n": 1.0}',
    ]),
    { code: 0, stdout: "", stderr: "" },
  );
  assert.deepEqual(await run(["embed", "docs", "b", "-c", "beta text", "-f", "json"]), {
    code: 0,
    stdout: printedVector("beta text"),
    stderr: "",
  });
  const db = new DatabaseSync(t.db, { readOnly: true });
  const rows = db.prepare("SELECT id, content, metadata FROM embeddings ORDER BY id").all();
  db.close();
  assert.deepEqual(rows.map((r) => ({ ...r })), [
    { id: "a", content: "alpha text", metadata: '{"n": 1.0}' },
    { id: "b", content: null, metadata: null },
  ]);
  // The same content again sends nothing.
  const before = t.server.requests.length;
  assert.equal((await run(["embed", "docs", "a", "-c", "alpha text"])).code, 0);
  assert.equal(t.server.requests.length, before);
});

Deno.test("llm embed errors: one line each, with Python's wording and exit codes", async () => {
  await using t = await setup();
  const cases: [string[], number, RegExp][] = [
    [["embed", "docs", "-c", "x"], 1, /^Error: Must provide both collection and id\n$/],
    [["embed", "-c", "x", "--store"], 1, /^Error: Must provide collection when using --store\n$/],
    [["embed", "-c", "x"], 1, /^Error: You need to specify an embedding model \(no default model is set\)/],
    [
      ["embed", "docs", "1", "-c", "x"],
      1,
      /^Error: You need to specify an embedding model \(no default model/,
    ],
    [["embed", "-m", "nope", "-c", "x"], 1, /^Error: Unknown embedding model 'nope'\. .*'llm embed-models'/],
    [
      ["embed", "-m", "ada", "-c", "x", "--metadata", "[1]"],
      2,
      /Error: Invalid value for '--metadata': metadata must be a JSON object\n$/,
    ],
    [
      ["embed", "-m", "ada", "-c", "x", "--metadata", "{"],
      2,
      /Error: Invalid value for '--metadata': metadata must be valid JSON\n$/,
    ],
    [
      ["embed", "-m", "ada", "-i", "/no/such/file"],
      2,
      /Error: Invalid value for '-i' \/ '--input': Path '\/no\/such\/file' does not exist\.\n$/,
    ],
    [["embed", "-m", "ada"], 1, /^Error: No content provided/],
  ];
  for (const [args, code, pattern] of cases) {
    const result = await run(args);
    assert.equal(result.code, code, args.join(" "));
    assert.match(result.stderr, pattern, args.join(" "));
    assert.equal(result.stdout, "");
    if (code === 1) assert.equal(result.stderr.split("\n").length, 2, `one line: ${args.join(" ")}`);
  }
  const binary = await run(["embed", "-m", "ada", "--binary"], new Uint8Array([1, 2, 3]));
  assert.deepEqual(binary, {
    code: 1,
    stdout: "",
    stderr:
      "Error: Embedding model 'text-embedding-ada-002' does not support binary data, only text strings; " +
      "pick a model that does\n",
  });
  // A collection created with another model.
  assert.equal((await run(["embed", "docs", "1", "-m", "3-small", "-c", "x"])).code, 0);
  const mismatch = await run(["embed", "docs", "2", "-m", "ada", "-c", "y"]);
  assert.equal(mismatch.code, 1);
  assert.equal(
    mismatch.stderr,
    "Error: Collection 'docs' was created with embedding model 'text-embedding-3-small', not " +
      "'text-embedding-ada-002': vectors of different models cannot be compared. Leave out -m, or use another " +
      "collection name\n",
  );
  assert.equal(t.server.requests.length, 1, "only the successful embed reached the server");
});

Deno.test("llm embed --binary with a plugin model that takes bytes; stdin bytes are kept as they are", async () => {
  await using t = await setup({ LLM_PLUGINS: PLUGIN });
  const warnings: string[] = [];
  const onWarning = registry.onWarning;
  registry.onWarning = (m) => warnings.push(m);
  try {
    const bytes = new Uint8Array([0, 255, 0, 1, 0xc3]);
    assert.deepEqual(await run(["embed", "-m", "bytes", "--binary"], bytes), {
      code: 0,
      stdout: "[5.0, 2.0, 1.0]\n",
      stderr: "",
    });
    await Deno.writeFile(`${t.dir.path}/img.bin`, bytes);
    assert.equal(
      (await run(["embed", "imgs", "x", "-m", "bytes", "--binary", "-i", `${t.dir.path}/img.bin`, "--store"]))
        .code,
      0,
    );
    const db = new DatabaseSync(t.db, { readOnly: true });
    const row = db.prepare("SELECT content, content_blob FROM embeddings").get() as Record<string, unknown>;
    db.close();
    assert.deepEqual({ ...row }, { content: null, content_blob: bytes });
    const listed = (await run(["embed-models"])).stdout.split("\n");
    assert.ok(listed.includes("ByteCounter: byte-counter (aliases: bytes)"), listed.join("\n"));
    assert.match(
      warnings.join("\n"),
      /registerEmbeddingModels registered something that is not an embedding model/,
    );
  } finally {
    registry.onWarning = onWarning;
    unloadPlugin("llm-embed-bytes");
  }
});

Deno.test("llm similar: JSON lines and -p, by ID or content, -n and --prefix, and its errors", async () => {
  await using t = await setup();
  const csv = `${t.dir.path}/docs.csv`;
  await Deno.writeTextFile(csv, "id,text\ncats,Cats are furry\ndogs,Dogs are loyal\ncars,Cars have wheels\n");
  assert.equal((await run(["embed-multi", "docs", csv, "-m", "3-small", "--store"])).code, 0);
  await run(["embed", "docs", "meta", "-c", "Furry cats again", "--metadata", '{"a": "\u00e9"}']);
  const byId = await run(["similar", "docs", "cats", "-n", "2"]);
  assert.equal(byId.code, 0);
  const lines = byId.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  assert.deepEqual(Object.keys(lines[0]), ["id", "score", "content", "metadata"]);
  assert.ok(!lines.some((l) => l.id === "cats"));
  const plain = await run(["similar", "docs", "-c", "furry cats", "-p", "--prefix", "me"]);
  assert.match(plain.stdout, /^meta \(-?\d\.\d+(e-\d+)?\)\n\n {2}\{"a": "\\u00e9"\}\n\n$/);
  const viaStdin = await run(["similar", "docs", "-i", "-"], "furry cats");
  assert.equal(viaStdin.stdout, (await run(["similar", "docs", "-c", "furry cats"])).stdout);

  const cases: [string[], RegExp][] = [
    [["similar", "docs"], /^Error: Must provide content or an ID for the comparison/],
    [["similar", "nope", "x"], /^Error: Collection 'nope' does not exist\. Run 'llm collections'/],
    [["similar", "docs", "zzz"], /^Error: ID 'zzz' not found in collection 'docs'/],
    [
      ["similar", "docs", "x", "-d", `${t.dir.path}/none.db`],
      /^Error: No embeddings table found in .*none\.db/,
    ],
  ];
  for (const [args, pattern] of cases) {
    const result = await run(args);
    assert.equal(result.code, 1, args.join(" "));
    assert.match(result.stderr, pattern);
    assert.equal(result.stderr.split("\n").length, 2);
  }
});

Deno.test("llm embed-models: list, -q, default, --remove-default, unknown", async () => {
  await using t = await setup();
  const listed = await run(["embed-models"]);
  assert.equal(
    listed.stdout.split("\n")[0],
    "OpenAIEmbeddingModel: text-embedding-ada-002 (aliases: ada, ada-002)",
  );
  assert.deepEqual(await run(["embed-models", "list", "-q", "large", "-q", "256"]), {
    code: 0,
    stdout: "OpenAIEmbeddingModel: text-embedding-3-large-256 (aliases: 3-large-256)\n",
    stderr: "",
  });
  assert.deepEqual(await run(["embed-models", "default"]), {
    code: 0,
    stdout: "",
    stderr: "<No default embedding model set>\n",
  });
  assert.equal((await run(["embed-models", "default", "3-small"])).code, 0);
  assert.equal(
    await Deno.readTextFile(`${t.dir.path}/default_embedding_model.txt`),
    "text-embedding-3-small",
  );
  assert.equal((await run(["embed-models", "default"])).stdout, "text-embedding-3-small\n");
  const unknown = await run(["embed-models", "default", "zzz"]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^Error: Unknown embedding model 'zzz'/);
  assert.equal((await run(["embed-models", "default", "--remove-default"])).code, 0);
  assert.equal((await run(["embed-models", "default"])).stderr, "<No default embedding model set>\n");
});

Deno.test("llm collections: list, --json, delete, path, -d and LLM_EMBEDDINGS_DB", async () => {
  await using t = await setup();
  await run(["embed", "one", "a", "-m", "3-small", "-c", "x"]);
  await run(["embed", "two", "a", "-m", "ada", "-c", "x"]);
  await run(["embed", "two", "b", "-c", "y"]);
  assert.deepEqual(await run(["collections"]), {
    code: 0,
    stdout: "one: text-embedding-3-small\n  1 embedding\ntwo: text-embedding-ada-002\n  2 embeddings\n",
    stderr: "",
  });
  assert.equal(
    (await run(["collections", "list", "--json"])).stdout,
    '[\n    {\n        "name": "one",\n        "model": "text-embedding-3-small",\n        "num_embeddings": 1\n' +
      '    },\n    {\n        "name": "two",\n        "model": "text-embedding-ada-002",\n        "num_embeddings": 2\n' +
      "    }\n]\n",
  );
  assert.deepEqual(await run(["collections", "delete", "two"]), { code: 0, stdout: "", stderr: "" });
  assert.equal(
    (await run(["collections", "delete", "two"])).stderr,
    "Error: Collection 'two' does not exist. Run 'llm collections' to list collections\n",
  );
  assert.equal((await run(["collections", "path"])).stdout, `${t.db}\n`);

  const other = `${t.dir.path}/other.db`;
  Deno.env.set("LLM_EMBEDDINGS_DB", other);
  try {
    await run(["embed", "three", "z", "-m", "ada", "-c", "x"]);
    assert.equal((await run(["collections"])).stdout, "three: text-embedding-ada-002\n  1 embedding\n");
    assert.equal((await run(["collections", "path"])).stdout, `${t.db}\n`, "path ignores LLM_EMBEDDINGS_DB");
  } finally {
    Deno.env.delete("LLM_EMBEDDINGS_DB");
  }
  assert.equal(
    (await run(["collections", "-d", other])).stdout,
    "three: text-embedding-ada-002\n  1 embedding\n",
  );
  assert.equal((await run(["collections"])).stdout, "one: text-embedding-3-small\n  1 embedding\n");
});
