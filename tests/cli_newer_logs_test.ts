/**
 * A logs.db that a newer llm has migrated (an unknown row in `_llm_migrations`, as a later Python llm leaves
 * behind): prompts still run, turns are logged when they fit the tables, else one warning line says why;
 * `llm logs` reads it; `-n` and `llm logs off` never touch it. The real CLI against the loopback server.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliSetup, execSql, ok, rows } from "./support/cli_setup.ts";

const FUTURE =
  "INSERT INTO _llm_migrations VALUES ('m099_from_the_future', '2030-01-01 00:00:00.000000+00:00')";

function listDir(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("newer logs.db: prompts run and are logged, llm logs reads them, -n and logs off leave the file alone", async () => {
  await using t = await cliSetup();
  const db = join(t.dir, "logs.db");
  ok(await t.llm(["-m", "4o-mini", "before"]));
  // What a newer llm might add: a migration we do not know, a table and a column with a default.
  execSql(
    db,
    `${FUTURE}; CREATE TABLE future_things (id INTEGER PRIMARY KEY, note TEXT);
    ALTER TABLE turns ADD COLUMN future_flag TEXT NOT NULL DEFAULT 'x'`,
  );

  const logged = ok(await t.llm(["-m", "4o-mini", "after"]));
  assert.equal(logged.stdout, "Echo: after\n");
  assert.equal(logged.stderr, "");
  assert.deepEqual(rows(db, "select prompt from turn_search order by id").map((r) => r.prompt), [
    "before",
    "after",
  ]);
  assert.deepEqual(
    rows(db, "select name from _llm_migrations where name like 'm099%'").map((r) => r.name),
    ["m099_from_the_future"],
    "the newer llm's record is kept",
  );
  const listed = ok(await t.llm(["logs", "--short", "-n", "5"]));
  assert.match(listed.stdout, /prompt: before\n[^]*prompt: after\n/);
  assert.match(ok(await t.llm(["logs", "status"])).stdout, /Number of turns logged:\t\t2\n/);

  const bytes = Deno.readFileSync(db);
  const files = listDir(t.dir);
  assert.equal(ok(await t.llm(["-m", "4o-mini", "-n", "unlogged"])).stdout, "Echo: unlogged\n");
  ok(await t.llm(["logs", "off"]));
  assert.equal(ok(await t.llm(["-m", "4o-mini", "off"])).stdout, "Echo: off\n");
  assert.deepEqual(Deno.readFileSync(db), bytes, "-n and logs off do not change logs.db");
  assert.deepEqual(listDir(t.dir), [...files, "logs-off"].sort(), "and make no -wal or -shm file");
});

Deno.test("newer logs.db the turns do not fit: the prompt runs, one warning line says why, llm logs names it", async () => {
  await using t = await cliSetup();
  const db = join(t.dir, "logs.db");
  ok(await t.llm(["-m", "4o-mini", "before"]));
  execSql(db, `${FUTURE}; ALTER TABLE turns DROP COLUMN resolved_model`);

  const run = await t.llm(["-m", "4o-mini", "after"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "Echo: after\n");
  const lines = run.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0], /^Warning: Not logged: /);
  assert.ok(lines[0].includes(db), lines[0]);
  assert.match(lines[0], /m099_from_the_future/);
  assert.match(lines[0], /turns table has no 'resolved_model' column/);
  assert.equal(rows(db, "select count(*) as n from turns")[0].n, 1);
  const json = await t.llm(["-m", "4o-mini", "--json", "as json"]);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(JSON.parse(json.stdout)[0].response, "Echo: as json", "--json still prints the turn");
  assert.match(json.stderr, /^Warning: Not logged: [^\n]+\n$/);

  // llm chat: two answers, one warning.
  const chat = await t.llm(["chat", "-m", "4o-mini"], { stdin: "one\ntwo\n" });
  assert.equal(chat.code, 0, chat.stderr);
  assert.match(chat.stdout, /> Echo: one\n> Echo: two\n/);
  assert.equal(chat.stderr.match(/Warning: Not logged/g)?.length, 1, chat.stderr);

  const read = await t.llm(["logs"]);
  assert.equal(read.code, 1);
  assert.match(read.stderr, /^Error: Could not read the logs database '.+', which a newer version of llm/);
  assert.match(read.stderr, /resolved_model/);
});

Deno.test("newer logs.db that refuses the write itself: not logged, with SQLite's reason, exit 0", async () => {
  await using t = await cliSetup();
  const db = join(t.dir, "logs.db");
  ok(await t.llm(["-m", "4o-mini", "before"]));
  execSql(
    db,
    `${FUTURE}; CREATE TRIGGER no_turns BEFORE INSERT ON turns BEGIN SELECT RAISE(ABORT, 'read only now'); END`,
  );
  const run = await t.llm(["-m", "4o-mini", "after"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "Echo: after\n");
  assert.match(run.stderr, /^Warning: Not logged: .+writing to it failed: read only now\. .+\n$/);
  assert.equal(rows(db, "select count(*) as n from turns")[0].n, 1);
  assert.equal(rows(db, "select count(*) as n from threads")[0].n, 1, "the failed turn left nothing behind");
});
