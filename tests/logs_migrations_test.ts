import assert, { deepEqual, equal, match } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { appliedMigrations, migrate, MIGRATION_NAMES, pendingMigrations } from "../lib/logs/migrations.ts";
import { MESSAGE_TREE_VIEW_SQL } from "../lib/logs/_message_tree_view.ts";

const FIXTURES = new URL("./fixtures/logs/", import.meta.url).pathname;
const PYTHON_DB = new URL("./fixtures/python-llm-0.32/logs.db", import.meta.url).pathname;

type Schema = Map<string, { type: string; sql: string }>;

const normalise = (sql: string): string => sql.replace(/\s+/g, " ").trim();

/** The schema recorded from Python llm 0.32: blocks of `-- <type> <name>\n<sql>;`. */
function fixtureSchema(file: string): Schema {
  const text = Deno.readTextFileSync(join(FIXTURES, file));
  const schema: Schema = new Map();
  for (const block of text.split(/^-- /m).slice(1)) {
    const newline = block.indexOf("\n");
    const [type, name] = block.slice(0, newline).split(" ");
    schema.set(name, { type, sql: normalise(block.slice(newline + 1).trim().replace(/;$/, "")) });
  }
  return schema;
}

function dbSchema(db: DatabaseSync): Schema {
  const rows = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL").all() as Array<
    { type: string; name: string; sql: string }
  >;
  return new Map(rows.map((r) => [r.name, { type: r.type, sql: normalise(r.sql) }]));
}

/** Compares schemas (the message_tree view included: it is Python llm's SQL), then the view's columns. */
function assertSameSchema(db: DatabaseSync, expected: Schema): void {
  const actual = dbSchema(db);
  deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [name, want] of expected) {
    deepEqual(actual.get(name), want, `schema of ${name}`);
  }
  equal(actual.get("message_tree")?.type, "view");
  const columns = (db.prepare("PRAGMA table_info(message_tree)").all() as Array<{ name: string }>).map((c) =>
    c.name
  );
  deepEqual(columns, ["root_hash", "datetime", "message", "tools", "message_hash", "path"]);
}

function dumpTables(db: DatabaseSync): Record<string, unknown[]> {
  const tables = db.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%_fts%' ORDER BY name",
  ).all() as Array<{ name: string }>;
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) out[name] = db.prepare(`SELECT rowid AS _rowid, * FROM "${name}"`).all();
  return out;
}

async function withTempDir(fn: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "llm_migrations_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function copyFixture(src: string, dir: string): Promise<string> {
  const dest = join(dir, "logs.db");
  await Deno.copyFile(src, dest);
  await Deno.chmod(dest, 0o644);
  return dest;
}

Deno.test("migration names and order match Python llm 0.32", () => {
  const recorded = Deno.readTextFileSync(join(FIXTURES, "migrations-0.32.txt")).trim().split("\n");
  equal(recorded.length, 30);
  deepEqual([...MIGRATION_NAMES], recorded);
});

Deno.test("a new database gets the Python llm 0.32 schema and all 30 migrations in order", () => {
  const db = new DatabaseSync(":memory:");
  migrate(db);
  assertSameSchema(db, fixtureSchema("schema-0.32.sql"));
  deepEqual(appliedMigrations(db), [...MIGRATION_NAMES]);
  const stamps = db.prepare("SELECT applied_at FROM _llm_migrations").all() as Array<{ applied_at: string }>;
  for (const { applied_at } of stamps) match(applied_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00$/);
  deepEqual(pendingMigrations(db), []);
  db.close();
});

Deno.test("migrating a current database is a no-op that does not even write", () => {
  const db = new DatabaseSync(":memory:");
  migrate(db);
  const before = dumpTables(db);
  const changes = (db.prepare("SELECT total_changes() AS n").get() as { n: number }).n;
  migrate(db);
  deepEqual(dumpTables(db), before);
  equal((db.prepare("SELECT total_changes() AS n").get() as { n: number }).n, changes);
  db.close();
});

Deno.test("a database written by Python llm 0.32 is left exactly as it is, rows included", async () => {
  await withTempDir(async (dir) => {
    const path = await copyFixture(PYTHON_DB, dir);
    const db = new DatabaseSync(path);
    const schema = dbSchema(db);
    const before = dumpTables(db);
    assert(before.turns.length > 0, "the fixture has turns");
    migrate(db);
    deepEqual(dbSchema(db), schema);
    deepEqual(dumpTables(db), before);
    db.close();
  });
});

Deno.test("an llm 0.2/0.3 database (the ancient log table) is upgraded and its rows kept", async () => {
  await withTempDir(async (dir) => {
    const path = await copyFixture(join(FIXTURES, "logs-llm-0.3.db"), dir);
    const db = new DatabaseSync(path);
    migrate(db);
    assertSameSchema(db, fixtureSchema("logs-llm-0.3-upgraded.sql"));
    const rows = db.prepare(
      "SELECT id, model, prompt, system, response, chat_id, datetime_utc FROM logs ORDER BY id",
    )
      .all();
    deepEqual(rows.map((r) => ({ ...r })), [
      {
        id: 1,
        model: "gpt-3.5-turbo",
        prompt: "Say hi",
        system: null,
        response: "Hi!",
        chat_id: null,
        datetime_utc: "2023-04-02 10:00:00.000001",
      },
      {
        id: 2,
        model: "gpt-4",
        prompt: "Ten names for a pelican",
        system: "Be terse",
        response: "Pete, Pelly",
        chat_id: null,
        datetime_utc: "2023-04-02 10:05:00.000002",
      },
    ]);
    deepEqual(appliedMigrations(db), [...MIGRATION_NAMES]);
    db.close();
  });
});

Deno.test("an llm 0.13-era database is upgraded; legacy responses stay readable and searchable", async () => {
  await withTempDir(async (dir) => {
    const path = await copyFixture(join(FIXTURES, "logs-llm-0.13.db"), dir);
    const db = new DatabaseSync(path);
    const before = db.prepare("SELECT * FROM responses ORDER BY id").all();
    equal(pendingMigrations(db)[0], "m014_schemas");
    migrate(db);
    assertSameSchema(db, fixtureSchema("logs-llm-0.13-upgraded.sql"));
    const after = db.prepare(
      "SELECT * FROM responses ORDER BY id",
    ).all() as Array<Record<string, unknown>>;
    deepEqual(
      after.map(({ schema_id, resolved_model, reasoning, ...rest }) => {
        deepEqual([schema_id, resolved_model, reasoning], [null, null, null]);
        return rest;
      }),
      before.map((r) => ({ ...r })),
    );
    const hits = db.prepare("SELECT rowid FROM responses_fts WHERE responses_fts MATCH 'pouches'").all();
    equal(hits.length, 1, "the FTS index was rebuilt with the old rows");
    db.prepare("INSERT INTO responses (id, prompt, response) VALUES ('new', 'walrus', 'tusks')").run();
    equal(db.prepare("SELECT * FROM responses_fts WHERE responses_fts MATCH 'tusks'").all().length, 1);
    equal((db.prepare("SELECT prompt FROM logs").get() as { prompt: string }).prompt, "Old prompt");
    equal(db.prepare("SELECT * FROM prompt_attachments").all().length, 1);
    db.close();
  });
});

Deno.test("m024/m025 back-fill tool instances like Python llm 0.32 does", async () => {
  await withTempDir(async (dir) => {
    const path = await copyFixture(join(FIXTURES, "logs-dev-m023.db"), dir);
    const db = new DatabaseSync(path);
    migrate(db);
    const expected = JSON.parse(Deno.readTextFileSync(join(FIXTURES, "logs-dev-m023-upgraded.json")));
    for (const table of ["tool_instances", "tool_instantiations", "turn_tools"]) {
      const rows = db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all().map((r) => ({ ...r }));
      deepEqual(rows, expected[table], table);
    }
    db.close();
  });
});

Deno.test("a failing migration rolls back every step of the run", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "logs.db");
    const db = new DatabaseSync(path);
    // An unrelated table named like one m010 creates makes m010 fail after m001-m009 ran.
    db.exec("CREATE TABLE conversations (x)");
    const before = dbSchema(db);
    let failed = false;
    try {
      migrate(db);
    } catch {
      failed = true;
    }
    assert(failed, "migrate should fail");
    deepEqual(dbSchema(db), before);
    equal(db.isTransaction, false);
    db.close();
  });
});

Deno.test("migrate inside the caller's transaction uses a savepoint", () => {
  const db = new DatabaseSync(":memory:");
  db.exec("BEGIN");
  migrate(db);
  assert(db.isTransaction);
  db.exec("ROLLBACK");
  deepEqual(appliedMigrations(db), []);
  db.close();
});

Deno.test("our message_tree view returns what Python llm's view returns", async () => {
  await withTempDir(async (dir) => {
    const path = await copyFixture(PYTHON_DB, dir);
    const db = new DatabaseSync(path);
    // Cases the fixture lacks: a fork, fragment-backed and empty text, tool results, newlines, long text,
    // a message without parts and a message no turn recorded.
    const root = (db.prepare("SELECT hash FROM messages WHERE parent_hash IS NULL ORDER BY rowid").get() as {
      hash: string;
    }).hash;
    db.exec(`
      INSERT INTO fragments (id, hash, content) VALUES (900, 'fh', 'fragment text
with a newline');
      INSERT INTO messages (hash, parent_hash, role) VALUES ('x1', '${root}', 'user'), ('x2', 'x1', 'assistant'),
        ('x3', 'x2', 'tool'), ('x4', '${root}', 'user'), ('x5', NULL, 'user');
      INSERT INTO parts (message_hash, position, type, text) VALUES ('x1', 0, 'text', ''),
        ('x2', 0, 'text', '${"long ".repeat(30)}'), ('x4', 0, 'reasoning', NULL);
      INSERT INTO parts (message_hash, position, type, tool_name, payload) VALUES
        ('x3', 0, 'tool_result', 'search', '{}'), ('x3', 1, 'tool_result', 'fetch', '{}');
      INSERT INTO part_fragments (part_id, fragment_id, "order")
        SELECT id, 900, 0 FROM parts WHERE message_hash = 'x1';
      INSERT INTO turns (id, tip_message_hash, datetime_utc) VALUES ('tx', 'x3', '2030-01-01T00:00:00');
    `);
    const python = db.prepare("SELECT * FROM message_tree").all();
    const ours = db.prepare(MESSAGE_TREE_VIEW_SQL).all();
    assert(python.length >= 14);
    deepEqual(ours, python);
    assert(ours.some((r) => r.message === "    fragment text with a newline"));
    assert(ours.some((r) => r.tools === "search, fetch"));
    db.close();
  });
});

Deno.test("Python llm 0.32 accepts a database we created without migrating it", async (t) => {
  const llm = "/tmp/pyllm/venv/bin/llm";
  try {
    Deno.statSync(llm);
  } catch {
    console.log(`skipped: Python llm 0.32 is not installed at ${llm} (see /tmp/pyllm/USAGE.md)`);
    return;
  }
  await withTempDir(async (dir) => {
    const path = join(dir, "ours.db");
    const db = new DatabaseSync(path);
    migrate(db);
    db.close();
    const read = (): unknown => {
      const d = new DatabaseSync(path, { readOnly: true });
      const rows = d.prepare("SELECT name, applied_at FROM _llm_migrations ORDER BY rowid").all();
      d.close();
      return rows;
    };
    const before = read();
    for (const args of [["logs", "-d", path], ["logs", "-d", path, "--json"]]) {
      await t.step(args.join(" "), async () => {
        const out = await new Deno.Command(llm, {
          args,
          env: { LLM_USER_PATH: dir },
          stdout: "piped",
          stderr: "piped",
        }).output();
        equal(out.code, 0, new TextDecoder().decode(out.stderr));
      });
    }
    equal((before as unknown[]).length, 30);
    deepEqual(read(), before);
  });
});

Deno.test("a new logs.db has Python llm 0.32's schema: every object's SQL byte for byte, message_tree included", async () => {
  await withTempDir(async (dir) => {
    const { openLogsDb } = await import("../lib/logs/db.ts");
    const db = openLogsDb(`${dir}/logs.db`);
    const ours = new Map(
      (db.prepare("SELECT type, name, sql FROM sqlite_master").all() as {
        type: string;
        name: string;
        sql: string;
      }[])
        .map((r) => [r.name, { type: r.type, sql: r.sql }]),
    );
    db.close();
    const fixture = JSON.parse(
      await Deno.readTextFile(new URL("./fixtures/python-llm-0.32/logs-schema.json", import.meta.url)),
    ) as { objects: { type: string; name: string; sql: string | null }[] };
    equal(fixture.objects.length, 70);
    deepEqual([...ours.keys()].sort(), fixture.objects.map((o) => o.name).sort());
    for (const object of fixture.objects) {
      deepEqual(ours.get(object.name), { type: object.type, sql: object.sql }, object.name);
    }
  });
});
