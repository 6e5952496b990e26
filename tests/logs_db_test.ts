import assert, { deepEqual, equal, match, throws } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { logsAreOn, logsDbPath, openLogsDb, sqliteFileKind } from "../lib/logs/db.ts";
import {
  LogsDatabaseError,
  LogsSchemaMismatchError,
  MissingLogsDatabaseError,
  NewerSchemaError,
  NotSQLiteError,
  ReadOnlyDatabaseError,
} from "../lib/logs/errors.ts";
import { migrate, MIGRATION_NAMES } from "../lib/logs/migrations.ts";
import { schemaMisfit } from "../lib/logs/schema_fit.ts";

const PYTHON_DB = new URL("./fixtures/python-llm-0.32/logs.db", import.meta.url).pathname;
const WORKER = new URL("./support/migrate_worker.ts", import.meta.url).pathname;

async function withTempDir(fn: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "llm_logs_db_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function pragma(db: DatabaseSync, name: string): unknown {
  return Object.values(db.prepare(`PRAGMA ${name}`).get() as Record<string, unknown>)[0];
}

function count(db: DatabaseSync, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
}

function listDir(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

async function run(cmd: string, args: string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output()).success;
  } catch {
    return false;
  }
}

function writable(path: string, isDir: boolean): boolean {
  try {
    if (isDir) {
      const probe = join(path, "probe");
      Deno.writeTextFileSync(probe, "x");
      Deno.removeSync(probe);
    } else {
      Deno.openSync(path, { write: true }).close();
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes a file or directory really unwritable: `chattr +i` (which binds root too) or, for other users,
 * `chmod`. Returns the undo function, or undefined (after saying why) when neither works here.
 */
async function makeUnwritable(path: string, isDir: boolean): Promise<(() => Promise<void>) | undefined> {
  if (Deno.uid() !== 0) {
    await Deno.chmod(path, isDir ? 0o555 : 0o444);
    if (!writable(path, isDir)) return () => Deno.chmod(path, isDir ? 0o755 : 0o644);
    await Deno.chmod(path, isDir ? 0o755 : 0o644);
  } else if (await run("chattr", ["+i", path])) {
    if (!writable(path, isDir)) return async () => void await run("chattr", ["-i", path]);
    await run("chattr", ["-i", path]);
  }
  console.log(`skipped: cannot make ${path} read-only here (root without a working chattr +i)`);
  return undefined;
}

Deno.test("a new logs.db is created with its directory, in WAL mode, migrated, foreign keys off", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "nested", "logs.db");
    const db = openLogsDb(path);
    equal(pragma(db, "journal_mode"), "wal");
    equal(pragma(db, "busy_timeout"), 5000);
    equal(pragma(db, "foreign_keys"), 0);
    equal(count(db, "_llm_migrations"), MIGRATION_NAMES.length);
    db.close();
    equal(sqliteFileKind(path), "sqlite");
  });
});

Deno.test("an empty file is treated as a new database", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "logs.db");
    Deno.writeFileSync(path, new Uint8Array());
    equal(sqliteFileKind(path), "empty");
    const db = openLogsDb(path);
    equal(count(db, "_llm_migrations"), 30);
    db.close();
  });
});

Deno.test("a file that is not SQLite is refused and left byte for byte as it was", async () => {
  await withTempDir((dir) => {
    const cases: Array<[string, Uint8Array]> = [
      ["notes.db", new TextEncoder().encode("my precious notes, not a database\n".repeat(50))],
      ["short.db", new TextEncoder().encode("SQLi")],
      ["almost.db", new TextEncoder().encode("SQLite format 2\0" + "x".repeat(100))],
    ];
    for (const [name, bytes] of cases) {
      const path = join(dir, name);
      Deno.writeFileSync(path, bytes);
      for (const opts of [{}, { readonly: true }, { create: false }]) {
        const error = throws(() => openLogsDb(path, opts), NotSQLiteError);
        void error;
      }
      deepEqual(Deno.readFileSync(path), bytes);
    }
    deepEqual(listDir(dir), ["almost.db", "notes.db", "short.db"], "no journal or WAL files were created");
    throws(() => openLogsDb(dir), (e: unknown) => e instanceof NotSQLiteError && e.message.includes(dir));
  });
});

Deno.test("NotSQLiteError names the path and says what to do", () => {
  const error = new NotSQLiteError("/x/logs.db");
  assert(error instanceof LogsDatabaseError);
  equal(error.path, "/x/logs.db");
  match(error.message, /'\/x\/logs\.db' is not an SQLite database/);
  match(error.message, /--database/);
  assert(!error.message.endsWith("."));
});

Deno.test("a missing database is not created when reading or when create is false", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "logs.db");
    throws(() => openLogsDb(path, { readonly: true }), MissingLogsDatabaseError);
    throws(() => openLogsDb(path, { create: false }), MissingLogsDatabaseError);
    deepEqual(listDir(dir), []);
  });
});

Deno.test("a read-only database file: writing fails clearly, reading still works", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "logs.db");
    await Deno.copyFile(PYTHON_DB, path);
    await Deno.chmod(path, 0o644);
    const bytes = Deno.readFileSync(path);
    const undo = await makeUnwritable(path, false);
    if (!undo) return;
    try {
      throws(
        () => openLogsDb(path),
        (e: unknown) =>
          e instanceof ReadOnlyDatabaseError && e.message.includes(path) && /read-only/.test(e.message),
      );
      const db = openLogsDb(path, { readonly: true });
      equal(count(db, "turns"), 4);
      db.close();
    } finally {
      await undo();
    }
    deepEqual(Deno.readFileSync(path), bytes);
  });
});

Deno.test("a read-only directory: creating a new database fails clearly", async () => {
  await withTempDir(async (dir) => {
    const inner = join(dir, "locked");
    Deno.mkdirSync(inner);
    const undo = await makeUnwritable(inner, true);
    if (!undo) return;
    try {
      throws(() => openLogsDb(join(inner, "logs.db")), ReadOnlyDatabaseError);
    } finally {
      await undo();
    }
    deepEqual(listDir(inner), []);
  });
});

Deno.test("a database migrated by a newer llm opens as it is: never migrated, migrate() refuses it", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "logs.db");
    const setup = new DatabaseSync(path);
    migrate(setup);
    setup.exec(
      `INSERT INTO _llm_migrations VALUES ('m099_from_the_future', '2030-01-01 00:00:00.000000+00:00');
       DELETE FROM _llm_migrations WHERE name = 'm027_turns_response_json'`,
    );
    setup.close();
    const applied = (db: DatabaseSync) =>
      (db.prepare("SELECT name FROM _llm_migrations ORDER BY rowid").all() as { name: string }[]).map((r) =>
        r.name
      );
    for (const opts of [{}, { readonly: true }]) {
      const db = openLogsDb(path, opts);
      // The known step it lacks is not run over the newer schema (Python llm 0.32 would run it).
      equal(applied(db).includes("m027_turns_response_json"), false);
      equal(applied(db).at(-1), "m099_from_the_future");
      equal(schemaMisfit(db), undefined);
      db.close();
    }
    const direct = new DatabaseSync(path);
    throws(
      () => migrate(direct),
      (e: unknown) =>
        e instanceof NewerSchemaError && e.unknownMigrations.join() === "m099_from_the_future" &&
        e.message.includes("m099_from_the_future"),
    );
    direct.close();
  });
});

Deno.test("schemaMisfit names a missing table, a missing column and a column that needs a value", () => {
  const fresh = () => {
    const db = new DatabaseSync(":memory:");
    migrate(db);
    return db;
  };
  let db = fresh();
  equal(schemaMisfit(db), undefined);
  db.exec("ALTER TABLE turns DROP COLUMN resolved_model");
  equal(schemaMisfit(db), "its turns table has no 'resolved_model' column");
  db.close();
  db = fresh();
  db.exec("DROP TABLE turn_fragments");
  equal(schemaMisfit(db), "it has no turn_fragments table");
  db.close();
  db = fresh();
  db.exec(`DROP TABLE schemas; CREATE TABLE schemas (id TEXT PRIMARY KEY, content TEXT, kind TEXT NOT NULL)`);
  equal(schemaMisfit(db), "its schemas table needs a value for 'kind', which this version does not write");
  db.exec(
    `DROP TABLE schemas; CREATE TABLE schemas (id TEXT PRIMARY KEY, content TEXT, kind TEXT NOT NULL DEFAULT 'j')`,
  );
  equal(schemaMisfit(db), undefined, "a column with a default fills itself");
  db.close();
});

Deno.test("PromptSession on a newer logs.db turns do not fit: log() throws, or warns once when given warn", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "logs.db");
    const setup = new DatabaseSync(path);
    migrate(setup);
    setup.exec(
      `INSERT INTO _llm_migrations VALUES ('m099_from_the_future', '2030'); ALTER TABLE turns DROP COLUMN model`,
    );
    setup.close();
    const { PromptSession } = await import("../lib/prompting/session.ts");
    const { Model } = await import("../lib/models/model.ts");
    class Hello extends Model {
      constructor() {
        super("hello");
      }
      override async *execute(): AsyncGenerator<string> {
        yield "hi";
      }
    }
    const response = () => new Hello().prompt("hello");
    {
      await using session = new PromptSession({ database: path, log: true });
      const error = session.loggingProblem();
      assert(error instanceof LogsSchemaMismatchError);
      match(error.message, /^Not logged: the logs database '.+' was upgraded by a newer version of llm/);
      equal(error.misfit, "its turns table has no 'model' column");
      await assert.rejects(() => session.log(response()), LogsSchemaMismatchError);
    }
    const warnings: string[] = [];
    await using session = new PromptSession({ database: path, log: true, warn: (m) => warnings.push(m) });
    equal(await session.log(response()), undefined);
    equal(await session.log(response()), undefined);
    equal(warnings.length, 1);
    const { LogStore } = await import("../lib/logs/log_response.ts");
    const store = LogStore.open(path);
    await assert.rejects(() => store.log(response()), LogsSchemaMismatchError);
    store.close();
  });
});

Deno.test("reading opens read-only: the Python fixture is not changed", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "logs.db");
    await Deno.copyFile(PYTHON_DB, path);
    await Deno.chmod(path, 0o644);
    const bytes = Deno.readFileSync(path);
    const db = openLogsDb(path, { readonly: true });
    equal(count(db, "messages"), 9);
    throws(() => db.exec("DELETE FROM messages"));
    db.close();
    deepEqual(Deno.readFileSync(path), bytes);
  });
});

Deno.test("reading an older database upgrades it first", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "logs.db");
    await Deno.copyFile(new URL("./fixtures/logs/logs-llm-0.13.db", import.meta.url).pathname, path);
    await Deno.chmod(path, 0o644);
    const db = openLogsDb(path, { readonly: true });
    equal(count(db, "_llm_migrations"), 30);
    equal(count(db, "responses"), 2);
    db.close();
  });
});

Deno.test("logsDbPath and logsAreOn follow LLM_USER_PATH and the logs-off file", async () => {
  const saved = Deno.env.get("LLM_USER_PATH");
  await withTempDir((dir) => {
    Deno.env.set("LLM_USER_PATH", dir);
    try {
      equal(logsDbPath(), join(dir, "logs.db"));
      equal(logsAreOn(), true);
      Deno.writeTextFileSync(join(dir, "logs-off"), "");
      equal(logsAreOn(), false);
    } finally {
      if (saved === undefined) Deno.env.delete("LLM_USER_PATH");
      else Deno.env.set("LLM_USER_PATH", saved);
    }
  });
});

Deno.test("8 processes migrating the same new database at once all succeed, each migration once", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "logs.db");
    const startAt = String(Date.now() + 1500);
    const workers = Array.from({ length: 8 }, () =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", WORKER, path, startAt],
        stdout: "piped",
        stderr: "piped",
      }).output());
    const results = await Promise.all(workers);
    for (const result of results) {
      const out = new TextDecoder().decode(result.stdout).trim();
      equal(result.code, 0, out + new TextDecoder().decode(result.stderr));
      deepEqual(JSON.parse(out), { ok: true, migrations: 30 });
    }
    const db = new DatabaseSync(path, { readOnly: true });
    const rows = db.prepare("SELECT name, count(*) AS n FROM _llm_migrations GROUP BY name ORDER BY rowid")
      .all() as Array<{ name: string; n: number }>;
    deepEqual(rows.map((r) => r.name), [...MIGRATION_NAMES]);
    assert(rows.every((r) => r.n === 1));
    equal(count(db, "_llm_migrations"), 30);
    db.close();
  });
});
