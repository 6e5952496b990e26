/**
 * Records `tests/fixtures/embeddings/` from Python `llm` 0.32 (at /tmp/pyllm, or `PYTHON_LLM`): an
 * embeddings.db it writes against the loopback embeddings server, the output of its commands on that
 * database, and a database of an older llm upgraded by it. The tests read only the recorded files.
 *
 * `deno run -A tests/support/record_python_embeddings.ts`
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { startEmbeddingsServer } from "./embeddings_server.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/embeddings/", import.meta.url));
const INPUTS = FIXTURES + "inputs/";
const PYTHON_LLM = Deno.env.get("PYTHON_LLM") ?? "/tmp/pyllm/bin/llm";

/** The commands that build the fixture database, in order (run with `-d DB`). */
export const BUILD_COMMANDS: string[][] = [
  ["embed-multi", "docs", INPUTS + "docs.csv", "-m", "3-small", "--store"],
  [
    "embed",
    "docs",
    "meta1",
    "-c",
    "Pelicans are large birds",
    "--metadata",
    '{"kind": "bird", "n": 1.0, "name": "\u00e9"}',
    "--store",
  ],
  ["embed", "docs", "secret", "-c", "A text that is embedded but not stored"],
  [
    "embed-multi",
    "notes",
    INPUTS + "notes.json",
    "-m",
    "3-large-256",
    "--prefix",
    "note-",
    "--prepend",
    "search: ",
  ],
  ["embed-multi", "lines", INPUTS + "lines.jsonl", "--format", "nl", "-m", "ada", "--store"],
  ["embed-multi", "tabs", INPUTS + "data.tsv", "-m", "3-small", "--store", "--batch-size", "1"],
  [
    "embed-multi",
    "files",
    "--files",
    INPUTS + "files",
    "**/*.txt",
    "-m",
    "3-small",
    "--store",
    "--encoding",
    "utf-8",
  ],
];

/** The read commands whose output is recorded (run with `-d DB`). */
export const READ_COMMANDS: string[][] = [
  ["similar", "docs", "1"],
  ["similar", "docs", "1", "-p"],
  ["similar", "docs", "meta1", "-p"],
  ["similar", "docs", "3", "-n", "2"],
  ["similar", "docs", "2", "--prefix", "m"],
  ["similar", "docs", "-c", "furry pets that purr"],
  ["similar", "notes", "note-10"],
  ["similar", "lines", "a", "-p"],
  ["similar", "tabs", "t1"],
  ["similar", "files", "pets.txt", "-p"],
  ["collections", "list"],
  ["collections", "list", "--json"],
];

async function python(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string }> {
  const out = await new Deno.Command(PYTHON_LLM, {
    args,
    env,
    cwd: FIXTURES,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const stderr = new TextDecoder().decode(out.stderr);
  if (out.code !== 0) throw new Error(`llm ${args.join(" ")} failed: ${stderr}`);
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}

/** Paths in commands relative to the fixture folder, so the recorded cases do not name this machine. */
function portable(args: string[]): string[] {
  return args.map((a) => a.startsWith(FIXTURES) ? a.slice(FIXTURES.length) : a);
}

/** An embeddings.db as llm before 0.32 left it: sqlite-migrate's table (no id) and m001-m003 only. */
function writeLegacyDb(path: string): void {
  try {
    Deno.removeSync(path);
  } catch { /* not there */ }
  const db = new DatabaseSync(path);
  db.exec(`
    CREATE TABLE [_sqlite_migrations] (
       [migration_set] TEXT,
       [name] TEXT,
       [applied_at] TEXT,
       PRIMARY KEY ([migration_set], [name])
    );
    CREATE TABLE [collections] (
       [id] INTEGER PRIMARY KEY,
       [name] TEXT,
       [model] TEXT
    );
    CREATE UNIQUE INDEX [idx_collections_name] ON [collections] ([name]);
    CREATE TABLE [embeddings] (
       [collection_id] INTEGER REFERENCES [collections]([id]),
       [id] TEXT,
       [embedding] BLOB,
       [content] TEXT,
       [metadata] TEXT,
       [updated] INTEGER,
       PRIMARY KEY ([collection_id], [id])
    );
    INSERT INTO _sqlite_migrations VALUES
      ('llm.embeddings', 'm001_create_tables', '2023-09-01 10:00:00.000000'),
      ('llm.embeddings', 'm002_foreign_key', '2023-09-01 10:00:00.000001'),
      ('llm.embeddings', 'm003_add_updated', '2023-09-01 10:00:00.000002');
    INSERT INTO collections VALUES (1, 'old', 'text-embedding-3-small');
  `);
  const insert = db.prepare("INSERT INTO embeddings VALUES (1, ?, ?, ?, ?, 1693562400)");
  const blob = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
  insert.run("kept", blob([1, 0, 0, 0]), "stored text", '{"a": 1}');
  insert.run("bare", blob([0, 1, 0, 0]), null, null);
  db.close();
}

if (import.meta.main) {
  await using server = await startEmbeddingsServer();
  const user = await Deno.makeTempDir({ prefix: "llm-py-user-" });
  const env = { LLM_USER_PATH: user, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" };
  const db = FIXTURES + "python-0.32.db";
  try {
    Deno.removeSync(db);
  } catch { /* first recording */ }
  for (const args of BUILD_COMMANDS) await python([...args, "-d", db], env);
  const cases = [];
  for (const args of READ_COMMANDS) {
    const { stdout } = await python([...args, "-d", db], env);
    cases.push({ args: portable(args), stdout });
  }
  await Deno.writeTextFile(
    FIXTURES + "python-0.32.json",
    JSON.stringify({ build: BUILD_COMMANDS.map(portable), cases }, null, 2) + "\n",
  );

  const legacy = FIXTURES + "legacy-0.31.db";
  writeLegacyDb(legacy);
  const upgraded = user + "/upgraded.db";
  await Deno.copyFile(legacy, upgraded);
  await python(["embed", "old", "new", "-c", "added by 0.32", "-d", upgraded], env);
  const conn = new DatabaseSync(upgraded);
  const schema = conn.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY rowid").all();
  const migrations = conn.prepare("SELECT id, migration_set, name FROM _sqlite_migrations ORDER BY id").all();
  const rows = conn.prepare(
    "SELECT id, hex(embedding) AS embedding, content, content_blob, hex(content_hash) AS content_hash, metadata " +
      "FROM embeddings ORDER BY id",
  ).all();
  conn.close();
  await Deno.writeTextFile(
    FIXTURES + "legacy-0.31-upgraded.json",
    JSON.stringify({ schema, migrations, rows }, null, 2) + "\n",
  );
  await Deno.remove(user, { recursive: true });
  console.log(`Recorded ${cases.length} cases and the legacy upgrade in ${FIXTURES}`);
}
