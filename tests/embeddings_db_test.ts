import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { md5 } from "../lib/compat/md5.ts";
import { openEmbeddingsDb } from "../lib/embeddings/db.ts";
import {
  NewerEmbeddingsSchemaError,
  NoEmbeddingsTableError,
  NotAnEmbeddingsDatabaseError,
} from "../lib/embeddings/errors.ts";
import { MIGRATION_NAMES } from "../lib/embeddings/migrations.ts";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { tempUserDir } from "./support/env.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/embeddings/", import.meta.url));

const hex = (bytes: Uint8Array) =>
  [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();

function schemaOf(db: DatabaseSync): { type: string; name: string; sql: string | null }[] {
  return (db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY name").all() as {
    type: string;
    name: string;
    sql: string | null;
  }[]).map(({ type, name, sql }) => ({ type, name, sql }));
}

async function run(args: string[]) {
  const io = memoryIo();
  const code = await main(args, io, { dotenv: false });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

Deno.test("a new embeddings.db has Python 0.32's tables, indexes and the five llm.embeddings migrations", () => {
  const db = openEmbeddingsDb(":memory:");
  const python = new DatabaseSync(FIXTURES + "python-0.32.db", { readOnly: true });
  try {
    assert.deepEqual(schemaOf(db), schemaOf(python));
    const applied = db.prepare(
      "SELECT id, migration_set, name, applied_at FROM _sqlite_migrations ORDER BY id",
    )
      .all() as { id: number; migration_set: string; name: string; applied_at: string }[];
    assert.deepEqual(
      applied.map((m) => [m.id, m.migration_set, m.name]),
      MIGRATION_NAMES.map((n, i) => [
        i + 1,
        "llm.embeddings",
        n,
      ]),
    );
    // str(datetime.now(timezone.utc)) as sqlite-utils records it.
    for (const m of applied) assert.match(m.applied_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00$/);
  } finally {
    db.close();
    python.close();
  }
});

Deno.test("a database of llm before 0.32 is upgraded as Python 0.32 upgrades it, keeping every row", async () => {
  await using dir = await tempUserDir();
  const path = `${dir.path}/legacy.db`;
  await Deno.copyFile(FIXTURES + "legacy-0.31.db", path);
  const expected = JSON.parse(await Deno.readTextFile(FIXTURES + "legacy-0.31-upgraded.json")) as {
    schema: { type: string; name: string; sql: string | null }[];
    migrations: { id: number; migration_set: string; name: string }[];
    rows: Record<string, unknown>[];
  };
  const db = openEmbeddingsDb(path);
  try {
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
    assert.deepEqual(schemaOf(db), [...expected.schema].sort(byName));
    assert.deepEqual(
      db.prepare("SELECT id, migration_set, name FROM _sqlite_migrations ORDER BY id").all().map((r) => ({
        ...r,
      })),
      expected.migrations,
    );
    const rows = db.prepare(
      "SELECT id, hex(embedding) AS embedding, content, content_blob, hex(content_hash) AS content_hash, metadata " +
        "FROM embeddings ORDER BY id",
    ).all().map((r) => ({ ...r })) as Record<string, unknown>[];
    const pythonRows = expected.rows.filter((r) => r.id !== "new"); // the row Python's upgrade run added
    assert.equal(rows.length, 2);
    for (const [ours, theirs] of rows.map((r, i) => [r, pythonRows[i]])) {
      // A row without stored content gets a random hash in both tools, so only its length is compared.
      if (theirs.content === null) {
        assert.equal(String(ours.content_hash).length, 32);
        assert.deepEqual({ ...ours, content_hash: "" }, { ...theirs, content_hash: "" });
      } else assert.deepEqual(ours, theirs);
    }
    assert.equal(rows.find((r) => r.id === "kept")!.content_hash, hex(md5("stored text")));
  } finally {
    db.close();
  }
  // Opening it again changes nothing.
  const before = await Deno.readFile(path);
  openEmbeddingsDb(path).close();
  assert.deepEqual(await Deno.readFile(path), before);
});

Deno.test("a file that is not SQLite, or a damaged one, is an error and is left unchanged", async () => {
  await using dir = await tempUserDir();
  const text = `${dir.path}/notes.db`;
  await Deno.writeTextFile(text, "these are my notes, not a database\n");
  assert.throws(() => openEmbeddingsDb(text), NotAnEmbeddingsDatabaseError);
  assert.equal(await Deno.readTextFile(text), "these are my notes, not a database\n");

  const damaged = `${dir.path}/damaged.db`;
  const good = await Deno.readFile(FIXTURES + "python-0.32.db");
  const bytes = good.slice();
  bytes.fill(0x5a, 100, 4096 * 3); // the header stays, the schema pages do not
  await Deno.writeFile(damaged, bytes);
  assert.throws(() => openEmbeddingsDb(damaged), NotAnEmbeddingsDatabaseError);
  assert.deepEqual(await Deno.readFile(damaged), bytes);

  for (
    const [path, args] of [[text, ["similar", "c", "1"]], [damaged, ["collections"]], [damaged, [
      "embed",
      "c",
      "1",
      "-c",
      "hi",
    ]]] as const
  ) {
    const result = await run([...args, "-d", path]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error: '.*' is not a usable SQLite database .*so it was not changed\. /);
    assert.equal(result.stderr.trimEnd().split("\n").length, 1, "one line");
  }
  assert.deepEqual(await Deno.readFile(damaged), bytes);
});

Deno.test("a database from a newer llm is refused unchanged; a missing one is not created by readers", async () => {
  await using dir = await tempUserDir();
  const path = `${dir.path}/newer.db`;
  openEmbeddingsDb(path).close();
  const db = new DatabaseSync(path);
  db.prepare("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)")
    .run("llm.embeddings", "m006_from_the_future", "2030-01-01 00:00:00.000000+00:00");
  db.close();
  const before = await Deno.readFile(path);
  assert.throws(
    () => openEmbeddingsDb(path),
    (e) => e instanceof NewerEmbeddingsSchemaError && /m006/.test(e.message),
  );
  assert.deepEqual(await Deno.readFile(path), before);

  const missing = `${dir.path}/missing.db`;
  assert.throws(() => openEmbeddingsDb(missing, { require: "embeddings" }), NoEmbeddingsTableError);
  assert.equal(await Deno.stat(missing).then(() => true, () => false), false);
  const listed = await run(["collections", "list", "-d", missing]);
  assert.equal(listed.code, 1);
  assert.match(listed.stderr, /^Error: No collections table found in .*missing\.db/);
});
