/**
 * Round trips with Python llm 0.32's embeddings.db. The fixtures were recorded by
 * tests/support/record_python_embeddings.ts: Python wrote python-0.32.db against the loopback embeddings
 * server and printed the outputs in python-0.32.json.
 * - We read what Python wrote: each recorded command, run here on a copy of its database, prints the same.
 * - Python reads what we write: the same build commands run here give a database whose schema and rows
 *   (vectors, content, hashes, metadata) are byte for byte Python's, so Python reads it as its own.
 * - With Python llm at /tmp/pyllm, it also runs `llm similar` on our database (skipped without it).
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { startEmbeddingsServer } from "./support/embeddings_server.ts";
import { tempUserDir } from "./support/env.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/embeddings/", import.meta.url));
const recorded = JSON.parse(await Deno.readTextFile(FIXTURES + "python-0.32.json")) as {
  build: string[][];
  cases: { args: string[]; stdout: string }[];
};
const PYTHON_LLM = Deno.env.get("PYTHON_LLM") ?? "/tmp/pyllm/bin/llm";
const havePython = await Deno.stat(PYTHON_LLM).then(() => true, () => false);

/** Input paths of the recorded commands are relative to the fixtures folder. */
function absolute(args: string[]): string[] {
  return args.map((a) => (a.startsWith("inputs/") ? FIXTURES + a : a));
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const code = await main(args, io, { dotenv: false });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

/** Every row with its collection, as comparable text (`updated` left out: it is the time of writing). */
function rows(path: string): string[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (db.prepare(
      `SELECT c.name AS collection, c.model, e.id, hex(e.embedding) AS embedding, e.content,
              hex(e.content_blob) AS content_blob, hex(e.content_hash) AS content_hash, e.metadata,
              typeof(e.updated) AS updated_type
       FROM embeddings e JOIN collections c ON c.id = e.collection_id ORDER BY c.name, e.id`,
    ).all()).map((r) => JSON.stringify(r));
  } finally {
    db.close();
  }
}

function schema(path: string): string[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").all())
      .map((r) => JSON.stringify(r));
  } finally {
    db.close();
  }
}

function migrationNames(path: string): string[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (db.prepare("SELECT migration_set || ' ' || name AS n FROM _sqlite_migrations ORDER BY id")
      .all() as {
        n: string;
      }[]).map((r) => r.n);
  } finally {
    db.close();
  }
}

Deno.test("we read Python's embeddings.db: every recorded command prints what Python printed", async () => {
  await using server = await startEmbeddingsServer();
  await using dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
  const db = `${dir.path}/python.db`;
  await Deno.copyFile(FIXTURES + "python-0.32.db", db);
  assert.ok(recorded.cases.length >= 10);
  for (const { args, stdout } of recorded.cases) {
    const result = await run([...args, "-d", db]);
    assert.deepEqual(result, { code: 0, stdout, stderr: "" }, `llm ${args.join(" ")}`);
  }
  // Reading migrated nothing and lost nothing.
  assert.deepEqual(rows(db), rows(FIXTURES + "python-0.32.db"));
});

Deno.test("Python reads what we write: the same commands give Python's schema and rows, byte for byte", async () => {
  await using server = await startEmbeddingsServer();
  await using dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
  const db = `${dir.path}/ours.db`;
  for (const args of recorded.build) {
    const result = await run([...absolute(args), "-d", db]);
    assert.deepEqual(result, { code: 0, stdout: "", stderr: "" }, `llm ${args.join(" ")}`);
  }
  const python = FIXTURES + "python-0.32.db";
  assert.deepEqual(schema(db), schema(python));
  assert.deepEqual(migrationNames(db), migrationNames(python));
  assert.deepEqual(rows(db), rows(python));
  // And our reading of our database prints what Python printed for its own.
  for (const { args, stdout } of recorded.cases) {
    assert.equal((await run([...args, "-d", db])).stdout, stdout, `llm ${args.join(" ")} on our database`);
  }
});

Deno.test({
  name: "Python llm 0.32 runs similar and collections on a database we wrote (needs /tmp/pyllm)",
  ignore: !havePython,
  fn: async () => {
    await using server = await startEmbeddingsServer();
    await using dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
    const db = `${dir.path}/ours.db`;
    for (const args of recorded.build) assert.equal((await run([...absolute(args), "-d", db])).code, 0);
    for (const { args, stdout } of recorded.cases) {
      const out = await new Deno.Command(PYTHON_LLM, {
        args: [...args, "-d", db],
        env: { LLM_USER_PATH: dir.path, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      assert.equal(
        new TextDecoder().decode(out.stdout),
        stdout,
        `Python llm ${args.join(" ")} on our database`,
      );
    }
  },
});

if (!havePython) console.log(`Skipping the live Python llm round trip: ${PYTHON_LLM} is not installed`);
