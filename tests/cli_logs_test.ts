/**
 * End-to-end tests of `llm logs`: the database is filled by our own `llm prompt` against the loopback OpenAI
 * server, then read back with every `llm logs` option. These commands only print, so they run in-process
 * (`main(args, memoryIo())`, which returns the exit code); the Python llm 0.32 fixture comparison replays the
 * sequence the fixture was recorded with.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { startOpenAIServer } from "./support/openai_server.ts";
import { tempUserDir } from "./support/env.ts";

const FIXTURES = new URL("./fixtures/python-llm-0.32/", import.meta.url);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function llm(...args: string[]): Promise<Run> {
  const io = memoryIo();
  const code = await main(args, io, { dotenv: false });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

/** Runs `llm ...args` and returns stdout, failing on a non-zero exit. */
async function out(...args: string[]): Promise<string> {
  const run = await llm(...args);
  assert.equal(run.code, 0, `llm ${args.join(" ")} exited ${run.code}: ${run.stderr}`);
  return run.stdout;
}

/** The `Error: ...` line of a run that must fail with exit 1. */
async function error(...args: string[]): Promise<string> {
  const run = await llm(...args);
  assert.equal(run.code, 1, `llm ${args.join(" ")} should fail, printed ${run.stdout}`);
  assert.match(run.stderr, /^Error: [^\n]+\n$/);
  return run.stderr.trimEnd();
}

/** Replaces ULIDs and datetimes by numbered placeholders, in order of first appearance. */
function normalize(text: string): string {
  const ids = new Map<string, string>();
  return text
    .replace(/\b[0-9a-hjkmnp-tv-z]{26}\b/g, (id) => {
      if (!ids.has(id)) ids.set(id, `<id${ids.size + 1}>`);
      return ids.get(id)!;
    })
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/g, "<datetime>");
}

/** The row ids in the order a Markdown listing shows them. */
function listedIds(markdown: string): string[] {
  return [...markdown.matchAll(/^# \S+ {4}conversation: \S+ id: (\S+)$/gm)].map((m) => m[1]);
}

Deno.test("logs: path, status, on/off and backup", async () => {
  await using server = await startOpenAIServer();
  await using user = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
  const db = join(user.path, "logs.db");
  assert.equal(await out("logs", "path"), db + "\n");
  assert.equal(await out("logs", "status"), `No log database found at ${db}\n`);
  assert.equal(
    await error("logs", "backup", join(user.path, "b.db")),
    `Error: No log database found at ${db}`,
  );

  await out("-m", "4o-mini", "hello");
  await out("-m", "4o-mini", "-c", "again");
  const status = (await out("logs", "status")).split("\n");
  assert.deepEqual(status.slice(0, 4), [
    "Logging is ON for all prompts",
    `Found log database at ${db}`,
    "Number of threads logged:\t1",
    "Number of turns logged:\t\t2",
  ]);
  assert.match(status[4], /^Database file size: \t\t\d+\.\d\dKB$/);
  assert.equal(status.length, 6);

  assert.equal(await out("logs", "off"), "");
  assert.equal(await Deno.readTextFile(join(user.path, "logs-off")), "");
  assert.equal((await out("logs", "status")).split("\n")[0], "Logging is OFF");
  await out("logs", "on");
  await assert.rejects(Deno.stat(join(user.path, "logs-off")), Deno.errors.NotFound);
  assert.equal((await out("logs", "status")).split("\n")[0], "Logging is ON for all prompts");

  const backup = join(user.path, "backup.db");
  assert.match(
    await out("logs", "backup", backup),
    new RegExp(`^Backed up \\d+\\.\\d\\dKB to ${backup}\\n$`),
  );
  const copy = new DatabaseSync(backup, { readOnly: true });
  const original = new DatabaseSync(db, { readOnly: true });
  try {
    const sql = "select id, thread_id, model, response_json from turns order by id";
    assert.equal(copy.prepare("pragma integrity_check").get()!.integrity_check, "ok");
    assert.deepEqual(copy.prepare(sql).all(), original.prepare(sql).all());
    assert.equal(copy.prepare(sql).all().length, 2);
  } finally {
    copy.close();
    original.close();
  }
});

Deno.test("logs: our llm prompt rows print as Python llm 0.32 printed its own (Markdown, -s, -u, --json)", async () => {
  await using server = await startOpenAIServer();
  await using _user = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
  await out("-m", "4o-mini", "hello pelican");
  await out("-m", "4o-mini", "second turn", "-c");
  await out("Five names for a pet skunk", "-s", "Answer tersely", "-o", "temperature", "0.5");
  await out("-m", "4o-mini", "code please", "--no-stream");
  assert.equal(server.requests.length, 4);
  const fixture = (name: string) => Deno.readTextFile(new URL(name, FIXTURES));

  assert.equal(normalize(await out("logs", "-n", "0")), normalize(await fixture("logs-list.md")));
  assert.equal(
    normalize(await out("logs", "-s", "-n", "0")),
    normalize(await fixture("logs-list-short.yaml")),
  );

  // Token counts come from the server; the two Chat Completions rows of the first conversation match exactly.
  // -u adds a Cost line under each token count (lib/pricing, not in Python llm): checked, then left out.
  const withCosts = normalize(await out("logs", "-u", "-n", "0"));
  assert.equal(
    withCosts.match(
      /\n## Token usage\n\n.*\n\nCost: (\$[0-9.]+ \(prices of 2024-10-01\)|unknown \(.*\))\n\n/g,
    )?.length,
    4,
  );
  const usage = withCosts.replace(/\nCost: .*\n\n/g, "\n").split("\n# ");
  const expectedUsage = normalize(await fixture("logs-list-usage.md")).split("\n# ");
  assert.equal(usage.length, 4);
  assert.deepEqual(usage.slice(0, 2), expectedUsage.slice(0, 2));
  assert.match(usage[2], /\n## Token usage\n\n\d+ input, \d+ output(, `\{.*\}`)?\n$/);

  const ours = JSON.parse(await out("logs", "--json", "-n", "0"));
  const theirs = JSON.parse(await fixture("logs-list.json"));
  assert.equal(ours.length, theirs.length);
  for (const [i, row] of ours.entries()) {
    assert.deepEqual(Object.keys(row), Object.keys(theirs[i]), `keys of row ${i}`);
    for (const key of ["model", "prompt", "system", "response", "options_json", "conversation_name"]) {
      assert.deepEqual(row[key], theirs[i][key], `${key} of row ${i}`);
    }
  }
  assert.equal(ours[0].conversation_id, ours[1].conversation_id);
  assert.notEqual(ours[1].conversation_id, ours[2].conversation_id);
});

Deno.test("logs list: count, -m, -q ranking and -l, -c/--cid, -r, -t, -u, --json, -x/--xl, --id-gt/--id-gte", async () => {
  await using server = await startOpenAIServer();
  await using _user = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
  const twoBlocks = "A pelican:\n```py\nprint('first')\n```\nthen\n```py\nprint('second')\n```";
  const long = "word ".repeat(30) + "end";
  server.enqueue(
    { kind: "text", text: "Birds are great" },
    { kind: "text", text: twoBlocks },
    { kind: "text", text: '{"items": [{"name": "a", "response_id": "x"}, {"name": "b"}]}' },
    { kind: "text", text: long },
  );
  await out("-m", "4o-mini", "pelican facts please");
  await out("-c", "and more");
  await out("-m", "4o", "a JSON answer");
  await out("-m", "4o-mini", "the " + "long ".repeat(30) + "prompt");
  const all = await out("logs", "-n", "0");
  const ids = listedIds(all);
  assert.equal(ids.length, 4);
  const [id1, id2, id3, id4] = ids;
  assert.ok(id1 < id2 && id2 < id3 && id3 < id4, "chronological order");

  assert.deepEqual(listedIds(await out("logs")), [id2, id3, id4], "default count is 3");
  assert.deepEqual(listedIds(await out("logs", "list", "-n", "1")), [id4]);
  assert.deepEqual(listedIds(await out("logs", "-m", "4o", "-n", "0")), [id3]);
  assert.deepEqual(listedIds(await out("logs", "-m", "4o-mini", "-n", "0")), [id1, id2, id4]);

  assert.deepEqual(listedIds(await out("logs", "-q", "pelican")), [id1, id2], "the prompt match ranks first");
  assert.deepEqual(listedIds(await out("logs", "-q", "pelican", "-l")), [id2, id1], "-l: newest first");
  assert.match(await error("logs", "-q", '"unbalanced'), /^Error: Invalid search query: .*fts5/);

  const current = await out("logs", "-c");
  assert.deepEqual(listedIds(current), [id4]);
  const conversationId = /conversation: (\S+) id: /.exec(all)![1];
  const conversation = await out("logs", "--cid", conversationId);
  assert.deepEqual(listedIds(conversation), [id1]);
  assert.equal(conversation.match(/^Model: /gm)?.length, 1, "with --cid the Model line is printed once");
  assert.equal(conversation.match(/^## Prompt$/gm)?.length, 2);
  assert.equal(await out("logs", "-r"), long + "\n");
  assert.equal(await out("logs", "-r", "--cid", conversationId), twoBlocks + "\n");

  const truncated = await out("logs", "-t", "-n", "1");
  // 97 characters and "...", as Python llm's truncate_string cuts.
  assert.match(truncated, new RegExp(`\\n## Response\\n\\n${"word ".repeat(19)}wo\\.\\.\\.\\n`));
  assert.match(truncated, /\n## Prompt\n\nthe long long .{83}\.\.\.\n/);
  const truncatedJson = JSON.parse(await out("logs", "-t", "--json", "-n", "1"))[0];
  assert.equal(truncatedJson.response, "word ".repeat(19) + "wo...");
  assert.equal("response_json" in truncatedJson, false, "-t drops the *_json keys");

  assert.match(
    await out("logs", "-u", "-n", "1"),
    /\n## Token usage\n\n\d+ input, 31 output\n\nCost: \$[0-9.]+ \(prices of 2024-10-01\)\n\n$/,
  );
  const json = JSON.parse(await out("logs", "--json"));
  assert.deepEqual(json.map((r: { id: string }) => r.id), [id2, id3, id4]);

  assert.equal(await out("logs", "-x", "-n", "0"), "print('first')\n\n");
  assert.equal(await out("logs", "--xl", "-n", "0"), "print('second')\n\n");

  assert.deepEqual(listedIds(await out("logs", "--id-gt", id2, "-n", "0")), [id3, id4]);
  assert.deepEqual(listedIds(await out("logs", "--id-gte", id2, "-n", "0")), [id2, id3, id4]);
});

Deno.test("logs list: --data, --data-array, --data-key, --data-ids and the errors", async () => {
  await using server = await startOpenAIServer();
  await using user = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
  assert.equal(await error("logs"), `Error: No log database found at ${join(user.path, "logs.db")}`);
  server.enqueue(
    { kind: "text", text: '{"items": [{"name": "a", "response_id": "x"}, {"name": "b"}]}' },
    { kind: "text", text: "not json" },
    { kind: "text", text: '{"n": 1}' },
  );
  await out("-m", "4o-mini", "one");
  await out("-m", "4o-mini", "two");
  await out("-m", "4o-mini", "three");
  const [id1, , id3] = listedIds(await out("logs", "-n", "0"));

  // --data keeps the query's order (newest first) and skips what is not JSON, as Python llm does; the other
  // --data-* flags alone list rows oldest first.
  assert.equal(
    await out("logs", "--data", "-n", "0"),
    '{"n": 1}\n{"items": [{"name": "a", "response_id": "x"}, {"name": "b"}]}\n',
  );
  assert.equal(
    await out("logs", "--data-array", "-n", "0"),
    '[{"items": [{"name": "a", "response_id": "x"}, {"name": "b"}]},\n {"n": 1}]\n',
  );
  assert.equal(
    await out("logs", "--data-key", "items", "-n", "0"),
    '{"name": "a", "response_id": "x"}\n{"name": "b"}\n{"n": 1}\n',
  );
  const withIds = (await out("logs", "--data-key", "items", "--data-ids", "-n", "0")).trimEnd().split("\n")
    .map((line) => JSON.parse(line));
  assert.deepEqual(withIds, [
    { name: "a", response_id: "x", response_id_: id1, conversation_id: id1 },
    { name: "b", response_id: id1, conversation_id: id1 },
    { n: 1, response_id: id3, conversation_id: id3 },
  ]);

  // -x with no fenced block in any row falls back to the Markdown listing, as in Python llm.
  assert.deepEqual(listedIds(await out("logs", "-x", "-n", "1")), [id3]);
  assert.equal(await error("logs", "-s", "--json"), "Error: Cannot use --short and --json together");
  assert.match(
    await error("logs", "-d", join(user.path, "missing.db")),
    /No log database found at .*missing\.db/,
  );
  assert.deepEqual(listedIds(await out("logs", "-d", join(user.path, "logs.db"), "-n", "1")), [id3]);
});
